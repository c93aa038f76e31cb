-- bench/flow_a2a.lua: an all-to-all on a leaf-spine, every ordered pair of
-- hosts at once (hosts x (hosts - 1) flows: about a million for 1,024 hosts),
-- for the flow model at scale. builder = "loop" (default) makes it with one
-- w:transfer a pair, from Lua; builder = "alltoall" with one w:alltoall (the
-- collective: its markers, its record in /collectives, rank i sending to
-- i + 1, i + 2, ... in turn). Try:
--   netsim -q --json bench/flow_a2a.lua hosts=1024 hosts_per_leaf=32
--   netsim -q --json bench/flow_a2a.lua hosts=4096 hosts_per_leaf=64 builder=alltoall
local hosts  = param("hosts", 1024)
local hpl    = param("hosts_per_leaf", 32)
local spines = param("spines", hpl)
local bytes  = param("bytes", "1MB")
assert(hosts % hpl == 0, "hosts must be a multiple of hosts_per_leaf")

local fab = netsim.leafspine{
  leaves = hosts // hpl, spines = spines, hosts_per_leaf = hpl,
  host_link   = { rate = "400Gbps", latency = "500ns" },
  fabric_link = { rate = "400Gbps", latency = "500ns" },
}

local w = netsim.workload()
local builder = param("builder", "loop")
if builder == "loop" then
  for a = 1, hosts do
    for b = 1, hosts do
      if a ~= b then w:transfer{ src = a, dst = b, bytes = bytes } end
    end
  end
elseif builder == "alltoall" then
  local all = {}
  for h = 1, hosts do all[h] = h end
  w:alltoall{ hosts = all, bytes = bytes }
else
  error("builder must be \"loop\" or \"alltoall\" (got " .. tostring(builder) .. ")")
end

netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), lb = param("lb", "ecmp"),
            flow_solver = param("flow_solver", "incremental"), output = param("output", "flow_a2a.h5") }
