-- large and extreme quantities
local fab = netsim.star{ hosts = 4, rate = "1bps", latency = "1000000s", mtu = "1MiB", header = 1 }
local w = netsim.workload()
local t = w:transfer{ src = 1, dst = 2, bytes = "8TB" }
local c = w:compute{ node = 3, duration = 9.2e6, after = t }
w:compute{ node = 3, duration = "9000000s", after = c }
netsim.run{ fabric = fab, workload = w, until = "9.2e6s", sample = "8.4e6s", subflows = 65535 }
