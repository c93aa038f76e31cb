-- hierarchical.lua - a hierarchical collective on a rail-optimised fabric,
-- for tests/hierarchical.sh: `servers` servers of `gpus` GPUs, in groups of
-- `per_group` servers (one leaf per rail and group), 2 spines; NICs 400 Gb/s
-- with 1 us cables, NVLink 3.2 Tb/s with 250 ns. kind: allreduce |
-- reducescatter | allgather; alg: hierarchical | ring; bytes per rank.
local G, S, P = param("gpus", 2), param("servers", 4), param("per_group", 2)
local fab = netsim.leafspine{
    leaves = G * (S // P), spines = 2, hosts_per_leaf = P,
    host_link = { rate = "400Gbps", latency = "1us" },
    server = { gpus = G, nvlink = { rate = "3.2Tbps", latency = "250ns" } },
}
local w = netsim.workload()
local kind, alg = param("kind", "allreduce"), param("alg", "hierarchical")
w[kind](w, { hosts = fab:hosts(), bytes = param("bytes", 8000000), algorithm = alg,
             fabric = alg == "hierarchical" and fab or nil, chunks = param("chunks", 1) })
local model = param("model", "flow")
netsim.run{ fabric = fab, workload = w, model = model, transport = model == "packet" and "ideal" or nil,
            output = "hier.h5" }
