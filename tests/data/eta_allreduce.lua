-- eta_allreduce.lua: a run recorded with --progress-log for tests/unit/test_eta.c (see the .log's first line)
local fab = netsim.leafspine{ leaves = 4, spines = 2, hosts_per_leaf = 4,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:allreduce{ hosts = fab:hosts(), bytes = param("bytes", "200MB"), algorithm = "ring", chunks = 4 }
netsim.run{ fabric = fab, workload = w, output = "eta_allreduce.h5", transport = "dctcp" }
