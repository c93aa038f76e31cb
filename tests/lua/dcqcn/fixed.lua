-- fixed.lua: n long flows from hosts 1..n into host n+1 of a star, one
-- bottleneck (the switch port to host n+1), under DCQCN, with a buffer that
-- never fills and RED-like marking from kmin to kmax at up to pmax; the run
-- stops at `duration` with the flows still sending, and samples the queues
-- every 10us. tests/dcqcn_model.sh compares the time-averaged queue with
-- the DCQCN fluid model's fixed point.
-- Parameters: n, rate, mtu, duration, kmin, kmax, pmax.
local n = tonumber(param("n", "2"))
local fab = netsim.star{ hosts = n + 1, rate = param("rate", "10Gbps"), latency = "1us",
  mtu = tonumber(param("mtu", "1024")), header = 64,
  switch = { buffer = "64MB", pfc = false,
    ecn = { kmin = tonumber(param("kmin", "5000")), kmax = tonumber(param("kmax", "200000")),
            pmax = tonumber(param("pmax", "0.01")) } } }
local w = netsim.workload()
for h = 1, n do w:transfer{ src = h, dst = n + 1, bytes = 10e9 } end
-- DCQCN settings given as parameters (rai, rhai, byte_counter, g, ...) go
-- to run{dcqcn = {...}}; the others keep the defaults
local dcqcn = {}
for _, k in ipairs{ "rai", "rhai", "byte_counter", "g", "rate_timer", "alpha_timer", "cnp_interval" } do
  local v = param(k, "")
  if v ~= "" then dcqcn[k] = tonumber(v) or v end
end
netsim.run{ fabric = fab, workload = w, transport = "dcqcn", dcqcn = dcqcn, sample = "10us",
  seed = tonumber(param("seed", "1")), duration = param("duration", "200ms") }
