-- loss.lua: an incast of 8 flows of 4 MB into one host of a star whose
-- switch has a small buffer (256 KB) and no PFC: the first burst (8 senders
-- at line rate) overflows it before the CNPs slow the senders down, packets
-- are dropped and recovered. Parameters: recovery ("gobackn" or "selective");
-- pfc (0, the default here: off; 1: on, the switch pauses its senders instead
-- of dropping; "unsaid": the field left out, so the transport's wish decides).
local pfc = ({ ["0"] = false, ["1"] = true, unsaid = nil })[param("pfc", "0")]
local fab = netsim.star{ hosts = 9, rate = "100Gbps", latency = "1us", mtu = 4096, header = 64,
  switch = { buffer = "256KB", ecn = { kmin = 5000, kmax = 50000, pmax = 0.01 }, pfc = pfc } }
local w = netsim.workload()
for h = 1, 8 do w:transfer{ src = h, dst = 9, bytes = 4e6 } end
local r = netsim.run{ fabric = fab, workload = w, transport = "dcqcn",
  dcqcn = { recovery = param("recovery", "gobackn") } }
assert(r.completed == 1 and r.transfers_done == 8, "every transfer completes")
assert(r.bytes == 8 * 4e6, "every byte delivered: " .. r.bytes)
