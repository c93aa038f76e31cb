-- lb.lua: DCQCN under every load-balancing policy, with subflows: a
-- permutation of 16 transfers of 4 MB plus an incast of 8 transfers of 1 MB
-- on a 4 x 4 leaf-spine with 512 KB buffers and no PFC. Spraying reorders
-- packets, which go-back-N takes for losses (NAKs, resends): real RoCE
-- behaviour. Every transfer must still complete with every byte delivered.
-- Parameters: lb, subflows, recovery.
local link = { rate = "100Gbps", latency = "1us" }
local fab = netsim.leafspine{ leaves = 4, spines = 4, hosts_per_leaf = 4, host_link = link, fabric_link = link,
  mtu = 4096, header = 64,
  switch = { buffer = "512KB", ecn = { kmin = 5000, kmax = 200000, pmax = 0.01 }, pfc = false } }
local w = netsim.workload()
for h = 1, 16 do w:transfer{ src = h, dst = (h + 3) % 16 + 1, bytes = 4e6 } end
for h = 1, 8 do w:transfer{ src = h, dst = 16, bytes = 1e6 } end
local r = netsim.run{ fabric = fab, workload = w, transport = "dcqcn", lb = param("lb", "ecmp"),
  subflows = tonumber(param("subflows", "1")), dcqcn = { recovery = param("recovery", "gobackn") } }
assert(r.completed == 1 and r.transfers_done == 24, "every transfer completes")
assert(r.bytes == 16 * 4e6 + 8 * 1e6, "every byte delivered: " .. r.bytes)
