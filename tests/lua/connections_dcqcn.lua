-- connections_dcqcn.lua: connections under DCQCN, for tests/connections.sh.
-- Hosts 1 to 4 send 4 MB each to host 5 at once (an incast: CNPs cut their
-- rates to about a quarter of the line), then host 1 sends 4 MB more to host
-- 5, alone. Per transfer its queue pair starts at the line rate; persistent,
-- at the rate the incast left the pair (1 -> 5) with.
local conn, k = param("conn", "persistent"), param("k", 1)
local fab = netsim.star{ hosts = 5, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local first = {}
for h = 1, 4 do first[h] = w:transfer{ src = h, dst = 5, bytes = "4MB" } end
w:transfer{ src = 1, dst = 5, bytes = "4MB", after = first }
local r = netsim.run{ fabric = fab, workload = w, transport = "dcqcn", connections = conn, subflows = k,
  output = "connections_dcqcn.h5" }
assert(r.transfers_done == 5 and r.bytes == 5 * 4e6, "every byte arrives once")
