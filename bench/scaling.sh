#!/bin/sh
# bench/scaling.sh - issue 20 item 2: the packet-level permutation of
# bench/permutation.lua (dctcp, ECMP or spraying, 100 Gb/s, 1 us, 4 KB MTU,
# every flow across a spine) at 128, 1,024, 4,096 and 16,384 hosts on
# non-blocking leaf-spines (hosts per leaf = spines), and how wall time per
# data packet and peak RSS grow. Usage: bench/scaling.sh [NETSIM] [BYTES] [LB]
# (defaults ./netsim, 2MB, ecmp). Not a test: no limits; wall times are the
# machine's, so run it on a quiet one.
set -eu
NETSIM=${1:-./netsim}
BYTES=${2:-2MB}
LB=${3:-ecmp}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# permutation of $BYTES per host, lb $LB, dctcp; $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%7s %8s %12s %12s %8s %10s %9s %9s\n' hosts wall_s events data_pkts ev/pkt ns/pkt Mev/s rss_MB
for shape in "8 16 16" "32 32 32" "64 64 64" "128 128 128"; do
    set -- $shape
    /usr/bin/time -v "$NETSIM" --json -q "$here/permutation.lua" leaves=$1 hpl=$2 spines=$3 lb=$LB bytes=$BYTES \
        output="$out/p.h5" >"$out/j" 2>"$out/t"
    /usr/bin/python3 - "$1" "$2" "$out/j" "$out/t" <<'PY'
import json, re, sys
leaves, hpl, js, tm = sys.argv[1:]
d = json.loads([l for l in open(js) if l.startswith("{")][-1])
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tm).read()).group(1)) / 1024
w, ev, pk = d["wall_seconds"], d["events"], d["packets"]
print(f"{int(leaves) * int(hpl):7d} {w:8.2f} {ev:12d} {pk:12d} {ev / pk:8.2f} {w / pk * 1e9:10.1f} {ev / w / 1e6:9.2f} {rss:9.1f}")
PY
done
