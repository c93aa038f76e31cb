-- reps.lua - for tests/reps.sh: 2 leaves x 4 hosts, 4 spines, 100 Gb/s and
-- 1 us; each host of leaf 1 sends `bytes` to its peer on leaf 2. slow: the
-- cable leaf1-spine1 runs at that rate (leafspine{ degraded = }); "" = none.
local slow = param("slow", "")
local spec = { leaves = 2, spines = 4, hosts_per_leaf = 4, host_link = { rate = "100Gbps", latency = "1us" } }
if slow ~= "" then spec.degraded = { leaf = 1, spine = 1, rate = slow } end
local fab = netsim.leafspine(spec)
local w = netsim.workload()
for h = 1, 4 do w:transfer{ src = h, dst = h + 4, bytes = param("bytes", 4000000) } end
netsim.run{ fabric = fab, workload = w, lb = param("lb", "reps"), transport = param("transport", "dctcp"),
            model = param("model", "packet"), output = "reps.h5" }
