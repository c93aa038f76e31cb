-- eta_diloco.lua: a run recorded with --progress-log for tests/unit/test_eta.c (see the .log's first line)
local fab = netsim.multidc{ dcs = 2,
  dc = { leaves = 1, spines = 1, hosts_per_leaf = 4,
         host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "400Gbps", latency = "1us" } },
  gateway_link = { rate = "400Gbps", latency = "1us" },
  wan = { rate = "100Gbps", latency = "1ms" } }
local w = netsim.workload()
w:diloco{ workers = { fab:hosts{ dc = 1 }, fab:hosts{ dc = 2 } }, params = param("params", 2e8), layers = 8,
          bytes_per_param = 2, step_time = "50ms", mode = "streaming", inner_steps = 4, outer_steps = param("outer", 4),
          fragments = 4, overlap = 1 }
netsim.run{ fabric = fab, workload = w, output = "eta_diloco.h5" }
