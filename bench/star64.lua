-- bench/star64.lua: many packets through one switch. 64 hosts on a star at
-- 100 Gb/s: an all-to-one incast (63 senders), then a permutation.
local bytes = param("bytes", "4MB")
local fab = netsim.star{ hosts = 64, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local done = {}
for h = 1, 63 do done[#done + 1] = w:transfer{ src = h, dst = 64, bytes = bytes } end
local m = w:marker{ after = done }
for h = 1, 64 do w:transfer{ src = h, dst = (h + 16) % 64 + 1, bytes = bytes, after = m } end
netsim.run{ fabric = fab, workload = w, output = param("output", "star64.h5") }
