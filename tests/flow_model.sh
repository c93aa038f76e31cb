#!/bin/sh
# flow_model.sh - the flow model through the command line: --model flow and
# model = "flow" run the same scenarios; a bad flow_solver is refused; the
# three solvers write identical tables; two runs write identical tables;
# sampled link bytes add up to the link's total.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 13

# a star with contention and staggered, unequal transfers: rates change often
scenario mix.lua <<'EOF'
local solver = param("solver", "incremental")
local fab = netsim.star{ hosts = 6, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for i = 1, 30 do
  local c = w:compute{ node = i % 6 + 1, duration = (i * 7 % 11) .. "us" }
  w:transfer{ src = i % 5 + 1, dst = (i * 3) % 6 + 1 == i % 5 + 1 and 6 or (i * 3) % 6 + 1,
              bytes = 100000 + 37011 * i, after = { c } }
end
netsim.run{ fabric = fab, workload = w, model = "flow", flow_solver = solver, sample = "20us",
            output = param("out", "mix.h5") }
EOF

run mix.lua solver=fast
is "$status" 2 "a bad flow_solver: exit status 2"
grep -q "mix.lua:9: run: field 'flow_solver' must be one of \"incremental\", \"component\", \"full\" (got \"fast\")" "$T/err"
ok $? "a bad flow_solver: the message names the place, the field and the choices"
ls "$T"/*.h5 >/dev/null 2>&1
ok $((! $?)) "a bad flow_solver: no output file"

cp "$SRCDIR/scripts/examples/quickstart.lua" "$T/q.lua"
run --model flow -q q.lua -o qf.h5
is "$status" 0 "--model flow runs the quickstart example"
run --model flow --json q.lua -o qf2.h5
grep -q '^{"completed":1,' "$T/out"
ok $? "--model flow: the JSON summary says completed"

for s in incremental component full; do
    run -q mix.lua solver=$s out=$s.h5
    is "$status" 0 "flow_solver=$s runs"
done
run -q mix.lua solver=incremental out=again.h5

if command -v h5dump >/dev/null; then
    dump() { h5dump -d "$2" "$T/$1" | tail -n +2; }
    dump incremental.h5 /transfers >"$T/a.txt"
    dump full.h5 /transfers >"$T/b.txt"
    dump component.h5 /transfers >"$T/c.txt"
    cmp -s "$T/a.txt" "$T/b.txt" && cmp -s "$T/a.txt" "$T/c.txt" && [ -s "$T/a.txt" ]
    ok $? "incremental, component and full solvers write identical /transfers"
    dump incremental.h5 /ports >"$T/a.txt"
    dump full.h5 /ports >"$T/b.txt"
    cmp -s "$T/a.txt" "$T/b.txt" && [ -s "$T/a.txt" ]
    ok $? "... and identical /ports"
    dump again.h5 /timeseries/link_bytes >"$T/b.txt"
    dump incremental.h5 /timeseries/link_bytes >"$T/a.txt"
    cmp -s "$T/a.txt" "$T/b.txt" && [ -s "$T/a.txt" ]
    ok $? "two runs with the same seed write identical /timeseries/link_bytes"
    h5dump -a /model "$T/qf.h5" | grep -q '"flow"'
    ok $? "the file says model = \"flow\""
else
    for i in 1 2 3 4; do ok 0 "# SKIP h5dump not installed"; done
fi

if [ -n "$PY" ]; then
    "$PY" - "$T/incremental.h5" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
ts = f["timeseries/link_bytes"][:].astype(np.int64)
ports = f["ports"][:]
total = np.array([p["tx_bytes"] for p in ports], dtype=np.int64)
sys.exit(0 if (ts.sum(axis=0) == total).all() and total.sum() > 0 else 1)
PY
    ok $? "sampled link bytes add up to each link's total"
else
    ok 0 "# SKIP no Python with h5py"
fi
finish
