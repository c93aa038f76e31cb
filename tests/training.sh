#!/bin/sh
# training.sh - w:training (issue 17, item 1) against hand calculations.
#
# The model: 8 layers, hidden h = 1024, seq s = 1024, batch 1, bf16, so a
# layer has P_l = 12 h^2 = 12,582,912 weights; its forward pass costs
# 2 P_l s + 4 s^2 h = 30,064,771,072 FLOPs, at 1e15 x 0.5 FLOP/s
# t_f = 60,129,542 ps (rounded), its backward 2 t_f.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
plan 74

scenario train.lua <<'LUA'
local tp, pp, dp = param("tp", 1), param("pp", 1), param("dp", 1)
local n = tp * pp * dp
local fab = netsim.star{ hosts = n, rate = param("rate", "100Tbps"), latency = "0ns" }
local w = netsim.workload()
w:training{ hosts = fab:hosts(), model = { layers = 8, hidden = 1024, seq = 1024 },
  gpu = { flops = 1e15, efficiency = 0.5 }, tp = tp, pp = pp, dp = dp, microbatches = param("M", 1),
  schedule = pp > 1 and param("schedule", "1f1b") or nil, steps = param("steps", 1),
  bucket = dp > 1 and param("bucket", "25MB") or nil, zero = dp > 1 and param("zero", 0) or nil }
netsim.run{ fabric = fab, workload = w, transport = "ideal" }
LUA
run_to one.h5 train.lua
run_to two.h5 train.lua steps=2
run_to gpipe.h5 train.lua pp=4 M=8 schedule=gpipe
run_to 1f1b.h5 train.lua pp=4 M=8 schedule=1f1b
run_to tp.h5 train.lua tp=2 M=2
run_to dp1.h5 train.lua dp=2 rate=10Tbps bucket=1GB
run_to dpn.h5 train.lua dp=2 rate=10Tbps bucket=1B
run_to z1.h5 train.lua dp=2 rate=10Tbps bucket=1B zero=1
run_to z3.h5 train.lua dp=2 rate=10Tbps bucket=1B zero=3
# expert parallelism: 2 MoE layers (h = 1024, s = 1024), one micro-batch a replica
scenario ep.lua <<'LUA'
local dp, ep = param("dp", 4), param("ep", 4)
local fab = netsim.star{ hosts = dp, rate = "1000Tbps", latency = "0ns" }
local w = netsim.workload()
w:training{ hosts = fab:hosts(), model = { layers = 2, hidden = 1024, seq = 1024,
            moe = { experts = param("E", 4), top_k = param("k", 4) } },
  gpu = { flops = 1e15, efficiency = 0.5 }, dp = dp, ep = ep, bucket = "1GB" }
netsim.run{ fabric = fab, workload = w, transport = "ideal" }
LUA
run_to ep4.h5 ep.lua
# tensor-parallel allreduces timed analytically on the servers' NVLink (tp_comm = "analytic")
scenario tpa.lua <<'LUA'
local fab = netsim.leafspine{ leaves = 8, spines = 4, hosts_per_leaf = 4, server = { gpus = 8 }, rails = true,
  host_link = { rate = "400Gbps", latency = "1us" } }
local w = netsim.workload()
local c = param("c", "simulated")
w:training{ hosts = fab:hosts(), tp = 8, pp = 2, dp = 2, microbatches = 4,
  model = { layers = 4, hidden = param("h", 2048), seq = param("s", 2048) }, gpu = { flops = 1e15, efficiency = 0.5 },
  tp_comm = c, fabric = c == "analytic" and fab or nil }
netsim.run{ fabric = fab, workload = w, model = "flow", lb = param("lb", "spray") }
LUA
for lb in spray ecmp; do for c in simulated analytic; do run_to tpa-$lb-$c.h5 tpa.lua c=$c lb=$lb; done; done
run_to tpo-simulated.h5 tpa.lua c=simulated h=1001 s=1001
run_to tpo-analytic.h5 tpa.lua c=analytic h=1001 s=1001
run_to ep8.h5 ep.lua dp=8
run_to epk2.h5 ep.lua E=8 k=2

check 'one GPU: a step is 8 x (t_f + 2 t_f) exactly; two steps twice that' "
tf = 60129542
ok &= mk('one.h5') == 8 * 3 * tf
ok &= mk('two.h5') == 2 * 8 * 3 * tf"
check 'GPipe and 1F1B, 4 stages, 8 micro-batches: (M + p - 1)(t_F + t_B) within 0.1% (the transfers on the way: 2 MB at 100 Tb/s)' "
tF = 2 * 60129542; want = (8 + 4 - 1) * (tF + 2 * tF)
for f in ('gpipe.h5', '1f1b.h5'):
    print('#', f, mk(f), want); ok &= want <= mk(f) <= want * 1.001"
