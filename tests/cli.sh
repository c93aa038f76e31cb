#!/bin/sh
# cli.sh - the command line: options, parameters, outputs, exit codes.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 22

scenario s.lua <<'LUA'
local bytes = param("bytes", "1MB")
local n = param("n", 2)
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for i = 1, n do w:transfer{ src = i, dst = 4, bytes = bytes } end
local r = netsim.run{ fabric = fab, workload = w }
print("RESULT", r.transfers, r.bytes, netsim.seed)
LUA

run --help
is "$status" 0 '--help exits 0'
grep -q 'usage: netsim' "$T/out"; ok $? '--help prints usage'
run --version
is "$status" 0 '--version exits 0'
grep -q '^netsim [0-9]' "$T/out"; ok $? '--version prints the version'
run --bogus s.lua
is "$status" 2 'an unknown option exits 2'
run
is "$status" 2 'no scenario exits 2'

run s.lua
is "$status" 0 'a scenario runs'
test -s "$T/s.h5"; ok $? 'the default output is SCENARIO.h5 in the current folder'
grep -q '^RESULT	2	2000000	1' "$T/out"; ok $? 'the run returns the summary to Lua'
grep -q '^makespan' "$T/out"; ok $? 'a human summary is printed'

run -o other.h5 s.lua n=3 bytes=2MB
is "$status" 0 'parameters and -o'
grep -q '^RESULT	3	6000000' "$T/out"; ok $? 'parameters reach param() with their types'
test -s "$T/other.h5"; ok $? '-o names the output'
ls "$T"/*.part-* >/dev/null 2>&1; ok $((! $?)) 'no temporary file is left'

run --json -q s.lua
is "$status" 0 '--json runs'
grep -q '^{"completed":1,"makespan":' "$T/out"; ok $? '--json prints one JSON object'
if [ -n "$PY" ]; then
    grep '^{' "$T/out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); assert d["transfers"]==2 and d["bytes"]==2000000'
    ok $? 'the JSON parses and holds the numbers'
else
    ok 0 '# SKIP no python'
fi

rm -f "$T"/*.h5
run --check s.lua
is "$status" 0 '--check exits 0'
grep -q 'check: star fabric with 4 hosts' "$T/out"; ok $? '--check reports sizes'
ls "$T"/*.h5 >/dev/null 2>&1; ok $((! $?)) '--check writes no file'

run -s 7 s.lua
grep -q '^RESULT	2	2000000	7' "$T/out"; ok $? '--seed sets netsim.seed'
run s.lua bytes
is "$status" 2 'a parameter without = is bad usage'
finish
