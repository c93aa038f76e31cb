-- diloco.lua: two datacenters training one model, joined by a WAN link; how
-- much of the time do they compute, and what bandwidth do they need? Try:
--   netsim scripts/examples/diloco.lua mode=dp
--   netsim scripts/examples/diloco.lua mode=diloco
--   netsim scripts/examples/diloco.lua mode=streaming overlap=1
--   netsim scripts/examples/diloco.lua mode=streaming overlap=1 quant_bits=4 wan=1Gbps
-- Each datacenter is one host here, its gateway to the WAN (netsim.pair);
-- with netsim.multidc, workers become the hosts of each datacenter and the
-- sync is sharded over them.
local mode      = param("mode", "streaming")   -- dp | diloco | streaming
local wan       = param("wan", "10Gbps")
local wan_lat   = param("wan_latency", "10ms")
local params    = param("params", 50000000)    -- a 50M-parameter model
local layers    = param("layers", 12)
local H         = param("inner_steps", 20)
local outer     = param("outer_steps", 2)
local fragments = param("fragments", 4)
local overlap   = param("overlap", 1)
local quant     = param("quant_bits", 16)      -- bf16 parameters across the WAN
local step      = param("step_time", "50ms")

local fab = netsim.pair{ rate = wan, latency = wan_lat, mtu = 9000 }
local w = netsim.workload()
w:diloco{
  workers = { { 1 }, { 2 } }, params = params, layers = layers, bytes_per_param = 2,
  step_time = step, mode = mode,
  -- dp syncs every step: run as many steps as the others do in one outer step
  outer_steps = mode == "dp" and H or outer,
  -- each mode only its own fields (another mode's would be ignored with a warning)
  inner_steps = mode ~= "dp" and H or nil, quant_bits = mode ~= "dp" and quant or nil,
  buckets = mode == "dp" and 4 or nil,
  fragments = mode == "streaming" and fragments or nil, overlap = mode == "streaming" and overlap or nil,
}
local r = netsim.run{ fabric = fab, workload = w, output = "diloco.h5" }
print(string.format("%s over a %s WAN: %.3f s, compute utilization %.3f, %.1f MB exchanged, each sync within its window at %.2f Gbps",
                    mode, wan, r.makespan, r.compute_utilization, r.bytes_exchanged / 1e6,
                    r.peak_bandwidth_bps / 1e9))
