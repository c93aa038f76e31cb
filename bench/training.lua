-- bench/training.lua: one training step of a 70B-class model on 1,024 GPUs
-- (tp 8, pp 8, dp 16; 80 layers, hidden 8192, seq 4096) at flow level, the
-- benchmark of issue 17. servers=true (default): 128 servers of 8 GPUs on
-- rails, so each tensor-parallel group is one server and its allreduces go
-- over NVLink; servers=false: 1,024 single-GPU hosts. Try:
--   /usr/bin/time -v netsim -q --json bench/training.lua microbatches=4
local M = param("microbatches", 32)
local servers = param("servers", true)
-- "analytic": each TP allreduce one op timed on the idle NVLink (needs servers)
local tp_comm = param("tp_comm", "simulated")
local fab = netsim.leafspine{ leaves = 32, spines = 32, hosts_per_leaf = 32,
  host_link = { rate = "400Gbps", latency = "1us" }, fabric_link = { rate = "400Gbps", latency = "1us" },
  server = servers and { gpus = 8 } or nil, rails = servers or nil }
local w = netsim.workload()
w:training{ hosts = fab:hosts(), tp = 8, pp = 8, dp = 16, microbatches = M,
  model = { layers = 80, hidden = 8192, seq = 4096 }, gpu = { flops = 989e12, efficiency = 0.4 },
  tp_comm = tp_comm, fabric = tp_comm == "analytic" and fab or nil }
netsim.run{ fabric = fab, workload = w, model = "flow", output = param("output", "training.h5") }
