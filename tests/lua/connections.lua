-- connections.lua: transfers of one pair of hosts (1 -> 2) on a star with
-- 100 Gb/s links of `latency` each, under the DCTCP transport, for
-- tests/connections.sh, which reads their times from the HDF5 file. ECN never
-- marks (kmin above anything a lone flow queues) and the buffer is large:
-- the windows only grow, so their sizes follow from counting ACKs.
--   n1 packets (0: none), then, after it (and a compute op of `gap` when
--   given), `together` transfers of n2 packets each, all at once;
--   k: subflows per transfer (run{subflows}).
local conn = param("conn", "persistent")
local n1, n2, together = param("n1", 30), param("n2", 20), param("together", 1)
local k = param("k", 1)
local gap, latency = param("gap", "0s"), param("latency", "100us")
local mss = 4096 - 64                 -- payload of a packet: mtu minus header

local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = latency,
  switch = { buffer = "100MB", ecn = { kmin = 50e6, kmax = 50e6 + 1 } } }
local w = netsim.workload()
local first
if n1 > 0 then
  first = w:transfer{ src = 1, dst = 2, bytes = n1 * mss }
  if netsim.time(gap) > 0 then first = w:compute{ node = 1, duration = gap, after = first } end
end
for _ = 1, together do
  w:transfer{ src = 1, dst = 2, bytes = n2 * mss, after = first }
end
local r = netsim.run{ fabric = fab, workload = w, transport = "dctcp", connections = conn, subflows = k,
  output = "connections.h5" }
assert(r.transfers_done == (n1 > 0 and 1 or 0) + together, "every transfer completes")
assert(r.bytes == (n1 + together * n2) * mss, "every byte arrives once")
assert(r.retransmits == 0 and r.drops == 0 and r.ecn_marks == 0, "nothing lost, nothing marked")
