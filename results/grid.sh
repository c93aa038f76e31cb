# results/grid.sh - the command line shared by results/*/run.sh that sweep a
# full, quick or tiny grid; sourced after HERE (the experiment's folder) is
# set. Reads --full | --quick | --tiny, -o DIR, -j N and --help (lines 2-16
# of the calling run.sh); sets TOP, SWEEP, PY, grid, jobs, out (the runs) and
# figs (where figures and tables.md go), and creates out.
TOP=$(cd "$HERE/../.." && pwd)
SWEEP="$TOP/scripts/netsim-sweep"
PY=${NETSIM_PYTHON:-/usr/bin/python3}
grid=full
out=
jobs=2
while [ $# -gt 0 ]; do
    case $1 in
    --full|--quick|--tiny) grid=${1#--} ;;
    -o) out=$2; shift ;;
    -j) jobs=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$out" ]; then
    case $grid in full) out=$HERE/runs; figs=$HERE ;; *) out=$HERE/runs-$grid; figs=$out ;; esac
else
    mkdir -p "$out"; out=$(cd "$out" && pwd); figs=$out
fi
mkdir -p "$out"
