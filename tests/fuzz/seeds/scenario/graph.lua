-- a fabric from a GraphML file, then a run
local fab = netsim.graph{ file = "star.graphml", mtu = 9000, switch = { buffer = "1MB" } }
local w = netsim.workload()
for h = 1, fab.nhosts do
  w:transfer{ src = h, dst = h % fab.nhosts + 1, bytes = "64KB" }
end
netsim.run{ fabric = fab, workload = w, lb = "spray" }
