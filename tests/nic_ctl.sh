#!/bin/sh
# nic_ctl.sh - a NIC's control packets (ACKs, NACKs, CNPs) go on the wire as
# soon as they are made, behind the packet being sent (issue 20).
#
# tests/data/nic_ctl.lua: 4,000,000 bytes over a pair of hosts (100 Gb/s,
# 1 us): 993 data packets, 992 of 4,096 B on the wire and one of 320 B
# (64 B of headers), ACKs of 64 B. One way, the last byte arrives after the
# wire bytes' serialisation and the cable: 4,063,552 x 80 ps + 1 us =
# 326,084,160 ps. Both ways, each NIC also sends the other's ACKs, each
# 5,120 ps, some before its own last packet and some after: both transfers
# end together (the pair is symmetric), at least 326,084,160 ps and at most
# 993 ACKs later (331,168,320 ps). A control packet made while the NIC
# sends data waits behind that packet in the NIC's queue (the peak queue of
# a NIC's port is then above one packet, at most a packet and an ACK), and
# costs no event of the NIC's own: a data packet costs one NIC event (its
# choice), one arrival and its ACK's arrival, 3 events, not 4.
# With a 10 us cable the window fills (slow start, about 61 packets a round
# trip): the subflow leaves its NIC's ring as it sends its last packet
# allowed (no turn that finds nothing to send), and the ACK that opens the
# window sends the next packet in its own event (no turn at the same
# picosecond): still at most 3 events a data packet (4,037 before either,
# 3,044 with only the first).
# Through a switch that runs PFC (dcqcn, RoCE's transport, both ways) the
# NICs' ports are paused by the switch, and still put an ACK behind the
# data packet on the wire (a pause would take it back): the transfers end
# together, no earlier than one way alone (2 cables, the wire bytes and,
# stored and forwarded, one packet more: 2 us + (4,063,552 + 4,096) x
# 80 ps = 327,411,840 ps) and at most 994 ACKs of 64 B later (the other's,
# and one the last packet may wait behind at the switch); an ACK waits
# behind data on a NIC's port (its peak queue is above a packet, at most a
# packet and an ACK); no pause (nothing queues for long); and a data
# packet costs 6 events: its NIC's choice,
# two arrivals, its ACK's two arrivals, and the switch port's turn for that
# ACK, which arrives while the other way's data packet is sent (7 when
# each ACK waited for a NIC turn).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/nic_ctl.lua
for tp in dctcp uec; do
    run_to "one_$tp.h5" "$S" transport=$tp
    run_to "both_$tp.h5" "$S" transport=$tp both=1
    run_to "far_$tp.h5" "$S" transport=$tp lat=10us
done
for tp in dctcp uec; do
    check "$tp, one way: the last byte at 326,084,160 ps; 3 events a data packet" "
f = h5('one_$tp')
ok &= int(f['summary'].attrs['makespan_ps']) == 326084160
p = int(f['transfers']['packets'].sum())
ok &= p == 993 and int(f['transfers']['retransmits'].sum()) == 0
ok &= 3 * p <= int(f['summary'].attrs['events']) <= 3 * p + 16"
    check "$tp, both ways: both end together, between 326,084,160 and 331,168,320 ps; an ACK waits behind data; 3 events a data packet" "
f = h5('both_$tp')
t = f['transfers'][:]
ok &= len(t) == 2 and int(t['finish_ps'][0]) == int(t['finish_ps'][1])
ok &= 326084160 <= int(t['finish_ps'][0]) <= 331168320
ok &= all(4096 < int(q) <= 4096 + 64 for q in f['ports']['peak_queue_bytes'])
p = int(t['packets'].sum())
ok &= p == 2 * 993 and 3 * p <= int(f['summary'].attrs['events']) <= 3 * p + 16"
    check "$tp, 10 us: every byte once, nothing resent, at most 3 events a data packet" "
f = h5('far_$tp')
t = f['transfers'][:]
p = int(t['packets'].sum())
ok &= p == 993 and int(t['retransmits'].sum()) == 0 and int(t['bytes'][0]) == 4000000
ok &= 2 * p <= int(f['summary'].attrs['events']) <= 3 * p + 16"
done
run_to "pfc_both.h5" "$S" transport=dcqcn both=1 pfc=1
check "dcqcn over PFC, both ways: both end together after each NIC's data and ACKs; an ACK waits behind data on the NIC's port; 6 events a data packet" "
f = h5('pfc_both')
t = f['transfers'][:]
ok &= len(t) == 2 and int(t['finish_ps'][0]) == int(t['finish_ps'][1])
one = 2 * 1000000 + (4063552 + 4096) * 80
ok &= int(t['start_ps'][0]) == 0 and one <= int(t['finish_ps'][0]) <= one + 994 * 64 * 80
ports = f['ports'][:]
nic = f['topology/links']['src'][:] <= 2   # (node ids from 1: the hosts, then the switch)
ok &= nic.sum() == 2 and all(4096 < int(q) <= 4096 + 64 for q in ports['peak_queue_bytes'][nic])
ok &= int(ports['pause_frames'].sum()) == 0 and int(ports['drops'].sum()) == 0
p = int(t['packets'].sum())
ok &= p == 2 * 993 and int(f['summary'].attrs['events']) <= 6 * p + 16"
run_checks "$(h5_setup)"
plan "$_n"
finish
