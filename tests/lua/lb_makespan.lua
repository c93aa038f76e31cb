-- lb_makespan.lua: a permutation on a leaf-spine with as many hosts per leaf
-- as spines (no oversubscription), ideal transport. Every host sends 2 MB to
-- the host at the same place on the next leaf, so every flow crosses a spine.
-- The ideal: a host's NIC sends its wire bytes back to back, plus three
-- store-and-forwards of a full packet and four cable latencies.
local S, L = 8, 4
local B, mtu, hdr, ppb, lat = 2e6, 4096, 64, 80, 1e6
local wire = B + math.ceil(B / (mtu - hdr)) * hdr
local ideal = wire * ppb + 3 * mtu * ppb + 4 * lat          -- picoseconds

local fab = netsim.leafspine{ leaves = L, spines = S, hosts_per_leaf = S,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }

local function run(lb, sub, spray, out)
  local w = netsim.workload()
  for h = 1, L * S do w:transfer{ src = h, dst = (h - 1 + S) % (L * S) + 1, bytes = B } end
  local a = { fabric = fab, workload = w, lb = lb, subflows = sub, output = out }
  if spray then a.spray = spray end
  return netsim.run(a)
end

local function within(r, frac, what)
  local x = r.makespan_ps / ideal
  assert(x >= 1 - 1e-9 and x <= 1 + frac,
         ("%s: makespan %.6g ps is %.4f x the ideal %.6g ps (allowed 1 + %.2f)"):format(what, r.makespan_ps, x, ideal, frac))
end

-- splitting into S subflows pinned to distinct paths, round-robin spraying and
-- adaptive choice all balance the uplinks: within 1% of the ideal
within(run("ecmp", S, nil, "sub.h5"), 0.01, "ecmp with S subflows")
within(run("spray", 1, "roundrobin", "rr.h5"), 0.01, "round-robin spraying")
within(run("adaptive", 1, nil, "ad.h5"), 0.01, "adaptive")
-- random spraying balances only on average: queues form, within 15%
within(run("spray", 1, "random", "rnd.h5"), 0.15, "random spraying")

-- single-path ECMP: flows collide on uplinks; the busiest link carries k flows
-- back to back, so the makespan is about k x wire / R
local r = run("ecmp", 1, nil, "ecmp.h5")
local busiest = r.max_congestion * r.makespan_ps / ppb        -- bytes on the busiest link
local k = math.floor(busiest / wire + 0.5)
assert(k >= 2, "with 32 flows hashed on 8 uplinks some collide (k = " .. k .. ")")
assert(math.abs(busiest - k * wire) < 0.01 * wire, "the busiest link carries whole flows")
local x = r.makespan_ps / (k * wire * ppb)
assert(x > 0.99 and x < 1.02, ("ecmp: makespan %.4f x k * wire / R with k = %d"):format(x, k))
-- flowlets never move a flow that never pauses: the same as ecmp
local f = run("flowlet", 1, nil, "flowlet.h5")
assert(f.makespan_ps == r.makespan_ps, "flowlet = ecmp for flows without gaps")
