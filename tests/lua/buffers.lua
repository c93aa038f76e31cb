-- buffers.lua: finite buffers, per port and shared with a dynamic threshold.
-- An incast of 8 senders into one port, dctcp without ECN (kmin above the
-- buffer), so the port fills up to what the buffer lets it hold.
local mtu = 4096
local function incast(switch, out)
  local fab = netsim.star{ hosts = 9, rate = "100Gbps", latency = "1us", switch = switch }
  local w = netsim.workload()
  for h = 1, 8 do w:transfer{ src = h, dst = 9, bytes = "1MB" } end
  return netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = out }
end

-- a port buffer of 100 KB: the queue never holds more, and something is dropped
local r = incast({ buffer = "100KB" }, "port.h5")
assert(r.peak_queue_bytes <= 100000, "per-port buffer respected: " .. r.peak_queue_bytes)
assert(r.peak_queue_bytes > 100000 - 2 * mtu, "the incast fills it: " .. r.peak_queue_bytes)
assert(r.drops > 0 and r.bytes == 8e6, "drops, yet every byte delivered")

-- a shared pool of B = 200 KB with alpha: one busy port may hold alpha x (B - q),
-- so it stops at q = alpha B / (1 + alpha): B/2 for alpha = 1, 3B/4 for alpha = 3
for _, a in ipairs({ 1, 3 }) do
  local B = 200000
  local s = incast({ buffer = B, shared = true, alpha = a }, "shared" .. a .. ".h5")
  local limit = a * B / (1 + a)
  assert(s.peak_queue_bytes <= limit + mtu and s.peak_queue_bytes > limit - 2 * mtu,
         ("alpha %g: peak queue %d, dynamic threshold %d"):format(a, s.peak_queue_bytes, limit))
  assert(s.drops > 0 and s.bytes == 8e6)
end

-- the ideal transport ignores buffers: nothing is dropped, the queue shows the raw congestion
local fab = netsim.star{ hosts = 9, rate = "100Gbps", latency = "1us", switch = { buffer = "100KB" } }
local w = netsim.workload()
for h = 1, 8 do w:transfer{ src = h, dst = 9, bytes = "1MB" } end
local i = netsim.run{ fabric = fab, workload = w, output = "ideal.h5" }
assert(i.drops == 0 and i.peak_queue_bytes > 1e6, "ideal: no drops, peak " .. i.peak_queue_bytes)
