#!/bin/sh
# run.sh - regenerate results/multi-tenant: two training jobs (data-parallel
# ring allreduce, MoE all-to-all) on one 256-host leaf-spine, each placed by
# fab:allocate (packed, spread, random), under ECMP, spraying and adaptive
# routing, every run with --isolation (each job also alone); analyze.py
# prints the table (tables.md) and draws slowdown.png.
#
# usage: ./run.sh [--full | --tiny] [-j N] [-o DIR]
#   --full   (default) 3 placements x 3 lb x 3 seeds = 27 runs, about 4 min
#            with -j 2 on 2 cores
#   --tiny   a 32-host fabric, 2 placements x ECMP, for the test suite (seconds)
#   -j N     points at once (default 2)
#   -o DIR   the runs (default runs/GRID beside this script); a sweep resumes
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SWEEP=${NETSIM_SWEEP:-$TOP/scripts/netsim-sweep}
PY=${NETSIM_PYTHON:-/usr/bin/python3}

grid=full jobs=2 out=''
while [ $# -gt 0 ]; do
    case $1 in
    --full|--tiny) grid=${1#--} ;;
    -j) jobs=${2:?-j needs a number}; shift ;;
    -o) out=${2:?-o needs a folder}; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see run.sh --help)" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$HERE/runs/$grid}
case $grid in
full) GRID="placement=packed,spread,random lb=ecmp,spray,adaptive seed=1..3" FIGS=$HERE ;;
tiny) GRID="placement=packed,spread lb=ecmp seed=1 leaves=4 hosts_per_leaf=4 spines=4 grad=1MB tokens=64 hidden=1024"
      FIGS=$out ;;
esac
mkdir -p "$out"
t0=$(date +%s)
# shellcheck disable=SC2086 # GRID is a list of NAME=VALUES words
"$SWEEP" "$HERE/scenario.lua" $GRID -o "$out/sweep" -j "$jobs" --no-bar -- --isolation >"$out/sweep.log" 2>&1 || {
    echo "run.sh: the sweep had failures (see $out/sweep.log)" >&2; exit 1; }
tail -n 1 "$out/sweep.log"
"$PY" "$HERE/analyze.py" "$out/sweep/results.csv" "$FIGS"
echo "run.sh: $grid grid in $(( $(date +%s) - t0 )) s"
