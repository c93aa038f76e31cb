### topologies/: fabric builders and forwarding

libnetsim_a_SOURCES += \
	%reldir%/topo.h \
	%reldir%/leafspine.c \
	%reldir%/fattree.c \
	%reldir%/graph.c \
	%reldir%/star.c \
	%reldir%/servers.c \
	%reldir%/allocate.c %reldir%/allocate.h \
	%reldir%/topo_lua.c
