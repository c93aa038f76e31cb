#!/bin/sh
# failures.sh - cables that fail or slow during a run (issue 15, item 5),
# against answers known without the simulator.
#
# tests/data/failures.lua: 2 leaves x 2 hosts, 2 spines, 100 Gb/s, 1 us.
# - Down from time 0 with reroute 0 is the fabric without that cable
#   (leafspine{ failed = }), slowed from time 0 the degraded fabric: the same
#   finish times to the picosecond (spraying, ideal transport).
# - host1's cable slowed to 50 Gb/s at 10 us while it sends 100 packets of
#   4,096 bytes to host3 (ECMP, one flow): packets 0-30 leave at 327,680 ps
#   each (packet 30 ends at 10,158,080), the other 69 at 655,360: the last
#   ends at 55,377,920; then 1 us, and 3 switches each store-and-forward
#   327,680 and add 1 us: 60,360,960 ps.
# - leaf1-spine1 down for good at 50 us (reroute 10 us), dctcp, spraying,
#   2 MB from each host of leaf1: after the failure every byte still to go
#   crosses leaf1's one uplink left; by 50 us the two NICs sent at most
#   2 x 625,000 bytes of the 2 x 2,031,808 on the wire: the last byte
#   arrives after 50 + (4,063,616 - 1,250,000) x 8 / 100e9 s = 275.09 us, and
#   within one minimum RTO (1 ms) and the reroute of that.
# - At flow level the same: down from 0 is the fabric without the cable;
#   down at 50 us (reroute 10 us) ends at 290,072,320 ps and, repaired at
#   150 us, at 227,527,680 ps, both by hand (see the check).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/failures.lua
run_to static.h5 "$S" mode=static lb=spray
run_to down0.h5 "$S" mode=down lb=spray
run_to degraded.h5 "$S" mode=degraded lb=spray
run_to slow0.h5 "$S" mode=slow lb=spray
run_to none.h5 "$S" mode=none lb=spray
run_to nicslow.h5 "$S" mode=nicslow flows=1 at=10us bytes=403200
run_to good.h5 "$S" mode=down lb=spray transport=dctcp at=50us reroute=10us
run_to good2.h5 "$S" mode=down lb=spray transport=dctcp at=50us reroute=10us
run_to repaired.h5 "$S" mode=down lb=spray transport=dctcp at=50us reroute=10us duration=50us
run_to nic.h5 "$S" mode=nic transport=dctcp at=20us duration=30us reroute=5us
# flow level
run_to fstatic.h5 "$S" mode=static lb=spray model=flow
run_to fdown0.h5 "$S" mode=down lb=spray model=flow
run_to fdegraded.h5 "$S" mode=degraded lb=spray model=flow
run_to fslow0.h5 "$S" mode=slow lb=spray model=flow
run_to fgood.h5 "$S" mode=down lb=spray model=flow at=50us reroute=10us
run_to frepaired.h5 "$S" mode=down lb=spray model=flow at=50us reroute=10us duration=100us
run -o hdr.h5 "$S" mode=down lb=spray transport=dctcp at=50us reroute=10us
grep -q '^netsim: failures: 1 cable; forwarding avoids a cable down 10 us after it fails (reroute)$' "$T/out"
ok $? 'the run header names the failures and the reroute delay'
run -o hdr2.h5 "$S" mode=down lb=spray transport=dctcp at=50us reroute=default
grep -q '^netsim: failures: 1 cable; forwarding avoids a cable down 1 ms after it fails (reroute, the default: hardware fast failover; BGP takes 100ms or more)$' "$T/out"
ok $? 'without reroute the header says the 1 ms is the default, and what it stands for'

