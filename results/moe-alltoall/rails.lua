-- results/moe-alltoall/rails.lua: MoE dispatch on a 256-GPU rail-optimised
-- cluster, DeepEP's internode setting (issue 16): 32 servers of 8 GPUs, each
-- GPU with its own 400 Gb/s NIC on its rail's leaf, NVLink 3.6 Tb/s per GPU;
-- expert parallelism over `ep` GPUs (256 / ep groups side by side, each over
-- ep / 8 whole servers), 256 routed experts per group, top-8, 4,096 tokens per
-- GPU, hidden 7,168 in FP8 (1 byte), node-limited to 4 servers per token.
--   netsim rails.lua ep=32 dispatch=two_stage pxn=true zipf=1.0
-- dispatch: per_expert (a token once per expert), per_host (once per GPU),
-- two_stage (once per server over the NIC, then NVLink: DeepEP's internode kernels)
local ep       = param("ep", 16)
local dispatch = param("dispatch", "per_expert")
local zipf     = param("zipf", 0.0)
local tokens   = param("tokens", 4096)
local hidden   = param("hidden", 7168)
local top_k    = param("top_k", 8)
local experts  = param("experts", 256)
local nodes    = param("max_nodes", 4)        -- servers a token may reach (DeepSeek-V3's top-4 groups)
local G, servers = 8, 32
assert(ep % G == 0 and (servers * G) % ep == 0, "ep must be a multiple of 8 that divides 256")

local fab = netsim.leafspine{
    leaves = 16, spines = 16, hosts_per_leaf = 16,   -- 2 groups of 8 rail leaves, 16 servers each: non-blocking
    host_link = { rate = "400Gbps", latency = "500ns" },
    server = { gpus = G, nvlink = { rate = "3.6Tbps", latency = "250ns" } },
    rails = true, pxn = param("pxn", "false") == "true",
}
local w = netsim.workload()
for g = 0, servers * G / ep - 1 do
    local hosts = {}
    for i = 1, ep do hosts[i] = g * ep + i end
    w:moe{
        hosts = hosts, experts = experts, top_k = top_k, tokens = tokens, hidden = hidden, dtype_bytes = 1,
        layers = 1, skew = zipf > 0 and { zipf = zipf } or "uniform",
        -- node-limited routing counts servers under two_stage, GPUs otherwise
        max_nodes_per_token = dispatch == "two_stage" and (nodes < ep // G and nodes or nil)
                              or (nodes * G < ep and nodes * G or nil),
        dispatch = dispatch, fabric = dispatch == "two_stage" and fab or nil, label = "ep group " .. (g + 1),
    }
end
local r = netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), output = "rails.h5" }
print(string.format("ep %d, %s, zipf %g: %.3f ms", ep, dispatch, zipf, r.makespan * 1e3))
