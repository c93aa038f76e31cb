-- bench/moe_skew.lua: one MoE layer (dispatch and combine) with skewed expert
-- popularity, the exact flow solver's worst case (bench/flow_results.md,
-- session 29): every departure moves most rates. Compare the models:
--   netsim bench/moe_skew.lua                          (flow, exact; 128 hosts)
--   netsim bench/moe_skew.lua model=packet
--   netsim bench/moe_skew.lua quantum=10us
--   netsim bench/moe_skew.lua leaves=16                (256 hosts: 26 s exact, 1.4 s packet)
local leaves = param("leaves", 8)
local hpl    = param("hosts_per_leaf", 16)
local model  = param("model", "flow")
local q      = param("quantum", "0")
local fab = netsim.leafspine{ leaves = leaves, spines = 4, hosts_per_leaf = hpl,
  host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:moe{ hosts = fab:hosts(), experts = param("experts", leaves * hpl), top_k = param("top_k", 8),
       tokens = param("tokens", 512), hidden = 1024, skew = { zipf = param("zipf", 1.2) } }
netsim.run{ fabric = fab, workload = w, model = model,
            flow_quantum = model == "flow" and q ~= "0" and q or nil }
