#!/bin/sh
# servers.sh - servers of several GPUs (issue 16): shapes, paths, timings
# and bounds against figures computed by hand.
#
# tests/data/servers.lua: 4 leaves x 2 hosts, 2 spines, servers of 2 GPUs,
# NICs 400 Gb/s with 1 us cables, NVLink 3.2 Tb/s with 250 ns (a 4,096-byte
# packet takes 81,920 ps on a NIC and 10,240 ps on NVLink, both exact).
# Rails: leaves come in groups of 2 (one per rail), 2 servers per group:
#   host1 leaf1, host2 leaf2, host3 leaf1, host4 leaf2   (servers 1, 2)
#   host5 leaf3, host6 leaf4, host7 leaf3, host8 leaf4   (servers 3, 4)
# A transfer of 403,200 bytes is 100 full packets, 409,600 bytes on the wire.
#   1 -> 2 (one server): 100 x 10,240 + 2 x 250,000 + 10,240 (the NVLink
#     switch's store-and-forward)                                = 1,534,240 ps
#   1 -> 4 (other server, other rail), no PXN: 100 x 81,920 + 4 x 1 us +
#     3 store-and-forwards of 81,920 (leaf1, spine, leaf2)      = 12,437,760 ps
#   1 -> 4 with PXN: over NVLink to host2 (host1's server, host4's rail), out
#     of host2's NIC to leaf2. Packet level: the first packet reaches host2
#     at 2 x (10,240 + 250,000) = 520,480; host2's NIC then sends 100 packets
#     back to back (they come in 8x faster): + 8,192,000, + 1 us to leaf2,
#     + 81,920, + 1 us                                          = 10,794,400 ps.
#     Flow level, its formula (W x 8 / slowest rate + latencies + one
#     store-and-forward per hop after the first): 8,192,000 + 2,500,000 +
#     10,240 + 81,920 + 81,920                                   = 10,866,080 ps
#     (the packet model is shorter: the bottleneck is in mid-path).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
S=$SRCDIR/tests/data/servers.lua

# --- shapes, from Lua --------------------------------------------------------
scenario shapes.lua <<'LUA'
local function list(t) return table.concat(t, ",") end
local link = { rate = "400Gbps", latency = "1us" }
local r = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = link, server = { gpus = 2 } }
local p = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = link, server = { gpus = 2 }, pxn = true }
local n = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = link, server = { gpus = 2 }, rails = false }
local ft = netsim.fattree{ k = 4, rate = "400Gbps", latency = "1us", server = { gpus = 2 } }
local md = netsim.multidc{ dcs = 2, dc = { leaves = 2, spines = 1, hosts_per_leaf = 2, host_link = link },
                           wan = { rate = "100Gbps", latency = "1ms" }, server = { gpus = 2 } }
print("rails", r.nhosts, r.nswitches, r.nlinks, r.nservers, r.gpus_per_server)
print("leaf1", list(r:hosts{ leaf = 1 }), "leaf4", list(r:hosts{ leaf = 4 }))
print("rail2", list(r:hosts{ rail = 2 }), "server3", list(r:hosts{ server = 3 }))
print("paths", r:paths(1, 2), r:paths(1, 3), r:paths(1, 5), r:paths(1, 4), r:paths(1, 6))
print("pxn", p:paths(1, 2), p:paths(1, 4), p:paths(1, 6), p:paths(1, 5))
print("norails", list(n:hosts{ leaf = 2 }), n:paths(1, 2), n:paths(1, 3))
print("fattree", ft.nhosts, ft.nswitches, list(ft:hosts{ leaf = 2 }), list(ft:hosts{ leaf = 3 }), ft:paths(1, 2), ft:paths(1, 3))
print("multidc", md.nhosts, md.nservers, list(md:hosts{ dc = 2, rail = 1 }))
-- an NVL72-like scale-up domain: 72 GPUs per NVLink switch, a server's NICs on one leaf
local nvl = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 72, host_link = link,
                              server = { gpus = 72, nvlink = { rate = "7.2Tbps" } }, rails = false }