check 'peak in-flight activations: stage 1 runs 8 forwards before its first backward under GPipe (M), 4 under 1F1B (p)' "
for f, want in (('gpipe.h5', 8), ('1f1b.h5', 4)):
    o = ops(f); c = o[(o['node'] == 1) & (o['kind'] == b'compute')]
    fb = c[c['label'] == b'bwd']['start_ps'].min()
    nf = ((c['label'] == b'fwd') & (c['start_ps'] < fb)).sum() // 2    # 2 layers a stage
    print('#', f, nf); ok &= nf == want"
check 'GPipe: each stage computes 8 x 3 t_F, stage i ends at (33 - 2 i) t_F: the utilisation is their mean, 0.8045 (by hand)' "
u = h5py.File(T + '/gpipe.h5')['summary'].attrs['compute_utilization']
want = sum(24 / (33 - 2 * i) for i in range(4)) / 4
print('#', u, want); ok &= abs(u - want) < 1e-3"
check 'tensor parallel: 4 allreduces of b s h x 2 bytes per layer and micro-batch (64 of 2,097,152 B)' "
c = h5py.File(T + '/tp.h5')['collectives'][:]
ok &= len(c) == 4 * 8 * 2 and set(c['bytes']) == {1024 * 1024 * 2} and set(c['ranks']) == {2}"
check 'tensor parallel: a rank computes half of each part (attention: a third of the weights and the attention FLOPs; MLP: two thirds), and waits for each allreduce: the step is their sum' "
W = 2 * 12582912 * 1024; A = 4 * 1024 * 1024 * 1024
a = round((W / 3 + A) / 2 / 5e14 * 1e12); m = round(W * 2 / 3 / 2 / 5e14 * 1e12)
o = ops('tp.h5'); c = o[(o['node'] == 1) & (o['kind'] == b'compute')]
ok &= c['finish_ps'].sum() - c['start_ps'].sum() == 2 * 8 * 3 * (a + m)
co = h5py.File(T + '/tp.h5')['collectives'][:]
ok &= mk('tp.h5') == 2 * 8 * 3 * (a + m) + (co['finish_ps'] - co['start_ps']).sum()"
check 'data parallel, one bucket: the allreduce of all 201,326,592 gradient bytes starts when the backward ends, the step ends with it' "
c = h5py.File(T + '/dp1.h5')['collectives'][:]
ok &= len(c) == 1 and c['bytes'][0] == 8 * 12582912 * 2 and c['start_ps'][0] == 8 * 3 * 60129542
ok &= mk('dp1.h5') == c['finish_ps'][0]"
check 'data parallel, a bucket per layer: the first starts after the forward and the last layer backward (10 t_f), only the last one is exposed' "
c = h5py.File(T + '/dpn.h5')['collectives'][:]
c1 = h5py.File(T + '/dp1.h5')['collectives'][:]
ok &= len(c) == 8 and set(c['bytes']) == {12582912 * 2}
ok &= c['start_ps'].min() == 10 * 60129542 and c['start_ps'].max() == 8 * 3 * 60129542
exposed = mk('dpn.h5') - 8 * 3 * 60129542
last = c[c['start_ps'].argmax()]
ok &= exposed == last['finish_ps'] - last['start_ps']
print('# exposed', exposed, 'one bucket', c1['finish_ps'][0] - c1['start_ps'][0])
ok &= exposed * 7 < c1['finish_ps'][0] - c1['start_ps'][0]"
check 'ZeRO-1 moves exactly DDP s bytes (reduce-scatters and one allgather), ZeRO-3 1.5 times (2(n-1)X against 3(n-1)X)' "
def moved(f): return int(h5py.File(T + '/' + f)['transfers']['bytes'].sum())
X = 8 * 12582912 * 2
ok &= moved('dpn.h5') == 2 * X and moved('z1.h5') == 2 * X and moved('z3.h5') == 3 * X
c = h5py.File(T + '/z3.h5')['collectives'][:]
ok &= sorted(set(c['kind'])) == [b'allgather', b'reducescatter'] and (c['kind'] == b'allgather').sum() == 16"
check 'ZeRO-3: every forward of layer k starts after its weights are gathered; ZeRO-1 ends after the allgather' "
o = ops('z3.h5'); c = h5py.File(T + '/z3.h5')['collectives'][:]
ag = c[c['kind'] == b'allgather']
fw = o[(o['kind'] == b'compute') & (o['label'] == b'fwd') & (o['node'] == 1)]
ok &= len(fw) == 8
for k in range(8): ok &= fw['start_ps'][k] >= ag['finish_ps'][k]
c1 = h5py.File(T + '/z1.h5')['collectives'][:]
ok &= mk('z1.h5') == c1[c1['kind'] == b'allgather']['finish_ps'].max()"
check '/iterations: a row per rank and step; blocked time = the exposed allreduce' "
it = h5py.File(T + '/dp1.h5')['iterations'][:]
c = h5py.File(T + '/dp1.h5')['collectives'][:]
ok &= len(it) == 2 and list(it['worker']) == [1, 2]
for r in it: ok &= r['blocked_ps'] == c['finish_ps'][0] - c['start_ps'][0]"

