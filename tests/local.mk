### tests/: TAP unit tests, scenario tests
## One block per test: `check_PROGRAMS +=` or `TESTS +=` with what it needs.

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
TEST_NETSIM = $(abs_builddir)/netsim$(EXEEXT)
AM_TESTS_ENVIRONMENT = NETSIM=$(TEST_NETSIM); SRCDIR=$(abs_top_srcdir); PYTHON='$(PYTHON)'; \
	export NETSIM SRCDIR PYTHON;
EXTRA_DIST += tests/lib.sh tests/lua tests/data

check_PROGRAMS += tests/unit/test_units
tests_unit_test_units_SOURCES = tests/unit/test_units.c tests/tap.h
tests_unit_test_units_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_event
tests_unit_test_event_SOURCES = tests/unit/test_event.c tests/tap.h
tests_unit_test_event_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_pool
tests_unit_test_pool_SOURCES = tests/unit/test_pool.c tests/tap.h
tests_unit_test_pool_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_taskgraph
tests_unit_test_taskgraph_SOURCES = tests/unit/test_taskgraph.c tests/tap.h
tests_unit_test_taskgraph_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_fabric
tests_unit_test_fabric_SOURCES = tests/unit/test_fabric.c tests/tap.h
tests_unit_test_fabric_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_timing
tests_unit_test_timing_SOURCES = tests/unit/test_timing.c tests/tap.h
tests_unit_test_timing_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_port
tests_unit_test_port_SOURCES = tests/unit/test_port.c tests/tap.h
tests_unit_test_port_LDADD = $(NETSIM_LIBS)

check_PROGRAMS += tests/unit/test_topologies
tests_unit_test_topologies_SOURCES = tests/unit/test_topologies.c tests/tap.h
tests_unit_test_topologies_LDADD = $(NETSIM_LIBS)

TESTS += $(check_PROGRAMS)

TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh

TESTS += tests/scenarios.sh
EXTRA_DIST += tests/scenarios.sh

TESTS += tests/bad_input.sh
EXTRA_DIST += tests/bad_input.sh

TESTS += tests/determinism.sh
EXTRA_DIST += tests/determinism.sh

TESTS += tests/bad_input_topo.sh

TESTS += tests/lb.sh
EXTRA_DIST += tests/lb.sh tests/lb_check.py
EXTRA_DIST += tests/bad_input_topo.sh

# analysis: the HDF5 schema and time series, the Python module, plots, notebook, sweeps
TESTS += tests/hdf5_schema.sh tests/timeseries.sh tests/netsim_h5.sh tests/plots.sh \
	tests/notebook.sh tests/sweep.sh
EXTRA_DIST += tests/hdf5_schema.sh tests/hdf5_schema.py tests/timeseries.sh tests/netsim_h5.sh \
	tests/plots.sh tests/notebook.sh tests/sweep.sh


# hardening: allocation failures, interrupted runs, absurd sizes, determinism digests
TESTS += tests/fault.sh tests/interrupt.sh tests/limits.sh tests/digests.sh
EXTRA_DIST += tests/fault.sh tests/interrupt.sh tests/limits.sh tests/digests.sh tests/valgrind.sh

check_PROGRAMS += tests/unit/test_limits
tests_unit_test_limits_SOURCES = tests/unit/test_limits.c tests/tap.h
tests_unit_test_limits_LDADD = $(NETSIM_LIBS)

# make check-fault: tests/fault.sh with every N (make check takes every 37th)
check-fault:
	FAULT_STRIDE=1 $(MAKE) $(AM_MAKEFLAGS) check TESTS=tests/fault.sh
# make update-digests: store the digests of tests/digests.sh anew (after a
# change that alters the numbers on purpose)
update-digests: netsim$(EXEEXT)
	NETSIM=$(abs_builddir)/netsim$(EXEEXT) SRCDIR=$(abs_top_srcdir) $(SHELL) $(srcdir)/tests/digests.sh --update
.PHONY: check-fault update-digests

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

include tests/fuzz/local.mk
