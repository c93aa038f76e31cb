### sim/: the engine core (time, units, errors, allocator, RNG streams, event
### queues, fabric and task-graph specs, routing, the driver, the model seam)
### and its layers: packet/ and flow/ models, output/, lua/ bindings; main

libnetsim_a_SOURCES += \
	%reldir%/alloc.c %reldir%/alloc.h \
	%reldir%/error.c %reldir%/error.h \
	%reldir%/time.h \
	%reldir%/id.h \
	%reldir%/units.c %reldir%/units.h \
	%reldir%/fileset.c %reldir%/fileset.h \
	%reldir%/event.c %reldir%/event.h %reldir%/event_int.h \
	%reldir%/event_calendar.c %reldir%/event_heap.c \
	%reldir%/pool.c %reldir%/pool.h \
	%reldir%/rng.c %reldir%/rng.h \
	%reldir%/lib.c %reldir%/lib.h \
	%reldir%/fabric.c %reldir%/fabric.h %reldir%/switch_defaults.c \
	%reldir%/routing.c %reldir%/route.h %reldir%/plan.h %reldir%/prefetch.h \
	%reldir%/taskgraph.c %reldir%/taskgraph.h %reldir%/op_runs.c %reldir%/op_runs.h \
	%reldir%/jobs.c %reldir%/jobs.h \
	%reldir%/results.c %reldir%/results.h \
	%reldir%/sim.c %reldir%/sim.h %reldir%/net.h %reldir%/settings.h %reldir%/eta.c %reldir%/eta.h \
	%reldir%/budget.c %reldir%/budget.h %reldir%/estimate.c %reldir%/estimate.h %reldir%/ranges.c

# the packet model: hosts, ports, load balancing, one file per transport
# (a row of transports.c each)
libnetsim_a_SOURCES += \
	%reldir%/packet/packet_int.h %reldir%/packet/packet_net.c \
	%reldir%/packet/port.c %reldir%/packet/pfc.c %reldir%/packet/lb.c %reldir%/packet/host.c \
	%reldir%/packet/failure.c %reldir%/packet/reps.c %reldir%/packet/nscc.c %reldir%/packet/nscc.h \
	%reldir%/packet/transports.c %reldir%/packet/conn.c %reldir%/packet/ring.c \
	%reldir%/packet/transport_ideal.c \
	%reldir%/packet/transport_dctcp.c \
	%reldir%/packet/transport_dcqcn.c \
	%reldir%/packet/dcqcn_rate.h

# the flow model: max-min fair rates
libnetsim_a_SOURCES += \
	%reldir%/flow/flow_net.c %reldir%/flow/flow_net.h \
	%reldir%/flow/maxmin.c %reldir%/flow/maxmin.h \
	%reldir%/flow/flow_events.c %reldir%/flow/flow_events.h

# output: the HDF5 writer and the end-of-run summary
libnetsim_a_SOURCES += \
	%reldir%/output/summary.c %reldir%/output/summary.h %reldir%/output/job_stats.c \
	%reldir%/output/h5mem.c %reldir%/output/h5mem.h \
	%reldir%/output/h5out.c %reldir%/output/h5out.h \
	%reldir%/output/zchunks.c %reldir%/output/zchunks.h

# the Lua bindings
libnetsim_a_SOURCES += \
	%reldir%/lua/lua_util.c %reldir%/lua/lua_util.h \
	%reldir%/lua/linit.c %reldir%/lua/netsimlib.h \
	%reldir%/lua/param.c %reldir%/lua/param.h \
	%reldir%/lua/textload.c %reldir%/lua/sandbox.c %reldir%/lua/strict.c \
	%reldir%/lua/sim_lua.c %reldir%/lua/sim_lua.h

bin_PROGRAMS += netsim
netsim_SOURCES = %reldir%/main.c
netsim_LDADD = $(NETSIM_LIBS)
