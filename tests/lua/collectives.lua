-- collectives.lua: collective times on a star (no contention) and bytes
-- moved, against hand calculations done here.
-- 100 Gb/s = 80 ps per byte; mtu 4096, header 64 => 4032 payload bytes per packet.
local ppb, lat, mtu, hdr = 80, 1000000, 4096, 64
local mss = mtu - hdr

local function npk(x) return math.ceil(x / mss) end
local function wire(x) return x + npk(x) * hdr end
-- one transfer of x bytes through the star switch, alone on its cables: the
-- first packet is stored and forwarded, then the switch port sends without a
-- gap; two cable latencies
local function T(x) return (math.min(x, mss) + hdr) * ppb + wire(x) * ppb + 2 * lat end

local function check(got, want, what)
  assert(got == want, ("%s: %d, expected %d (off by %d)"):format(what, got, want, got - want))
end

local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local function hosts(p) local h = {} for i = 1, p do h[i] = i end return h end
local n = 0
local function run(w)
  n = n + 1
  return netsim.run{ fabric = fab, workload = w, output = ("coll%d.h5"):format(n) }
end
local function one(kind, p, B, alg, chunks)
  local w = netsim.workload()
  w[kind](w, { hosts = hosts(p), bytes = B, algorithm = alg, chunks = chunks })
  return run(w)
end

-- ring allreduce, p = 8: 2(p-1) steps, each moving B/p over every cable once
local B = 8 * mss * 10
local r = one("allreduce", 8, B, "ring")
check(r.makespan_ps, 2 * 7 * T(B / 8), "ring allreduce p=8")
check(r.bytes, 2 * 7 * B, "ring allreduce p=8 bytes")

-- halving-doubling, p = 8: log2(p) halving steps of B/2, B/4, B/8, then doubling back
r = one("allreduce", 8, B, "halving_doubling")
check(r.makespan_ps, 2 * (T(B / 2) + T(B / 4) + T(B / 8)), "halving-doubling allreduce p=8")
check(r.bytes, 2 * 7 * B, "halving-doubling allreduce p=8 bytes")
r = one("reducescatter", 8, B, "halving_doubling")
check(r.makespan_ps, T(B / 2) + T(B / 4) + T(B / 8), "halving reduce-scatter p=8: log2(p) steps")
check(r.bytes, 7 * B, "halving reduce-scatter p=8 bytes")

-- halving-doubling, p = 5 (q = 4, one folded pair): fold B, halve B/2, B/4,
-- double B/4, B/2, return B
local B5 = 5 * 4 * mss * 3
r = one("allreduce", 5, B5, "halving_doubling")
check(r.makespan_ps, 2 * (T(B5) + T(B5 / 2) + T(B5 / 4)), "halving-doubling allreduce p=5")
check(r.bytes, 2 * (4 - 1) * B5 + 2 * 1 * B5, "halving-doubling allreduce p=5 bytes: 2(q-1)B + 2rB")
-- p = 7: q = 4, r = 3
r = one("allreduce", 7, 7 * 4 * 1000, "halving_doubling")
check(r.bytes, 2 * 3 * 28000 + 2 * 3 * 28000, "halving-doubling allreduce p=7 bytes")
r = one("reducescatter", 7, 7 * 4 * 1000, "halving_doubling")
check(r.bytes, 3 * 28000 + 3 * 28000 + 3 * 4000, "halving reduce-scatter p=7 bytes: rB + (q-1)B + rB/p")
r = one("allgather", 7, 7 * 4 * 1000, "halving_doubling")
check(r.bytes, 3 * 4000 + 3 * 28000 + 3 * 28000, "doubling allgather p=7 bytes: rB/p + (q-1)B + rB")

-- ring reduce-scatter and allgather, odd p: p - 1 steps of B/p
local B7 = 7 * mss * 5
r = one("reducescatter", 7, B7, "ring")
check(r.makespan_ps, 6 * T(B7 / 7), "ring reduce-scatter p=7")
check(r.bytes, 6 * B7, "ring reduce-scatter p=7 bytes")
r = one("allgather", 7, B7, "ring")
check(r.makespan_ps, 6 * T(B7 / 7), "ring allgather p=7")
check(r.bytes, 6 * B7, "ring allgather p=7 bytes")
r = one("allreduce", 7, B7 + 3, "ring")   -- segments differ by a byte: bytes still exact
check(r.bytes, 12 * (B7 + 3), "ring allreduce p=7, uneven segments, bytes")

