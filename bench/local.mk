### bench/: benchmarks (run by hand: bench/run.sh), shipped but not tests

EXTRA_DIST += %reldir%/run.sh %reldir%/scaling.sh %reldir%/moe_skew.lua %reldir%/star64.lua %reldir%/permutation.lua %reldir%/cm_permutation.lua %reldir%/roce_fattree.lua \
	%reldir%/flow.sh %reldir%/flow_perm.lua %reldir%/flow_a2a.lua %reldir%/flow_results.md %reldir%/results-architecture.md %reldir%/results-roce.md %reldir%/training.lua %reldir%/results-training.md \
	%reldir%/results-scaling.md %reldir%/results-uec.md %reldir%/results-speed.md %reldir%/compare.sh %reldir%/cachelines.sh

noinst_PROGRAMS = %reldir%/flowbench %reldir%/memfloor
%canon_reldir%_flowbench_SOURCES = %reldir%/flowbench.c
%canon_reldir%_flowbench_LDADD = $(NETSIM_LIBS)
%canon_reldir%_memfloor_SOURCES = %reldir%/memfloor.c
