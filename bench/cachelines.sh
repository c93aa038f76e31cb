#!/bin/sh
# bench/cachelines.sh - cache lines a data packet and an event costs at
# each size of bench/scaling.sh, counted by cachegrind (this project's VMs
# show no hardware counters). The last-level cache is simulated at the
# size where bench/memfloor finds this machine's loads leave its caches
# (4 MiB, 16-way, by default); the L1 is the core's (48 KiB, 12-way).
# A "miss" is a line the run touched that such a cache no longer held:
# what the packet path waits on, less what its prefetches hide (cachegrind
# does not see prefetches, so the count is of lines, not of stalls).
# Usage: bench/cachelines.sh [NETSIM] [BYTES] [LL] (defaults ./netsim,
# 2MB, 4194304,16,64). Slow: about 50x the runs' own time (the 16,384-host
# run takes a quarter of an hour). Not a test: no limits.
set -eu
NETSIM=${1:-./netsim}
BYTES=${2:-2MB}
LL=${3:-4194304,16,64}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# permutation of $BYTES per host, ecmp, dctcp; LL $LL; $(date -u +%Y-%m-%d)"
printf '%7s %12s %12s %10s %10s %10s %10s\n' hosts events data_pkts D1/pkt LL/pkt LL/event LLw/pkt
for shape in "8 16 16" "32 32 32" "64 64 64" "128 128 128"; do
    set -- $shape
    valgrind --tool=cachegrind --cache-sim=yes --D1=49152,12,64 --LL="$LL" \
        --cachegrind-out-file="$out/cg" "$NETSIM" --json -q "$here/permutation.lua" leaves=$1 hpl=$2 \
        spines=$3 bytes=$BYTES output="$out/p.h5" >"$out/j" 2>/dev/null
    /usr/bin/python3 - "$1" "$2" "$out/j" "$out/cg" <<'PY'
import json, sys
leaves, hpl, js, cg = sys.argv[1:]
d = json.loads([l for l in open(js) if l.startswith("{")][-1])
ev_names = tot = None
for line in open(cg):
    if line.startswith("events:"):
        ev_names = line.split()[1:]
    elif line.startswith("summary:"):
        tot = dict(zip(ev_names, map(int, line.split()[1:])))
ev, pk = d["events"], d["packets"]
d1 = tot["D1mr"] + tot["D1mw"]
ll = tot["DLmr"] + tot["DLmw"]
print(f"{int(leaves) * int(hpl):7d} {ev:12d} {pk:12d} {d1 / pk:10.1f} {ll / pk:10.1f} {ll / ev:10.2f} {tot['DLmw'] / pk:10.1f}")
PY
done
