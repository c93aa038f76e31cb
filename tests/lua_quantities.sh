#!/bin/sh
# lua_quantities.sh - sizes, times and rates given as text in a scenario:
# the Lua layer keeps the last text of each kind it parsed (a loop of a
# million transfers of "1MB" parses it once), so texts that alternate, that
# differ in one character, or that name one kind's unit where another kind
# is wanted must still give their own values, or their own error.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 10

# a chain on one host pair: transfers of 1 MB, 2 MB, 1 MB, 1 KiB, 2 MB and
# compute ops of 10, 20, 10 and 25 us; bytes 6,001,024; the chain's
# computing 65 us
scenario q.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local prev
for _, b in ipairs{ "1MB", "2MB", "1MB", "1KiB", "2MB" } do
  prev = w:transfer{ src = 1, dst = 2, bytes = b, after = prev }
end
for _, d in ipairs{ "10us", "20us", "10us", "25us" } do
  prev = w:compute{ node = 2, duration = d, after = prev }
end
netsim.run{ fabric = fab, workload = w, transport = "ideal", output = "q.h5" }
LUA
run --json -q q.lua
is "$status" 0 'alternating sizes and times: the run completes'
json=$(grep '^{' "$T/out")
echo "$json" | grep -q '"bytes":6001024,'; ok $? "bytes 1 + 2 + 1 MB + 1 KiB + 2 MB = 6,001,024"
[ -n "$PY" ] && "$PY" - "$T/q.h5" >"$T/py" 2>&1 <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
t, o = f["transfers"][:], f["ops"][:]
print("bytes", list(t["bytes"]))
c = o[o["kind"] == b"compute"]
print("compute_us", [int(x) // 1000000 for x in c["finish_ps"] - c["start_ps"]])
PY
if [ -n "$PY" ]; then
    grep -q '^bytes \[1000000, 2000000, 1000000, 1024, 2000000\]$' "$T/py"
    ok $? "each transfer its own size ($(grep '^bytes' "$T/py"))"
    grep -q '^compute_us \[10, 20, 10, 25\]$' "$T/py"
    ok $? "each compute op its own duration ($(grep '^compute_us' "$T/py"))"
else
    ok 0 '# skip: no Python with h5py'
    ok 0 '# skip: no Python with h5py'
fi

# after a good "1MB", a text of the same length that is not a size
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
w:transfer{ src = 1, dst = 2, bytes = "1Mb" }' "transfer: field 'bytes'" 'a size "1Mb" (bits) after "1MB"'
# a time where a size is wanted, after the same text parsed as a time
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:compute{ node = 1, duration = "10us" }
w:transfer{ src = 1, dst = 2, bytes = "10us" }' "transfer: field 'bytes'" 'a size "10us" after the time "10us"'
finish
