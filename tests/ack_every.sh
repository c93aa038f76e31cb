#!/bin/sh
# ack_every.sh - coalesced ACKs: run{dctcp|uec = {ack_every = B}} (issue 20).
#
# tests/data/ack_every.lua. One flow of 100 full packets (4,096 B on the
# wire) through one switch, its window never full (init_window 1,000): the
# receiver acknowledges the first packet, then every k-th (k = the packets
# that make up B), and the last (the sender asks, AR): 1 + ceil(99 / k)
# ACKs; 100 for B = 0 and for B of one packet. The data are not held up: the
# last byte arrives when 101 serialisations (100 packets and the last one's
# second hop, 327.68 ns each at 100 Gb/s) and two cables (1 us each) have
# passed, 35,095,680 ps, whatever B. ACKs are counted on the wire: every
# port's packets less the data's, over the hops of a path (2 on the star, 4
# across the leaf-spine).
# Under load (8 flows of 4 MB into one host; 8 sprayed pairs across a
# leaf-spine, which reorders): nothing lost or resent, every byte delivered,
# fewer ACKs than data packets, at least one ACK per CE-marked packet (a
# marked packet is acknowledged at once); out-of-order packets are coalesced
# too (the ACK's bitmap): under dctcp, which marks few, fewer than half as
# many ACKs as packets across the sprayed leaf-spine, and still nothing
# resent (a packet the bitmaps left out would be deemed lost and resent).
# With 16 KB ports that trim: no timeout (the receiver reports at once
# while a trimmed packet is missing, so a sender whose window shrank is not
# left waiting) and every trimmed packet resent once. One bottleneck stays busy
# (>= 95 %) and fair: Jain's index >= 0.97 under dctcp; >= 0.9 under uec,
# whose NSCC lets one of the 8 flows run ahead with coalesced ACKs (0.912:
# it ends at 1.19 ms, the others from 2.12 to 2.61 ms; 0.997 with an ACK per
# packet; with 4, 6, 7, 9 or 12 flows 0.98 or more either way).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/ack_every.lua
for a in 0 4KiB 8KiB 12KiB 16KiB; do run_to "one_$a.h5" "$S" iw=1000 ack=$a; done
for tp in dctcp uec; do
    for a in 0 16KiB; do
        run_to "star_${tp}_$a.h5" "$S" n=8 bytes=4000000 transport=$tp ack=$a
        run_to "ls_${tp}_$a.h5" "$S" shape=leafspine n=8 bytes=4000000 transport=$tp ack=$a
    done
done
run_to again.h5 "$S" n=8 bytes=4000000 transport=uec ack=16KiB
for tp in dctcp uec; do
    run_to "trim_star_$tp.h5" "$S" n=8 bytes=4000000 transport=$tp ack=16KiB buffer=16KB
    run_to "trim_ls_$tp.h5" "$S" shape=leafspine n=8 bytes=4000000 transport=$tp ack=16KiB buffer=16KB
done
for tp in dctcp uec; do
    run -o hdr.h5 "$S" transport=$tp ack=16KiB
    grep -q "^netsim: transport $tp: .*, an ACK every 16384 bytes\$" "$T/out"
    ok $? "the run header states $tp's ACK policy ($(grep '^netsim: transport' "$T/out"))"
done
for a in 0:1 4KiB:1 8KiB:2 12KiB:3 16KiB:4; do
    b=${a%:*} k=${a#*:}
    check "one flow, ack_every $b: 1 + ceil(99 / $k) ACKs, the last byte at 35,095,680 ps" "
f = h5('one_$b')
ok &= acks(f, 2) == (100 if $k == 1 else 1 + -(-99 // $k))
ok &= int(f['transfers']['finish_ps'][0]) == 35095680 and int(f['summary'].attrs['makespan_ps']) == 35095680"
done
for tp in dctcp uec; do
    for shape in star:2 ls:4; do
        s=${shape%:*} hops=${shape#*:}
        check "$s, $tp: an ACK per data packet by default; with 16 KiB fewer, at least one per mark, nothing lost" "
per, co = h5('${s}_${tp}_0'), h5('${s}_${tp}_16KiB')
for f in (per, co):
    t = f['transfers'][:]
    ok &= len(t) == 8 and all(int(x) == 4000000 for x in t['bytes'])
    ok &= int(t['retransmits'].sum()) == 0 and int(f['summary'].attrs['drops']) == 0
    ok &= int(f['summary'].attrs['timeouts']) == 0
ok &= acks(per, $hops) == int(per['transfers']['packets'].sum())
n = acks(co, $hops)
ok &= int(co['transfers']['ecn_marks'].sum()) <= n < int(co['transfers']['packets'].sum())"
    done
    fair=0.97; [ $tp = uec ] && fair=0.9
    check "star, $tp, 16 KiB: one bottleneck fair (Jain >= $fair) and busy (>= 95 %)" "
t = h5('star_${tp}_16KiB')['transfers'][:]
rate = [int(x['bytes']) / int(x['finish_ps']) for x in t]
jain = sum(rate) ** 2 / (len(rate) * sum(r * r for r in rate))
wire = 8 * (4000000 + 64 * -(-4000000 // 4032))
busy = wire * 8 / (max(int(x) for x in t['finish_ps']) * 1e-12) / 100e9
ok &= jain >= $fair and 0.95 <= busy <= 1.0"
done
check 'sprayed, dctcp, 16 KiB: out-of-order packets coalesced, fewer than half as many ACKs as packets' "
f = h5('ls_dctcp_16KiB')
ok &= acks(f, 4) * 2 < int(f['transfers']['packets'].sum())"
for tp in dctcp uec; do
    for s in star ls; do
        check "16 KB ports that trim, $s, $tp, 16 KiB: no timeout, no drop, retransmissions = trims > 0" "
f = h5('trim_${s}_$tp')
ok &= int(f['summary'].attrs['timeouts']) == 0 and int(f['summary'].attrs['drops']) == 0
ok &= int(f['ports']['trimmed'].sum()) > 0 and int(f['transfers']['retransmits'].sum()) == int(f['ports']['trimmed'].sum())
ok &= all(int(x) == 4000000 for x in f['transfers']['bytes'])"
    done
done
check 'the same seed gives the same run' "
ok &= all((h5('star_uec_16KiB')[t][n] == h5('again')[t][n]).all() for t in ('transfers', 'ports') for n in h5('again')[t].dtype.names)"
run_checks "$(h5_setup)
def acks(f, hops):
    # every packet crosses 'hops' ports: the ports' count less the data's
    return int(f['ports']['tx_packets'].sum()) // hops - int(f['transfers']['packets'].sum())
"
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "uec", uec = { ack_every = "2GiB" }, output = "bad.h5" }' \
    "bad.lua:4: run: uec: field 'ack_every' must be at most 1GiB" 'ack_every beyond 1 GiB'
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "dctcp", dctcp = { ack_every = "16 apples" }, output = "bad.h5" }' \
    "bad.lua:4: run: dctcp: field 'ack_every'" 'ack_every not a size'
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "dcqcn", dcqcn = { ack_every = "16KiB" }, output = "bad.h5" }' \
    "bad.lua:4: run: dcqcn: unknown field 'ack_every'" 'ack_every under dcqcn'
plan "$_n"
finish
