#!/bin/sh
# bench/run.sh - run the benchmarks and print wall time, events/s, data
# packets/s, events per data packet and peak RSS. Usage: bench/run.sh [NETSIM] [quick]
# (default ./netsim). Not a test: no limits. Run on a quiet machine.
set -eu
NETSIM=${1:-./netsim}
quick=${2:-}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

bench() {   # bench NAME SCENARIO [NAME=VALUE ...]
    name=$1; shift
    /usr/bin/time -v "$NETSIM" --json -q "$@" output="$out/$name.h5" >"$out/$name.json" 2>"$out/$name.time"
    /usr/bin/python3 - "$name" "$out/$name.json" "$out/$name.time" <<'PY'
import json, re, sys
name, js, tm = sys.argv[1:]
d = json.loads(open(js).read().strip().splitlines()[-1])
t = open(tm).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
wall = d["wall_seconds"]
ev_pkt = d["events"] / d["packets"] if d["packets"] else 0
print(f"{name:34s} wall {wall:7.3f} s  events {d['events']:>10d}  {d['events_per_second']/1e6:5.2f} M ev/s"
      f"  data pkts {d['packets']:>9d}  {d['packets']/wall/1e6:5.2f} M pkt/s  {ev_pkt:5.2f} ev/pkt  RSS {rss:6.1f} MB")
PY
}

bench star64-incast-perm "$here/star64.lua"
# issue 3: permutations of 10 MB, 100 Gb/s, 1 us, 4 KB MTU, dctcp
for lb in ecmp spray; do
    bench "perm-128-$lb-dctcp" "$here/permutation.lua" lb=$lb
done
[ "$quick" = quick ] && exit 0
for lb in ecmp spray; do
    bench "perm-1024-$lb-dctcp" "$here/permutation.lua" lb=$lb leaves=32 hpl=32 spines=32
done
# issue 14: the 1,024-host permutation of ../shared/data/ (the side-by-side
# benchmark) under dctcp on htsim's UEC switch settings, and under dcqcn
# with PFC on netsim's default switch (RoCE wants lossless: PFC on)
data=${NETSIM_DATA:-$here/../../shared/data}
if [ -f "$data/perm1024_10MB.cm" ]; then
    bench "cm1024-ecmp-dctcp" "$here/cm_permutation.lua" cm="$data/perm1024_10MB.cm" transport=dctcp
    bench "cm1024-ecmp-dcqcn-pfc" "$here/cm_permutation.lua" cm="$data/perm1024_10MB.cm" transport=dcqcn \
        switch=default
    bench "cm1024-spray-dcqcn-pfc" "$here/cm_permutation.lua" cm="$data/perm1024_10MB.cm" transport=dcqcn \
        switch=default lb=spray
    # RoCE at line rate over PFC on htsim's fat tree: netsim's side of the
    # comparison with csg-htsim's htsim_roce (results-roce.md)
    bench "roce-fattree1024-ecmp" "$here/roce_fattree.lua" cm="$data/perm1024_10MB.cm" k=16
fi
