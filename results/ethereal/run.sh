#!/bin/sh
# run.sh - results/ethereal: the seed paper's comparison (arXiv 2407.00550)
# in netsim: AllReduce on 256 GPUs, ECMP, spraying, REPS and Ethereal, under
# uec (trimming), dcqcn (PFC) and dctcp, with no fault, a failed cable and a
# degraded one; analyze.py prints the table (tables.md).
#
# usage: ./run.sh [--full | --tiny] [-j N] [-o DIR]
#   --full   (default) 2 algorithms x 2 sizes x 4 lb x 3 transports x 3
#            faults = 144 runs, about 10 min with -j 2 on 2 cores
#   --tiny   1 MB, ring, ethereal and spray under uec, no fault: for the
#            test suite (seconds)
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
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see run.sh --help)" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$HERE/runs/$grid}
mkdir -p "$out"
run() {   # run NAME GRID...
    name=$1; shift
    # shellcheck disable=SC2068 # the grid is a list of NAME=VALUES words
    "$SWEEP" "$HERE/scenario.lua" $@ -o "$out/$name" -j "$jobs" --no-bar >"$out/$name.log" 2>&1 || {
        echo "run.sh: the sweep $name had failures (see $out/$name.log)" >&2; exit 1; }
}
case $grid in
full)
    run ring algorithm=ring order=random bytes=16MB,64MB lb=ecmp,spray,reps,ethereal transport=uec,dcqcn,dctcp \
        fault=none,failed,degraded
    run hd algorithm=halving_doubling order=host bytes=16MB,64MB lb=ecmp,spray,reps,ethereal \
        transport=uec,dcqcn,dctcp fault=none,failed,degraded
    MD=$HERE/tables.md ;;
tiny)
    run ring algorithm=ring order=random bytes=1MB lb=spray,ethereal transport=uec fault=none
    MD=$out/tables.md ;;
esac
"$PY" "$HERE/analyze.py" "$out" | tee "$MD"
