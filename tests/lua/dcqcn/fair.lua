-- fair.lua: n equal long flows from hosts 1..n into host n+1 of a star, one
-- 100 Gb/s bottleneck (the switch port to host n+1), under DCQCN. tests/dcqcn.sh
-- checks the HDF5 output against the fair share n * bytes / payload rate.
-- Parameters: n (senders), bytes (per flow), rate_control (1 or 0), buffer.
local n = tonumber(param("n", "2"))
local bytes = tonumber(param("bytes", "500e6"))
local fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us", mtu = 4096, header = 64,
  -- switch settings explicit (the defaults may change): marking from 5 KB to
  -- 200 KB at up to 1%, the DCQCN paper's Kmin, Kmax and Pmax
  switch = { buffer = param("buffer", "4MB"), ecn = { kmin = 5000, kmax = 200000, pmax = 0.01 }, pfc = false } }
local w = netsim.workload()
for h = 1, n do w:transfer{ src = h, dst = n + 1, bytes = bytes } end
local r = netsim.run{ fabric = fab, workload = w, transport = "dcqcn", seed = tonumber(param("seed", "1")),
  dcqcn = { rate_control = param("rate_control", "1") == "1" } }
assert(r.completed == 1 and r.bytes == n * bytes, "every byte delivered")
