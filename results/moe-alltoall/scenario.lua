-- results/moe-alltoall/scenario.lua: Mixture-of-Experts dispatch and combine
-- all-to-alls on a leaf-spine. One run = one skew, top_k, capacity factor,
-- load-balancing policy and model; run.sh sweeps them (see README.md).
--   netsim scenario.lua zipf=1.0 top_k=2 policy=spray
--   netsim --model packet scenario.lua zipf=1.0 top_k=2 policy=adaptive
-- policy: ecmp | ecmp_subflows | spray | adaptive | flowlet
-- The flow model; netsim --model packet overrides it. Every layer's numbers
-- (times, token imbalance, dropped tokens) are in /moe_layers of the output.
local zipf     = param("zipf", 0.0)        -- expert popularity ~ 1/rank^zipf; 0: uniform
local top_k    = param("top_k", 2)
local capacity = param("capacity", 0.0)    -- capacity factor; 0: none
local policy   = param("policy", "ecmp")
local subflows = param("subflows", 4)      -- of policy ecmp_subflows (4: one per spine)
local experts  = param("experts", 64)
local tokens   = param("tokens", 256)      -- per host and layer
local hidden   = param("hidden", 4096)
local layers   = param("layers", 4)
local leaves   = param("leaves", 8)
local spines   = param("spines", 4)
local hpl      = param("hosts_per_leaf", 4)
local rate     = param("rate", "400Gbps")  -- every cable
local max_nodes = param("max_nodes", 0)    -- hosts a token may reach; 0: no limit
local dispatch = param("dispatch", "per_expert")   -- or per_host: a token once per host

local policies = {
  ecmp          = { lb = "ecmp",     subflows = 1 },
  ecmp_subflows = { lb = "ecmp",     subflows = subflows },
  spray         = { lb = "spray",    subflows = 1 },
  adaptive      = { lb = "adaptive", subflows = 1 },
  flowlet       = { lb = "flowlet",  subflows = 1 },
}
local p = policies[policy]
if not p then error("policy must be ecmp, ecmp_subflows, spray, adaptive or flowlet (got '" .. policy .. "')") end

-- no oversubscription with the defaults: hosts_per_leaf x rate = spines x rate
local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = hpl,
  host_link = { rate = rate, latency = "500ns" }, fabric_link = { rate = rate, latency = "500ns" },
}
local w = netsim.workload()
w:moe{
  hosts = fab:hosts(), experts = experts, top_k = top_k, tokens = tokens, hidden = hidden,
  dtype_bytes = 2, layers = layers,                  -- bf16 activations: hidden x 2 bytes a token
  skew = zipf > 0 and { zipf = zipf } or "uniform",
  capacity_factor = capacity > 0 and capacity or nil,
  max_nodes_per_token = max_nodes > 0 and max_nodes or nil,
  dispatch = dispatch,
}
local r = netsim.run{ fabric = fab, workload = w, model = "flow", lb = p.lb, subflows = p.subflows,
                      output = "moe.h5" }
print(string.format("zipf %g, top_%d, capacity %g, %s: %d layers in %.1f us", zipf, top_k, capacity, policy,
                    layers, r.makespan * 1e6))
