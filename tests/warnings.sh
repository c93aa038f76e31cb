#!/bin/sh
# warnings.sh - one rule for settings of a transport or policy not in use:
# accepted with a warning naming the file, line, field and the choice in
# use, so that one scenario sweeps over transports and policies (issue 19,
# item 7). A bad value in such a table is still an error.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 7
scenario sweep.lua <<'LUA'
local transport = param("transport", "ideal")
local lb = param("lb", "ecmp")
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "s.h5", transport = transport, lb = lb,
            dctcp = { init_window = param("iw", 10) }, spray = "roundrobin", flowlet_gap = "10us" }
LUA
run -q sweep.lua
is "$status" 0 'settings for a transport and policies not in use: the run goes on'
grep -q '^netsim: sweep.lua:6: warning: run: field .dctcp. only applies with transport = "dctcp"; ignored with transport = "ideal"$' "$T/err"
ok $? 'a warning for dctcp = {...} under ideal, with file and line'
grep -q "warning: run: field 'spray' only applies with lb = \"spray\"; ignored with lb = \"ecmp\"" "$T/err" &&
grep -q "warning: run: field 'flowlet_gap' only applies with lb = \"flowlet\"; ignored with lb = \"ecmp\"" "$T/err"
ok $? 'and for spray and flowlet_gap under ecmp'
run -q sweep.lua transport=dctcp lb=spray
is "$status" 0 'the same scenario with dctcp and spray'
grep -q "field 'dctcp'\|field 'spray'" "$T/err"; ok $((! $?)) 'no warning for the settings in use'
grep -c 'warning' "$T/err" | grep -qx 1; ok $? 'only flowlet_gap is warned about'
run -q sweep.lua iw=0
is "$status" 2 'a bad value in a table not in use is still an error'
finish
