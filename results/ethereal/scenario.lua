-- results/ethereal/scenario.lua: the setup of "Challenging the Need for Packet
-- Spraying in Large-Scale Distributed Training" (arXiv 2407.00550, v2
-- "Ethereal"): 256 GPUs on a leaf-spine of 16 leaves x 16 spines, 400 Gb/s
-- and 500 ns cables, ~9 KB packets; one AllReduce over all GPUs under one
-- load-balancing policy and one transport, with or without a faulty cable.
--   netsim scenario.lua lb=ethereal transport=uec bytes=64MB fault=failed
-- lb: ecmp | spray | reps | ethereal; transport: uec (switches trim) |
-- dcqcn (RoCE: PFC on) | dctcp; fault: none | failed (leaf 1 - spine 1 left
-- out) | degraded (that cable at 100 Gb/s); algorithm: ring | halving_doubling | direct;
-- order: random (ranks shuffled, so most transfers cross the spines) | host
local lb        = param("lb", "ethereal")
local transport = param("transport", "uec")
local fault     = param("fault", "none")
local bytes     = param("bytes", "64MB")
local algorithm = param("algorithm", "ring")
local order     = param("order", "random")   -- ranks in host order, or shuffled (seeded): a job placed anywhere

local link = { rate = "400Gbps", latency = "500ns" }
local spec = { leaves = 16, spines = 16, hosts_per_leaf = 16, host_link = link, fabric_link = link, mtu = 9000 }
if transport == "uec" then spec.switch = { trim = true } end   -- UEC switches trim; the rest: netsim's default switch
if fault == "failed" then spec.failed = { leaf = 1, spine = 1 }
elseif fault == "degraded" then spec.degraded = { leaf = 1, spine = 1, rate = "100Gbps" }
elseif fault ~= "none" then error("parameter fault must be none, failed or degraded (got " .. fault .. ")") end
local fab = netsim.leafspine(spec)
local w = netsim.workload()
local hosts = fab:hosts()
if order == "random" then   -- Fisher-Yates with the scenario's own generator, fixed seed
    local x = 12345
    for i = #hosts, 2, -1 do
        x = (x * 1103515245 + 12345) % 2147483648
        local j = x % i + 1
        hosts[i], hosts[j] = hosts[j], hosts[i]
    end
elseif order ~= "host" then error("parameter order must be random or host (got " .. order .. ")") end
w:allreduce{ hosts = hosts, bytes = bytes, algorithm = algorithm }
local r = netsim.run{ fabric = fab, workload = w, lb = lb, transport = transport, output = "ethereal.h5" }
print(string.format("%s %s %s %s %s: %.3f ms", algorithm, bytes, lb, transport, fault, r.makespan * 1e3))
