#!/bin/sh
# cli.sh - the command line: options, parameters, outputs, exit codes.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 27

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
# --progress-log: a header per run and a row per sample, the last at the
# end: one transfer of 1 MB host1 -> host2 on a star crosses 2 links with
# 1e6 + ceil(1e6 / 4032) x 64 = 1,015,936 wire bytes (MTU 4096, 64-byte
# headers, the ideal transport: no ACKs): link_bytes_total 2,031,872, all
# carried at the end, where the estimate left is 0
scenario p.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "p.h5" }
LUA
run -q --progress-log p.log p.lua
is "$status" 0 '--progress-log with -q'
grep -q '^# p.lua: wall_s cpu_s sim_s events ops_done ops sent_bytes delivered_bytes total_bytes link_bytes link_bytes_total left_s$' "$T/p.log"
ok $? 'the log has a header naming its columns'
tail -n 1 "$T/p.log" | awk '{ exit !(NF == 12 && $5 == $6 && $7 == 1000000 && $8 == 1000000 && $9 == 1000000 &&
                                      $10 == 2031872 && $11 == 2031872 && $12 == 0) }'
ok $? "its end row: the transfer sent and delivered, 2,031,872 bytes over the links of 2,031,872 ($(tail -n 1 "$T/p.log"))"
# on a pair the one cable joins the hosts: 1 link a transfer, both ways
scenario pr.lua <<'LUA'
local fab = netsim.pair{ rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
w:transfer{ src = 2, dst = 1, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "pr.h5" }
LUA
run -q --progress-log pr.log pr.lua
tail -n 1 "$T/pr.log" | awk '{ exit !($10 == 2031872 && $11 == 2031872) }'
ok $? "a pair: 2 transfers x 1 link x 1,015,936 = 2,031,872 link bytes ($(tail -n 1 "$T/pr.log"))"
# the flow model: sent is the bytes of the transfers started that cross the
# network (a running sum); a transfer to its own host is delivered at once
# and sends nothing: 1 MB + 2 MB sent, 3.5 MB delivered of 3.5 MB
scenario pf.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
local a = w:transfer{ src = 1, dst = 2, bytes = "1MB" }
w:transfer{ src = 2, dst = 1, bytes = "2MB", after = { a } }
w:transfer{ src = 1, dst = 1, bytes = "500KB" }
netsim.run{ fabric = fab, workload = w, output = "pf.h5" }
LUA
run -q --model flow --progress-log pf.log pf.lua
tail -n 1 "$T/pf.log" | awk '{ exit !($5 == 3 && $7 == 3000000 && $8 == 3500000 && $9 == 3500000) }'
ok $? "the flow model: 3 MB sent, 3.5 MB delivered of 3.5 MB ($(tail -n 1 "$T/pf.log"))"
finish
