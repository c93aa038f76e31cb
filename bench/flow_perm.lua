-- bench/flow_perm.lua: a random permutation on a leaf-spine (every host sends
-- `bytes` to another), for the flow model at scale. Try:
--   netsim -q --json bench/flow_perm.lua hosts=16384 hosts_per_leaf=128
--   netsim bench/flow_perm.lua hosts=1024 hosts_per_leaf=32 model=packet lb=spray
local hosts  = param("hosts", 1024)
local hpl    = param("hosts_per_leaf", 32)
local spines = param("spines", hpl)
local bytes  = param("bytes", "64MB")
assert(hosts % hpl == 0, "hosts must be a multiple of hosts_per_leaf")

local fab = netsim.leafspine{
  leaves = hosts // hpl, spines = spines, hosts_per_leaf = hpl,
  host_link   = { rate = "400Gbps", latency = "500ns" },
  fabric_link = { rate = "400Gbps", latency = "500ns" },
}

-- a fixed random derangement: shuffle the hosts, each sends to the next in the shuffle
math.randomseed(param("seed", 1))
local order = {}
for h = 1, hosts do order[h] = h end
for i = hosts, 2, -1 do
  local j = math.random(i)
  order[i], order[j] = order[j], order[i]
end
local w = netsim.workload()
for i = 1, hosts do w:transfer{ src = order[i], dst = order[i % hosts + 1], bytes = bytes } end

netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), lb = param("lb", "ecmp"),
            flow_solver = param("flow_solver", "incremental"), output = param("output", "flow_perm.h5") }
