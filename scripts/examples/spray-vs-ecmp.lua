-- spray-vs-ecmp.lua: does packet spraying beat single-path ECMP, and does a
-- little application-level splitting close the gap? A permutation of equal
-- transfers on a leaf-spine without oversubscription, every flow crossing a
-- spine. Compare:
--   netsim spray-vs-ecmp.lua lb=ecmp
--   netsim spray-vs-ecmp.lua lb=ecmp subflows=4
--   netsim spray-vs-ecmp.lua lb=spray
--   netsim spray-vs-ecmp.lua lb=spray transport=dctcp
local lb        = param("lb", "ecmp")
local subflows  = param("subflows", 1)
local transport = param("transport", "ideal")
local bytes     = param("bytes", "4MB")
local leaves, spines = param("leaves", 8), param("spines", 8)

local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = spines,
  host_link   = { rate = "100Gbps", latency = "1us" },
  fabric_link = { rate = "100Gbps", latency = "1us" },
  switch = { buffer = "4MB", ecn = { kmin = "100KB", kmax = "400KB" } },
}
local n = leaves * spines
local w = netsim.workload()
for h = 1, n do
  w:transfer{ src = h, dst = (h - 1 + spines) % n + 1, bytes = bytes }
end
local r = netsim.run{ fabric = fab, workload = w, lb = lb, subflows = subflows,
                      transport = transport, output = "spray-vs-ecmp.h5" }
-- the ideal: every NIC busy from start to end (plus the path's latency)
local ideal = netsim.size(bytes) * 8 / 100e9
print(string.format("%s, %d subflow(s), %s: makespan %.1f us = %.2f x bytes/rate; busiest link %.0f%% busy; peak queue %d KB",
  lb, subflows, transport, r.makespan * 1e6, r.makespan / ideal, 100 * r.max_congestion, r.peak_queue_bytes // 1000))
