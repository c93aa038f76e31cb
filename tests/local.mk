### tests/: TAP unit tests, scenario tests

LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = $(LOG_DRIVER)
AM_TESTS_ENVIRONMENT = NETSIM=$(abs_builddir)/netsim; SRCDIR=$(abs_top_srcdir); PYTHON='$(PYTHON)'; \
	export NETSIM SRCDIR PYTHON;

check_PROGRAMS += tests/unit/test_units tests/unit/test_event tests/unit/test_pool \
	tests/unit/test_taskgraph tests/unit/test_fabric tests/unit/test_timing \
	tests/unit/test_maxmin tests/unit/test_flow tests/unit/test_flow_paths
tests_unit_test_units_SOURCES = tests/unit/test_units.c tests/tap.h
tests_unit_test_units_LDADD = $(NETSIM_LIBS)
tests_unit_test_event_SOURCES = tests/unit/test_event.c tests/tap.h
tests_unit_test_event_LDADD = $(NETSIM_LIBS)
tests_unit_test_pool_SOURCES = tests/unit/test_pool.c tests/tap.h
tests_unit_test_pool_LDADD = $(NETSIM_LIBS)
tests_unit_test_taskgraph_SOURCES = tests/unit/test_taskgraph.c tests/tap.h
tests_unit_test_taskgraph_LDADD = $(NETSIM_LIBS)
tests_unit_test_fabric_SOURCES = tests/unit/test_fabric.c tests/tap.h
tests_unit_test_fabric_LDADD = $(NETSIM_LIBS)
tests_unit_test_timing_SOURCES = tests/unit/test_timing.c tests/tap.h
tests_unit_test_timing_LDADD = $(NETSIM_LIBS)
tests_unit_test_maxmin_SOURCES = tests/unit/test_maxmin.c tests/tap.h
tests_unit_test_maxmin_LDADD = $(NETSIM_LIBS)
tests_unit_test_flow_SOURCES = tests/unit/test_flow.c tests/tap.h
tests_unit_test_flow_LDADD = $(NETSIM_LIBS)
tests_unit_test_flow_paths_SOURCES = tests/unit/test_flow_paths.c tests/tap.h
tests_unit_test_flow_paths_LDADD = $(NETSIM_LIBS)

TESTS += $(check_PROGRAMS) \
	tests/cli.sh tests/scenarios.sh tests/bad_input.sh tests/determinism.sh tests/flow_model.sh

EXTRA_DIST += tests/cli.sh tests/scenarios.sh tests/bad_input.sh tests/determinism.sh tests/flow_model.sh \
	tests/lib.sh tests/lua tests/data
