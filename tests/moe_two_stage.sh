#!/bin/sh
# moe_two_stage.sh - w:moe{ dispatch = "two_stage" } (issue 16, item 4)
# against probabilities computed by hand.
#
# tests/data/moe_two_stage.lua: S = 4 servers of G = 2 GPUs, E = 16 experts
# round robin (2 per GPU, 4 per server), uniform routing of T = 2,000 tokens a
# GPU to k = 4 distinct experts, 1,024 bytes a token. A token of server a
# reaches another server with probability p_s = 1 - C(12, 4) / C(16, 4) =
# 1 - 495/1820 = 0.7280, a given GPU with p_g = 1 - C(14, 4) / C(16, 4) =
# 0.45. Two-stage dispatch sends over the NICs one copy per (token, other
# server): per ordered server pair T G p_s x 1,024 bytes, always to the GPU
# with the sender's index; then over NVLink from that GPU to the other GPU of
# the server when the token needs it (T G p_g per pair), and straight to the
# other GPU of the own server (T p_g per GPU). One-stage (per_expert) sends
# k / S = 1 copy per token and other server: the NIC bytes fall to p_s.
# Tolerances: 4 binomial standard deviations.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/moe_two_stage.lua
run_to two.h5 "$S"
run_to one.h5 "$S" dispatch=per_expert
run_to back.h5 "$S" backward=true tokens=500
run_to limit.h5 "$S" max_nodes=1
run_to pkt.h5 "$S" model=packet tokens=200
run_to seed2.h5 "$S" seed=2 tokens=500
run_to seed2b.h5 "$S" seed=2 tokens=500

check 'stage one crosses servers only between GPUs of the same index (one rail), stage two stays inside' "
for t, (s, d, a, b) in rows('two'):
    if t == 'dispatch' and s != d: ok &= a % 2 == b % 2
    if t == 'dispatch-fwd': ok &= s == d
ok &= len(rows('two')) > 0"
check 'NIC bytes per ordered server pair: T G p_s x 1,024 (4 sd)' "
p, n = 1 - 495 / 1820, 2000 * 2
for a in range(4):
    for b in range(4):
        if a == b: continue
        got = sum(x for (t, s, d), x in pair_bytes('two').items() if t == 'dispatch' and (s, d) == (a, b)) / 1024
        ok &= abs(got - n * p) <= 4 * math.sqrt(n * p * (1 - p))"
check 'NVLink bytes: forwarded T G p_g per server pair, straight T p_g per GPU of the own server (4 sd)' "
p = 1 - 1001 / 1820
fwd = sum(x for (t, s, d), x in pair_bytes('two').items() if t == 'dispatch-fwd') / 1024
own = sum(x for (t, s, d), x in pair_bytes('two').items() if t == 'dispatch' and s == d) / 1024
n1, n2 = 12 * 2000 * 2, 8 * 2000
ok &= abs(fwd - n1 * p) <= 4 * math.sqrt(n1 * p * (1 - p))
ok &= abs(own - n2 * p) <= 4 * math.sqrt(n2 * p * (1 - p))"
check 'one-stage vs two-stage NIC bytes: the ratio is p_s = 0.728 (2 %)' "
nic = lambda f: sum(x for (t, s, d), x in pair_bytes(f).items() if t == 'dispatch' and s != d)
ok &= abs(nic('two') / nic('one') - (1 - 495 / 1820)) < 0.02"
check 'the combine moves the transpose of both stages; /moe_layers dispatch times cover both stages' "
pb = pair_bytes('two')
for (t, s, d), x in pb.items():
    if t == 'dispatch': ok &= pb[('combine', d, s)] == x
    if t == 'dispatch-fwd': ok &= pb[('combine-gather', d, s)] == x
m = h5('two')['moe_layers'][0]
fin = max(int(o['finish_ps']) for o in h5('two')['ops'][:] if o['label'] == b'dispatch-fwd')
ok &= int(m['dispatch_finish_ps']) >= fin
ok &= int(m['dispatch_bytes']) == sum(x for (t, s, d), x in pb.items() if t in ('dispatch', 'dispatch-fwd'))"
check 'the backward pass repeats the routing: the same bytes again, in both stages' "
pb = pair_bytes('back')
rb = h5('back')['moe_layers'][:]
ok &= len(rb) == 2 and int(rb[0]['dispatch_bytes']) == int(rb[1]['dispatch_bytes'])
ok &= sum(x for (t, s, d), x in pb.items() if t in ('dispatch', 'dispatch-fwd')) == 2 * int(rb[0]['dispatch_bytes'])"
check 'max_nodes_per_token = 1 counts servers: a token crosses the NICs at most once' "
nic = sum(x for (t, s, d), x in pair_bytes('limit').items() if t == 'dispatch' and s != d) / 1024
ok &= 0 < nic <= 8 * 2000"
check 'packet level: every transfer delivered, none lost; same seed, same routing' "
t = h5('pkt')['transfers'][:]
ok &= len(t) > 0 and all(int(r['finish_ps']) > 0 for r in t) and int(h5('pkt')['ports']['drops'].sum()) == 0
ok &= pair_bytes('seed2') == pair_bytes('seed2b')"

run_checks "
import math, collections
$(h5_setup)
def rows(name):
    f = h5(name)
    lab = {int(o['id']): o['label'].decode() for o in f['ops'][:]}
    return [(lab[int(t['op'])], ((int(t['src']) - 1) // 2, (int(t['dst']) - 1) // 2, int(t['src']) - 1, int(t['dst']) - 1))
            for t in f['transfers'][:]]
def pair_bytes(name):
    f = h5(name)
    lab = {int(o['id']): o['label'].decode() for o in f['ops'][:]}
    out = collections.Counter()
    for t in f['transfers'][:]:
        out[(lab[int(t['op'])], (int(t['src']) - 1) // 2, (int(t['dst']) - 1) // 2)] += int(t['bytes'])
    return out
"

# --- bad input -------------------------------------------------------------------
F='local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" }, server = { gpus = 2 } }
local w = netsim.workload()'
expect_bad "$F
w:moe{ hosts = fab:hosts(), experts = 8, top_k = 2, tokens = 10, hidden = 8, dispatch = \"two_stage\" }" \
    'bad.lua:3: moe: dispatch = "two_stage" needs the servers: fabric = fab' 'two_stage without servers'
expect_bad "$F
w:moe{ hosts = { 1, 2, 3 }, experts = 8, top_k = 2, tokens = 10, hidden = 8, dispatch = \"two_stage\", fabric = fab }" \
    'bad.lua:3: moe: dispatch = "two_stage" needs whole servers among the hosts (all 2 GPUs of each): 3 hosts are on 2 servers' 'two_stage over part of a server'
expect_bad "$F
w:moe{ hosts = fab:hosts(), experts = 8, top_k = 2, tokens = 10, hidden = 8, dispatch = \"two_stage\", fabric = fab, max_nodes_per_token = 5 }" \
    'bad.lua:3: moe: max_nodes_per_token must be between 1 and the number of servers, 4 (got 5)' 'max_nodes beyond the servers'
expect_bad "$F
w:moe{ hosts = fab:hosts(), experts = 8, top_k = 2, tokens = 10, hidden = 8, dispatch = \"two_stage\", fabric = fab, gpus_per_server = 2 }" \
    "bad.lua:3: moe: give 'fabric' or 'gpus_per_server', not both" 'both fabric and gpus_per_server'

plan "$_n"
finish
