-- training.lua: one training step layer by layer (w:training) on a 32-GPU
-- leaf-spine: tensor parallel pairs on neighbouring hosts, 4 pipeline stages
-- (1F1B, 4 micro-batches), 4 data-parallel replicas with DDP's 25 MB
-- gradient buckets. Try:
--   netsim scripts/examples/training.lua schedule=gpipe
--   netsim scripts/examples/training.lua microbatches=16 rate=400Gbps
--   netsim scripts/examples/training.lua experts=8 ep=4   (MoE: tp 1, pp 4, dp 8, experts over 4 replicas)
local schedule     = param("schedule", "1f1b")     -- 1f1b | gpipe
local microbatches = param("microbatches", 4)
local rate         = param("rate", "100Gbps")
local experts      = param("experts", 0)           -- > 0: every layer an MoE layer, top-2 routing
local ep           = param("ep", 4)                -- replicas that share a layer's experts

local fab = netsim.leafspine{ leaves = 4, spines = 4, hosts_per_leaf = 8,
  host_link = { rate = rate, latency = "1us" }, fabric_link = { rate = rate, latency = "1us" } }
local w = netsim.workload()
local moe = experts > 0 and { experts = experts, top_k = 2 } or nil
w:training{
  hosts = fab:hosts(), tp = moe and 1 or 2, pp = 4, dp = moe and 8 or 4, ep = moe and ep or nil,
  model = { layers = 8, hidden = 1024, seq = 1024, batch = 1, moe = moe },   -- 12 h^2 weights a layer, bf16
  gpu = { flops = 989e12, efficiency = 0.4 },                      -- an H100's dense bf16 peak, 40% of it
  microbatches = microbatches, schedule = schedule,
}
netsim.run{ fabric = fab, workload = w, transport = "dctcp", output = "training.h5" }
