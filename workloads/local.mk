### workloads/: task-graph builders

libnetsim_a_SOURCES += \
	%reldir%/wl_lua.c %reldir%/wl_lua.h \
	%reldir%/wl_methods.c
