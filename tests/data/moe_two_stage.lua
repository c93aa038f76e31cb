-- moe_two_stage.lua - w:moe over 4 servers of 2 GPUs (the fabric of
-- tests/data/servers.lua), for tests/moe_two_stage.sh: 16 experts (2 per GPU),
-- top_k experts per token, uniform routing, 1,024-byte tokens.
local fab = netsim.leafspine{
    leaves = 4, spines = 2, hosts_per_leaf = 2,
    host_link = { rate = "400Gbps", latency = "1us" },
    server = { gpus = 2, nvlink = { rate = "3.2Tbps", latency = "250ns" } },
}
local w = netsim.workload()
local dispatch = param("dispatch", "two_stage")
local mn = param("max_nodes", 0)
w:moe{ hosts = fab:hosts(), experts = 16, top_k = param("top_k", 4), tokens = param("tokens", 2000), hidden = 1024,
       dtype_bytes = 1, layers = 1, dispatch = dispatch, fabric = dispatch == "two_stage" and fab or nil,
       max_nodes_per_token = mn > 0 and mn or nil, backward = param("backward", "false") == "true" }
netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), seed = param("seed", 1), output = "moe2.h5" }
