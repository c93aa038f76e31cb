-- large and extreme quantities
local fab = netsim.star{ hosts = 4, rate = "1bps", latency = "1000000s", mtu = "1MiB", header = 1 }
local w = netsim.workload()
local t = w:transfer{ src = 1, dst = 2, bytflows = 65535 }
