#!/bin/sh
# connections.sh - run{connections = "per_transfer" | "persistent"} (issue 14,
# item 4) against times worked out by hand, to the picosecond, from the
# transfers of tests/lua/connections.lua read back from /transfers.
#
# The fabric: hosts 1 and 2 on a star, 100 Gb/s links of L = 100 us; a full
# packet (4,032 payload + 64 header bytes) takes s = 327,680 ps to send, an
# ACK (64 bytes) a = 5,120 ps. No queue builds (one sender, equal rates), so
# nothing is marked or lost and DCTCP's windows grow by one per ACK (slow
# start, init_window 10). A packet whose first bit leaves at t arrives whole
# at t + 2 s + 2 L (store and forward at the switch), its ACK is back at
# t + R, R = 2 s + 2 a + 4 L = 400,665,600 ps; a window of n packets leaves
# back to back, so a transfer sent in one flight takes (n + 1) s + 2 L.
#
# The first transfer, 30 packets: 10 leave at 0; their ACKs come back from R
# on, one per s, each sending two more, so the other 20 leave back to back
# from R and the last arrives at R + 21 s + 2 L. By then the 10 ACKs of the
# first flight are back (window 10 + 10 = 20) and the 20 of the second are on
# their way (window 40 once they are in).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
plan 16

S=$SRCDIR/tests/lua/connections.lua
failed_runs=0
go() {   # go NAME PARAMS...: run the scenario into NAME.h5
    name=$1; shift
    run -q -o "$name.h5" "$S" "$@"
    if [ "$status" -ne 0 ]; then failed_runs=$((failed_runs + 1)); echo "# $name: exit $status"; sed 's/^/#   /' "$T/err"; fi
}

# the run header names the mode; a bad value is refused, naming the field and the values
run -o hdr.h5 "$S"
is "$(head -n 1 "$T/out")" "netsim: $S on star (2 hosts), model packet, lb ecmp, transport dctcp, subflows 1, connections persistent, seed 1 -> hdr.h5" \
    'the run header names the connections mode'
expect_bad 'local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "dctcp", connections = "sometimes", output = "bad.h5" }' \
    "field 'connections' must be one of \"per_transfer\", \"persistent\" (got \"sometimes\")" 'connections = "sometimes"'
scenario ideal.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, transport = "ideal", connections = "persistent", output = "ideal.h5" }
LUA
run -q ideal.lua
grep -q "transport \"ideal\" carries no congestion state.*runs as \"per_transfer\"" "$T/err"
ok $(( status != 0 || $? )) 'persistent with the ideal transport runs, with a warning that nothing is carried'

# 1. back to back (the second after the first): it starts at the first's
#    window when the first completed, 20: 20 packets go in one flight, a 21st
#    waits an RTT; per transfer, 20 packets need two flights
go dep_p20 conn=persistent n2=20
go dep_p21 conn=persistent n2=21
go dep_t20 conn=per_transfer n2=20
# 2. 1 ms later every ACK of the first is back: it starts at 40
go gap_p40 conn=persistent gap=1ms n2=40
go gap_p41 conn=persistent gap=1ms n2=41
go gap_t40 conn=per_transfer gap=1ms n2=40
# 3. slow start: 3,000 then 5,000 packets, 2 ms apart
go ss_p conn=persistent n1=3000 n2=5000 gap=2ms
go ss_t conn=per_transfer n1=3000 n2=5000 gap=2ms
go ss_t4 conn=per_transfer n1=3000 n2=5000 gap=2ms k=4
go ss_p4 conn=persistent n1=3000 n2=5000 gap=2ms k=4
# 4. subflows share the initial window: one transfer of 10 or 20 packets in k subflows
for k in 1 2 5 10; do
    go sub_k${k}_10 conn=per_transfer n1=0 n2=10 k=$k
    go sub_k${k}_20 conn=per_transfer n1=0 n2=20 k=$k
done
# 5. persistent and subflows: 32 packets in 2 subflows of 16, each starting at 5, end
#    at 21 each and save their sum, 42 (= 10 + 32, as one flow), which the next
#    transfer's 2 subflows share: 42 packets (21 each) go in one flight, 44 (22 each) not
go sum_42 conn=persistent gap=1ms k=2 n1=32 n2=42
go sum_44 conn=persistent gap=1ms k=2 n1=32 n2=44
# 6. two transfers of the pair at once: only one takes the carried window
go conc_p conn=persistent gap=1ms n2=20 together=2
go conc_t conn=per_transfer gap=1ms n2=20 together=2
# 7. DCQCN: the rate the incast of tests/lua/connections_dcqcn.lua left carries over
for k in 1 2; do
    for c in per_transfer persistent; do
        run -q -o "dq_${c}_$k.h5" "$SRCDIR/tests/lua/connections_dcqcn.lua" conn=$c k=$k
        [ "$status" -eq 0 ] || { failed_runs=$((failed_runs + 1)); sed 's/^/#   /' "$T/err"; }
    done
done
is "$failed_runs" 0 'every run of tests/lua/connections.lua and connections_dcqcn.lua succeeded (their own asserts)'

check "first transfer: 30 packets in two flights, R + 21 s + 2 L, whatever the mode" '
for name in ("dep_p20", "dep_t20", "gap_p40", "conc_p"):
    t = xf(name)
    print("# %s: first transfer %d ps" % (name, t[0][1] - t[0][0]))
    ok &= t[0] == (0, R + 21 * s + 2 * L)
