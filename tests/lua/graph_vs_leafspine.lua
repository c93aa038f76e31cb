-- graph_vs_leafspine.lua: a GraphML file of a small leaf-spine, listing nodes
-- and edges in the order netsim.leafspine builds them, gives the very same
-- fabric and the very same numbers; and the time of one transfer across the
-- leaf-spine matches the hand calculation.
local L, S, H, P = 3, 2, 2, 2          -- leaves, spines, hosts per leaf, cables per leaf-spine pair
local link = { rate = "100Gbps", latency = "1us" }
local ls = netsim.leafspine{ leaves = L, spines = S, hosts_per_leaf = H, links_per_spine = P,
                             host_link = link, fabric_link = link }
-- relative to this scenario's folder
local gr = netsim.graph{ file = "../data/leafspine_3x2.graphml" }

-- shape, counted by hand
local nh = L * H
assert(ls.nhosts == nh and gr.nhosts == nh, "hosts")
assert(ls.nswitches == L + S and gr.nswitches == L + S, "switches")
assert(ls.nlinks == 2 * (nh + L * S * P) and gr.nlinks == ls.nlinks, "links: " .. gr.nlinks)
for a = 1, nh do
  for b = 1, nh do
    -- across leaves: P cables up to each of S spines, then P cables down
    local want = (a == b or math.ceil(a / H) == math.ceil(b / H)) and 1 or S * P * P
    assert(ls:paths(a, b) == want, ("leafspine paths %d->%d: %d, expected %d"):format(a, b, ls:paths(a, b), want))
    assert(gr:paths(a, b) == want, ("graph paths %d->%d: %d, expected %d"):format(a, b, gr:paths(a, b), want))
  end
end
-- hosts take their leaf from their switch in the file
for l = 1, L do
  local got = gr:hosts{ leaf = l }
  assert(#got == H and got[1] == (l - 1) * H + 1 and got[H] == l * H, "graph hosts of leaf " .. l)
  assert(table.concat(got, ",") == table.concat(ls:hosts{ leaf = l }, ","), "same hosts on leaf " .. l)
end

-- one transfer across the fabric: host 1 (leaf 1) to host 3 (leaf 2), through
-- leaf, spine, leaf: 3 store-and-forwards of a full packet, 4 cable latencies
local ppb, lat, mtu, hdr = 80, 1000000, 4096, 64   -- 100 Gb/s = 80 ps per byte
local B = 1000000
local npk = math.ceil(B / (mtu - hdr))
local wire = B + npk * hdr
for name, fab in pairs{ leafspine = ls, graph = gr } do
  local w = netsim.workload()
  w:transfer{ src = 1, dst = 3, bytes = B }
  local r = netsim.run{ fabric = fab, workload = w, output = "one-" .. name .. ".h5" }
  local want = wire * ppb + 3 * mtu * ppb + 4 * lat
  assert(r.makespan_ps == want, ("%s, across: %d ps, expected %d"):format(name, r.makespan_ps, want))
  -- under one leaf: one switch, two cables
  w = netsim.workload()
  w:transfer{ src = 1, dst = 2, bytes = B }
  r = netsim.run{ fabric = fab, workload = w, output = "leaf-" .. name .. ".h5" }
  want = wire * ppb + mtu * ppb + 2 * lat
  assert(r.makespan_ps == want, ("%s, one leaf: %d ps, expected %d"):format(name, r.makespan_ps, want))
end

-- a permutation with several transfers per host: every policy gives the same
-- numbers on both fabrics (the same node and link numbering, so the same
-- ECMP hashes and the same spraying draws)
local function permutation()
  local w = netsim.workload()
  for h = 1, nh do
    w:transfer{ src = h, dst = (h + 1) % nh + 1, bytes = 300000 }
    w:transfer{ src = h, dst = (h + 3) % nh + 1, bytes = 200000 }
  end
  return w
end
for _, lb in ipairs{ "ecmp", "spray", "adaptive" } do
  for _, subflows in ipairs{ 1, 2 } do
    local r1 = netsim.run{ fabric = ls, workload = permutation(), lb = lb, subflows = subflows,
                           output = ("perm-ls-%s-%d.h5"):format(lb, subflows) }
    local r2 = netsim.run{ fabric = gr, workload = permutation(), lb = lb, subflows = subflows,
                           output = ("perm-graph-%s-%d.h5"):format(lb, subflows) }
    assert(r1.makespan_ps == r2.makespan_ps,
           ("%s x%d: leafspine %d ps, graph %d ps"):format(lb, subflows, r1.makespan_ps, r2.makespan_ps))
    assert(r1.packets == r2.packets and r1.max_congestion == r2.max_congestion
           and r1.peak_queue_bytes == r2.peak_queue_bytes, lb .. ": same packets, congestion and queues")
    assert(r1.transfers_done == 2 * nh, "all transfers done")
  end
end
