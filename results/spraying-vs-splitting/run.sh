#!/bin/sh
# run.sh - regenerate results/spraying-vs-splitting: run the sweeps of
# scenario.lua with scripts/netsim-sweep, then analyze.py draws the figures
# and prints the tables.
#
# usage: ./run.sh [--full | --medium | --quick | --tiny] [--parts LIST] [-j N] [-o DIR] [--figures DIR]
#   --full    (default) sizes 1..256 MB (alltoall 1..64 MB), seeds 1..2
#   --medium  sizes 1..64 MB (alltoall 1..16 MB), seeds 1..2: the committed figures
#   --quick   sizes 1 and 4 MB (alltoall 1 MB), seed 1
#   --tiny    16 points of 1 MB on the leaf-spine, for the test suite
#   --parts LIST  only these parts of the grid (space or comma separated):
#             main alltoall hostorder fault sens realistic; realistic (issue
#             14: netsim's default switches, persistent connections, dcqcn
#             with PFC; 4 and 16 MB in every grid but --tiny) is the only
#             one whose size does not depend on the grid
#   -j N      points at once (default 2: the machine is shared)
#   -o DIR    the runs (default runs/GRID beside this script); a sweep resumes
#             where it stopped, so run the same command again after a failure
#   --figures DIR  the figures and tables (default: figures/ beside this script
#             for --full and --medium, DIR/figures for --quick and --tiny)
# Times with -j 2 on 2 cores shared with other jobs (README.md has the
# measurements): --tiny 20 s, --quick 8 min, --medium 1 h, --full 3 to 5 h;
# the part realistic alone: --quick 6 min, --medium or --full 12 to 15 min.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SWEEP=${NETSIM_SWEEP:-$TOP/scripts/netsim-sweep}
PY=${NETSIM_PYTHON:-/usr/bin/python3}
SCEN=$HERE/scenario.lua

grid=full jobs=2 out='' figs='' parts=''
while [ $# -gt 0 ]; do
    case $1 in
    --full|--medium|--quick|--tiny) grid=${1#--} ;;
    -j) jobs=${2:?-j needs a number}; shift ;;
    --parts) parts=$(echo "${2:?--parts needs a list}" | tr , ' '); shift ;;
    -o) out=${2:?-o needs a folder}; shift ;;
    --figures) figs=${2:?--figures needs a folder}; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see run.sh --help)" >&2; exit 2 ;;
    esac
    shift
done
out=${out:-$HERE/runs/$grid}
case $grid in
full|medium) figs=${figs:-$HERE/figures} ;;
*)           figs=${figs:-$out/figures} ;;
esac

# the grid: every sweep names every parameter, so that all the tables have
# the same columns; lb, spray and subflows vary together as policies; ONE is
# the size of the parts at one size (host order, faults, DCTCP settings)
FABRICS=leafspine,fattree
WORKLOADS=permutation,allreduce
TRANSPORTS=ideal,dctcp
ONE=16MB
PARTS="main alltoall hostorder fault sens realistic"
# the part realistic (issue 14) at its own sizes: REAL_SIZES, the comparisons at REAL_ONE
REAL_SIZES=4MB,16MB REAL_ONE=16MB
case $grid in
full)   SIZES=1MB,4MB,16MB,64MB,256MB A2A=1MB,4MB,16MB,64MB SEEDS=1..2 ;;
medium) SIZES=1MB,4MB,16MB,64MB A2A=1MB,4MB,16MB SEEDS=1..2 ;;
quick)  SIZES=1MB,4MB A2A=1MB SEEDS=1 ONE=4MB ;;
tiny)   SIZES=1MB A2A='' SEEDS=1 ONE=1MB FABRICS=leafspine WORKLOADS=permutation PARTS="main fault" ;;
esac
if [ -n "$parts" ]; then
    for p in $parts; do
        case " main alltoall hostorder fault sens realistic " in
        *" $p "*) ;;
        *) echo "run.sh: unknown part '$p' (main alltoall hostorder fault sens realistic)" >&2; exit 2 ;;
        esac
    done
    PARTS=$parts
fi

t0=$(date +%s)
status=0
# sweep NAME PARAMS...: one netsim-sweep into $out/NAME
sweep() {
    sw_name=$1; shift
    echo "run.sh: sweep $sw_name"
    "$SWEEP" "$SCEN" "$@" -o "$out/$sw_name" -j "$jobs" --no-bar >"$out/$sw_name.log" 2>&1 || {
        status=1; echo "run.sh: sweep $sw_name had failures (see $out/$sw_name.log)" >&2; }
    tail -n 1 "$out/$sw_name.log"
}
# policies WORKLOADS SIZES NAME [more fixed params]: the policy sweeps of
# one part of the grid (sweeps NAME-ecmp, NAME-spray, NAME-local); the tiny
# grid has one sweep NAME: ecmp and random spraying with 1 and 4 subflows
policies() {
    p_wl=$1 p_sizes=$2 p_name=$3; shift 3
    common="fabric=$FABRICS workload=$p_wl bytes=$p_sizes transport=$TRANSPORTS seed=$SEEDS"
    if [ "$grid" = tiny ]; then
        sweep "$p_name" $common lb=ecmp,spray spray=random subflows=1,4 "$@"
        return
    fi
    sweep "$p_name-ecmp" $common lb=ecmp spray=random subflows=1,2,4,8,16 "$@"
    sweep "$p_name-spray" $common lb=spray spray=random,roundrobin subflows=1 "$@"
    sweep "$p_name-local" $common lb=adaptive,flowlet spray=random subflows=1 "$@"
}

