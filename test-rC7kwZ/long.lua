local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1TB", label = "big" }
w:compute{ node = 1, duration = "2us" }
io.open("started", "w"):close()
netsim.run{ fabric = fab, workload = w, output = "long.h5", sample = "5us" }
