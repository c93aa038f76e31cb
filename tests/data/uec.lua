-- uec.lua - transport = "uec" for tests/uec.sh: hosts 2 .. n+1 each send
-- `bytes` to host 1 through one switch (100 Gb/s, 1 us): one bottleneck,
-- the switch's port to host 1. Default switch settings (ECN on), or a
-- `buffer` per port with trimming.
local n = param("n", 4)
local buffer = param("buffer", "")
local sw = buffer ~= "" and { buffer = buffer, shared = false, trim = param("trim", "true") == "true" } or nil
local fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us", switch = sw }
local w = netsim.workload()
local stagger = netsim.time(param("stagger", "0s"))
for h = 2, n + 1 do
    local t = w:transfer{ src = h, dst = 1, bytes = param("bytes", 4000000) }
end
netsim.run{ fabric = fab, workload = w, transport = param("transport", "uec"), output = "uec.h5" }