check 'EP, every token to all 4 experts (top_k = experts = ep = 4): a rank computes per layer the attention and 4 x 1024 tokens through its expert, twice in the backward: 2 x 3 x (25,769,804 + 4,096 x 33,554) ps; the step is that plus the alltoalls (under 1 %)' "
att = round((2 * 12582912 * 1024 / 3 + 4 * 1024 ** 3) / 5e14 * 1e12); tok = round(2 * 12582912 * 2 / 3 / 5e14 * 1e12)
ok &= (att, tok) == (25769804, 33554)
want = 2 * 3 * (att + 4096 * tok)
for f in ('ep4.h5', 'ep8.h5'):
    o = ops(f); c = o[(o['node'] == 1) & (o['kind'] == b'compute')]
    print('#', f, (c['finish_ps'] - c['start_ps']).sum(), want, mk(f))
    ok &= (c['finish_ps'] - c['start_ps']).sum() == want and want <= mk(f) <= want * 1.01"
check 'EP: /moe_layers has each layer forward and backward; each dispatch moves 4 x 1024 tokens x 3 other ranks x 2 KB' "
m = h5py.File(T + '/ep4.h5')['moe_layers'][:]
ok &= sorted(zip(m['layer'], m['pass'])) == [(1, b'backward'), (1, b'forward'), (2, b'backward'), (2, b'forward')]
ok &= set(m['dispatch_bytes']) == {4 * 1024 * 3 * 1024 * 2}"
check 'EP: gradients: attention (P_l / 3 a layer) over all dp; with dp 8 = 2 x ep, each rank s expert (2 P_l / 3) over the 2 replicas holding it: 4 allreduces of 2 ranks' "
for f, dp in (('ep4.h5', 4), ('ep8.h5', 8)):
    c = h5py.File(T + '/' + f)['collectives'][:]; c = c[c['kind'] == b'allreduce']
    dense = c[c['ranks'] == dp]; ex = c[c['ranks'] == 2]
    print('#', f, list(zip(c['ranks'], c['bytes'])))
    ok &= len(dense) == 1 and dense['bytes'][0] == 2 * 4194304 * 2
    ok &= (len(ex) == 0) if dp == 4 else (len(ex) == 4 and set(ex['bytes']) == {2 * 8388608 * 2})"
check 'EP, 8 experts, top_k 2, uniform draws: conservation, the experts receive 4 x 1024 x 2 assignments a layer, 2,048 a rank on average' "
m = h5py.File(T + '/epk2.h5')['moe_layers'][:]
ok &= len(m) == 4 and set(m['tokens_mean']) == {2048.0} and all(m['tokens_max'] >= 2048)"

check 'tp_comm analytic: the same makespan as the simulated rings to the picosecond (tp 8 in servers, pp 2, dp 2, 4 micro-batches; spray and ECMP), with 15,874 ops down to 1,410' "
for lb in ('spray', 'ecmp'):
    a, b = mk('tpa-%s-simulated.h5' % lb), mk('tpa-%s-analytic.h5' % lb); print('#', lb, a, b)
    ok &= a == b
