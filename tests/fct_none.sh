#!/bin/sh
# fct_none.sh - a run in which no transfer finished (stopped by `until`
# first) reports no flow completion times at all, not percentiles of 0:
# no fct_* keys in the JSON summary, /summary or the table netsim.run
# returns, and "none" in the printed summary. A run where one finished has
# them all. (Issue 13, item 14.)
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 8
scenario stop.lua <<'LUA'
local stop = param("stop", "10us")
local fab = netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }        -- 8 ms at 1 Gbps
local r = netsim.run{ fabric = fab, workload = w, output = param("out", "stop.h5"), duration = stop }
io.stderr:write(string.format("lua: fct %s fct_p99 %s\n", type(r.fct), tostring(r.fct_p99)))
LUA
run --json stop.lua
is "$status" 0 'a run stopped at 10 us, before its 8 ms transfer finished'
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(any(k.startswith("fct") for k in d) or d["transfers_done"] != 0)' "$T/out"
ok $? 'its JSON summary has no fct_* key (and transfers_done 0)'
grep -q '^lua: fct nil fct_p99 nil$' "$T/err"; ok $? 'nor has the table netsim.run returns'
if command -v h5dump >/dev/null 2>&1; then
    h5dump -A -g /summary "$T/stop.h5" >"$T/attrs" 2>&1
    grep -q 'makespan_ps' "$T/attrs" && ! grep -q 'fct_p' "$T/attrs"
    ok $? 'nor has /summary in the HDF5 file'
else
    ok 0 '# SKIP no h5dump'
fi
run stop.lua out=stop2.h5
grep -q '^fct           none: no transfer finished$' "$T/out"; ok $? 'the printed summary says none finished'
run --json stop.lua stop=1s out=done.h5
is "$status" 0 'the same run to completion'
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not all(k in d for k in ("fct_p50","fct_p99","fct_max","fct_mean")) or d["fct_max"] <= 0.008)' "$T/out"
ok $? 'has fct_p50, fct_p99, fct_max and fct_mean (max over 8 ms = 1 MB at 1 Gbps)'
grep -q '^lua: fct table fct_p99 0.00' "$T/err"; ok $? 'and the Lua table has them'
finish
