-- bug_release_in_ring.lua: a subflow whose last packet arrived before its
-- sender's round robin came back to it was released while still on the
-- sender's ring; once the pool handed it to a new transfer, the ring was
-- corrupted (a crash). A ring allreduce in 16 chunks over 8 hosts keeps many
-- one-packet transfers (504 bytes) on every ring and starts new ones as old
-- ones arrive.
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local B = 8 * 4032 * 16
w:allreduce{ hosts = fab:hosts(), bytes = B, chunks = 16 }
local r = netsim.run{ fabric = fab, workload = w, output = "release.h5" }
assert(r.transfers_done == 16 * 2 * 7 * 8, "every transfer done")
assert(r.bytes == 2 * 7 * B, "every byte delivered")
-- twenty one-packet transfers from one host: sent back to back, the last
-- stored and forwarded at the switch
local ppb, lat, hdr = 80, 1000000, 64
local w1 = netsim.workload()
for i = 1, 20 do w1:transfer{ src = 1, dst = 2 + i % 2, bytes = 100 } end
local r1 = netsim.run{ fabric = fab, workload = w1, output = "release1.h5" }
local want = 20 * (100 + hdr) * ppb + (100 + hdr) * ppb + 2 * lat
assert(r1.makespan_ps == want, ("makespan %d, expected %d"):format(r1.makespan_ps, want))
