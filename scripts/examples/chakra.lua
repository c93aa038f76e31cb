-- chakra.lua: a workload from Chakra execution traces (w:chakra). Rank 0 of a
-- real PyTorch trace, replicated over `ranks` hosts of a leaf-spine: its
-- compute nodes keep each GPU busy for their recorded durations, and its
-- allreduce kernels become ring allreduces over all ranks (its broadcast kernels,
-- pipelined chains from rank 0). The trace names
-- nodes it does not hold and has cycles, so it needs repair = true (the
-- dropped dependencies are counted in a warning). Try:
--   netsim scripts/examples/chakra.lua ranks=8 algorithm=halving_doubling
--   netsim scripts/examples/chakra.lua kind=all_to_all   (a 1 MB alltoall over 8 ranks)
local ranks     = param("ranks", 4)
local algorithm = param("algorithm", "ring")   -- ring | halving_doubling | direct
local kind      = param("kind", "real")        -- real | all_reduce | all_gather | reduce_scatter | all_to_all
local data      = "../../tests/data/chakra/"   -- relative to this scenario

local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 4,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local hosts = {}
for i = 1, (kind == "real" and ranks or 8) do hosts[i] = fab:hosts()[i] end

local w = netsim.workload()
local job, info
if kind == "real" then
    job, info = w:chakra{ files = data .. "real/chakra.0.et", replicate = true, ranks = ranks, hosts = hosts,
                          algorithm = algorithm, repair = true }
else
    job, info = w:chakra{ files = data .. "micro/" .. kind .. "/8npus_1MB/" .. kind .. ".%d.et",
                          hosts = hosts, algorithm = algorithm }
end
w:marker{ after = job, label = "end" }

local r = netsim.run{ fabric = fab, workload = w, output = "chakra.h5" }
print(string.format("%d nodes, %d dependencies, %d collective nodes, %d bytes of communication: %.3f ms",
                    info.nodes, info.deps, info.collectives, info.bytes, r.makespan * 1e3))
