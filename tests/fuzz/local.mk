### tests/fuzz/: fuzz targets (tests/fuzz/README)
## Each target is fuzz_NAME.c + fuzz_util.c + driver.c. In every build,
## `make check` runs it as a TAP test over its regression inputs and seeds;
## with ./configure CC=clang --enable-fuzzing, libFuzzer drives it
## (`make fuzz`, and a short run in `make check`).
## A new target: fuzz_NAME.c, its block below, a line in FUZZ_TARGETS,
## tests/fuzz/seeds/NAME/ and tests/fuzz/regress/NAME/.

FUZZ_TARGETS = units graphml replay cdf scenario chakra failures
FUZZ_COMMON = %reldir%/fuzz.h %reldir%/fuzz_util.c %reldir%/driver.c
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -DNS_FUZZ_SRCDIR='"$(abs_top_srcdir)"'

check_PROGRAMS += %reldir%/fuzz_units
%canon_reldir%_fuzz_units_SOURCES = %reldir%/fuzz_units.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_units_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"units"' -DNS_FUZZ_SUFFIX='""' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/units tests/fuzz/seeds/units"'
%canon_reldir%_fuzz_units_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_graphml
%canon_reldir%_fuzz_graphml_SOURCES = %reldir%/fuzz_graphml.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_graphml_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"graphml"' -DNS_FUZZ_SUFFIX='".graphml"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/graphml tests/fuzz/seeds/graphml tests/data"'
%canon_reldir%_fuzz_graphml_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_replay
%canon_reldir%_fuzz_replay_SOURCES = %reldir%/fuzz_replay.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_replay_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"replay"' -DNS_FUZZ_SUFFIX='".csv"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/replay tests/fuzz/seeds/replay"'
%canon_reldir%_fuzz_replay_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_cdf
%canon_reldir%_fuzz_cdf_SOURCES = %reldir%/fuzz_cdf.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_cdf_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"cdf"' -DNS_FUZZ_SUFFIX='".cdf"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/cdf tests/fuzz/seeds/cdf workloads/data tests/data"'
%canon_reldir%_fuzz_cdf_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_scenario
%canon_reldir%_fuzz_scenario_SOURCES = %reldir%/fuzz_scenario.c %reldir%/fuzz_lua.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_scenario_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"scenario"' -DNS_FUZZ_SUFFIX='".lua"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/scenario tests/fuzz/seeds/scenario scripts/examples tests/lua tests/data bench"'
%canon_reldir%_fuzz_scenario_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_chakra
%canon_reldir%_fuzz_chakra_SOURCES = %reldir%/fuzz_chakra.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_chakra_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"chakra"' -DNS_FUZZ_SUFFIX='".et"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/chakra tests/fuzz/seeds/chakra tests/data/chakra/bad"'
%canon_reldir%_fuzz_chakra_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

check_PROGRAMS += %reldir%/fuzz_failures
%canon_reldir%_fuzz_failures_SOURCES = %reldir%/fuzz_failures.c %reldir%/fuzz_lua.c $(FUZZ_COMMON)
%canon_reldir%_fuzz_failures_CPPFLAGS = $(FUZZ_CPPFLAGS) -DNS_FUZZ_NAME='"failures"' -DNS_FUZZ_SUFFIX='".lua"' \
	-DNS_FUZZ_DIRS='"tests/fuzz/regress/failures tests/fuzz/seeds/failures"'
%canon_reldir%_fuzz_failures_LDADD = $(NETSIM_LIBS) $(FUZZ_LIBS)

EXTRA_DIST += %reldir%/README %reldir%/run.sh %reldir%/seeds %reldir%/regress \
	%reldir%/units.dict %reldir%/graphml.dict %reldir%/scenario.dict \
	%reldir%/replay.dict %reldir%/cdf.dict %reldir%/failures.dict

# make fuzz [FUZZ_TARGETS="units ..."] [FUZZ_SECONDS=N]: fuzz each target for
# N seconds (one after the other, one process each); the corpus grows in
# fuzz-corpus/NAME, crashing inputs land in fuzz-findings/NAME
FUZZ_SECONDS = 60
fuzz: $(check_PROGRAMS)
	@for t in $(FUZZ_TARGETS); do \
	    $(SHELL) $(srcdir)/%reldir%/run.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done
.PHONY: fuzz

if FUZZING
# a short run of each target ($FUZZ_SMOKE_SECONDS, default 5, each) in make check
TESTS += %reldir%/smoke.sh
endif
EXTRA_DIST += %reldir%/smoke.sh