-- direct: every rank sends its p-1 pieces at once, sharing its NIC; each
-- moment of the exchange is a permutation, so every cable runs without a gap
local function shared(x, k) return (math.min(x, mss) + hdr) * ppb + k * wire(x) * ppb + 2 * lat end
r = one("reducescatter", 8, B, "direct")
check(r.makespan_ps, shared(B / 8, 7), "direct reduce-scatter p=8")
r = one("allgather", 8, B, "direct")
check(r.makespan_ps, shared(B / 8, 7), "direct allgather p=8")
r = one("allreduce", 8, B, "direct")
-- allreduce = reduce-scatter then allgather; a pair starts its allgather
-- transfer once both ranks finished their reduce-scatter, and ranks finish
-- over the last round of packets (7 packet times), so the allgather starts
-- staggered by less than that
local t2 = 2 * shared(B / 8, 7)
assert(r.makespan_ps >= t2 and r.makespan_ps < t2 + 7 * mtu * ppb,
       ("direct allreduce p=8: %d ps, expected %d + less than 7 packets"):format(r.makespan_ps, t2))
check(r.bytes, 2 * 7 * B, "direct allreduce p=8 bytes")
r = one("allreduce", 5, 5 * 1001, "direct")
check(r.bytes, 2 * 4 * 5 * 1001, "direct allreduce p=5 bytes")

-- alltoall direct: p-1 flows per host sharing its NIC
local b = 3 * mss + 100
local w = netsim.workload()
w:alltoall{ hosts = fab:hosts(), bytes = b }
r = run(w)
check(r.makespan_ps, shared(b, 7), "alltoall direct p=8")
check(r.bytes, 8 * 7 * b, "alltoall direct bytes")
-- pairwise: p-1 rounds, each a permutation
w = netsim.workload()
w:alltoall{ hosts = fab:hosts(), bytes = b, algorithm = "pairwise" }
r = run(w)
check(r.makespan_ps, 7 * T(b), "alltoall pairwise p=8")
-- an uneven matrix: bytes = sum off the diagonal
local m, total = {}, 0
for i = 1, 5 do
  m[i] = {}
  for j = 1, 5 do m[i][j] = 1000 * i + j; if i ~= j then total = total + m[i][j] end end
end
w = netsim.workload()
w:alltoall{ hosts = hosts(5), matrix = m }
r = run(w)
check(r.bytes, total, "alltoall matrix bytes")
check(r.transfers, 20, "alltoall matrix transfers")

-- permutation: one flow per host, each cable used once
w = netsim.workload()
w:permutation{ hosts = fab:hosts(), bytes = b }
r = run(w)
check(r.makespan_ps, T(b), "permutation")
check(r.bytes, 8 * b, "permutation bytes")

-- chunks: bytes unchanged; the chunks share each NIC, so the collective
-- takes at least its NIC-bound time and no longer than unchunked
local Bc = 8 * 4 * mss * 4
local r1 = one("allreduce", 8, Bc, "ring", 1)
local r4 = one("allreduce", 8, Bc, "ring", 4)
check(r4.bytes, 2 * 7 * Bc, "ring allreduce, 4 chunks, bytes")
check(r4.transfers, 4 * 2 * 7 * 8, "ring allreduce, 4 chunks, transfers")
assert(r4.makespan_ps <= r1.makespan_ps, ("4 chunks %d ps > 1 chunk %d ps"):format(r4.makespan_ps, r1.makespan_ps))
assert(r4.makespan_ps >= 2 * 7 * wire(Bc / 32) * 4 * ppb, "4 chunks: faster than the NIC")
r = one("allreduce", 7, 7 * 3 * 1000 + 5, "halving_doubling", 3)
check(r.bytes, 2 * 3 * (7 * 3 * 1000 + 5) + 2 * 3 * (7 * 3 * 1000 + 5), "halving-doubling p=7, 3 chunks, bytes")

-- one host: nothing to move, done at once; `after` holds the start
w = netsim.workload()
local c = w:compute{ node = 1, duration = "5us" }
local ar = w:allreduce{ hosts = { 3 }, bytes = B, after = c }
w:compute{ node = 2, duration = "1us", after = ar }
r = run(w)
check(r.makespan_ps, 6000000, "a one-host allreduce waits for 'after' and takes no time")

-- collectives chain through their handles
w = netsim.workload()
local a = w:allreduce{ hosts = hosts(8), bytes = B }
w:allgather{ hosts = hosts(8), bytes = B, after = a }
r = run(w)
check(r.makespan_ps, 2 * 7 * T(B / 8) + 7 * T(B / 8), "allgather after allreduce")
