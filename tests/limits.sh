#!/bin/sh
# limits.sh - absurd sizes from the command line: --check prints the memory
# estimate; a scenario too large for the memory allowed (--max-memory) is
# refused before it is built, with the estimate (exit 1); runs longer than
# the clock and transfers with more packets than a subflow numbers are
# refused before they start (exit 2), a run that gets past the clock anyway
# stops with an error (exit 1); mtu values past 32 bits are not truncated;
# binary Lua chunks are refused. No output file in any of these cases.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 43

# expect STATUS PATTERN DESCRIPTION -- ARGS...: run, check status, message, no file
expect() {
    want=$1; pattern=$2; desc=$3; shift 4
    rm -f "$T"/*.h5 "$T"/*.h5.*
    run "$@"
    is "$status" "$want" "$desc: exit status $want"
    grep -q -- "$pattern" "$T/err"
    ok $? "$desc: message matches '$pattern' ($(head -c 400 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.h5.* >/dev/null 2>&1
    ok $((! $?)) "$desc: no output file"
}

LINK='host_link = { rate = "100Gbps", latency = "1us" }'
scenario small.lua <<LUA
local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 4, $LINK }
local w = netsim.workload()
for h = 1, 8 do w:transfer{ src = h, dst = (h + 3) % 8 + 1, bytes = "1MB" } end
netsim.run{ fabric = fab, workload = w, output = "small.h5" }
LUA
run --check small.lua
grep -q '^check: memory estimate [0-9.]* [kMGT]*B (fabric .*, workload .*, packet model .* for 8 subflows and [0-9]* packets in flight, output .*, program .*), of [0-9.]* [kMGT]*B netsim may use$' "$T/out"
ok $? "--check prints the memory estimate ($(grep estimate "$T/out"))"

# a million hosts: 15,625 leaves of 64, 64 spines
scenario million.lua <<LUA
local fab = netsim.leafspine{ leaves = 15625, spines = 64, hosts_per_leaf = 64, $LINK }
LUA
expect 1 'million.lua:1: leafspine: this fabric would need about [0-9.]* GB of memory (1015689 nodes, 1000000 of them hosts, and 2000000 cables: [0-9.]* GB to build, [0-9.]* GB at least to run it), more than the 1 GB netsim may use here' \
    'a million hosts with --max-memory 1GB' -- --max-memory 1GB million.lua

# collectives too large are refused before their task graph (or an
# alltoall's n x n matrix) is built: 20,000 ranks make 4e8 transfers
scenario a2a.lua <<'LUA'
local hosts = {}
for h = 1, 20000 do hosts[h] = h end
local w = netsim.workload()
w:alltoall{ hosts = hosts, bytes = 1 }
LUA
expect 1 'a2a.lua:4: alltoall: its task graph would need about [0-9.]* GB of memory (400040002 ops, 400000000 of them transfers, and 1600040000 dependencies), more than the 1 GB netsim may use' \
    'an alltoall over 20,000 hosts with --max-memory 1GB' -- --max-memory 1GB a2a.lua
scenario ring.lua <<'LUA'
local hosts = {}
for h = 1, 20000 do hosts[h] = h end
local w = netsim.workload()
w:allreduce{ hosts = hosts, bytes = "1MB", chunks = 4 }
LUA
expect 1 'ring.lua:4: allreduce: its task graph would need about [0-9.]* GB of memory' \
    'a ring allreduce of 20,000 ranks in 4 chunks with --max-memory 1GB' -- --max-memory 1GB ring.lua

# a run estimated past the memory allowed (the program alone counts 25 MB,
# the fabric and the least a run on it needs 41 MB: the builder lets it
# pass; 100,000 transfers, 80 bytes each and the driver's 60, take it past 46 MB)
scenario heavy.lua <<LUA
local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 4, $LINK }
local w = netsim.workload()
for i = 1, 100000 do w:transfer{ src = 1, dst = 2, bytes = "1KB" } end
netsim.run{ fabric = fab, workload = w, output = "heavy.h5" }
LUA
expect 1 'heavy.lua:4: run: this run would need about [0-9.]* MB of memory (fabric .*), more than the 46 MB netsim may use' \
    'a run with --max-memory 46MB' -- --max-memory 46MB heavy.lua
run --max-memory lots small.lua
is "$status" 2 '--max-memory needs a size'

# compute ops that add up past the clock (2^63 ps, 106.7 days)
scenario long.lua <<'LUA'
local stop = param("stop", "0s")
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local a = w:compute{ node = 1, duration = "5000000s", label = "first" }
w:compute{ node = 2, duration = "5000000s", after = a, label = "second" }
netsim.run{ fabric = fab, workload = w, output = "long.h5", ["until"] = stop }
LUA
expect 2 "long.lua:5: compute 'second' (op 1) ends a chain of ops that lasts at least 115.7 days" \
    'compute ops longer than the clock' -- long.lua
expect 2 "ends a chain of ops that lasts at least 115.7 days" 'the same, with --check' -- --check long.lua
rm -f "$T"/*.h5
run -q long.lua stop=6000000s
is "$status" 0 'with until = 6e6 s (69 days) it runs and stops there'

# a run that passes the clock's end anyway: 6e6 s from leaf to spine and back
scenario far.lua <<LUA
local fab = netsim.leafspine{ leaves = 2, spines = 1, hosts_per_leaf = 1, $LINK,
  fabric_link = { rate = "100Gbps", latency = "6000000s" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1000 }
netsim.run{ fabric = fab, workload = w, output = "far.h5" }
LUA
expect 1 "the simulation would run past the end of netsim's clock (2^63 ps, about 106.7 days of simulated time)" \
    'a packet arriving past the clock' -- far.lua

# more packets than a subflow numbers (2^31 of 4,032 bytes)
scenario big.lua <<'LUA'
local sub = param("subflows", 1)
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "9TB", label = "huge" }
netsim.run{ fabric = fab, workload = w, subflows = sub, output = "big.h5", ["until"] = "1us" }
LUA
expect 2 "big.lua:4: transfer 'huge' (op 0): 9000000000000 bytes in 1 subflow is 2232142858 packets of 4032 bytes per subflow, more than the 2147483648 a subflow can number; split it over more subflows (run{subflows = 2})" \
    'a transfer of 2.2e9 packets' -- big.lua
rm -f "$T"/*.h5
run -q big.lua subflows=2
is "$status" 0 'with 2 subflows it runs'

# the flow model's rates are whole bits per second: 1,001 flows on a 1 Kb/s
# link would get less than 1 bit/s each
scenario slow.lua <<'LUA'
local fab = netsim.star{ hosts = 3, rate = "1Kbps", latency = "1us" }
local w = netsim.workload()
for i = 1, 1001 do w:transfer{ src = 1 + i % 2, dst = 3, bytes = 1, label = "tiny" } end
netsim.run{ fabric = fab, workload = w, model = "flow", output = "slow.h5" }
LUA
expect 1 "slow.lua:3: transfer 'tiny' (op 0): in the flow model it gets less than 1 bit/s" \
    'flows that would get under 1 bit/s' -- slow.lua

# an mtu of 2^32 + 1500 bytes is not 1500
scenario mtu.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "1Gbps", mtu = 4294968796 }
LUA
expect 2 "mtu.lua:1: star: field 'mtu' must be at most 1 MiB (got 4294968796)" 'mtu = 2^32 + 1500' -- mtu.lua

# found by fuzzing: a dctcp run on switches whose buffer cannot hold a
# packet read the freed port table to word its message
scenario tiny.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "1Gbps", switch = { buffer = #"4MB" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1000 }
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = "tiny.h5" }
LUA
expect 2 "switch 'switch': a buffer of 3 bytes cannot hold one packet (mtu 4096 bytes)" \
    'a buffer of 3 bytes under dctcp' -- tiny.lua

# binary chunks, which Lua does not verify, are refused
printf '\033LuaT\000\031\223\r\n\032\n' >"$T/binary.lua"
expect 2 'attempt to load a binary chunk' 'a precompiled scenario' -- binary.lua
scenario dump.lua <<'LUA'
local f = load(string.dump(function() return 1 end))
assert(f == nil)
local g, err = load(string.dump(function() return 1 end), "chunk", "b")
error(err)
LUA
expect 2 "attempt to load a binary chunk (mode is 't')" 'load() of a binary chunk, even with mode "b"' -- dump.lua
finish
