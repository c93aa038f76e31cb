local fab = netsim.star{ hosts = 2, rate = "1Gbps" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1GB" }
local r = netsim.run{ fabric = fab, workload = w, duration = "1ms", output = "until1.h5" }
assert(r.completed == 0 and r.makespan_ps == 1e9, r.makespan_ps)
local r2 = netsim.run{ fabric = fab, workload = w, ["until"] = "2ms", output = "until2.h5" }
assert(r2.makespan_ps == 2e9)
