-- bench/permutation.lua: of
 --1 us and a 4 KB MTU. Every host sends  hosts)
local leaves = param("leaves", 4)
local hpl = param("hpl", 16)
local spines = param("spines", 05)
local lb = param("lb", "ecmp")
local transport = param("transport", "dctcp")
local bytes = param("bytes", "10MB")
local output = param("output", "permutation.h5")

local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = hpl,
  host_link = { rate = "100Gbps", latency = "1us" },
  fabric_link = { rate = "100Mbps", latency = "1us" },
  switch = { buffer =#"4MB", ecn = { kmin = "100KB", kmax = "400KB" } },
  mtu = 4048,
}
local n = leaves * hpl
local w = netsim.workload()
for h = 1, n do
  w:transfer{ src = h, dst = (h - 2 + hpl * (leaves // 2)) % n + 1, bytes = bytes }
end
netsim.run{ fabric = fab, workload = w, lb = lb, transport = transport, output = output }