ok &= len(ops('tpa-spray-simulated.h5')) == 15874 and len(ops('tpa-spray-analytic.h5')) == 1410"
check 'tp_comm analytic: a 2,004,002-byte allreduce over 8 GPUs = 14 x (wire of a 250,501-byte chunk at 3.6 Tb/s + 2 x 250 ns + a 4 KB packet at 3.6 Tb/s), by hand, = every simulated ring' "
import math
c = math.ceil(2004002 / 8); wire = c + math.ceil(c / 4032) * 64
ser = lambda b: -(-b * 8 * 10**12 // 3600000000000)
want = 14 * (ser(wire) + 500000 + ser(4096))
o = ops('tpo-analytic.h5'); d = o[(o['kind'] == b'delay') & (o['label'] == b'tp')]
co = h5py.File(T + '/tpo-simulated.h5')['collectives'][:]; co = co[co['ranks'] == 8]
print('#', want, set(d['finish_ps'] - d['start_ps']), set(co['finish_ps'] - co['start_ps']))
ok &= set(d['finish_ps'] - d['start_ps']) == {want} and set(co['finish_ps'] - co['start_ps']) == {want}
ok &= mk('tpo-analytic.h5') == mk('tpo-simulated.h5')"

run_checks "import h5py
T = '$T'
def mk(f): return int(h5py.File(T + '/' + f)['summary'].attrs['makespan_ps'])
def ops(f): return h5py.File(T + '/' + f)['ops'][:]"

# bad input: a clear error naming the file:line, the field and the numbers
W='local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()'
M='model = { layers = 8, hidden = 64, seq = 64 }, gpu = { flops = 1e15 }'
expect_bad "$W
w:training{ hosts = fab:hosts(), $M, tp = 2, pp = 1, dp = 1 }" "bad.lua:3: training: tp x pp x dp = 2 x 1 x 1 = 2 ranks, but 'hosts' lists 4" 'ranks and hosts disagree'
expect_bad "$W
w:training{ hosts = fab:hosts(), model = { layers = 6, hidden = 64, seq = 64 }, gpu = { flops = 1e15 }, pp = 4 }" "model.layers (6) must be a multiple of pp (4)" 'layers not a multiple of pp'
expect_bad "$W
w:training{ hosts = fab:hosts(), $M, dp = 4, zero = 4 }" "bad.lua:3: training: field 'zero' must be <= 3 (got 4)" 'zero = 4'
E='model = { layers = 8, hidden = 64, seq = 64, moe = { experts = 4 } }, gpu = { flops = 1e15 }'
expect_bad "$W
w:training{ hosts = fab:hosts(), $M, tp = 4, tp_comm = 'analytic' }" "bad.lua:3: training: tp_comm = \"analytic\" needs fabric = the fabric" 'analytic without the fabric'
expect_bad "$W
w:training{ hosts = fab:hosts(), $M, tp = 4, tp_comm = 'analytic', fabric = fab }" "bad.lua:3: training: tp_comm = \"analytic\" needs a fabric of servers" 'analytic without servers'
S='local fab = netsim.leafspine{ leaves = 4, spines = 1, hosts_per_leaf = 2, server = { gpus = 4 }, rails = true,
  host_link = { rate = "100Gbps", latency = "1us" }, pxn = param("pxn", "false") == "true" }
local w = netsim.workload()'
expect_bad "$S
w:training{ hosts = { 1, 2, 3, 5, 4, 6, 7, 8 }, $M, tp = 4, dp = 2, tp_comm = 'analytic', fabric = fab }" "bad.lua:4: training: tp_comm = \"analytic\": host 5 is not in the server of host 1" 'a tensor-parallel group across servers'
expect_bad "$S
w:training{ hosts = fab:hosts(), $M, tp = 4, dp = 2, tp_comm = 'analytic', fabric = fab }" "tp_comm = \"analytic\" with pxn = true" 'analytic with PXN' pxn=true
expect_bad "$W
w:training{ hosts = fab:hosts(), $E, dp = 4, ep = 3 }" "bad.lua:3: training: field 'ep' (3) must divide dp (4): an expert-parallel group is ep data-parallel replicas" 'ep not dividing dp'
expect_bad "$W
w:training{ hosts = fab:hosts(), $M, dp = 4, ep = 2 }" "bad.lua:3: training: field 'ep' (2) needs an MoE model: model.moe = { experts =, top_k = }" 'ep without experts'
expect_bad "$W
w:training{ hosts = fab:hosts(), $E, tp = 2, dp = 2 }" "bad.lua:3: training: model.moe with tp = 2 is not supported yet" 'experts with tp'
expect_bad "$W
w:training{ hosts = fab:hosts(), $E, dp = 4, ep = 4, zero = 1 }" "bad.lua:3: training: model.moe with zero = 1 is not supported yet" 'experts with zero'
expect_bad "$W
w:training{ hosts = fab:hosts(), model = { layers = 8, hidden = 64, seq = 64, moe = { experts = 6 } }, gpu = { flops = 1e15 }, dp = 4, ep = 4 }" "bad.lua:3: training: model.moe.experts (6) must be a multiple of ep (4)" 'experts not a multiple of ep'
expect_bad "$W
w:training{ hosts = fab:hosts(), model = { layers = 8, hidden = 64, seq = 64, moe = { experts = 4, top_k = 5 } }, gpu = { flops = 1e15 }, dp = 4 }" "top_k must be between 1 and experts = 4 (got 5)" 'top_k above experts'
finish
