-- sweep.lua: a small scenario for the sweep and analysis tests. n hosts on a
-- star each send `bytes` to the next one, then compute; the run samples its
-- time series. A bad rate (e.g. rate=10Gbs) makes the scenario fail.
local n     = param("n", 2)
local bytes = param("bytes", "100KB")
local rate  = param("rate", "100Gbps")

local fab = netsim.star{ hosts = n, rate = rate, latency = "1us" }
local w = netsim.workload()
for h = 1, n do
  local t = w:transfer{ src = h, dst = h % n + 1, bytes = bytes, label = "ring" }
  w:compute{ node = h % n + 1, duration = "5us", after = { t }, label = "step" }
end
netsim.run{ fabric = fab, workload = w, sample = "2us" }
