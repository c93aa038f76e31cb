#!/bin/sh
# pfc.sh - priority flow control (issue 14, item 2), against answers worked
# out by hand:
#  - an incast of n line-rate senders into one 100 Gb/s port with PFC loses
#    nothing, delivers every byte, and shares the port evenly: every sender
#    finishes at n x (its bytes on the wire) / rate, within 1 % (ties between
#    packets that arrive at the same picosecond go in host order: the first
#    host finishes up to 1 % early with 8 senders);
#  - head-of-line blocking: a victim flow that shares only an upstream port
#    (spine1 -> leaf2) with a flow into a 25 Gb/s host is slowed from 100 to
#    about 25 Gb/s (its 4 MB take B_wire / 25 Gb/s, not B_wire / 100 Gb/s);
#  - a ring whose flows depend on each other's buffers deadlocks, and the run
#    stops with the cycle's ports named;
#  - counters: pause frames and paused time per port, pause_ps per transfer;
#  - bad settings are refused with the field named.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 29
D="$SRCDIR/tests/data"

scenario incast.lua <<'LUA'
local n = param("n", 4)
local transport = param("transport", "ideal")
local fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us",
  switch = { buffer = param("buffer", "1MB"), shared = true, ecn = false, pfc = true } }
local w = netsim.workload()
for i = 1, n do w:transfer{ src = i, dst = n + 1, bytes = "4MB" } end
netsim.run{ fabric = fab, workload = w, transport = transport, output = param("out", "incast.h5") }
LUA
run incast.lua
is "$status" 0 'an incast of 4 line-rate senders with PFC runs'
grep -q '; PFC on (lossless)$' "$T/out"; ok $? 'the header says PFC is on'
grep -q '^losses  *0 dropped, 0 timeouts, [1-9][0-9]* PFC pause frames: ports paused' "$T/out"; ok $? 'the summary has the pauses in its losses line'
run incast.lua n=8 transport=dctcp out=incast8.h5
is "$status" 0 'an incast of 8 dctcp senders with PFC runs'

# 4 MB is 993 packets (992 of 4032 payload bytes + 1 of 1,856), 4096 bytes on
# the wire for a full one: 4,000,000 + 993 x 64 header bytes.
WIRE=4063552
check 'incast: no drop anywhere, every byte delivered' "
for name, n in (('incast.h5', 4), ('incast8.h5', 8)):
    f = h5py.File(T + '/' + name)
    ok &= int(f['ports']['drops'].sum()) == 0
    x = f['transfers'][:]
    ok &= len(x) == n and (x['finish_ps'] > 0).all()
    ok &= int(x['bytes'].sum()) == n * 4000000
    ok &= int(x['retransmits'].sum()) == 0"
check 'incast: each of n senders gets 1/n: finishes at n x B_wire / 100 Gb/s within 1 %' "
for name, n in (('incast.h5', 4), ('incast8.h5', 8)):
    x = h5py.File(T + '/' + name)['transfers'][:]
    want = n * $WIRE * 8 / 100e9 * 1e12
    for r in x:
        ok &= abs((r['finish_ps'] - r['start_ps']) - want) <= 0.01 * want
    thr = [r['bytes'] / (r['finish_ps'] - r['start_ps']) for r in x]
    ok &= sum(thr) ** 2 / (n * sum(t * t for t in thr)) > 0.9999   # Jain's index"
check 'incast: the senders NICs were paused (1 - 1/n) of the time, within 2 %' "
for name, n in (('incast.h5', 4), ('incast8.h5', 8)):
    f = h5py.File(T + '/' + name)
    x = f['transfers'][:]
    ports = f['ports'][:]
    for r in x:
        fct = r['finish_ps'] - r['start_ps']
        ok &= abs(r['pause_ps'] - (1 - 1 / n) * fct) <= 0.02 * fct
        # the NIC's port (link src-1) counts the same pause, and its frames
        p = ports[r['src'] - 1]
        ok &= p['paused_ps'] == r['pause_ps'] and p['pause_frames'] > 0
    ok &= ports['pause_frames'][n:].sum() == 0   # nothing pauses the switch's own ports"

# the egress into the receiver never holds more than the ingresses' xoff +
# headroom: 4 x (xoff + 2 x 12,500 + 2 x 4096); default xoff = one BDP
check 'incast: the queue stays within the ingresses thresholds and headroom' "
f = h5py.File(T + '/incast.h5')
links = f['topology/links'][:]
peak = int(f['ports']['peak_queue_bytes'].max())
bdp = 100e9 / 8 * 2 * 2 * (1e-6 + 4096 * 8 / 100e9)
ok &= 0 < peak <= 4 * (bdp + 2 * 12500 + 2 * 4096) + 4096"

