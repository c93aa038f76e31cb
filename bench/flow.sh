#!/bin/sh
# bench/flow.sh - the flow model at scale. Part 1 (always): bench/flowbench
# builds leaf-spines of 1,024 to 16,384 hosts through the C API and runs a
# permutation and an all-to-all with each rate solver; it prints wall time,
# events, re-solves, flows recomputed per re-solve and peak RSS. Part 2 (when
# netsim has netsim.leafspine): the same through Lua scenarios
# (bench/flow_perm.lua, bench/flow_a2a.lua) and the netsim binary.
# Usage: bench/flow.sh [BUILD_DIR]   (default .). Not a test: no limits; the
# machine may be shared, so wall times are noisy.
set -eu
B=${1:-.}
here=$(dirname "$0")
FB="$B/bench/flowbench"
NETSIM="$B/netsim"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "# flowbench: 400 Gb/s links, 500 ns; permutation 64 MB per host, all-to-all 1 MB per pair"
for hs in "32 32 32" "64 64 64" "128 128 128"; do
    for lb in ecmp spray; do "$FB" $hs perm 64000000 $lb incremental; done
done
for hs in "32 32 32" "128 128 128"; do "$FB" $hs perm 64000000 ecmp full; done
for hs in "8 16 8" "16 16 16" "16 32 16" "32 32 32"; do "$FB" $hs a2a 1000000 ecmp incremental; done
for hs in "8 16 8" "16 16 16"; do
    "$FB" $hs a2a 1000000 ecmp component
    "$FB" $hs a2a 1000000 ecmp full
done
"$FB" 32 32 32 a2a 1000000 spray incremental
# unequal sizes: every departure changes many rates (cost ~ flows x changes)
for m in incremental full; do "$FB" 8 16 8 a2av 1000000 ecmp $m; done
# the same with run{ flow_quantum } of 1 and 10 us: each runs exact, then with the quantum,
# and prints the quantum's error in completion times
for q in 1000000 10000000; do "$FB" 8 16 8 a2av 1000000 ecmp incremental flow $q; done

if "$NETSIM" --check -q "$here/flow_perm.lua" hosts=64 hosts_per_leaf=8 >/dev/null 2>&1; then
    echo "# netsim + Lua scenarios (wall = simulation only; RSS includes building the workload in Lua)"
    lua_bench() {   # lua_bench NAME SCENARIO [NAME=VALUE ...]
        name=$1; shift
        /usr/bin/time -v "$NETSIM" --json -q "$@" output="$out/$name.h5" >"$out/$name.json" 2>"$out/$name.time"
        /usr/bin/python3 - "$name" "$out/$name.json" "$out/$name.time" <<'PY'
import json, re, sys
name, js, tm = sys.argv[1:]
d = json.loads([l for l in open(js) if l.startswith("{")][-1])
t = open(tm).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
el = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
print(f"{name:24s} sim {d['wall_seconds']:8.2f} s  total {el:>8s}  events {d['events']:>9d}  "
      f"transfers {d['transfers']:>8d}  makespan {d['makespan']*1e3:9.3f} ms  peak RSS {rss:7.1f} MB")
PY
    }
    for h in "1024 32" "4096 64" "16384 128"; do
        set -- $h
        lua_bench "perm-$1" "$here/flow_perm.lua" hosts=$1 hosts_per_leaf=$2
    done
    lua_bench "a2a-1024" "$here/flow_a2a.lua" hosts=1024 hosts_per_leaf=32
else
    echo "# (netsim has no netsim.leafspine yet: Lua scenarios skipped)"
fi
