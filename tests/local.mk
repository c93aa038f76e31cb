### tests/: TAP unit tests, scenario tests
## One block per test: `check_PROGRAMS +=` or `TESTS +=` with what it needs.

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
TEST_NETSIM = $(abs_builddir)/netsim$(EXEEXT)
AM_TESTS_ENVIRONMENT = NETSIM=$(TEST_NETSIM); SRCDIR=$(abs_top_srcdir); PYTHON='$(PYTHON)'; CC='$(CC)'; \
	export NETSIM SRCDIR PYTHON CC;
EXTRA_DIST += tests/lib.sh tests/checks.py tests/lua tests/data

check_PROGRAMS += tests/unit/test_units
tests_unit_test_units_SOURCES = tests/unit/test_units.c tests/tap.h
tests_unit_test_units_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_event
tests_unit_test_event_SOURCES = tests/unit/test_event.c tests/tap.h
tests_unit_test_event_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_alloc
tests_unit_test_alloc_SOURCES = tests/unit/test_alloc.c tests/tap.h
tests_unit_test_alloc_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_pool
tests_unit_test_pool_SOURCES = tests/unit/test_pool.c tests/tap.h
tests_unit_test_pool_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_taskgraph
tests_unit_test_taskgraph_SOURCES = tests/unit/test_taskgraph.c tests/tap.h
tests_unit_test_taskgraph_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_op_runs
tests_unit_test_op_runs_SOURCES = tests/unit/test_op_runs.c tests/tap.h
tests_unit_test_op_runs_LDADD = $(NETSIM_LIBS)
check_PROGRAMS += tests/unit/test_wl_seal
tests_unit_test_wl_seal_SOURCES = tests/unit/test_wl_seal.c tests/tap.h
tests_unit_test_wl_seal_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_fabric
tests_unit_test_fabric_SOURCES = tests/unit/test_fabric.c tests/tap.h
tests_unit_test_fabric_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_summary
tests_unit_test_summary_SOURCES = tests/unit/test_summary.c tests/tap.h
tests_unit_test_summary_LDADD = $(NETSIM_LIBS)
check_PROGRAMS += tests/unit/test_zchunks
tests_unit_test_zchunks_SOURCES = tests/unit/test_zchunks.c tests/tap.h
tests_unit_test_zchunks_LDADD = $(NETSIM_LIBS)
check_PROGRAMS += tests/unit/test_results
tests_unit_test_results_SOURCES = tests/unit/test_results.c tests/tap.h
tests_unit_test_results_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_timing
tests_unit_test_timing_SOURCES = tests/unit/test_timing.c tests/tap.h
tests_unit_test_timing_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_port
tests_unit_test_port_SOURCES = tests/unit/test_port.c tests/tap.h
tests_unit_test_port_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_dcqcn
tests_unit_test_dcqcn_SOURCES = tests/unit/test_dcqcn.c tests/tap.h
tests_unit_test_dcqcn_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_topologies
tests_unit_test_topologies_SOURCES = tests/unit/test_topologies.c tests/tap.h
tests_unit_test_topologies_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_collectives
tests_unit_test_collectives_SOURCES = tests/unit/test_collectives.c tests/tap.h
tests_unit_test_collectives_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_diloco
tests_unit_test_diloco_SOURCES = tests/unit/test_diloco.c tests/tap.h
tests_unit_test_diloco_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_eta
tests_unit_test_eta_SOURCES = tests/unit/test_eta.c tests/tap.h
tests_unit_test_eta_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_maxmin
tests_unit_test_maxmin_SOURCES = tests/unit/test_maxmin.c tests/tap.h
tests_unit_test_maxmin_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_flow
tests_unit_test_flow_SOURCES = tests/unit/test_flow.c tests/tap.h
tests_unit_test_flow_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_flow_paths
tests_unit_test_flow_paths_SOURCES = tests/unit/test_flow_paths.c tests/tap.h
tests_unit_test_flow_paths_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_flow_events
tests_unit_test_flow_events_SOURCES = tests/unit/test_flow_events.c tests/tap.h
tests_unit_test_flow_events_LDADD = $(NETSIM_LIBS)

TESTS += $(check_PROGRAMS)

