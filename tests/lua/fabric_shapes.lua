-- fabric_shapes.lua: host selectors of the fat-tree and the multidc, and the
-- time of one transfer through each, computed by hand: with every cable at
-- the same rate, finish = wire bytes x ps/byte + (switches on the way) x one
-- full packet x ps/byte + the latencies of the cables on the way.
local ppb, mtu, hdr = 80, 4096, 64          -- 100 Gb/s = 80 ps per byte
local us, ms = 1000000, 1000000000          -- in ps
local B = 1000000
local npk = math.ceil(B / (mtu - hdr))
local wire = B + npk * hdr
local function list(t) return table.concat(t, ",") end
local function range(a, b) local t = {} for i = a, b do t[#t + 1] = i end return t end

-- fat-tree k = 4: 2 hosts per edge switch, 4 per pod
local ft = netsim.fattree{ k = 4, rate = "100Gbps", latency = "1us" }
assert(ft.nhosts == 16 and ft.nswitches == 20, "k=4: 16 hosts, 20 switches")
assert(list(ft:hosts{ pod = 3 }) == list(range(9, 12)), "pod 3 is hosts 9..12")
assert(list(ft:hosts{ leaf = 4 }) == list(range(7, 8)), "edge switch 4 is hosts 7, 8")
assert(list(ft:hosts{ pod = 2, leaf = 4 }) == list(range(7, 8)), "pod 2 holds edge switch 4")
assert(#ft:hosts{ pod = 1, leaf = 4 } == 0, "pod 1 does not")
assert(ft:paths(1, 2) == 1 and ft:paths(1, 3) == 2 and ft:paths(1, 16) == 4, "fat-tree paths 1, k/2, (k/2)^2")
-- across pods: edge, aggregation, core, aggregation, edge; 6 cables
local w = netsim.workload()
w:transfer{ src = 1, dst = 16, bytes = B }
local r = netsim.run{ fabric = ft, workload = w, output = "fattree.h5" }
local want = wire * ppb + 5 * mtu * ppb + 6 * us
assert(r.makespan_ps == want, ("fat-tree across pods: %d ps, expected %d"):format(r.makespan_ps, want))

-- two datacenters of 2 leaves x 3 hosts, 2 spines; 1 ms WAN at the same rate
local link = { rate = "100Gbps", latency = "1us" }
local md = netsim.multidc{ dcs = 2, dc = { leaves = 2, spines = 2, hosts_per_leaf = 3, host_link = link },
                           wan = { rate = "100Gbps", latency = "1ms", links = 3 } }
assert(md.nhosts == 12 and md.nswitches == 2 * (2 + 2 + 1), "multidc: 12 hosts, 10 switches")
assert(list(md:hosts{ dc = 2 }) == list(range(7, 12)), "dc 2 is hosts 7..12")
assert(list(md:hosts{ leaf = 3 }) == list(range(7, 9)), "leaf 3 (the first of dc 2) is hosts 7..9")
assert(list(md:hosts{ dc = 2, leaf = 4 }) == list(range(10, 12)), "dc 2, leaf 4")
assert(#md:hosts{ dc = 1, leaf = 4 } == 0, "leaf 4 is not in dc 1")
assert(md:paths(1, 12) == 2 * 3 * 2, "dc1 -> dc2: spines x wan links x spines")
-- leaf, spine, gateway, gateway, spine, leaf: 6 switches, 7 cables, one of them the WAN
w = netsim.workload()
w:transfer{ src = 1, dst = 12, bytes = B }
r = netsim.run{ fabric = md, workload = w, output = "multidc.h5" }
want = wire * ppb + 6 * mtu * ppb + 6 * us + ms
assert(r.makespan_ps == want, ("multidc across the WAN: %d ps, expected %d"):format(r.makespan_ps, want))
