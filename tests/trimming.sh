#!/bin/sh
# trimming.sh - switch = { trim = true } (issue 15, item 3), against counts
# made by hand and conservation.
#
# tests/data/trim.lua: 8 hosts each send one packet (4,032 bytes, 4,096 on
# the wire) to host 1 through one switch whose port to host 1 holds 8,192
# bytes. The 8 packets reach the port together: it takes 2 (the second
# finds 4,096 queued, and 4,096 + 4,096 <= 8,192) and trims the other 6
# (each header ahead of the queue, 64 bytes of link time). Each trimmed
# packet's NACK brings it back at once, the 6 again nearly together to an
# empty port: 2 taken, 4 trimmed; then 4: 2 and 2; then 2: 2 and 0. So
# 6 + 4 + 2 = 12 trims and 12 retransmissions, nothing dropped, no timeout.
# With 400 KB each and 64 KB ports: no byte lost, no timeout, every trim
# resent exactly once (retransmissions = trims), and the incast ends within
# 10 % of its bound 8 x 400 KB (plus headers) / 100 Gb/s; without trimming
# the same incast drops packets and waits for timeouts. A switch that runs
# PFC and is asked to trim is refused: a lossless port never runs out of
# room, so it would trim nothing; so is one with unlimited buffers.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/trim.lua
run_to one.h5 "$S" bytes=4032 buffer=8192
run_to big.h5 "$S"
run_to big2.h5 "$S"
run_to notrim.h5 "$S" trim=false
run -o hdr.h5 "$S" bytes=4032
grep -q '^netsim: switch: buffer 64 KB per port, no ECN, trimming' "$T/out"
ok $? "the run header says the switches trim ($(grep '^netsim: switch' "$T/out"))"

check 'one packet each: 12 trims and 12 retransmissions, by hand; nothing dropped, no timeout' "
t, p = h5('one')['transfers'][:], h5('one')['ports'][:]
ok &= int(p['trimmed'].sum()) == 12 and int(t['retransmits'].sum()) == 12
ok &= int(p['drops'].sum()) == 0 and int(t['timeouts'].sum()) == 0 and all(int(x) > 0 for x in t['finish_ps'])"
check '400 KB each: no drop, no timeout, every trimmed packet resent once, within 10 % of the bound' "
t, p = h5('big')['transfers'][:], h5('big')['ports'][:]
ok &= int(p['drops'].sum()) == 0 and int(t['timeouts'].sum()) == 0 and int(p['trimmed'].sum()) > 0
ok &= int(t['retransmits'].sum()) == int(p['trimmed'].sum())
wire = 8 * (400000 + 64 * -(-400000 // 4032))
bound = wire * 8 * 10**12 // 100000000000
span = int(h5('big')['summary'].attrs['makespan_ps'])
ok &= bound <= span <= 1.1 * bound"
check 'without trimming the incast drops and times out, and takes longer' "
t, p = h5('notrim')['transfers'][:], h5('notrim')['ports'][:]
ok &= int(p['drops'].sum()) > 0 and int(t['timeouts'].sum()) > 0 and int(p['trimmed'].sum()) == 0
ok &= int(h5('notrim')['summary'].attrs['makespan_ps']) > int(h5('big')['summary'].attrs['makespan_ps'])"
check 'the same seed gives the same run' "
ok &= all((h5('big')[t][n] == h5('big2')[t][n]).all() for t in ('transfers', 'ports') for n in h5('big')[t].dtype.names)"

run_checks "
$(h5_setup)
"
expect_bad "$(cat "$S")" "switch 'switch' trims packets (switch = { trim = true }), which transport \"dcqcn\" cannot recover" \
    'trimming under dcqcn' transport=dcqcn
expect_bad "$(sed 's/trim = param("trim", "true") == "true"/trim = true, pfc = true/' "$S")" \
    "switch 'switch' runs PFC and trims packets (switch = { trim = true }): a lossless switch never runs out of room" \
    'trimming on a lossless (PFC) switch'
expect_bad 'netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us", switch = { buffer = "unlimited", trim = true } }' \
    "bad.lua:1: star: switch: trim = true needs a finite buffer" 'trimming with unlimited buffers'
expect_bad 'netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us", switch = { trim = 1 } }' \
    "bad.lua:1: star: switch: field 'trim'" 'trim = 1'

plan "$_n"
finish
