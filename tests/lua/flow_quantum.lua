-- flow_quantum.lua: run{ flow_quantum = q } against the exact flow model, by
-- hand. Two transfers from host 1 to host 2 of a pair at 10 Gb/s (800 ps a
-- byte): A of 1 MB, B of 3 MB. Exact: they share the cable, A's last bit
-- leaves at tA = 2 x wire(A) x 800 ps, then B has it alone. With a quantum q
-- the solve after A's departure waits for the next multiple of q: B keeps
-- half the cable for D = ceil(tA / q) q - tA longer, so it ends D / 2 later
-- (to the picosecond, bar rounding of the rates). A ends as before.
local mss, hdr = 4032, 64
local function wire(x) return x + math.ceil(x / mss) * hdr end
local fab = netsim.pair{ rate = "10Gbps", latency = "1us" }
local n = 0
local function run(q)
  n = n + 1
  local w = netsim.workload()
  local a = w:transfer{ src = 1, dst = 2, bytes = 1000000 }
  local b = w:transfer{ src = 1, dst = 2, bytes = 3000000 }
  local r = netsim.run{ fabric = fab, workload = w, model = "flow", flow_quantum = q,
                        output = ("q%d.h5"):format(n) }
  return r.makespan_ps, r
end
local exact = run(nil)
local tA = 2 * wire(1000000) * 800
for _, q in ipairs{ 1000000, 7000000, 100000000 } do         -- 1 us, 7 us, 100 us
  local D = math.ceil(tA / q) * q - tA
  local got = run(("%dps"):format(q))
  assert(math.abs(got - (exact + D // 2)) <= 2,
         ("quantum %d ps: makespan %d, expected %d + %d / 2"):format(q, got, exact, D))
end
-- a quantum that divides tA: nothing waits, the exact times
assert(run(("%dps"):format(tA // 4)) == exact, "a quantum dividing A's end: exact")
-- 0 is the exact model
assert(run("0s") == exact, "flow_quantum = 0: exact")
print("flow_quantum: ok")
