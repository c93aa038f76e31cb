-- rooted.lua: broadcast, reduce, gather and scatter (workloads/collectives.c)
-- on a star with the ideal transport (no contention but the NIC's own),
-- against completion times worked out here from the model, as in
-- collectives.lua: 100 Gb/s = 80 ps per byte; mtu 4096, header 64 => 4032
-- payload bytes per packet.
local ppb, lat, mtu, hdr = 80, 1000000, 4096, 64
local mss = mtu - hdr

local function npk(x) return math.ceil(x / mss) end
local function wire(x) return x + npk(x) * hdr end
-- one transfer of x bytes through the switch, alone on its cables: the first
-- packet is stored and forwarded, then the switch port sends without a gap
local function T(x) return (math.min(x, mss) + hdr) * ppb + wire(x) * ppb + 2 * lat end
-- k transfers of x bytes at once out of one NIC (or into one): the cable
-- in question runs without a gap for all k
local function shared(x, k) return (math.min(x, mss) + hdr) * ppb + k * wire(x) * ppb + 2 * lat end

local function check(got, want, what)
  assert(got == want, ("%s: %d, expected %d (off by %d)"):format(what, got, want, got - want))
end

local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local n = 8
local runs = 0
local function one(kind, t)
  local w = netsim.workload()
  t.hosts = t.hosts or fab:hosts()
  w[kind](w, t)
  runs = runs + 1
  return netsim.run{ fabric = fab, workload = w, output = ("rooted%d.h5"):format(runs) }
end

-- ring broadcast and reduce: a chain of n-1 hops; with c chunks of x bytes,
-- chunk j crosses hop s once chunk j crossed hop s-1 and chunk j-1 crossed
-- hop s, each crossing alone on its cables: (n-1 + c-1) crossings of T(x)
local x = 5 * mss
for _, kind in ipairs{ "broadcast", "reduce" } do
  for _, c in ipairs{ 1, 4 } do
    local r = one(kind, { bytes = c * x, algorithm = "ring", chunks = c })
    check(r.makespan_ps, (n - 1 + c - 1) * T(x), ("ring %s, %d chunks"):format(kind, c))
    check(r.bytes, (n - 1) * c * x, ("ring %s, %d chunks: bytes"):format(kind, c))
    check(r.transfers, (n - 1) * c, ("ring %s, %d chunks: transfers"):format(kind, c))
  end
  -- the root anywhere in the list: the same chain, shifted
  local r = one(kind, { bytes = 4 * x, chunks = 4, root = 6 })
  check(r.makespan_ps, (n - 1 + 3) * T(x), ("ring %s, root 6"):format(kind))
  -- direct: the root sends (receives) the whole buffer to (from) every rank
  -- at once, n-1 transfers through its NIC
  r = one(kind, { bytes = x, algorithm = "direct" })
  check(r.makespan_ps, shared(x, n - 1), ("direct %s"):format(kind))
  check(r.bytes, (n - 1) * x, ("direct %s: bytes"):format(kind))
end

-- direct gather and scatter: segments of S/n to (from) every rank at once
local S = n * 3 * mss
for _, kind in ipairs{ "gather", "scatter" } do
  local r = one(kind, { bytes = S, algorithm = "direct", root = 3 })
  check(r.makespan_ps, shared(S / n, n - 1), ("direct %s"):format(kind))
  check(r.bytes, (n - 1) * S / n, ("direct %s: bytes"):format(kind))
  -- ring: hop s carries the segments of the ranks beyond it: scatter
  -- n-1, n-2, ..., 1 segments, gather 1, 2, ..., n-1; one after the other
  r = one(kind, { bytes = S, algorithm = "ring", root = 3 })
  local want = 0
  for m = 1, n - 1 do want = want + T(m * S / n) end
  check(r.makespan_ps, want, ("ring %s"):format(kind))
  check(r.bytes, (n * (n - 1) / 2) * S / n, ("ring %s: bytes"):format(kind))
  -- ring with 3 chunks: chunk j on hop s starts when chunk j left hop s-1
  -- and chunk j-1 left hop s: f(j, s) = max(f(j, s-1), f(j-1, s)) + T(b_s)
  local c = 3
  r = one(kind, { bytes = c * S, algorithm = "ring", chunks = c })
  local f = {}
  for j = 1, c do
    f[j] = {}
    for s = 1, n - 1 do
      local m = kind == "scatter" and n - s or s   -- segments on hop s
      f[j][s] = math.max(s > 1 and f[j][s - 1] or 0, j > 1 and f[j - 1][s] or 0) + T(m * S / n)
    end
  end
  check(r.makespan_ps, f[c][n - 1], ("ring %s, 3 chunks"):format(kind))
end

-- uneven segments: bytes still exact (8 segments of 1000 or 1001 bytes)
local r = one("scatter", { bytes = 8 * 1000 + 5, algorithm = "direct" })
check(r.bytes, 8 * 1000 + 5 - 1001, "direct scatter, uneven: all but the root's segment (1001 bytes)")
r = one("gather", { bytes = 8 * 1000 + 5, algorithm = "ring", root = 8 })
-- root host 8 is rank 7 (segment 1000); hops carry 1..7 segments of ranks 0..6 (5 of 1001, then 1000s)
local segs, want = {}, 0
for k = 0, 7 do segs[k] = 1000 + (k < 5 and 1 or 0) end
for s = 1, 7 do for k = 7 - s, 6 do want = want + segs[k] end end
check(r.bytes, want, "ring gather, uneven, root 8")

-- a one-host broadcast is done at once, after what it follows
local w = netsim.workload()
local cc = w:compute{ node = 1, duration = "5us" }
local b = w:broadcast{ hosts = { 2 }, bytes = x, after = cc }
w:compute{ node = 2, duration = "1us", after = b }
runs = runs + 1
r = netsim.run{ fabric = fab, workload = w, output = ("rooted%d.h5"):format(runs) }
check(r.makespan_ps, 6000000, "a one-host broadcast waits for 'after' and takes no time")

-- bad input: clear errors
local function bad(t, pat, what)
  local w2 = netsim.workload()
  local ok, err = pcall(function() w2:broadcast(t) end)
  assert(not ok and tostring(err):find(pat, 1, true), ("%s: got %s"):format(what, tostring(err)))
end
bad({ hosts = { 1, 2, 3 }, bytes = 10, root = 4 }, "broadcast: field 'root' must be one of the hosts of field 'hosts' (got 4)", "root not in hosts")
bad({ hosts = { 1, 2, 3 }, bytes = 10, root = 0 }, "root", "root 0")
bad({ hosts = { 1, 2, 3 }, bytes = 10, algorithm = "halving_doubling" }, "field 'algorithm' must be one of", "algorithm")
bad({ hosts = { 1, 2, 3 }, bytes = 10, chunks = 0 }, "chunks", "chunks 0")
bad({ hosts = { 1, 2, 3 }, bytes = 10, rot = 1 }, "rot", "unknown field")
