-- dctcp.lua: the DCTCP transport against numbers known without the simulator.
local B = 20e6
local payload_rate = 100e9 / 8 * 4032 / 4096  -- bytes of payload per second at 100 Gb/s, mtu 4096

local function star(n, buffer, kmin)
  return netsim.star{ hosts = n, rate = "100Gbps", latency = "1us",
    switch = { buffer = buffer, ecn = { kmin = kmin, kmax = kmin + 1 } } }
end

-- 1. alone with a big buffer: no loss, no retransmission, near line rate
do
  local w = netsim.workload()
  w:transfer{ src = 1, dst = 2, bytes = B }
  local r = netsim.run{ fabric = star(2, "10MB", 65000), workload = w, transport = "dctcp", output = "alone.h5" }
  assert(r.retransmits == 0 and r.drops == 0, "no competition, no loss: retransmits " .. r.retransmits)
  local ideal = B / payload_rate                -- seconds at line rate
  assert(r.makespan < ideal * 1.05, ("alone: %.6f s, line rate would take %.6f s"):format(r.makespan, ideal))
  assert(r.bytes == B)
end

-- 2. two flows share one bottleneck: flow 2 starts 1 ms after flow 1 and must get
--    about half of the link: Jain's index of the two throughputs while both run
do
  local w = netsim.workload()
  w:transfer{ src = 1, dst = 3, bytes = 3 * B }
  local d = w:compute{ node = 2, duration = "1ms" }
  w:transfer{ src = 2, dst = 3, bytes = B, after = d }
  local r = netsim.run{ fabric = star(3, "1MB", 65000), workload = w, transport = "dctcp", output = "fair.h5" }
  assert(r.max_congestion > 0.99, "the bottleneck is kept busy")
  -- the second transfer has the shorter FCT and is the p50 of two
  local x2 = B / r.fct.p50
  local x1 = payload_rate - x2
  local jain = (x1 + x2) ^ 2 / (2 * (x1 ^ 2 + x2 ^ 2))
  assert(jain > 0.95, ("Jain index %.4f (x1 %.3g, x2 %.3g bytes/s)"):format(jain, x1, x2))
  assert(r.ecn_marks > 0, "the queue crossed kmin, packets were marked")
  assert(r.retransmits == 0, "ECN kept the queue below the buffer")
end

-- 3. an incast of 8 into a buffer of two packets: drops, yet every byte arrives once
do
  local w = netsim.workload()
  for h = 1, 8 do w:transfer{ src = h, dst = 9, bytes = 2e6 } end
  local r = netsim.run{ fabric = star(9, "8KB", 1e9), workload = w, transport = "dctcp", output = "incast.h5" }
  assert(r.completed == 1 and r.transfers_done == 8, "every transfer completes")
  assert(r.bytes == 8 * 2e6, "all bytes delivered")
  assert(r.drops > 0 and r.retransmits > 0, ("drops %d, retransmits %d"):format(r.drops, r.retransmits))
  assert(r.ecn_marks == 0, "kmin above the buffer: never marked")
end
