-- bad calls, each caught
local function bad(f) local ok, err = pcall(f); assert(not ok and type(err) == "string") end
local L = { rate = "100Gbps", latency = "1us" }
bad(function() netsim.star{ hosts = 0, rate = "1Gbps" } end)
bad(function() netsim.star{ hosts = 2, rate = "10Gbs" } end)
bad(function() netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = L, mtu = 64, header = 64 } end)
bad(function() netsim.fattree{ k = 3, rate = "1Gbps" } end)
bad(function() netsim.multidc{ dcs = 2, dc = { leaves = 1, spines = 1, hosts_per_leaf = 1, host_link = L } } end)
bad(function() netsim.graph{ file = "nowhere.graphml" } end)
local fab = netsim.star{ hosts = 2, rate = "1Gbps" }
local w = netsim.workload()
local a = w:transfer{ src = 1, dst = 2, bytes = 10 }
local b = w:transfer{ src = 2, dst = 1, bytes = 10, after = a }
bad(function() a:after(b); netsim.run{ fabric = fab, workload = w } end)
bad(function() w:transfer{ src = 1, dst = 3, bytes = -1 } end)
bad(function() w:compute{ node = 1, duration = "-1s" } end)
bad(function() netsim.run{ fabric = fab } end)
bad(function() netsim.run{ fabric = fab, workload = w, lb = "magic" } end)
bad(function() netsim.run{ fabric = fab, workload = w, spray = "random" } end)
bad(function() fab:hosts{ leaf = 7 } end)
bad(function() return fab.nothing end)
bad(function() w:marker{ after = { fab } } end)
bad(function() w:transfer{ src = 1, dst = 2, bytes = 1, label = string.rep("x", 40) } end)
