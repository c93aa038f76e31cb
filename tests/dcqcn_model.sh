#!/bin/sh
# dcqcn_model.sh - the dcqcn transport against answers worked out without
# the simulator: (a) the queue DCQCN holds on a shared bottleneck against the
# fixed point of its fluid model; (b) exactly one lost packet, and what
# go-back-N and selective repeat resend for it, from the timing by hand.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
D="$SRCDIR/tests/lua/dcqcn"
plan 20

# (a) DCQCN's fixed point. fixed.lua: 2 flows from time 0 into one 40 Gb/s
# port (star, 1us cables), a buffer that never fills, marking from
# Kmin = 5 KB to Kmax = 200 KB at up to Pmax = 1%, the DCQCN defaults
# (netsim-lua(5): tau = cnp_interval 50us, K = alpha_timer 55us,
# T = rate_timer 55us, B = byte_counter 10 MB, F = 5, R_AI = 40 Mb/s,
# g = 1/256); 200 ms, the queue sampled every 10us, averaged over the
# second half (100 ms, 10,000 samples).
#
# The fluid model (Zhu et al., "ECN or Delay: Lessons Learnt from Analysis
# of DCQCN and TIMELY", CoNEXT 2016, section 3: its three equations for
# R_C, R_T and alpha), each term re-derived here from the rules in
# netsim-lua(5). One flow, rates in packets/s, S = the wire size
# of a packet, p = the probability a packet is marked, marks independent:
#   - the receiver sends at most one CNP per tau, so a cut comes once per
#     window of tau (tau R packets) that holds a mark: cuts per second
#     P_tau / tau, P_tau = 1 - (1-p)^(tau R);
#   - alpha: +g (1 - alpha) at a cut, -g alpha per K without one; in the
#     fluid limit d alpha/dt = g/K (P_K - alpha), so alpha* = P_K =
#     1 - (1-p)^(K R);
#   - a cut takes alpha R / 2 off R_C: decrease per second
#     R alpha P_tau / (2 tau);
#   - increase events: the byte counter fires every b_B = B/S packets
#     sent, the timer every b_T = T R packets' worth of time, both counted
#     from the last mark. The gap G (packets) between marks is geometric,
#     P(G >= j b) = (1-p)^(j b), so a gap holds sum_j (1-p)^(j b) =
#     1 / ((1-p)^-b - 1) events of a counter; marks come R p per second:
#     e_x = R p / ((1-p)^-b_x - 1) events per second, x = B, T;
#   - each event moves R_C half way to R_T: + (R_T - R_C)/2 (e_B + e_T);
#   - R_T: a cut sets it to R_C, taking (R_T - R_C) P_tau / tau per
#     second; an event after F stages without a mark (probability
#     (1-p)^(F b_x)) adds R_AI: + R_AI (e_B (1-p)^(F b_B) + e_T (1-p)^(F b_T))
#     (hyper increase needs both counters past F: (1-p)^(5 B/S) ~ e^-36
#     here, left out).
# At the fixed point every flow sends R = C / (N S), dR_T/dt = 0 gives
#   R_T - R_C = tau R_AI (e_B (1-p)^(F b_B) + e_T (1-p)^(F b_T)) / P_tau
# and dR_C/dt = 0
#   R alpha* P_tau / (2 tau) = (R_T - R_C)/2 (e_B + e_T),
# one equation in p: the increase side falls with p, the decrease side
# rises, so it has one root p*, found by bisection (below, fixed_point).
# The marking ramp gives the queue: q* = Kmin + p* (Kmax - Kmin) / Pmax.
# For 40 Gb/s, 2 flows: S = 4096 B (mtu 4096): p* = 0.318%,
# q* = 66.9 KB; S = 1024 B (mtu 1024): p* = 0.0796%, q* = 20.5 KB.
#
# Measured when this was written (seeds 1-3): 72-77 KB and 24-25.6 KB,
# 8-19% above the model. The model is a fluid one: it has no feedback delay
# and no randomness, while the packet queue swings (standard deviation
# about 51 KB and 19 KB) and dips below Kmin, where nothing is marked, so
# the mean queue must sit higher to mark p* of the packets on average. So
# the test allows 25% either way: 5-15% of slack beyond what was measured.
# Outside the regime the model assumes: at 10-25 Gb/s (mtu 4096), or with
# 4 flows at 25-40 Gb/s, DCQCN with these parameters settles into a limit
# cycle (the queue swings from empty to beyond Kmax, the link idles 2-15%
# of the time), whose mean is not the fixed point; the test stays out of it,
# and checks that the run is where the model holds: the link busy, and
# both flows near C/N (DCQCN evens two flows out slowly: over 100 ms the
# smaller share was 92-100% of the larger, seeds 1-3; 85% is asked).
run_to fp4096.h5 "$D/fixed.lua" n=2 rate=40Gbps mtu=4096
run_to fp1024.h5 "$D/fixed.lua" n=2 rate=40Gbps mtu=1024
for c in "4096 66.9" "1024 20.5"; do
    set -- $c
    check "fixed point, 40 Gb/s, 2 flows, mtu $1: mean queue within 25% of the fluid model's q* ($2 KB)" "