local a = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = link, server = { gpus = 2 } }
print("spread", list(a:allocate{ hosts = 4, policy = "spread" }), list(a:allocate{ hosts = 2, policy = "packed" }))
print("nvl72", nvl.nhosts, nvl.nservers, nvl.nswitches, nvl:paths(1, 72), nvl:paths(1, 73), #nvl:hosts{ server = 2 })
LUA
run shapes.lua
is "$status" 0 'the shapes scenario runs'
is "$(grep '^rails' "$T/out")" "rails	8	10	48	4	2" 'rails: 8 GPUs, 4 leaves + 2 spines + 4 NVLink switches, 24 cables'
is "$(grep '^leaf1' "$T/out")" "leaf1	1,3	leaf4	6,8" 'rails: leaf 1 holds rail 1 of servers 1 and 2, leaf 4 rail 2 of servers 3 and 4'
is "$(grep '^rail2' "$T/out")" "rail2	2,4,6,8	server3	5,6" 'fab:hosts{ rail = 2 } and { server = 3 }'
is "$(grep '^paths' "$T/out")" "paths	1	1	2	2	2" 'paths: in a server 1, same rail leaf 1, other group 2 spines, cross-rail 2 spines'
is "$(grep '^pxn' "$T/out")" "pxn	1	1	2	2" 'PXN: cross-rail to the same group takes the rail leaf (1), to another group its 2 spines'
is "$(grep '^norails' "$T/out")" "norails	3,4	1	2" 'rails = false: server 2 on leaf 2; 2 paths between servers of different leaves'
is "$(grep '^fattree' "$T/out")" "fattree	16	28	2,4	5,7	1	1" 'fat-tree k = 4 with servers of 2: 20 + 8 switches, rail groups of 2 edge switches'
is "$(grep '^spread' "$T/out")" "spread	1,3,5,7	2,4" 'fab:allocate spread takes one GPU of each server in turn; packed the lowest free'
is "$(grep '^nvl72' "$T/out")" "nvl72	144	2	6	1	2	72" 'NVL72: 2 domains of 72 GPUs, one NVLink switch each'
is "$(grep '^multidc' "$T/out")" "multidc	8	4	5,7" 'multidc: servers numbered on, datacenter by datacenter'

# --- /topology/nodes: server and rail columns ----------------------------------
run_to shape.h5 "$S" src=1 dst=2
# --- timings, packet and flow level ------------------------------------------
run_to nvl.h5 "$S" src=1 dst=2
run_to nvlflow.h5 "$S" src=1 dst=2 model=flow
run_to nic.h5 "$S" src=1 dst=4
run_to nicflow.h5 "$S" src=1 dst=4 model=flow
run_to pxn.h5 "$S" src=1 dst=4 pxn=true
run_to pxnflow.h5 "$S" src=1 dst=4 pxn=true model=flow
run_to same.h5 "$S" src=1 dst=4 pxn=true
cp "$SRCDIR/tests/data/servers.graphml" "$T/"
run_to graphpxn.h5 "$S" src=1 dst=4 pxn=true graph=true
# --- collectives: bounds from the port each byte crosses ----------------------
run_to ar_in.h5 "$S" mode=ring hosts=1,2 bytes=3200000
run_to ar_nic.h5 "$S" mode=ring hosts=1,3 bytes=3200000
run_to ar_mix.h5 "$S" mode=ring hosts=1,2,3,4 bytes=3200000
# --- w:training on servers: tensor parallelism inside a server ----------------
scenario training.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 2, host_link = { rate = "400Gbps", latency = "1us" },
    server = { gpus = 2, nvlink = { rate = "3.2Tbps", latency = "250ns" } } }
local w = netsim.workload()
w:training{ hosts = fab:hosts(), model = { layers = 2, hidden = 1024, seq = 512, params = 50e6, batch = 1 },
            gpu = { flops = 1e15, efficiency = 0.5 }, tp = 2, pp = 1, dp = 4, microbatches = 1, steps = 1 }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "training.h5" }
LUA
run_to training.h5 training.lua
check 'w:training with tp = 2 on servers of 2 GPUs: every tensor-parallel transfer inside a server, every data-parallel one across' "
f = h5('training')
lab = {int(o['id']): o['label'].decode() for o in f['ops'][:]}
kinds = {}
for t in f['transfers'][:]:
    same = (int(t['src']) - 1) // 2 == (int(t['dst']) - 1) // 2
    kinds.setdefault(lab[int(t['op'])], set()).add(same)
ok &= kinds == {'tp': {True}, 'dp': {False}}"
# --- conservation under a real transport --------------------------------------
for lb in ecmp spray; do
    for pxn in false true; do
        run_to "a2a_${lb}_$pxn.h5" "$S" mode=a2a transport=dctcp lb=$lb pxn=$pxn bytes=1000000
        run_to "a2aflow_${lb}_$pxn.h5" "$S" mode=a2a lb=$lb pxn=$pxn bytes=1000000 model=flow
    done
done
run_to a2agraph.h5 "$S" mode=a2a transport=dctcp lb=spray pxn=true bytes=1000000 graph=true

