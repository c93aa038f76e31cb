#!/bin/sh
# interrupt_build.sh - Ctrl-C while a C builder works (a 4,096-host
# all-to-all: 16.8 million transfers, about 13 s to build here) is honoured
# within a few seconds, not at the end of the build: exit 130, a message
# naming the builder and how far it got, no output file. (Issue 13, item 11;
# it took 11 s before.) Also for a fabric builder (forwarding tables).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 6
scenario big.lua <<'LUA'
local fab = netsim.star{ hosts = 4096, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:alltoall{ hosts = fab:hosts(), bytes = "1KB" }
netsim.run{ fabric = fab, workload = w, output = "big.h5" }
LUA
# interrupt NAME DELAY: start netsim on NAME, SIGINT after DELAY s; sets status and took (s)
interrupt() {
    ( cd "$T" && exec "$NETSIM" -q "$1" ) >"$T/out" 2>"$T/err" &
    pid=$!
    sleep "$2"
    t0=$(date +%s.%N)
    kill -INT "$pid"
    wait "$pid"
    status=$?
    took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}
interrupt big.lua 1
is "$status" 130 'SIGINT during a large all-to-all build: exit 130'
echo "# honoured after $took s"
awk -v t="$took" 'BEGIN { exit !(t < 3) }'; ok $? "honoured within 3 s of the signal (took $took s)"
grep -q "big.lua:3: alltoall: interrupted while building the workload ([0-9]* ops made)" "$T/err"
ok $? 'the message names the builder and how far it got'
test ! -e "$T/big.h5"; ok $? 'no output file'

scenario fab.lua <<'LUA'
local fab = netsim.fattree{ k = 48, rate = "100Gbps", latency = "1us" }
LUA
interrupt fab.lua 0.5
is "$status" 130 'SIGINT while a k = 48 fat-tree is built: exit 130'
awk -v t="$took" 'BEGIN { exit !(t < 3) }'; ok $? "honoured within 3 s (took $took s)"
finish
