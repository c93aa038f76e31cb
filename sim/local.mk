### sim/: the engine, the network models, output, Lua bindings, main

libnetsim_a_SOURCES += \
	%reldir%/alloc.c %reldir%/alloc.h \
	%reldir%/error.c %reldir%/error.h \
	%reldir%/time.h \
	%reldir%/units.c %reldir%/units.h \
	%reldir%/event.c %reldir%/event.h %reldir%/event_int.h \
	%reldir%/event_calendar.c %reldir%/event_heap.c \
	%reldir%/pool.c %reldir%/pool.h \
	%reldir%/rng.c %reldir%/rng.h \
	%reldir%/lib.c %reldir%/lib.h \
	%reldir%/fabric.c %reldir%/fabric.h \
	%reldir%/taskgraph.c %reldir%/taskgraph.h \
	%reldir%/sim.c %reldir%/sim.h %reldir%/net.h %reldir%/route.h \
	%reldir%/packet_int.h %reldir%/packet_net.c %reldir%/port.c %reldir%/lb.c %reldir%/host.c \
	%reldir%/transport_ideal.c %reldir%/transport_dctcp.c \
	%reldir%/flow_net.c %reldir%/flow_net.h %reldir%/maxmin.c %reldir%/maxmin.h \
	%reldir%/summary.c %reldir%/summary.h \
	%reldir%/estimate.c %reldir%/estimate.h \
	%reldir%/h5out.c %reldir%/h5out.h \
	%reldir%/lua_util.c %reldir%/lua_util.h \
	%reldir%/sim_lua.c %reldir%/sim_lua.h

bin_PROGRAMS += netsim
netsim_SOURCES = %reldir%/main.c
netsim_LDADD = $(NETSIM_LIBS)