check 'GraphML: the same fabric from a file gives the same numbers, to the byte and picosecond' "
for a, b in (('a2a_spray_true', 'a2agraph'), ('pxn', 'graphpxn')):
    for t in ('transfers', 'ports'):
        x, y = h5(a)[t][:], h5(b)[t][:]
        ok &= len(x) > 0 and all((x[n] == y[n]).all() for n in x.dtype.names)
n = h5('a2agraph')['topology/nodes'][:]
ok &= [int(r['server']) for r in n[:8]] == [1, 1, 2, 2, 3, 3, 4, 4] and [int(r['tier']) for r in n[14:]] == [5] * 4"
check '/topology/nodes: server and rail of every GPU, NVLink switch and rail leaf' "
n = h5('shape')['topology/nodes'][:]
name = [r['name'].decode() for r in n]
ok &= len(n) == 18
ok &= [int(r['server']) for r in n[:8]] == [1, 1, 2, 2, 3, 3, 4, 4]
ok &= [int(r['rail']) for r in n[:8]] == [1, 2] * 4
ok &= name[14:] == ['nvswitch1', 'nvswitch2', 'nvswitch3', 'nvswitch4']
ok &= [int(r['server']) for r in n[14:]] == [1, 2, 3, 4] and all(int(r['tier']) == 5 for r in n[14:])
ok &= [int(r['rail']) for r in n[8:12]] == [1, 2, 1, 2]
ok &= [int(r['leaf']) for r in n[:8]] == [1, 2, 1, 2, 3, 4, 3, 4]"
for c in nvl:1534240 nvlflow:1534240 nic:12437760 nicflow:12437760 pxn:10794400 pxnflow:10866080; do
    check "${c%:*}: the transfer finishes at ${c#*:} ps, by hand" "
ok &= [int(x) for x in h5('${c%:*}')['transfers']['finish_ps']] == [${c#*:}]"
done
check 'in a server the bytes cross only NVLink (packet and flow)' "
for f in ('nvl', 'nvlflow'):
    t = port_bytes(f)
    ok &= t[('host1', 'nvswitch1')] == 409600 and t[('nvswitch1', 'host2')] == 409600
    ok &= sum(v for k, v in t.items() if 'nvswitch' not in k[0] + k[1]) == 0"
check 'PXN: host1 -> nvswitch1 -> host2 -> leaf2 -> host4, nothing else (packet and flow)' "
for f in ('pxn', 'pxnflow'):
    t = port_bytes(f)
    used = {k: v for k, v in t.items() if v}
    ok &= used == {('host1', 'nvswitch1'): 409600, ('nvswitch1', 'host2'): 409600, ('host2', 'leaf2'): 409600,
                   ('leaf2', 'host4'): 409600}"
check 'ring allreduce of S = 3.2 MB: bound S x 8 / rate of the port each byte crosses' "
b = lambda f: int(h5(f)['collectives']['lower_bound_ps'][0])
ok &= b('ar_in') == 8000000        # 2 GPUs of one server: S over NVLink at 3.2 Tb/s
ok &= b('ar_nic') == 64000000      # 2 servers, one GPU each: S over the NIC at 400 Gb/s
# 4 GPUs in 2 servers, ring 1-2-3-4: 2 and 4 send 2(p-1)/p S = 1.5 S over their NIC
ok &= b('ar_mix') == 96000000
for f in ('ar_in', 'ar_nic', 'ar_mix'):
    c = h5(f)['collectives'][0]
    ok &= int(c['finish_ps']) - int(c['start_ps']) >= int(c['lower_bound_ps'])"
check 'all-to-all from server 1 under dctcp and the flow model: every byte delivered, none lost' "
for lb in ('ecmp', 'spray'):
    for pxn in ('false', 'true'):
        for f in ('a2a_%s_%s' % (lb, pxn), 'a2aflow_%s_%s' % (lb, pxn)):
            t = h5(f)['transfers'][:]
            ok &= len(t) == 14 and all(int(r['finish_ps']) > 0 for r in t)
            ok &= int(h5(f)['ports']['drops'].sum()) == 0
            ok &= int(h5(f)['summary'].attrs['transfers_done']) == 14 if 'transfers_done' in h5(f)['summary'].attrs else True"
check 'PXN moves the cross-rail bytes of server 1 onto the NIC of the rail GPU' "
for m in ('a2a', 'a2aflow'):
    off, on = port_bytes(m + '_ecmp_false'), port_bytes(m + '_ecmp_true')
    # without PXN each GPU sends its 6 remote transfers (3 servers x 2 GPUs) out of its own NIC
    ok &= off[('host1', 'leaf1')] >= 6 * 1000000 and off[('host2', 'leaf2')] >= 6 * 1000000
    # with PXN each NIC sends the 3 same-rail transfers of both GPUs: still 6 MB each, and host1's
    # NVLink carries its 3 cross-rail transfers plus the one inside the server
    ok &= on[('host1', 'leaf1')] >= 6 * 1000000 and on[('host2', 'leaf2')] >= 6 * 1000000
    ok &= on[('host1', 'nvswitch1')] >= 4 * 1000000 and off[('host1', 'nvswitch1')] < 2 * 1000000"

run_checks "
$(h5_setup)
def port_bytes(name):
    f = h5(name)
    node = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
    return {(node[int(l['src'])], node[int(l['dst'])]): int(p['tx_bytes'])
            for l, p in zip(f['topology/links'][:], f['ports'][:])}
"

# --- bad input ---------------------------------------------------------------
L='host_link = { rate = "400Gbps", latency = "1us" }'
expect_bad "netsim.leafspine{ leaves = 3, spines = 2, hosts_per_leaf = 2, $L, server = { gpus = 2 } }" \
    'bad.lua:1: leafspine: with rails = true .* the 3 leaf switches must come in groups of 2' 'rails with 3 leaves'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 3, $L, server = { gpus = 2 }, rails = false }" \
    'bad.lua:1: leafspine: with rails = false a server.s 2 NICs share one leaf switch, but one takes 3 hosts' 'no rails, 3 hosts per leaf'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, server = { gpus = 2 }, rails = false, pxn = true }" \
    'bad.lua:1: leafspine: pxn = true needs rails = true' 'pxn without rails'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, rails = true }" \
    "bad.lua:1: leafspine: fields 'rails' and 'pxn' need 'server'" 'rails without server'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, server = 8 }" \
    "bad.lua:1: leafspine: field 'server' must be a table" 'server = 8'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, server = { gpu = 2 } }" \
    "bad.lua:1: leafspine: server: unknown field 'gpu'" 'a misspelt server field'
