#!/bin/sh
# header.sh - the run's header (scenario, fabric, model, lb, transport,
# seed, output) is printed when the run starts, so it is there even when the
# run is interrupted (issue 19, item 5); not with -q, and never on stdout
# under --json.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 5
scenario long.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 16, spines = 16, hosts_per_leaf = 16,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
for h = 1, 256 do w:transfer{ src = h, dst = (h + 127) % 256 + 1, bytes = "200MB" } end
netsim.run{ fabric = fab, workload = w, output = "long.h5", transport = "dctcp", lb = "spray" }
LUA
( cd "$T" && exec "$NETSIM" long.lua ) >"$T/out" 2>"$T/err" &
pid=$!
i=0; while [ ! -s "$T/out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -INT $pid; wait $pid; status=$?
is "$status" 130 'a long run interrupted'
is "$(head -n 1 "$T/out")" 'netsim: long.lua on leafspine (256 hosts), model packet, lb spray, transport dctcp, subflows 1, connections per_transfer, seed 1 -> long.h5' \
    'its header was printed when it started'
grep -q '^makespan' "$T/out"; ok $((! $?)) 'and no summary, since it did not finish'

( cd "$T" && timeout -s INT 1 "$NETSIM" -q long.lua ) >"$T/out" 2>/dev/null
is "$(cat "$T/out")" '' 'no header with -q'
( cd "$T" && timeout -s INT 1 "$NETSIM" --json long.lua ) >"$T/out" 2>/dev/null
grep -q '^netsim:' "$T/out"; ok $((! $?)) 'nor on stdout with --json'
finish
