-- allreduce.lua: one allreduce over every host of a star, compared with the
-- NIC-bandwidth lower bound 2(p-1)/p x bytes / rate. Try:
--   netsim scripts/examples/allreduce.lua algorithm=halving_doubling
--   netsim scripts/examples/allreduce.lua hosts=12 chunks=4 bytes=64MB
-- (netsim.leafspine will make the fabric more interesting once merged.)
local hosts     = param("hosts", 8)
local bytes     = param("bytes", "16MB")
local algorithm = param("algorithm", "ring")     -- ring | halving_doubling | direct
local chunks    = param("chunks", 1)
local rate      = param("rate", "100Gbps")

local fab = netsim.star{ hosts = hosts, rate = rate, latency = "1us" }
local w = netsim.workload()
local ar = w:allreduce{ hosts = fab:hosts(), bytes = bytes, algorithm = algorithm, chunks = chunks }
w:compute{ node = 1, duration = "100us", after = ar, label = "optimizer" }

local r = netsim.run{ fabric = fab, workload = w, output = "allreduce.h5" }
local p = #fab:hosts()
local bound = 2 * (p - 1) / p * netsim.size(bytes) * 8 / netsim.rate(rate)
print(string.format("%s allreduce of %s over %d hosts: %.3f ms, NIC bound %.3f ms (%.1f%%), then 0.1 ms of compute",
                    algorithm, bytes, p, (r.makespan - 100e-6) * 1e3, bound * 1e3,
                    100 * bound / (r.makespan - 100e-6)))
