-- lb_paths.lua: traffic for tests/lb_check.py, which reads /ports.
--   mode=collisions: on a leaf-spine of 16 leaves x 8 spines x 8 hosts, every
--     host sends one packet to the same place on the next leaf (ecmp).
--   mode=subflows: one transfer of 8 x 4032 bytes between two hosts, split
--     into `subflows` (ecmp), on a leaf-spine (fabric=leafspine) or a k=4
--     fat-tree (fabric=fattree).
local mode = param("mode", "collisions")
local sub = param("subflows", 1)
local fabric = param("fabric", "leafspine")
local link = { rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local fab
if mode == "collisions" then
  fab = netsim.leafspine{ leaves = 16, spines = 8, hosts_per_leaf = 8, host_link = link }
  for h = 1, 128 do w:transfer{ src = h, dst = (h - 1 + 8) % 128 + 1, bytes = 4032 } end
elseif fabric == "leafspine" then
  fab = netsim.leafspine{ leaves = 2, spines = 8, hosts_per_leaf = 8, host_link = link }
  w:transfer{ src = 1, dst = 9, bytes = 8 * 4032 }
else
  fab = netsim.fattree{ k = 4, rate = "100Gbps", latency = "1us" }
  w:transfer{ src = 1, dst = 16, bytes = 8 * 4032 }
end
netsim.run{ fabric = fab, workload = w, lb = "ecmp", subflows = sub }
