#!/bin/sh
# uec.sh - transport = "uec", NSCC's window over this project's reliable
# delivery (issue 15, item 4).
#
# tests/data/uec.lua: n hosts send 4 MB each to one host through one switch
# (100 Gb/s): one bottleneck. A fair, efficient window gives every flow the
# same share and keeps the link busy: Jain's index of the flows' rates
# (bytes over completion time) at least 0.97 and the link at least 95 %
# busy (the n x 4 MB on the wire over the last completion), for n = 2, 4, 8;
# nothing lost and no timeout with the default switch (ECN and room).
# With 16 KB ports and trimming: no byte lost, no timeout, every trimmed
# packet resent once (retransmissions = trims).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/uec.lua
for n in 2 4 8; do run_to "fair$n.h5" "$S" n=$n; done
run_to fair8b.h5 "$S" n=8
run_to trim.h5 "$S" n=8 buffer=16KB
run -o hdr.h5 "$S"
grep -q '^netsim: transport uec (its defaults): NSCC window' "$T/out"
ok $? "the run header describes the NSCC window ($(grep '^netsim: transport' "$T/out"))"
for n in 2 4 8; do
    check "n = $n on one bottleneck: Jain's index >= 0.97, the link >= 95 % busy, nothing lost" "
f = h5('fair$n')
t = f['transfers'][:]
rate = [int(x['bytes']) / int(x['finish_ps']) for x in t]
jain = sum(rate) ** 2 / (len(rate) * sum(r * r for r in rate))
wire = $n * (4000000 + 64 * -(-4000000 // 4032))
busy = wire * 8 / (max(int(x) for x in t['finish_ps']) * 1e-12) / 100e9
ok &= len(t) == $n and jain >= 0.97 and 0.95 <= busy <= 1.0
ok &= int(f['summary'].attrs['drops']) == 0 and int(f['summary'].attrs['timeouts']) == 0"
done
check 'trimming with 16 KB ports: no drop, no timeout, retransmissions = trims' "
f = h5('trim')
ok &= int(f['summary'].attrs['drops']) == 0 and int(f['summary'].attrs['timeouts']) == 0
ok &= int(f['ports']['trimmed'].sum()) > 0 and int(f['transfers']['retransmits'].sum()) == int(f['ports']['trimmed'].sum())"
check 'the same seed gives the same run' "
ok &= all((h5('fair8')[t][n] == h5('fair8b')[t][n]).all() for t in ('transfers', 'ports') for n in h5('fair8')[t].dtype.names)"
run_checks "
$(h5_setup)
"
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "uec", uec = { init_window = 4 }, output = "bad.h5" }' \
    "bad.lua:4: run: uec: unknown field 'init_window'" 'a dctcp setting given to uec'
plan "$_n"
finish
