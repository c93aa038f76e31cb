### bench/: benchmarks (run by hand: bench/run.sh), shipped but not tests

EXTRA_DIST += %reldir%/run.sh %reldir%/star64.lua

noinst_PROGRAMS = %reldir%/flowbench
%canon_reldir%_flowbench_SOURCES = %reldir%/flowbench.c
%canon_reldir%_flowbench_LDADD = $(NETSIM_LIBS)