expect_bad "netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, server = { gpus = 2, nvlink = { rate = 0 } } }" \
    'bad.lua:1: leafspine: server.nvlink' 'an NVLink of rate 0'
expect_bad 'netsim.fattree{ k = 4, rate = "400Gbps", latency = "1us", server = { gpus = 4 } }' \
    'bad.lua:1: fattree: with rails = true .* the 2 edge switches of a pod must come in groups of 4' 'fat-tree rail groups across pods'
expect_bad 'netsim.graph{ file = "x.graphml", server = { gpus = 2 } }' \
    "bad.lua:1: graph: a GraphML fabric describes its servers itself (switches of tier \"nvswitch\"" 'server = on a GraphML fabric'
# GraphML servers that do not fit: write variants of tests/data/servers.graphml
G=$SRCDIR/tests/data/servers.graphml
sed 's|<edge source="nvswitch1" target="host2">|<edge source="nvswitch1" target="host3">|' "$G" >"$T/swap.graphml"
expect_bad 'netsim.graph{ file = "swap.graphml" }' \
    "graph 'swap.graphml': node 15 (nvswitch1): scale-up switch 1 (in file order) must join hosts 1 to 2" 'GraphML: a GPU on the wrong server'
sed '/<edge source="nvswitch4" target="host8">/d' "$G" >"$T/short.graphml"
expect_bad 'netsim.graph{ file = "short.graphml" }' \
    "graph 'short.graphml': node 18 (nvswitch4): a scale-up switch joins 1 GPUs, but the first one joins 2" 'GraphML: servers of unequal size'
sed 's|<edge source="nvswitch4" target="host8">|<edge source="nvswitch4" target="spine1">|' "$G" >"$T/tosw.graphml"
expect_bad 'netsim.graph{ file = "tosw.graphml" }' \
    "graph 'tosw.graphml': node 18 (nvswitch4): a scale-up switch (tier \"nvswitch\") is cabled to switch 'spine1'" 'GraphML: a scale-up switch cabled to a switch'
expect_bad "local f = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L }
f:hosts{ server = 1 }" 'bad.lua:2: hosts: this fabric has no servers' 'fab:hosts{ server = } without servers'
expect_bad "local f = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, $L, server = { gpus = 2 } }
f:hosts{ rail = 3 }" "bad.lua:2: hosts: field 'rail'" 'a rail that does not exist'

plan "$_n"
finish
