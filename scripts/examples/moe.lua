-- moe.lua: Mixture-of-Experts layers on a star: per layer, attention compute,
-- the dispatch alltoall to the experts, expert compute, the combine alltoall
-- back, then a backward pass. Skewed expert popularity makes some hosts busy
-- (imbalance) and, with a capacity factor, drops tokens. Try:
--   netsim scripts/examples/moe.lua zipf=1.2
--   netsim scripts/examples/moe.lua zipf=1.2 capacity=1.25
--   netsim scripts/examples/moe.lua max_nodes=2
--   netsim scripts/examples/moe.lua top_k=8 dispatch=per_host   (one copy per host)
-- (per-layer numbers are also in the /moe_layers table of moe.h5)
local hosts     = param("hosts", 8)
local experts   = param("experts", 16)
local top_k     = param("top_k", 2)
local zipf      = param("zipf", 0.0)       -- 0: every expert equally popular
local capacity  = param("capacity", 0.0)   -- capacity factor; 0: no capacity limit
local max_nodes = param("max_nodes", 0)    -- hosts a token may reach; 0: no limit
local dispatch  = param("dispatch", "per_expert")   -- or "per_host": a token once per host

local fab = netsim.star{ hosts = hosts, rate = "400Gbps", latency = "1us" }
local w = netsim.workload()
local moe, info = w:moe{
  hosts = fab:hosts(), experts = experts, top_k = top_k,
  tokens = 1024, hidden = 2048, dtype_bytes = 2, layers = 2,
  skew = zipf > 0 and { zipf = zipf } or "uniform",
  capacity_factor = capacity > 0 and capacity or nil,
  max_nodes_per_token = max_nodes > 0 and max_nodes or nil,
  dispatch = dispatch,
  compute = { attention = "50us", per_token = "20ns" },
  backward = true,
}
local r = netsim.run{ fabric = fab, workload = w, output = "moe.h5" }

print(string.format("%d hosts, %d experts, top %d, zipf %.2f: makespan %.3f ms", hosts, experts, top_k, zipf,
                    r.makespan * 1e3))
print("layer  pass      imbalance  hosts/token  dropped  dispatch MB")
for _, l in ipairs(info.layers) do
  print(string.format("%5d  %-8s  %9.3f  %11.3f  %7d  %11.2f", l.layer, l.pass, l.imbalance, l.hosts_per_token,
                      l.dropped, l.dispatch_bytes / 1e6))
end
