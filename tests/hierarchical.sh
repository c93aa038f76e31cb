#!/bin/sh
# hierarchical.sh - algorithm = "hierarchical" (issue 16, item 3) against the
# two-level formula computed by hand, at flow and packet level.
#
# tests/data/hierarchical.lua: S servers of L GPUs on rails (groups of P
# servers per leaf), NICs 400 Gb/s / 1 us, NVLink 3.2 Tb/s / 250 ns, 4,096-byte
# packets of 4,032 payload bytes, x = 8 MB per rank. Allreduce: a ring
# reduce-scatter of x inside each server (L - 1 steps of x / L over NVLink),
# a ring allreduce of x / L across the servers per rail (2 (S - 1) steps of
# x / (L S) over the NICs), a ring allgather inside (L - 1 steps). A step of
# B bytes takes W(B) x 8 / rate + the latencies + one store-and-forward of a
# full packet per switch, W(B) = B + 64 ceil(B / 4032): over NVLink one switch
# and 2 x 250 ns; across, through a spine when the ring leaves a group (3
# switches, 4 us) else 1 switch and 2 us; the ring's slow hops set the pace of
# every step. E.g. L = 2, S = 4: 10,669,120 + 6 x 24,564,480 + 10,669,120 =
# 168,725,120 ps. Reduce-scatter: the first two levels; allgather: the last two.
# The bound of a one-chunk hierarchical collective adds a rank's NVLink and
# NIC times: 2 (L-1)/L x / NVLink + 2 (S-1)/S x/L / NIC (140 us for L=2, S=4).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
S=$SRCDIR/tests/data/hierarchical.lua
SHAPES="2:4:2 4:2:1 2:8:4 8:2:2"
for sh in $SHAPES; do
    IFS=: read -r g s p <<EOT
$sh
EOT
    for kind in allreduce reducescatter allgather; do
        for m in flow packet; do
            run_to "${kind}_${g}_${s}_$m.h5" "$S" gpus=$g servers=$s per_group=$p kind=$kind model=$m
        done
    done
    run_to "ring_${g}_$s.h5" "$S" gpus=$g servers=$s per_group=$p alg=ring
done
run_to chunks.h5 "$S" chunks=2
run_to chunks1.h5 "$S" chunks=1

# the same hosts listed out of order, and servers given by gpus_per_server on a fabric without servers
scenario order.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" },
    server = { gpus = 2, nvlink = { rate = "3.2Tbps", latency = "250ns" } } }
local w = netsim.workload()
w:allreduce{ hosts = { 8, 3, 1, 7, 4, 2, 5, 6 }, bytes = 8000000, algorithm = "hierarchical", fabric = fab }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "order.h5" }
LUA
run_to order.h5 order.lua
scenario plain.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" } }
local w = netsim.workload()
w:allreduce{ hosts = fab:hosts(), bytes = 8000000, algorithm = "hierarchical", gpus_per_server = 2 }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "plain.h5" }
LUA
run_to plain.h5 plain.lua

# hierarchical alltoall: 4 servers of 2 GPUs, 1 MB per pair
scenario a2a.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" },
    server = { gpus = 2, nvlink = { rate = "3.2Tbps", latency = "250ns" } } }