TESTS += tests/cli.sh
TESTS += tests/installed_scripts.sh
EXTRA_DIST += tests/cli.sh tests/installed_scripts.sh

TESTS += tests/scenarios.sh
EXTRA_DIST += tests/scenarios.sh

TESTS += tests/bad_input.sh
EXTRA_DIST += tests/bad_input.sh

TESTS += tests/determinism.sh
EXTRA_DIST += tests/determinism.sh

TESTS += tests/bad_input_topo.sh
EXTRA_DIST += tests/bad_input_topo.sh

TESTS += tests/bad_input_faults.sh
EXTRA_DIST += tests/bad_input_faults.sh

TESTS += tests/lb.sh
EXTRA_DIST += tests/lb.sh tests/lb_check.py

# lb = "ethereal": Ethereal's theorem (busiest uplink n f / s), the pieces, batches, both models
TESTS += tests/ethereal.sh
EXTRA_DIST += tests/ethereal.sh
TESTS += tests/servers.sh
EXTRA_DIST += tests/servers.sh
TESTS += tests/hierarchical.sh
EXTRA_DIST += tests/hierarchical.sh
TESTS += tests/moe_two_stage.sh
EXTRA_DIST += tests/moe_two_stage.sh
TESTS += tests/failures.sh
EXTRA_DIST += tests/failures.sh
TESTS += tests/reps.sh
EXTRA_DIST += tests/reps.sh
TESTS += tests/trimming.sh
EXTRA_DIST += tests/trimming.sh
TESTS += tests/spray_oblivious.sh
EXTRA_DIST += tests/spray_oblivious.sh
TESTS += tests/uec.sh
EXTRA_DIST += tests/uec.sh
TESTS += tests/ack_every.sh
EXTRA_DIST += tests/ack_every.sh tests/data/ack_every.lua
TESTS += tests/nic_ctl.sh
EXTRA_DIST += tests/nic_ctl.sh tests/data/nic_ctl.lua

TESTS += tests/prefetch_kept.sh
EXTRA_DIST += tests/prefetch_kept.sh

TESTS += tests/bad_input_workloads.sh
EXTRA_DIST += tests/bad_input_workloads.sh

TESTS += tests/collectives_h5.sh
EXTRA_DIST += tests/collectives_h5.sh

TESTS += tests/diloco_h5.sh
EXTRA_DIST += tests/diloco_h5.sh

TESTS += tests/traffic.sh
EXTRA_DIST += tests/traffic.sh

# the dcqcn transport: fair share, plain RoCE, go-back-N and selective repeat, bad settings
TESTS += tests/dcqcn.sh
EXTRA_DIST += tests/dcqcn.sh
# dcqcn against models: the fluid model's fixed point, one loss resent by hand
TESTS += tests/dcqcn_model.sh
EXTRA_DIST += tests/dcqcn_model.sh

TESTS += tests/moe_h5.sh
EXTRA_DIST += tests/moe_h5.sh

TESTS += tests/bad_input_moe.sh
EXTRA_DIST += tests/bad_input_moe.sh

TESTS += tests/chakra.sh
EXTRA_DIST += tests/chakra.sh tests/chakra_check.py tests/chakra_make.py

TESTS += tests/flow_model.sh
EXTRA_DIST += tests/flow_model.sh
TESTS += tests/flow_solver_summary.sh
EXTRA_DIST += tests/flow_solver_summary.sh

# analysis: the HDF5 schema and time series, the Python module, plots, notebook, sweeps
TESTS += tests/lua_quantities.sh
EXTRA_DIST += tests/lua_quantities.sh
TESTS += tests/h5_chunks.sh
EXTRA_DIST += tests/h5_chunks.sh
TESTS += tests/hdf5_schema.sh tests/timeseries.sh tests/netsim_h5.sh tests/plots.sh \
	tests/notebook.sh tests/sweep.sh
EXTRA_DIST += tests/hdf5_schema.sh tests/hdf5_schema.py tests/timeseries.sh tests/netsim_h5.sh \
	tests/plots.sh tests/notebook.sh tests/sweep.sh

# the layers of DESIGN.md in the include graph: sim/ names no builder, no cycles
TESTS += tests/layers.sh
EXTRA_DIST += tests/layers.sh tests/layers.py