mkdir -p "$out"
# the fixed parameters of the main grid: ranks in a random order, a healthy
# fabric, DCTCP's first window 64 packets, ECN from 100 KB
BASE="fault=none fault_rate=100Gbps init_window=64 ecn_kmin=100KB"
has() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
has main && policies "$WORKLOADS" "$SIZES" main order=random $BASE
has alltoall && policies alltoall "$A2A" alltoall order=random $BASE
# at one size: the ring in host order (one flow per leaf or edge switch
# crosses the fabric in each step) ...
has hostorder && policies allreduce "$ONE" hostorder order=host $BASE
# ... a degraded or failed leaf1-spine1 cable (leaf-spine only) ...
if has fault; then
    FABRICS0=$FABRICS TRANSPORTS0=$TRANSPORTS; FABRICS=leafspine
    [ "$grid" != tiny ] || TRANSPORTS=ideal
    policies "$WORKLOADS" "$ONE" fault order=random fault=degraded,failed fault_rate=100Gbps init_window=64 \
        ecn_kmin=100KB
    FABRICS=$FABRICS0 TRANSPORTS=$TRANSPORTS0
fi
# ... and two settings of DCTCP: the ECN threshold (permutation) and the
# first window (ring allreduce)
if has sens; then
    SENS="fabric=leafspine bytes=$ONE transport=dctcp seed=$SEEDS order=random fault=none fault_rate=100Gbps"
    sweep ecn-ecmp $SENS workload=permutation lb=ecmp spray=random subflows=1,16 init_window=64 \
        ecn_kmin=100KB,400KB,1MB
    sweep ecn-spray $SENS workload=permutation lb=spray spray=random,roundrobin subflows=1 init_window=64 \
        ecn_kmin=100KB,400KB,1MB
    sweep iw-ecmp $SENS workload=allreduce lb=ecmp spray=random subflows=1,16 init_window=10,64 ecn_kmin=100KB
    sweep iw-spray $SENS workload=allreduce lb=spray spray=random subflows=1 init_window=10,64 ecn_kmin=100KB
fi
# ... and issue 14's question again: netsim's default switches (no switch
# table: 4.4 MB per Tb/s shared, alpha 8, ECN from C x RTT / 7 to C x RTT;
# PFC under dcqcn), persistent connections (congestion state carried
# between the transfers of a host pair; the subflows of a transfer share one
# first window), dctcp and dcqcn (RoCEv2 with DCQCN, go-back-N, over PFC);
# policies ecmp x1, x4, x16, random spraying, adaptive. Beside it, at
# REAL_ONE: the same with per-transfer connections, with the paper's switch
# table (and per-transfer connections: the old setting on today's netsim),
# dcqcn with selective recovery (IRN) instead of go-back-N, and dcqcn
# without PFC or without its rate control
if has realistic; then
    # real NAME WORKLOADS... PARAMS: the policies of the realistic part
    real() {
        r_name=$1; shift
        sweep "$r_name-ecmp" "$@" lb=ecmp spray=random subflows=1,4,16
        sweep "$r_name-spray" "$@" lb=spray,adaptive spray=random subflows=1
    }
    RBASE="fabric=$FABRICS workload=$WORKLOADS order=random transport=dctcp,dcqcn seed=$SEEDS $BASE"
    real realistic $RBASE bytes=$REAL_SIZES switch=default connections=persistent recovery=gobackn
    real realistic-pt $RBASE bytes=$REAL_ONE switch=default connections=per_transfer recovery=gobackn
    real realistic-paper $RBASE bytes=$REAL_ONE switch=paper connections=per_transfer recovery=gobackn
    sweep realistic-irn-spray fabric=$FABRICS workload=$WORKLOADS order=random transport=dcqcn seed=$SEEDS $BASE \
        bytes=$REAL_ONE switch=default connections=persistent recovery=selective lb=spray,adaptive spray=random \
        subflows=1
    # why dcqcn loses: PFC off (pfc=off) and DCQCN's rate control off
    # (rate_control=off: plain RoCE at line rate), leaf-spine only
    WHY="fabric=leafspine workload=$WORKLOADS order=random transport=dcqcn seed=$SEEDS $BASE bytes=$REAL_ONE"
    WHY="$WHY switch=default connections=persistent recovery=gobackn pfc=auto,off rate_control=on,off"
    sweep realistic-why-ecmp $WHY lb=ecmp spray=random subflows=1,4
    sweep realistic-why-spray $WHY lb=spray spray=random subflows=1
fi
t1=$(date +%s)
echo "run.sh: sweeps took $((t1 - t0)) s (grid $grid, -j $jobs)"

mkdir -p "$figs"
"$PY" "$HERE/analyze.py" "$out" "$figs" --grid "$grid" || status=1
echo "run.sh: figures and tables in $figs; all took $(( $(date +%s) - t0 )) s"
exit $status
