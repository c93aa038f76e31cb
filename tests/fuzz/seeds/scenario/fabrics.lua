-- every fabric constructor, small, and a run on each
local L = { rate = "100Gbps", latency = "1us" }
local fabs = {
  netsim.pair{ rate = "10Gbps", latency = "2us", mtu = 1500, header = 40 },
  netsim.star{ hosts = 3, rate = "25Gbps", latency = "500ns" },
  netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, links_per_spine = 2, host_link = L,
    fabric_link = { rate = "400Gbps", latency = "1us" },
    switch = { buffer = "64KB", shared = true, alpha = 2, ecn = { kmin = "10KB", kmax = "40KB", pmax = 0.5 } } },
  netsim.fattree{ k = 4, rate = "100Gbps", latency = "1us", switch = { buffer = "1MB" } },
  netsim.multidc{ dcs = 2, dc = { leaves = 1, spines = 1, hosts_per_leaf = 2, host_link = L },
    wan = { rate = "10Gbps", latency = "5ms", links = 2 }, gateway_link = L },
}
for i, fab in ipairs(fabs) do
  local hs = fab:hosts()
  local w = netsim.workload{ seed = i }
  local t = w:transfer{ src = hs[1], dst = hs[#hs], bytes = "100KB", label = "x" }
  w:compute{ node = hs[#hs], duration = "3us", after = t }
  local r = netsim.run{ fabric = fab, workload = w, output = "f" .. i .. ".h5" }
  assert(r.transfers == 1, tostring(fab))
  local _ = fab.nhosts + fab.nswitches + fab.nlinks, fab.kind, fab.mtu, fab:paths(hs[1], hs[#hs])
end