# the runner of the Python checks cannot pass on nothing
TESTS += tests/checks_selftest.sh
EXTRA_DIST += tests/checks_selftest.sh

# Ctrl-C while a C builder works is honoured at once
TESTS += tests/interrupt_build.sh
EXTRA_DIST += tests/interrupt_build.sh

# a full disk: a clear error, the old file intact, no crash at HDF5's end (root)
TESTS += tests/diskfull.sh
EXTRA_DIST += tests/diskfull.sh

# no flow completion times when no transfer finished
TESTS += tests/pfc.sh tests/switch_defaults.sh tests/summary_names.sh tests/summary_colls.sh
TESTS += tests/jobs.sh tests/training.sh
EXTRA_DIST += tests/jobs.sh tests/training.sh
EXTRA_DIST += tests/pfc.sh tests/switch_defaults.sh tests/summary_names.sh tests/summary_colls.sh

TESTS += tests/fct_none.sh
EXTRA_DIST += tests/fct_none.sh
TESTS += tests/workload_reuse.sh
EXTRA_DIST += tests/workload_reuse.sh

# the run's header when it starts
TESTS += tests/header.sh
EXTRA_DIST += tests/header.sh

# settings of a transport or policy not in use: a warning
TESTS += tests/warnings.sh
EXTRA_DIST += tests/warnings.sh

# strict globals: reading an undefined one is an error with file:line
TESTS += tests/strict.sh
EXTRA_DIST += tests/strict.sh

# netsim-plot's figures as a reviewer reads them (labels from the PNGs)
TESTS += tests/plots_review.sh
EXTRA_DIST += tests/plots_review.sh

# netsim-trace: the Perfetto trace, read back
TESTS += tests/trace.sh
EXTRA_DIST += tests/trace.sh

# netsim_h5.py: schema versions and incomplete runs
TESTS += tests/netsim_h5_version.sh
EXTRA_DIST += tests/netsim_h5_version.sh

# netsim-sweep against hostile folder names, concurrent sweeps and kill -9
TESTS += tests/sweep_safety.sh
EXTRA_DIST += tests/sweep_safety.sh tests/data/fake_netsim.sh

TESTS += tests/flow_vs_packet.sh
EXTRA_DIST += tests/flow_vs_packet.sh

# results/streaming-diloco and results/moe-alltoall on their tiny grids
TESTS += tests/results2_quick.sh
EXTRA_DIST += tests/results2_quick.sh \
	results/streaming-diloco/README.md results/streaming-diloco/scenario.lua \
	results/streaming-diloco/run.sh results/streaming-diloco/analyze.py \
	results/streaming-diloco/tables.md results/streaming-diloco/utilisation.png \
	results/streaming-diloco/bandwidth_needed.png results/streaming-diloco/latency.png \
	results/moe-alltoall/README.md results/moe-alltoall/scenario.lua \
	results/moe-alltoall/run.sh results/moe-alltoall/analyze.py \
	results/moe-alltoall/tables.md results/moe-alltoall/alltoall_vs_skew.png \
	results/moe-alltoall/capacity.png results/moe-alltoall/packet_vs_flow.png results/grid.sh \
	results/moe-alltoall/rails.lua results/moe-alltoall/rails.sh results/moe-alltoall/rails.py \
	results/moe-alltoall/rails.md \
	results/ethereal/README.md results/ethereal/scenario.lua results/ethereal/run.sh \
	results/ethereal/analyze.py results/ethereal/tables.md results/ethereal/.gitignore \
	results/multi-tenant/README.md results/multi-tenant/scenario.lua results/multi-tenant/run.sh \
	results/multi-tenant/analyze.py results/multi-tenant/tables.md results/multi-tenant/slowdown.png

# results/spraying-vs-splitting: run.sh --tiny and analyze.py end to end
TESTS += tests/results_quick.sh
EXTRA_DIST += tests/results_quick.sh results/spraying-vs-splitting/.gitignore \
	results/spraying-vs-splitting/README.md results/spraying-vs-splitting/scenario.lua \
	results/spraying-vs-splitting/run.sh results/spraying-vs-splitting/analyze.py \
	results/spraying-vs-splitting/figures

