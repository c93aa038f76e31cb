-- leafspine_faults.lua - a degraded or failed leaf-spine cable
-- (netsim.leafspine degraded= and failed=). Two leaves, two spines, two
-- hosts per leaf, 100 Gb/s and 1 us everywhere; hosts 1 and 2 (leaf 1) each
-- send B to hosts 3 and 4 (leaf 2), ideal transport. T0 = wire / R is the
-- time a NIC needs for its wire bytes; a packet's path adds four cable
-- latencies and three store-and-forwards of a full packet (P):
--   no fault, round-robin spraying: each uplink carries one NIC's worth,
--     makespan = T0 + P exactly;
--   leaf1-spine1 failed: one uplink carries both: 2 T0 + at most P;
--   leaf1-spine1 at R/2, round-robin: the slow uplink gets half the bytes,
--     one NIC's worth at R/2: 2 T0 + at most P;
--   the same, adaptive (fewest queued bytes): while both NICs send (2R in,
--     1.5R out) the two uplink queues grow alike, so the fast one receives
--     a with a - R = 2R - a - R/2, a = 1.25 R, and the slow one 0.75 R; at
--     T0 each holds 0.25 R T0, which the slow one drains in 0.5 T0:
--     1.5 T0 + at most P.
local R, lat, mtu, hdr, ppb = 100e9, 1e6, 4096, 64, 80   -- ps per byte at 100 Gb/s
local B = 2e6
local wire = B + math.ceil(B / (mtu - hdr)) * hdr
local T0, P = wire * ppb, 4 * lat + 3 * mtu * ppb

local function fab(extra)
  local a = { leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" } }
  for k, v in pairs(extra or {}) do a[k] = v end
  return netsim.leafspine(a)
end
local n = 0
local function run(f, lb, spray)
  local w = netsim.workload()
  w:transfer{ src = 1, dst = 3, bytes = B }
  w:transfer{ src = 2, dst = 4, bytes = B }
  n = n + 1
  local a = { fabric = f, workload = w, lb = lb, output = "faults" .. n .. ".h5" }
  if spray then a.spray = spray end
  return netsim.run(a)
end
local function between(x, lo, hi, what)
  assert(x >= lo and x <= hi, ("%s: %.0f ps, expected %.0f .. %.0f"):format(what, x, lo, hi))
end

-- the healthy fabric: 2 x (hosts + leaves x spines) links, two paths
local ok = fab()
assert(ok.nlinks == 2 * (4 + 4) and ok:paths(1, 3) == 2 and ok:paths(3, 1) == 2)
assert(run(ok, "spray", "roundrobin").makespan_ps == T0 + P, "no fault: T0 + P")

-- failed: one cable fewer, one path each way, forwarding goes around it
local failed = fab{ failed = { leaf = 1, spine = 1 } }
assert(failed.nlinks == 2 * (4 + 3), "a failed cable is not cabled: " .. failed.nlinks)
assert(failed:paths(1, 3) == 1 and failed:paths(3, 1) == 1 and failed:paths(1, 2) == 1,
       "one path between leaf 1 and leaf 2 either way")
between(run(failed, "spray", "roundrobin").makespan_ps, 2 * T0, 2 * T0 + P, "failed, spray")

-- degraded to R/2
local slow = fab{ degraded = { { leaf = 1, spine = 1, rate = "50Gbps" } } }
assert(slow.nlinks == 2 * (4 + 4) and slow:paths(1, 3) == 2, "a degraded cable is still there")
local r = run(slow, "spray", "roundrobin")
between(r.makespan_ps, 2 * T0, 2 * T0 + P, "degraded, round-robin spraying")
-- the busiest link is the slow uplink: it carries half the wire bytes in the makespan
local busy = r.max_congestion * r.makespan_ps * (R / 2) / 8e12          -- bytes it carried
assert(math.abs(busy - wire) < 2 * mtu, ("the slow uplink carries %.0f bytes, expected %.0f"):format(busy, wire))
between(run(slow, "adaptive").makespan_ps, 1.5 * T0, 1.5 * T0 + P, "degraded, adaptive")

-- with parallel cables, one cable of a pair fails: leaf 1 keeps 3 uplinks;
-- paths from leaf 1: 1 x 2 via spine 1 + 2 x 2 via spine 2
local par = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2, links_per_spine = 2,
  host_link = { rate = "100Gbps", latency = "1us" }, failed = { { leaf = 1, spine = 1, cable = 2 } } }
assert(par.nlinks == 2 * (4 + 8 - 1) and par:paths(1, 3) == 6 and par:paths(3, 1) == 6,
       ("parallel cables: %d links, %d and %d paths"):format(par.nlinks, par:paths(1, 3), par:paths(3, 1)))