'
check "back to back, persistent: the second starts at window 20 (20 packets in one flight, 21 need an RTT more)" '
a, b = xf("dep_p20")[1], xf("dep_p21")[1]
first = R + 21 * s + 2 * L
print("# 20 packets: %d ps (want %d), 21: %d ps (want %d)" % (fct(a), 21 * s + 2 * L, fct(b), R + 2 * s + 2 * L))
ok &= a[0] == first and fct(a) == 21 * s + 2 * L
ok &= b[0] == first and fct(b) == R + 2 * s + 2 * L
'
check "back to back, per transfer: the second starts at 10 again (10 + 10 packets, R + 11 s + 2 L)" '
ok &= fct(xf("dep_t20")[1]) == R + 11 * s + 2 * L
'
check "1 ms later, persistent: the second starts at the final window 40 (40 in one flight, 41 need an RTT more)" '
a, b, c = xf("gap_p40")[1], xf("gap_p41")[1], xf("gap_t40")[1]
ok &= a[0] == R + 21 * s + 2 * L + 10**9
ok &= fct(a) == 41 * s + 2 * L
ok &= fct(b) == R + 2 * s + 2 * L
# per transfer: 10, 20, then 10 of the 40 after two RTTs: 2 R + 11 s + 2 L
ok &= fct(c) == 2 * R + 11 * s + 2 * L
print("# 40: %d, 41: %d, per transfer 40: %d ps" % (fct(a), fct(b), fct(c)))
'
check "slow start: the second transfer is faster under persistent by m R - S s, m = ceil(log2(BDP / 10)), S = 10 (2^m - 1)" '
bdp = R / s                              # packets in flight that keep the link busy: 1222.7
m = math.ceil(math.log2(bdp / 10))       # 7 doublings from 10 to 1280
S = 10 * (2 ** m - 1)                    # 1270 packets sent during them
N = 5000
p, t = fct(xf("ss_p")[1]), fct(xf("ss_t")[1])
print("# m = %d, S = %d; persistent %d ps, per transfer %d ps, gain %d ps (want %d)" % (m, S, p, t, t - p, m * R - S * s))
ok &= p == (N + 1) * s + 2 * L            # line rate from the first packet
ok &= t == m * R + (N - S + 1) * s + 2 * L
ok &= t - p == m * R - S * s
'
check "slow start in 4 subflows: the same times as in one (the window is shared, and summed when saved)" '
ok &= fct(xf("ss_t4")[1]) == fct(xf("ss_t")[1])
ok &= fct(xf("ss_p4")[1]) == fct(xf("ss_p")[1])
ok &= xf("ss_t4")[0] == xf("ss_t")[0]
'
check "k subflows, per transfer: 10 packets go in one flight and 20 in two, as with one subflow (the first RTT carries 10 packets in all, not 10 k)" '
for k in (1, 2, 5, 10):
    a, b = fct(xf("sub_k%d_10" % k)[0]), fct(xf("sub_k%d_20" % k)[0])
    print("# k = %d: 10 packets %d ps, 20 packets %d ps" % (k, a, b))
    ok &= a == 11 * s + 2 * L
    ok &= b == R + 11 * s + 2 * L
'
check "persistent, 2 subflows: they save 42 (their sum) and the next 2 share it: 42 packets in one flight, 44 not" '
a, b = fct(xf("sum_42")[1]), fct(xf("sum_44")[1])
print("# 42 packets: %d ps, 44 packets: %d ps" % (a, b))
ok &= a == 43 * s + 2 * L
ok &= b >= R + 2 * s + 2 * L
'
check "two transfers of the pair at once: one starts at 40, the other at 10, as per transfer" '
p = sorted(fct(x) for x in xf("conc_p")[1:])
t = sorted(fct(x) for x in xf("conc_t")[1:])
print("# persistent: %s, per transfer: %s ps" % (p, t))
# the one at 40 sends its 20 in one flight (sharing the NIC with the 10 of the other),
# the other waits an RTT for its last 10
ok &= p[0] <= 31 * s + 2 * L and p[1] > R
ok &= t[0] > R and t[1] > R
'
check "dcqcn: the incast is the same in both modes; alone afterwards, host 1 sends at the line rate per transfer and starts at its cut rate when persistent" '
for k in (1, 2):
    t, p = xf("dq_per_transfer_%d" % k), xf("dq_persistent_%d" % k)
    ok &= t[:4] == p[:4]
    line = (992 * 4096 + 320) * 8 * 10**12 // (100 * 10**9) + 2 * 10**6   # 4 MB: 992 full packets and 256 bytes, then 2 links of 1 us
    print("# k = %d: alone %d ps per transfer (line rate %d), %d ps persistent" % (k, fct(t[4]), line, fct(p[4])))
    ok &= line <= fct(t[4]) <= 1.01 * line
    ok &= fct(p[4]) > 2 * fct(t[4])
'
run_checks '
import h5py, math
s, a, L = 327680, 5120, 100 * 10**6
R = 2 * s + 2 * a + 4 * L
T = "'"$T"'"
def xf(name):
    with h5py.File("%s/%s.h5" % (T, name), "r") as f:
        return [(int(r["start_ps"]), int(r["finish_ps"])) for r in f["transfers"][:]]
def fct(x):
    return x[1] - x[0]
'
finish
