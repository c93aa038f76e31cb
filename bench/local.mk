### bench/: benchmarks (run by hand: bench/run.sh), shipped but not tests

EXTRA_DIST += %reldir%/run.sh %reldir%/star64.lua %reldir%/permutation.lua
