-- results/streaming-diloco/scenario.lua: two datacentres train one model and
-- synchronise across a WAN link of `gbps` Gbit/s. One run = one method, one
-- model, one bandwidth; run.sh sweeps them (see README.md).
--   netsim scenario.lua method=streaming_overlap model=10B gbps=3.16
-- The flow model; netsim --model packet (run.sh's check) overrides it.
-- method: dp | diloco | streaming | streaming_overlap | streaming_4bit
-- model:  1B | 10B | 100B   (24, 48, 108 layers; 0.1, 0.8, 4.9 s per step)
local method  = param("method", "streaming_overlap")
local model   = param("model", "1B")
local gbps    = param("gbps", 10.0)            -- cross-datacentre (WAN) rate, Gbit/s
local wan_lat = param("wan_latency", "1ms")    -- one-way WAN latency
local H       = param("inner_steps", 100)
local outer   = param("outer_steps", 2)
local dp_steps = param("dp_steps", 0)          -- steps of dp; 0: as many as the others, outer x H
local per_frag = param("layers_per_fragment", 3)
local bpp     = param("bytes_per_param", 2)    -- bf16 gradients and outer gradients
local qbits   = param("quant_bits", 4)         -- of method streaming_4bit
local tau     = param("overlap", 1)            -- inner steps a sync may overlap (streaming_overlap, _4bit)
local hosts   = param("hosts_per_dc", 4)       -- the sync is sharded over them
-- the paper's timing (run.sh --paper): steps by layer, every layer its own sync
local granularity = param("granularity", "step")   -- step | layer
local layer_syncs = param("layer_syncs", false)

local models = {
  ["1B"]   = { params = 1e9,   layers = 24,  step = "0.1s" },
  ["10B"]  = { params = 1e10,  layers = 48,  step = "0.8s" },
  ["100B"] = { params = 1e11,  layers = 108, step = "4.9s" },
  -- a small model for the packet-versus-flow check (same shape as 1B, 1/10 of it)
  ["100M"] = { params = 1e8,   layers = 24,  step = "0.01s" },
}
local m = models[model]
if not m then error("model must be 1B, 10B, 100B or 100M (got '" .. model .. "')") end

local methods = {
  dp                = { mode = "dp" },
  diloco            = { mode = "diloco" },
  streaming         = { mode = "streaming", overlap = 0 },
  streaming_overlap = { mode = "streaming", overlap = tau },
  streaming_4bit    = { mode = "streaming", overlap = tau, quant_bits = qbits },
}
local me = methods[method]
if not me then error("method must be dp, diloco, streaming, streaming_overlap or streaming_4bit (got '"
                     .. method .. "')") end

-- two datacentres, each one leaf of `hosts` hosts under one spine; the
-- gateways are joined by one WAN cable of `gbps`. Every other cable is faster
-- than the WAN can ever be in the sweep (hosts x 400G NICs, 1.6T elsewhere),
-- so the WAN is the only bottleneck.
local fab = netsim.multidc{
  dcs = 2, mtu = 9000,
  dc = { leaves = 1, spines = 1, hosts_per_leaf = hosts,
         host_link = { rate = 1.6e12 / hosts, latency = "1us" },   -- 400 Gbit/s for 4 hosts
         fabric_link = { rate = "1.6Tbps", latency = "1us" } },
  gateway_link = { rate = "1.6Tbps", latency = "1us" },
  wan = { rate = gbps * 1e9, latency = wan_lat },
}

local w = netsim.workload()
w:diloco{
  workers = { fab:hosts{ dc = 1 }, fab:hosts{ dc = 2 } },
  params = math.floor(m.params), layers = m.layers, bytes_per_param = bpp, step_time = m.step,
  -- each mode only its own fields: the others would be ignored with a warning
  mode = me.mode, inner_steps = me.mode ~= "dp" and H or nil,
  outer_steps = me.mode ~= "dp" and outer or (dp_steps > 0 and dp_steps or outer * H),
  -- dp: one gradient bucket per 3 layers (by layer: one sync per layer with layer_syncs)
  buckets = me.mode == "dp" and granularity == "step" and m.layers // per_frag or nil,
  granularity = granularity, layer_syncs = layer_syncs or nil,
  fragments = me.mode == "streaming" and m.layers // per_frag or nil, overlap = me.overlap,
  quant_bits = me.quant_bits,
}
local r = netsim.run{ fabric = fab, workload = w, model = "flow", output = "diloco.h5" }
do
  print(string.format("%s %s at %g Gbit/s: compute utilisation %.4f, peak bandwidth %.3g Gbit/s",
                      method, model, gbps, r.compute_utilization, r.peak_bandwidth_bps / 1e9))
end
