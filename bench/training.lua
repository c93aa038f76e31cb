-- bench/training.lua: one training step of a 70B-class model on 1,024 GPUs
-- (tp 8, pp 8, dp 16; 80 layers, hidden 8192, seq 4096) at flow level, the
-- benchmark of issue 17. Its tensor-parallel allreduces cross the NICs (no
-- NVLink servers yet). Try:
--   /usr/bin/time -v netsim -q --json bench/training.lua microbatches=4
local M = param("microbatches", 32)
local fab = netsim.leafspine{ leaves = 32, spines = 32, hosts_per_leaf = 32,
  host_link = { rate = "400Gbps", latency = "1us" }, fabric_link = { rate = "400Gbps", latency = "1us" } }
local w = netsim.workload()
w:training{ hosts = fab:hosts(), tp = 8, pp = 8, dp = 16, microbatches = M,
  model = { layers = 80, hidden = 8192, seq = 4096 }, gpu = { flops = 989e12, efficiency = 0.4 } }
netsim.run{ fabric = fab, workload = w, model = "flow", output = param("output", "training.h5") }