# hardening: allocation failures, interrupted runs, absurd sizes, determinism digests
TESTS += tests/fault.sh tests/interrupt.sh tests/limits.sh tests/digests.sh
EXTRA_DIST += tests/fault.sh tests/interrupt.sh tests/limits.sh tests/digests.sh tests/valgrind.sh

# estimates before allocations: output share, builders, sample, multiplying builders, GraphML
TESTS += tests/estimates.sh
EXTRA_DIST += tests/estimates.sh

check_PROGRAMS += tests/unit/test_limits
tests_unit_test_limits_SOURCES = tests/unit/test_limits.c tests/tap.h
tests_unit_test_limits_LDADD = $(NETSIM_LIBS)

# make check-fault: tests/fault.sh with every N (make check takes every 37th)
# and the unit tests' allocation-failure sweeps. They need a build configured
# with --enable-fault-injection (off by default, so that release builds carry
# no injection); when this one is not, check-fault configures and builds such
# a copy in fault-build/ (from `make distdir`, with this build's configure
# options) and runs them there.
FAULT_TESTS = tests/fault.sh tests/unit/test_pool tests/unit/test_topologies \
	tests/unit/test_collectives tests/unit/test_diloco tests/unit/test_op_runs \
	tests/unit/test_wl_seal tests/unit/test_maxmin
check-fault:
	@if test "$(FAULT_INJECTION)" = yes; then \
	    echo "FAULT_STRIDE=1 FAULT_REQUIRED=1 $(MAKE) check TESTS='$(FAULT_TESTS)'"; \
	    FAULT_STRIDE=1 FAULT_REQUIRED=1 $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(FAULT_TESTS)'; \
	else \
	    echo "check-fault: this build has no fault injection (configure --enable-fault-injection);"; \
	    echo "check-fault: building a copy with it in fault-build/"; \
	    rm -rf fault-build && mkdir fault-build && \
	    $(MAKE) $(AM_MAKEFLAGS) distdir distdir=fault-build/src && \
	    opts=`./config.status --config` && cd fault-build && \
	    eval "./src/configure $$opts -q --enable-fault-injection" && \
	    $(MAKE) $(AM_MAKEFLAGS) && $(MAKE) $(AM_MAKEFLAGS) check-fault; \
	fi
clean-local: clean-fault-build
clean-fault-build:
	-rm -rf fault-build
# make update-digests: store the digests of tests/digests.sh anew (after a
# change that alters the numbers on purpose)
update-digests: netsim$(EXEEXT)
	NETSIM=$(abs_builddir)/netsim$(EXEEXT) SRCDIR=$(abs_top_srcdir) $(SHELL) $(srcdir)/tests/digests.sh --update
.PHONY: check-fault clean-fault-build update-digests

# make check-valgrind: a sample of the tests under valgrind memcheck, which
# must find no error and no leak (tests/valgrind.sh): every C unit test and
# fuzz replay, and the shell tests below, whose netsim runs under valgrind
VALGRIND_SH_TESTS = tests/cli.sh tests/bad_input.sh tests/bad_input_topo.sh tests/limits.sh \
	tests/interrupt.sh tests/digests.sh tests/scenarios.sh
tests/valgrind-netsim: Makefile
	$(AM_V_GEN)printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(abs_top_srcdir)/tests/valgrind.sh' \
	    '$(abs_builddir)/netsim$(EXEEXT)' >$@ && chmod +x $@
CLEANFILES += tests/valgrind-netsim
check-valgrind: tests/valgrind-netsim
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(check_PROGRAMS) $(VALGRIND_SH_TESTS)" \
	    LOG_COMPILER=$(abs_top_srcdir)/tests/valgrind.sh TEST_NETSIM=$(abs_builddir)/tests/valgrind-netsim
.PHONY: check-valgrind

# issue 13: objects collected during a run, files netsim must never touch,
# --json, getopt's words, exact limits, --sandbox
TESTS += tests/reliability_lua.sh tests/reliability_output.sh tests/reliability_cli.sh
EXTRA_DIST += tests/reliability_lua.sh tests/reliability_output.sh tests/reliability_cli.sh

include tests/fuzz/local.mk

TESTS += tests/connections.sh
EXTRA_DIST += tests/connections.sh