q = mean_queue('fp$1.h5'); qs = qstar(40e9, 2, $1); print('# measured %.0f B, model %.0f B, ratio %.3f' % (q, qs, q / qs))
ok &= abs(qs / 1000 - $2) < 0.05   # the model as worked out above
ok &= abs(q / qs - 1) < 0.25"
    # (busy 99.1-99.8% of the second half over seeds 1-6 at mtu 4096; the
    # limit cycles above idle it 2-15%)
    check "fixed point, mtu $1: the link stays busy (>= 99%), as at a fixed point with a queue" "
u = utilization('fp$1.h5'); print('# utilization', u); ok &= u >= 0.99"
    check "fixed point, mtu $1: the model's C/N each: the flows' shares over the second half within 15%" "
x = sent('fp$1.h5', [1, 2]); print('# bytes sent by hosts 1, 2', x); ok &= x.min() / x.max() > 0.85"
done

# (b) exactly one lost packet. onedrop.lua: hosts 1 and 2 send into host 3
# of a star (100 Gb/s, cables of latency d, mtu 4096: packet time
# tp = 4096 * 8 / 100e9 = 327.68 ns; a NAK is 64 bytes, ta = 5.12 ns per
# hop), per-port buffer, no ECN, no PFC. Host 1 (transfer A) sends a burst
# of a packets, host 2 (transfer B) 400 packets, both from time 0 at line
# rate: packet j of each leaves its NIC at j tp and is all in the switch at
# (j+1) tp + d. The port to host 3 sends one packet per tp, so just before
# the pair j arrives its backlog is j packets (2j in, j out). With a buffer
# of n = a packets (a packet finds no room when backlog + size > buffer):
# at j = a-1 the first of the pair (A's, scheduled first) fits, filling the
# buffer, and B's packet k = a-1 is dropped; from j = a on only B arrives,
# one per tp, as one leaves: the backlog stays at n-1 packets before each
# arrival, and nothing more is dropped. One drop, of B's packet k = a-1.
# (Which of two packets arriving at the same picosecond goes first is the
# simulator's tie-break: A's, here, every run. Were it B's, A's last packet
# would be the one lost, found by the timeout, not a NAK, and the checks
# below on which transfer resends would fail: a change of tie-break, not of
# go-back-N.)
#
# Go-back-N: B's next packet k+1 arrives at (k+2) tp + d behind n-1
# packets, leaves the switch at (k+2+n) tp + d, reaches host 3 at
# (k+2+n) tp + 2d; the receiver NAKs it at once (out of order), and the NAK
# crosses two hops of d + ta with no queue (the only other traffic on them
# is one 64-byte ACK per tp): B learns of the loss at
#   t_nak = (k+2+n) tp + 4d + 2 ta.
# By then B has sent packets 0 .. floor(t_nak / tp); it goes back to k and
# resends everything from k on: k itself and the packets in flight behind it,
#   retransmits = floor(t_nak / tp) + 1 - k = n + 3 + floor((4d + 2 ta) / tp).
# d = 1us: (4000 + 10.24) / 327.68 = 12.24: n = 16: 31; n = 8: 23.
# d = 2us: 24.44: n = 16: 43.  d = 3us: 36.65: n = 8: 47.
# (No fraction is near an integer, so the count is exact.)
# Selective repeat resends only the lost packet: 1.
# Each transfer: packets = its own (a, or 400) + its retransmits.
for c in "16 1us 31" "8 1us 23" "16 2us 43" "8 3us 47"; do
    set -- $c
    run_to "gbn$1_$2.h5" "$D/onedrop.lua" a=$1 buffer=$(($1 * 4096)) latency=$2 recovery=gobackn
    check "go-back-N, burst $1, cables $2: one drop, and B resends n + 3 + floor((4d + 2ta)/tp) = $3" "
