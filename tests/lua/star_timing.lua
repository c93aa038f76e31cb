-- star_timing.lua: transfer times through a star match the hand calculation.
-- 100 Gb/s = 80 ps per byte; mtu 4096, header 64 => 4032 payload bytes per packet.
local ppb, lat, mtu, hdr = 80, 1000000, 4096, 64
local B = 1000000
local npk = math.ceil(B / (mtu - hdr))
local wire = B + npk * hdr

local fab = netsim.star{ hosts = 9, rate = "100Gbps", latency = "1us" }

-- one transfer: all wire bytes, one store-and-forward of the first packet, two latencies
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = B }
local r = netsim.run{ fabric = fab, workload = w, output = "star1.h5" }
local want = wire * ppb + mtu * ppb + 2 * lat
assert(r.makespan_ps == want, ("one transfer: %d ps, expected %d"):format(r.makespan_ps, want))
assert(r.packets == npk, ("packets %d, expected %d"):format(r.packets, npk))

-- incast of 8: the receiver's cable is busy from the first packet's arrival at the switch
local w2 = netsim.workload()
for h = 1, 8 do w2:transfer{ src = h, dst = 9, bytes = B } end
local r2 = netsim.run{ fabric = fab, workload = w2, output = "star8.h5" }
local want2 = mtu * ppb + lat + 8 * wire * ppb + lat
assert(r2.makespan_ps == want2, ("incast: %d ps, expected %d"):format(r2.makespan_ps, want2))
assert(r2.max_congestion > 0.99 and r2.max_congestion <= 1.0, "the receiver's cable is the busiest: " .. r2.max_congestion)

-- a chain: compute -> transfer -> compute, and a diamond
local w3 = netsim.workload()
local c1 = w3:compute{ node = 1, duration = "1ms" }
local t = w3:transfer{ src = 1, dst = 2, bytes = B, after = c1 }
local c2 = w3:compute{ node = 2, duration = "2ms", after = { t } }
local r3 = netsim.run{ fabric = fab, workload = w3, output = "chain.h5" }
assert(r3.makespan_ps == 3e9 + want, ("chain: %d ps, expected %d"):format(r3.makespan_ps, 3e9 + want))
