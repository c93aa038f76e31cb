-- leafspine.lua: a permutation on a small leaf-spine, every host sending to
-- the host in the same position on the next leaf, so every transfer crosses
-- the spines. Compare the load-balancing policies and application-level
-- splitting:
--   netsim scripts/examples/leafspine.lua lb=ecmp subflows=1
--   netsim scripts/examples/leafspine.lua lb=ecmp subflows=4
--   netsim scripts/examples/leafspine.lua lb=spray
-- The leaves are not oversubscribed: hosts_per_leaf x host rate =
-- spines x fabric rate, so a perfectly balanced run ends near bytes / rate.
local lb       = param("lb", "ecmp")
local subflows = param("subflows", 1)
local bytes    = param("bytes", "2MB")
local leaves, spines, hpl = 4, 4, 4

local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = hpl,
  host_link   = { rate = "100Gbps", latency = "1us" },
  fabric_link = { rate = "100Gbps", latency = "1us" },
}

local w = netsim.workload()
local n = leaves * hpl
for h = 1, n do
  w:transfer{ src = h, dst = (h - 1 + hpl) % n + 1, bytes = bytes }
end

local r = netsim.run{ fabric = fab, workload = w, lb = lb, subflows = subflows,
                      output = "leafspine.h5" }
local bound = netsim.size(bytes) * 8 / netsim.rate("100Gbps")
print(string.format("%s, %d subflow(s): makespan %.1f us = %.2f x bytes/rate; busiest link %.2f",
                    lb, subflows, r.makespan * 1e6, r.makespan / bound, r.max_congestion))
