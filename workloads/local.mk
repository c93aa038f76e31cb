### workloads/: task-graph builders

libnetsim_a_SOURCES += \
	%reldir%/wl_lua.c %reldir%/wl_lua.h \
	%reldir%/wl_methods.c %reldir%/wl_build.h \
	%reldir%/collectives.c %reldir%/collectives.h %reldir%/collectives_lua.c \
	%reldir%/diloco.c %reldir%/diloco.h %reldir%/diloco_lua.c
