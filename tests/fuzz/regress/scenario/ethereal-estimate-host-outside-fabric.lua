-- the memory estimate counted an ethereal run's pinned paths at a transfer's
-- hosts before the run checked that they exist: dst 3 of a 2-host fabric
-- read past the fabric's host table (ASan, found by the fuzz smoke test)
local link = { rate = "100Gbps", latency = "1us" }
local fab = netsim.leafspine{ leaves = 1, spines = 2, hosts_per_leaf = 2, host_link = link, fabric_link = link }
for _, model in ipairs{ "packet", "flow" } do
  local w = netsim.workload()
  w:transfer{ src = 1, dst = 3, bytes = 1000 }
  w:transfer{ src = 3, dst = 1, bytes = 1000 }
  pcall(netsim.run, { fabric = fab, workload = w, lb = "ethereal", model = model })
end