t, d = tr('gbn$1_$2.h5'), drops('gbn$1_$2.h5')
print('# drops', d, 'retransmits', list(t['retransmits']), 'timeouts', list(t['timeouts']))
ok &= d == 1; ok &= list(t['retransmits']) == [0, $3]; ok &= list(t['timeouts']) == [0, 0]
ok &= list(t['packets']) == [$1, 400 + $3]
ok &= $3 == $1 + 3 + int((4 * ${2%us}e-6 + 2 * 64 * 8 / 100e9) / (4096 * 8 / 100e9))"
done
for c in "16 1us" "8 3us"; do
    set -- $c
    run_to "sel$1_$2.h5" "$D/onedrop.lua" a=$1 buffer=$(($1 * 4096)) latency=$2 recovery=selective
    check "selective repeat, burst $1, cables $2: one drop, B resends exactly that packet" "
t, d = tr('sel$1_$2.h5'), drops('sel$1_$2.h5')
print('# drops', d, 'retransmits', list(t['retransmits']), 'timeouts', list(t['timeouts']))
ok &= d == 1; ok &= list(t['retransmits']) == [0, 1]; ok &= list(t['timeouts']) == [0, 0]
ok &= list(t['packets']) == [$1, 401]"
done

run_checks "
import os, math, h5py, numpy as np
T = '$T'
def h5(name):
    return h5py.File(os.path.join(T, name))
def tr(name):
    return h5(name)['transfers'][:]
def drops(name):
    return int(h5(name)['ports']['drops'].sum())
def bottleneck(f):   # the switch's port to the receiver, the last host
    L = f['topology/links'][:]; sw = L['src'].max()
    return int(np.flatnonzero((L['src'] == sw) & (L['dst'] == L['dst'][L['src'] == sw].max()))[0])
def mean_queue(name):
    f = h5(name); q = f['timeseries/queue_bytes'][:, bottleneck(f)]
    return float(q[len(q) // 2:].mean())
def sent(name, hosts):   # wire bytes each host sent in the second half
    f = h5(name); L = f['topology/links'][:]; x = f['timeseries/link_bytes'][:]; x = x[len(x) // 2:]
    return np.array([x[:, int(np.flatnonzero(L['src'] == h)[0])].sum() for h in hosts], dtype=float)
def utilization(name):
    f = h5(name); b = bottleneck(f); x = f['timeseries/link_bytes'][:, b]; x = x[len(x) // 2:]
    P = f['timeseries'].attrs['sample_ps'] * 1e-12
    return float(x.sum() * 8 / (len(x) * P * f['topology/links']['rate_bps'][b]))

# the fluid model's fixed point (the comment in tests/dcqcn_model.sh)
def fixed_point(C, N, S, tau=50e-6, K=55e-6, Tt=55e-6, B=10e6, F=5, rai=40e6):
    R = C / N / (8 * S); Rai = rai / (8 * S); bB = B / S; bT = Tt * R
    def events(p, b):   # R p / ((1-p)^-b - 1)
        x = -b * math.log1p(-p)
        return R * p / math.expm1(x) if x < 700 else 0.0
    def balance(p):     # increase - decrease per second
        lq = math.log1p(-p)
        Ptau = -math.expm1(tau * R * lq); alpha = -math.expm1(K * R * lq)
        eB, eT = events(p, bB), events(p, bT)
        gap = tau * Rai * (eB * math.exp(F * bB * lq) + eT * math.exp(F * bT * lq)) / Ptau
        return gap / 2 * (eB + eT) - R * alpha * Ptau / (2 * tau)
    lo, hi = 1e-9, 0.5
    assert balance(lo) > 0 > balance(hi)
    for _ in range(200):
        m = math.sqrt(lo * hi)
        if balance(m) > 0: lo = m
        else: hi = m
    return lo
def qstar(C, N, S, kmin=5000, kmax=200000, pmax=0.01):
    return kmin + fixed_point(C, N, S) * (kmax - kmin) / pmax
"
finish
