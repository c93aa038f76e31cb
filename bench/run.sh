#!/bin/sh
# bench/run.sh - run the benchmarks and print events/s, packets/s, peak RSS.
# Usage: bench/run.sh [NETSIM]   (default ./netsim). Not a test: no limits.
set -eu
NETSIM=${1:-./netsim}
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
print(f"{name:28s} wall {wall:8.3f} s  events {d['events']:>11d}  {d['events_per_second']/1e6:6.2f} M events/s"
      f"  data packets {d['packets']:>10d}  {d['packets']/wall/1e6:6.2f} M pkts/s  peak RSS {rss:7.1f} MB")
PY
}

bench star64-incast-perm "$here/star64.lua"