scenario hol.lua <<'LUA'
local fab = netsim.graph{ file = param("graph"), switch = { ecn = false, pfc = true } }
local w = netsim.workload()
w:transfer{ src = 2, dst = 3, bytes = "4MB", label = "victim" }
if param("culprit", "yes") == "yes" then w:transfer{ src = 1, dst = 4, bytes = "4MB" } end
netsim.run{ fabric = fab, workload = w, transport = "ideal", output = param("out", "hol.h5") }
LUA
run hol.lua graph="$D/pfc_hol.graphml"
is "$status" 0 'head-of-line blocking: victim and a flow into a 25 Gb/s host'
run hol.lua graph="$D/pfc_hol.graphml" culprit=no out=alone.h5
is "$status" 0 'the victim alone'
check 'head-of-line: alone the victim runs at 100 Gb/s: B_wire / 100 Gb/s + 3 hops, within 1 %' "
x = h5py.File(T + '/alone.h5')['transfers'][:]
want = $WIRE * 8 / 100e9 * 1e12 + 3 * (1e6 + 4096 * 8 / 100e9 * 1e12)
ok &= abs((x[0]['finish_ps'] - x[0]['start_ps']) - want) <= 0.01 * want"
check 'head-of-line: beside the paused flow it runs at the 25 Gb/s of that flow: B_wire / 25 Gb/s within 5 %' "
x = h5py.File(T + '/hol.h5')['transfers'][:]
v = x[x['src'] == 2][0]
want = $WIRE * 8 / 25e9 * 1e12
ok &= abs((v['finish_ps'] - v['start_ps']) - want) <= 0.05 * want
# and the paused port is the shared one: spine1 -> leaf2
f = h5py.File(T + '/hol.h5')
nodes = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
links = f['topology/links'][:]
ports = f['ports'][:]
paused = {nodes[int(l['src'])] + '->' + nodes[int(l['dst'])] for l, p in zip(links, ports) if p['paused_ps'] > 0}
ok &= 'spine1->leaf2' in paused and 'leaf3->spine1' in paused"

scenario ring.lua <<'LUA'
local fab = netsim.graph{ file = param("graph"), switch = { ecn = false, pfc = param("pfc", "on") == "on" } }
local w = netsim.workload()
for i = 1, 7 do w:transfer{ src = i, dst = (i + 2) % 7 + 1, bytes = "4MB" } end
netsim.run{ fabric = fab, workload = w, transport = "ideal", output = "ring.h5" }
LUA
run ring.lua graph="$D/pfc_ring.graphml"
is "$status" 1 'a ring of 7 switches, each flow 3 hops clockwise, with PFC: deadlock, exit 1'
grep -q 'PFC deadlock: 7 ports paused in a cycle, each waiting on the next (sw1->sw2, sw2->sw3, sw3->sw4, sw4->sw5, sw5->sw6, sw6->sw7, sw7->sw1), all paused since' "$T/err"
ok $? "the message names the cycle's ports ($(head -c 300 "$T/err"))"
ls "$T"/ring.h5 >/dev/null 2>&1; ok $((! $?)) 'no output file left'
run ring.lua graph="$D/pfc_ring.graphml" pfc=off
is "$status" 0 'the same ring without PFC (unlimited buffers under ideal) completes'

check 'netsim_h5 reads the pause columns in seconds, the summary figures with their unit' "
import sys
sys.path.insert(0, SRCDIR + '/scripts')
import netsim_h5
with netsim_h5.open(T + '/incast.h5') as run:
    ports = run.table('ports')
    xf = run.table('transfers')
    ok &= ports.attrs['units']['paused_s'] == 's' and (ports['paused_s'] > 0).sum() == 4
    ok &= (abs(xf['pause_s'] * 1e12 - xf['pause_ps']) < 1).all()
    ok &= netsim_h5.unit_of('paused_seconds') == 's' and run.summary['pause_frames'] == ports['pause_frames'].sum()"

run_checks "import h5py
T = '$T'
SRCDIR = '$SRCDIR'"

expect_bad 'netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us", switch = { pfc = "yes" } }' \
    "field 'pfc' must be a table {xoff=, xon=}, true or false" 'pfc of the wrong type'
expect_bad 'netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us", switch = { pfc = { xoff = "10KB", xon = "10KB" } } }' \
    "xon (10000 bytes) must be below xoff (10000 bytes)" 'xon not below xoff'
expect_bad 'netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us", switch = { pfc = { xof = "10KB" } } }' \
    "xof" 'an unknown pfc field'
expect_bad 'local f = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us", switch = { buffer = "100KB", shared = true, pfc = { xoff = "20KB" } } }
local w = netsim.workload(); w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = f, workload = w, transport = "dctcp", output = "x.h5" }' \
    "switch 'switch': PFC needs xoff plus headroom" 'a buffer that cannot hold the headroom'
finish
