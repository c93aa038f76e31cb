#!/bin/sh
# diskfull.sh - a run whose output folder fills up (a 2 MB tmpfs; 64 hosts
# send 1 GB each, sampled every 400 ns, near the finest netsim takes, one
# packet on the fastest link: 2.7 MB of time series once deflated): exit 1 with the path and the system's reason, no
# temporary or partial file left, the file that was there unchanged; a
# scenario that catches the error with pcall and goes on exits 0, and
# HDF5's end does not crash (it did: exit 139). Issue 13, item 2.
# Needs root to mount the tmpfs; skipped otherwise.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all 'needs root to mount a small tmpfs'
mkdir -p "$T/tiny"
mount -t tmpfs -o size=2m tmpfs "$T/tiny" 2>/dev/null || skip_all 'cannot mount a tmpfs here'
trap 'umount "$T/tiny" 2>/dev/null; rm -rf "$T"' EXIT
plan 8

scenario full.lua <<'LUA'
local catch = param("catch", 0)
local fab = netsim.star{ hosts = 64, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for h = 1, 64 do w:transfer{ src = h, dst = h % 64 + 1, bytes = "1GB" } end
local opts = { fabric = fab, workload = w, output = "tiny/full.h5", sample = "400ns" }
if catch == 1 then
  local ok, err = pcall(netsim.run, opts)
  print("caught:", ok, err)
  netsim.run{ fabric = fab, workload = w, output = "after.h5" }
else
  netsim.run(opts)
end
LUA
echo 'the old results' >"$T/tiny/full.h5"
run -q full.lua
is "$status" 1 'a full disk: exit status 1'
grep -q "tiny/full.h5: writing the output file failed: No space left on device; nothing was written there (the file that was there is unchanged)" "$T/err"
ok $? 'naming the output and the reason'
is "$(cat "$T/tiny/full.h5")" 'the old results' 'the file that was there is unchanged'
is "$(ls -A "$T/tiny" | tr '\n' ' ')" 'full.h5 ' 'no temporary or partial file is left'
rm -f "$T/tiny/full.h5"
run -q full.lua
is "$(ls -A "$T/tiny" | wc -l | tr -d ' ')" 0 'without an old file: nothing at all is left'
run -q full.lua catch=1
is "$status" 0 'a scenario that catches the error and goes on exits 0 (no crash at the end)'
grep -q '^caught:	false	.*No space left on device' "$T/out"; ok $? 'pcall got the message'
test -s "$T/after.h5"; ok $? 'and the run after it wrote its file'
finish
