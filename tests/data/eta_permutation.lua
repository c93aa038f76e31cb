-- eta_permutation.lua: a run recorded with --progress-log for tests/unit/test_eta.c (see the .log's first line)
local fab = netsim.leafspine{ leaves = 4, spines = 4, hosts_per_leaf = 8,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
local prev
for i = 1, 3 do prev = w:permutation{ hosts = fab:hosts(), bytes = param("bytes", "20MB"), after = prev and { prev } or nil } end
netsim.run{ fabric = fab, workload = w, output = "eta_permutation.h5", transport = "dctcp", lb = "ecmp" }
