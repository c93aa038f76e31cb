-- bench/permutation.lua: the packet-level benchmark of issue 3. A permutation
-- of 10 MB flows, all starting at once, on a leaf-spine with 100 Gb/s links of
-- 1 us and a 4 KB MTU. Every host sends to the host with the same position on
-- the leaf `shift` leaves further, so every flow crosses a spine.
--   (a) leaves=8  hpl=16 spines=16  (128 hosts)
--   (b) leaves=32 hpl=32 spines=32  (1024 hosts)
local leaves = param("leaves", 8)
local hpl = param("hpl", 16)
local spines = param("spines", 16)
local lb = param("lb", "ecmp")
local transport = param("transport", "dctcp")
local bytes = param("bytes", "10MB")
local output = param("output", "permutation.h5")
-- the switches: "bench" (4 MB per port, ECN 100 to 400 KB: the figures of
-- results-*.md), "default" (no switch table: netsim-lua(5)'s defaults), or
-- "pfc" (the defaults with PFC)
local switch = param("switch", "bench")
local sw
if switch == "bench" then sw = { buffer = "4MB", ecn = { kmin = "100KB", kmax = "400KB" } }
elseif switch == "pfc" then sw = { pfc = true }
elseif switch ~= "default" then error("parameter switch must be bench, default or pfc (got " .. switch .. ")") end

local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = hpl,
  host_link = { rate = "100Gbps", latency = "1us" },
  fabric_link = { rate = "100Gbps", latency = "1us" },
  switch = sw,
  mtu = 4096,
}
local n = leaves * hpl
local w = netsim.workload()
for h = 1, n do
  w:transfer{ src = h, dst = (h - 1 + hpl * (leaves // 2)) % n + 1, bytes = bytes }
end
netsim.run{ fabric = fab, workload = w, lb = lb, transport = transport, output = output }
