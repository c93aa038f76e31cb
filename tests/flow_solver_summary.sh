#!/bin/sh
# flow_solver_summary.sh - the summary's solver line and its solves and
# rates_solved (counted by hand: a solve at the start, one per departure,
# each recomputing the rates of the flows left on the shared link), zero
# and no line under the packet model; the flow_quantum hint after a run
# where every departure moved most rates, and none with a quantum or -q.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 13

# n transfers of 1, 2, ... n MB into one host: n + 1 solves (the start and
# n departures) recomputing n + (n - 1) + ... + 0 rates, at most n
scenario incast.lua <<'EOF2'
local n = param("n", 3)
local fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for i = 1, n do w:transfer{ src = i, dst = n + 1, bytes = i * 1000000 } end
netsim.run{ fabric = fab, workload = w, model = param("model", "flow") }
EOF2
for n in 3 5; do
    run incast.lua n=$n
    rates=$((n * (n + 1) / 2))
    grep -q "^solver        $((n + 1)) solves recomputed $rates rates (.* a solve, at most $n), exact$" "$T/out"
    ok $? "incast of $n: $((n + 1)) solves recomputing $rates rates, at most $n ($(grep '^solver' "$T/out"))"
    run --json incast.lua n=$n
    grep -q "\"solves\":$((n + 1)),\"rates_solved\":$rates" "$T/out"
    ok $? "incast of $n: the JSON summary's solves and rates_solved"
done
run incast.lua model=packet
is "$status" 0 "the packet model runs the incast"
grep -q '^solver' "$T/out"
ok $((! $?)) "the packet model prints no solver line"
run --json incast.lua model=packet
grep -q '"solves":0,"rates_solved":0' "$T/out"
ok $? "the packet model: solves and rates_solved are 0"

# a skewed MoE all-to-all over 96 hosts: about 10,000 solves recompute
# 11.6 M rates, 1,270 times the flows alive at once
scenario moe.lua <<'EOF2'
local fab = netsim.leafspine{ leaves = 6, spines = 4, hosts_per_leaf = 16,
  host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:moe{ hosts = fab:hosts(), experts = 96, top_k = 8, tokens = 512, hidden = 1024, skew = { zipf = 1.2 } }
local q = param("quantum", "0")
netsim.run{ fabric = fab, workload = w, model = "flow", flow_quantum = q ~= "0" and q or nil }
EOF2
run moe.lua
is "$status" 0 "the skewed MoE runs exactly"
grep -q 'moe.lua:6: warning: run: the exact flow solver recomputed [0-9]* rates in [0-9]* solves, [0-9]* times the most flows alive at once' "$T/err"
ok $? "the exact run's hint names the solver's work ($(head -c 200 "$T/err"))"
# the quantum it suggests is a thousandth of the makespan
run --json moe.lua
want=$(/usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(round(d['makespan'] * 1e6 / 1000, 2))" <"$T/out" 2>/dev/null)
got=$(grep -o 'flow_quantum = "[0-9.]* us"' "$T/err" | grep -o '[0-9.]*')
is "$got" "$want" "the hint suggests a thousandth of the makespan, in us"
run moe.lua quantum="$got us"
grep -q 'warning: run: the exact flow solver' "$T/err"
ok $((! $?)) "no hint with the quantum it suggests"
grep -q "^solver        .*, flow_quantum $got us$" "$T/out"
ok $? "the solver line names the quantum"
run -q moe.lua
grep -q 'warning: run: the exact flow solver' "$T/err"
ok $((! $?)) "no hint with -q"
finish