local w = netsim.workload()
local alg = param("alg", "hierarchical")
w:alltoall{ hosts = { 5, 6, 1, 2, 7, 8, 3, 4 }, bytes = 1e6, algorithm = alg, fabric = alg == "hierarchical" and fab or nil }
netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), output = "a2a.h5" }
LUA
run_to a2a.h5 a2a.lua
run_to a2apkt.h5 a2a.lua model=packet
run_to a2adirect.h5 a2a.lua alg=direct
check 'hierarchical alltoall: n (L-1) NVLink transfers of S b, then L S (S-1) transfers of L b on one rail each' "
f = h5('a2a')
lab = {int(o['id']): o['label'].decode() for o in f['ops'][:]}
tr = [(lab[int(t['op'])].rsplit('/', 1)[1], int(t['src']) - 1, int(t['dst']) - 1, int(t['bytes'])) for t in f['transfers'][:]]
inside = [x for x in tr if x[0] == 'in']
across = [x for x in tr if x[0] == 'across']
ok &= len(inside) == 8 * 1 and all(b == 4 * 10**6 and s // 2 == d // 2 for _, s, d, b in inside)
ok &= len(across) == 2 * 4 * 3 and all(b == 2 * 10**6 and s % 2 == d % 2 and s // 2 != d // 2 for _, s, d, b in across)
ok &= len(tr) == len(inside) + len(across)"
check 'hierarchical alltoall: the same NIC bytes per GPU as direct; bound = NVLink time + NIC time; packet within 1 % of flow' "
def nic(name):
    out = {}
    for t in h5(name)['transfers'][:]:
        s, d = int(t['src']) - 1, int(t['dst']) - 1
        if s // 2 != d // 2: out[s] = out.get(s, 0) + int(t['bytes'])
    return out
ok &= nic('a2a') == nic('a2adirect') and set(nic('a2a').values()) == {6 * 10**6}
c = h5('a2a')['collectives'][0]
ok &= int(c['lower_bound_ps']) == 4 * 10**6 * 8 * 10**12 // 3200000000000 + 6 * 10**6 * 8 * 10**12 // 400000000000
ok &= int(c['finish_ps']) - int(c['start_ps']) >= int(c['lower_bound_ps']) and c['algorithm'] == b'hierarchical'
ok &= abs(int(h5('a2apkt')['collectives'][0]['finish_ps']) / int(c['finish_ps']) - 1) < 0.01"

for sh in $SHAPES; do
    IFS=: read -r g s p <<EOT
$sh
EOT
    for kind in allreduce reducescatter allgather; do
        check "$kind, $g GPUs x $s servers: the time is the two-level formula at flow and packet level" "
want = formula('$kind', $g, $s, $p)
for m in ('flow', 'packet'):
    c = h5('${kind}_${g}_${s}_' + m)['collectives'][0]
    ok &= int(c['finish_ps']) - int(c['start_ps']) == want and c['algorithm'] == b'hierarchical'"
    done
    check "$g GPUs x $s servers: transfers and bytes of each level by hand" "
L, S, x = $g, $s, 8000000
t = levels('allreduce_${g}_${s}_flow')
ok &= t['in-rs'] == (S * L * (L - 1), S * L * (L - 1) * x // L)
ok &= t['across'] == (L * S * 2 * (S - 1), L * S * 2 * (S - 1) * x // (L * S))
ok &= t['in-ag'] == t['in-rs']
r = levels('reducescatter_${g}_${s}_flow')
ok &= r == {'in-rs': t['in-rs'], 'across': (L * S * (S - 1), L * S * (S - 1) * x // (L * S))}
a = levels('allgather_${g}_${s}_flow')
ok &= a == {'across': (L * S * (S - 1), L * S * (S - 1) * x // (L * S)), 'in-ag': t['in-ag']}"
    check "$g GPUs x $s servers: the bound adds NVLink and NIC time; hierarchical beats the flat ring" "
L, S, x = $g, $s, 8000000
c = h5('allreduce_${g}_${s}_flow')['collectives'][0]
want = 2 * (L - 1) * (x // L) * 8 * 10**12 // 3200000000000 + 2 * (S - 1) * (x // (L * S)) * 8 * 10**12 // 400000000000
ok &= abs(int(c['lower_bound_ps']) - want) <= 1
ok &= int(c['finish_ps']) - int(c['start_ps']) >= int(c['lower_bound_ps'])
f = h5('ring_${g}_$s')['collectives'][0]
ok &= int(f['finish_ps']) - int(f['start_ps']) > int(c['finish_ps']) - int(c['start_ps'])"
done
check 'two chunks may overlap the levels: the bound is the larger of NVLink and NIC time' "
c1, c2 = h5('chunks1')['collectives'][0], h5('chunks')['collectives'][0]
ok &= int(c1['lower_bound_ps']) == 140000000 and int(c2['lower_bound_ps']) == 120000000
ok &= int(c2['finish_ps']) - int(c2['start_ps']) >= 120000000"
check 'hosts listed out of order are grouped by server (servers by first host, GPUs by id): the same time' "
a, b = h5('order')['collectives'][0], h5('allreduce_2_4_flow')['collectives'][0]
ok &= int(a['finish_ps']) - int(a['start_ps']) == int(b['finish_ps']) - int(b['start_ps'])
ok &= levels('order') == levels('allreduce_2_4_flow')"
check 'gpus_per_server on a fabric without servers: the same levels, inside a server over the NICs' "
ok &= levels('plain') == levels('allreduce_2_4_flow')
ok &= int(h5('plain')['collectives'][0]['finish_ps']) > int(h5('allreduce_2_4_flow')['collectives'][0]['finish_ps'])"

run_checks "
$(h5_setup)
def wire(b):
    return b + 64 * (-(-b // 4032))
def step(b, rate, switches, lat):
    return wire(b) * 8 * 10**12 // rate + lat + switches * 4096 * 8 * 10**12 // rate
def formula(kind, L, S, P):
    x = 8000000
    nvl = step(x // L, 3200000000000, 1, 500000)
    nic = step(x // (L * S), 400000000000, 3, 4000000) if S > P else step(x // (L * S), 400000000000, 1, 2000000)
    inside = (L - 1) * nvl
    across = (S - 1) * nic
    return {'allreduce': 2 * inside + 2 * across, 'reducescatter': inside + across, 'allgather': across + inside}[kind]
def levels(name):
    '''(transfers, bytes) per level, from the labels of the transfers' ops'''
    f = h5(name)
    lab = {int(o['id']): o['label'].decode() for o in f['ops'][:]}
    out = {}
    for t in f['transfers'][:]:
        k = lab[int(t['op'])].rsplit('/', 1)[1]
        n, b = out.get(k, (0, 0))
        out[k] = (n + 1, b + int(t['bytes']))
    return out
"

# --- bad input -----------------------------------------------------------------
F='local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" }, server = { gpus = 2 } }
local plain = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" } }
local w = netsim.workload()'
expect_bad "$F
w:allreduce{ hosts = fab:hosts(), bytes = 1e6, algorithm = \"hierarchical\" }" \
    'bad.lua:4: allreduce: algorithm "hierarchical" needs the servers: fabric = fab' 'hierarchical without servers'
expect_bad "$F
w:allreduce{ hosts = plain:hosts(), bytes = 1e6, algorithm = \"hierarchical\", fabric = plain }" \
    'bad.lua:4: allreduce: algorithm "hierarchical": the fabric has no servers' 'hierarchical on a fabric without servers'
expect_bad "$F
w:allgather{ hosts = { 1, 2, 3 }, bytes = 1e6, algorithm = \"hierarchical\", fabric = fab }" \
    'bad.lua:4: allgather: algorithm "hierarchical" needs the same number of hosts in every server: server 1 has 2 of the hosts, server 2 has 1' 'unequal servers'
expect_bad "$F
w:allreduce{ hosts = fab:hosts(), bytes = 1e6, algorithm = \"hierarchical\", fabric = fab, gpus_per_server = 2 }" \
    "bad.lua:4: allreduce: give 'fabric' or 'gpus_per_server', not both" 'both fabric and gpus_per_server'
run_to warn.h5 "$S" alg=ring
scenario warn.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" }, server = { gpus = 2 } }
local w = netsim.workload()
w:allreduce{ hosts = fab:hosts(), bytes = 1e6, fabric = fab }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "warn.h5" }
LUA
run warn.lua
grep -q "warning: allreduce: field 'fabric'" "$T/err"
ok $? "fabric = with a ring allreduce warns that it is unused ($(head -c 200 "$T/err"))"

plan "$_n"
finish
