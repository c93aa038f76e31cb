-- rails.lua: a 256-GPU rail-optimised cluster (32 servers of 8 GPUs, each GPU
-- with its own 400 Gb/s NIC, NVLink inside the server) and an allreduce done
-- the way NCCL does it on such a cluster, by hand: reduce-scatter inside
-- each server over NVLink, then one ring per rail across the 32 servers on
-- the 1/8 shard, then allgather inside each server. Compared with one flat
-- ring over all 256 GPUs. Try:
--   netsim scripts/examples/rails.lua how=flat
--   netsim scripts/examples/rails.lua how=hierarchical
--   netsim scripts/examples/rails.lua pxn=true how=flat
--   netsim scripts/examples/rails.lua rails=false how=flat
local how   = param("how", "staged")     -- staged | hierarchical | flat
local bytes = netsim.size(param("bytes", "64MB"))
local G, servers = 8, 32

-- 2 groups of 8 rail leaves, 16 servers per group; 16 spines: non-blocking
local fab = netsim.leafspine{
    leaves = 16, spines = 16, hosts_per_leaf = 16,
    host_link = { rate = "400Gbps", latency = "500ns" },
    server = { gpus = G, nvlink = { rate = "3.6Tbps", latency = "250ns" } },
    rails = param("rails", "true") == "true", pxn = param("pxn", "false") == "true",
}
local w = netsim.workload()
if how == "flat" then
    w:allreduce{ hosts = fab:hosts(), bytes = bytes, label = "flat ring" }
elseif how == "hierarchical" then   -- the same three levels, built in (no barrier between levels)
    w:allreduce{ hosts = fab:hosts(), bytes = bytes, algorithm = "hierarchical", fabric = fab }
else
    local inside, across = {}, {}
    for s = 1, servers do
        inside[s] = w:reducescatter{ hosts = fab:hosts{ server = s }, bytes = bytes, label = "NVLink reduce-scatter" }
    end
    for r = 1, G do
        across[r] = w:allreduce{ hosts = fab:hosts{ rail = r }, bytes = bytes / G, after = inside,
                                 label = "rail ring" }
    end
    for s = 1, servers do
        w:allgather{ hosts = fab:hosts{ server = s }, bytes = bytes, after = across, label = "NVLink allgather" }
    end
end
local r = netsim.run{ fabric = fab, workload = w, model = param("model", "flow"), output = "rails.h5" }
-- NCCL's bus bandwidth: 2 (n - 1) / n x bytes / time
local n = fab.nhosts
print(string.format("%s allreduce of %.0f MB over %d GPUs: %.3f ms, bus bandwidth %.1f GB/s per GPU",
                    how, bytes / 1e6, n, r.makespan * 1e3, 2 * (n - 1) / n * bytes / r.makespan / 1e9))
