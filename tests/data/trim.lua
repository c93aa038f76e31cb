-- trim.lua - an incast for tests/trimming.sh: hosts 2 .. n+1 each send
-- `bytes` to host 1 through one switch (100 Gb/s, 1 us cables) whose ports
-- have `buffer` bytes each, no ECN, trimming on or off; dctcp.
local n = param("n", 8)
local fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us",
    switch = { buffer = param("buffer", "64KB"), shared = false, ecn = false, trim = param("trim", "true") == "true" } }
local w = netsim.workload()
for h = 2, n + 1 do w:transfer{ src = h, dst = 1, bytes = param("bytes", 400000) } end
netsim.run{ fabric = fab, workload = w, transport = param("transport", "dctcp"), output = "trim.h5" }
