-- quickstart.lua: eight hosts on one switch; every host sends to the next
-- (a ring permutation), then each host computes. Try:
--   netsim scripts/examples/quickstart.lua bytes=64MB
local bytes = param("bytes", "16MB")
local hosts = param("hosts", 8)

local fab = netsim.star{ hosts = hosts, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for h = 1, hosts do
  local t = w:transfer{ src = h, dst = h % hosts + 1, bytes = bytes, label = "ring" }
  w:compute{ node = h % hosts + 1, duration = "100us", after = { t }, label = "reduce" }
end

local r = netsim.run{ fabric = fab, workload = w, output = "quickstart.h5", sample = "10us" }
print(string.format("all %d transfers done in %.3f ms", r.transfers, r.makespan * 1e3))