check 'down from 0 with reroute 0 is the fabric without the cable; slowed from 0 the degraded one (to the ps)' "
fin = lambda f: [int(x) for x in h5(f)['transfers']['finish_ps']]
ok &= fin('down0') == fin('static') and fin('slow0') == fin('degraded')
ok &= fin('none') != fin('static') and fin('static') != fin('degraded')"
check 'a NIC slowed at 10 us: the transfer ends at 60,360,960 ps, by hand' "
ok &= [int(x) for x in h5('nicslow')['transfers']['finish_ps']] == [60360960]"
check 'down for good at 50 us: done after the hand bound 275.09 us, within an RTO and the reroute of it' "
t = max(int(x) for x in h5('good')['transfers']['finish_ps'])
ok &= 275090000 <= t <= 275090000 + 1000000000 + 10000000
ok &= len(h5('good')['transfers']) == 2 and int(h5('good')['summary'].attrs['transfers_done']) == 2"
check '/failures: the cable, its times, and the packets lost on it (= the drops of its two ports)' "
f = h5('good')['failures'][:]
ok &= len(f) == 1 and f[0]['name'] == b'leaf1->spine1' and int(f[0]['at_ps']) == 50000000
ok &= int(f[0]['until_ps']) == -1 and int(f[0]['rate_bps']) == 0 and int(f[0]['reroute_ps']) == 10000000
l = int(f[0]['link'])
links = h5('good')['topology/links'][:]
rev = [i for i, r in enumerate(links) if int(r['src']) == int(links[l]['dst']) and int(r['dst']) == int(links[l]['src'])][0]
ports = h5('good')['ports'][:]
ok &= int(f[0]['lost_packets']) > 0 and int(f[0]['lost_packets']) == int(ports[l]['drops']) + int(ports[rev]['drops'])
r = h5('repaired')['failures'][0]
ok &= int(r['until_ps']) == 100000000"
check 'a repaired cable carries traffic again; a failed one no more after the reroute' "
tx = lambda f: int(h5(f)['ports'][int(h5(f)['failures'][0]['link'])]['tx_bytes'])
ok &= tx('repaired') > 2 * tx('good') > 0"
check 'a NIC down for 30 us: its transfer recovers and completes; packets were lost' "
ok &= all(int(x) > 0 for x in h5('nic')['transfers']['finish_ps']) and int(h5('nic')['failures'][0]['lost_packets']) > 0
ok &= int(h5('nic')['transfers']['timeouts'].sum()) >= 1"
check 'flow level: down from 0 is the fabric without the cable (to the ps); slowed from 0 the degraded one (0.2 %)' "
fin = lambda f: [int(x) for x in h5(f)['transfers']['finish_ps']]
ok &= fin('fdown0') == fin('fstatic')
ok &= all(abs(a / b - 1) < 0.002 for a, b in zip(fin('fslow0'), fin('fdegraded')))"
check 'flow level, down at 50 us for good, reroute 10 us: 290,072,320 ps by hand; repaired at 150 us: 227,527,680' "
# 2 flows of W = 2,031,808 wire bytes sprayed over 2 uplinks: 100 Gb/s each until 50 us (625,000 B),
# stopped until the reroute at 60 us, then 50 Gb/s each on the one uplink left; repaired at 150 us
# and rerouted at 160 us: 100 Gb/s again. Plus 4 x 1 us and 3 store-and-forwards of 327,680 ps.
W, d = 2031808, 4000000 + 3 * 327680
good = 60000000 + (W - 625000) * 8 * 10**12 // 50000000000 + d
rep = 160000000 + (W - 1250000) * 8 * 10**12 // 100000000000 + d
fin = lambda f: [int(x) for x in h5(f)['transfers']['finish_ps']]
ok &= fin('fgood') == [good, good] and fin('frepaired') == [rep, rep]
ok &= int(h5('fgood')['failures'][0]['lost_packets']) == 0"
check 'the same seed gives the same run' "
ok &= all((h5('good')[t][n] == h5('good2')[t][n]).all() for t in ('transfers', 'ports', 'failures') for n in h5('good')[t].dtype.names)"

run_checks "
$(h5_setup)
"

# --- bad input ----------------------------------------------------------------
F='local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = 1e6 }'
expect_bad "$F
local l = fab:link(\"leaf1\", \"spine9\")" "bad.lua:4: link: no node is named 'spine9'" 'fab:link of an unknown node'
expect_bad "$F
local l = fab:link(\"leaf1\", \"leaf2\")" "bad.lua:4: link: there is no cable between 'leaf1' and 'leaf2'" 'fab:link without a cable'
expect_bad "$F
local l = fab:link(\"leaf1\", \"spine1\", 2)" "bad.lua:4: link: there is 1 cable between 'leaf1' and 'spine1', not 2" 'fab:link of a second cable'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, failures = { { link = fab:link(\"leaf1\", \"spine1\"), at = \"1us\", rate = \"100Gbps\" } }, output = \"bad.h5\" }" \
    "bad.lua:4: run: failures\[1\]: field 'rate' must be below the cable's 100000000000 bit/s" 'a failure that does not slow'
expect_bad "$F
local l = fab:link(\"leaf1\", \"spine1\")
netsim.run{ fabric = fab, workload = w, failures = { { link = l, at = \"1us\", duration = \"5us\" }, { link = fab:link(\"spine1\", \"leaf1\"), at = \"3us\" } }, output = \"bad.h5\" }" \
    "bad.lua:5: run: failures\[2\]: it overlaps failures\[1\] of the same cable" 'two failures of one cable at once'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, failures = { { link = 0, at = \"1us\", duration = \"0s\" } }, output = \"bad.h5\" }" \
    "bad.lua:4: run: failures\[1\]: field 'duration' must be positive" 'a zero duration'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, failures = { { link = 99, at = \"1us\" } }, output = \"bad.h5\" }" \
    "bad.lua:4: run: failures\[1\]: field 'link'" 'a link that does not exist'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, failures = { { link = 0 } }, output = \"bad.h5\" }" \
    "bad.lua:4: run: failures\[1\]: field 'at' is required" 'a failure without a time'
expect_bad "$F
netsim.run{ fabric = fab, workload = w, failures = { { link = fab:link(\"host1\", \"leaf1\"), at = \"1us\" } }, output = \"bad.h5\" }" \
    'run: a packet was lost at host1->leaf1 .* transport "ideal" does not recover losses' 'a loss the ideal transport cannot recover'
scenario warn.lua <<LUA
$F
netsim.run{ fabric = fab, workload = w, reroute = "1ms", output = "warn.h5" }
LUA
run warn.lua
grep -q "warning: run: field 'reroute'" "$T/err"
ok $? "reroute without failures warns that it is unused ($(head -c 200 "$T/err"))"

plan "$_n"
finish
