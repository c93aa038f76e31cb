-- background.lua: Poisson background traffic offers the load it was asked for.
-- The published flow-size tables are written here by hand (pFabric's, in
-- packets of 1460 bytes); the mean and mean square of a linearly interpolated
-- CDF, the arrival rate lambda = load x sum of NIC rates / (8 x mean size) and
-- every tolerance (5 standard deviations) are computed here.
local function moments(pts)
  local m, m2 = pts[1][1] * pts[1][2], pts[1][1] ^ 2 * pts[1][2]
  for i = 2, #pts do
    local a, b, dp = pts[i - 1][1], pts[i][1], pts[i][2] - pts[i - 1][2]
    m = m + dp * (a + b) / 2
    m2 = m2 + dp * (a * a + a * b + b * b) / 3
  end
  return m, m2
end
local function packets(t)
  local r = {}
  for i, x in ipairs(t) do r[i] = { x[1] * 1460, x[2] } end
  return r
end
local cases = {
  { "websearch", 0.2, packets{ {6, .15}, {13, .2}, {19, .3}, {33, .4}, {53, .53}, {133, .6}, {667, .7},
                               {1333, .8}, {3333, .9}, {6667, .97}, {20000, 1} } },
  { "datamining", 2.0, packets{ {1, .5}, {2, .6}, {3, .7}, {7, .8}, {267, .9}, {2107, .95}, {66667, .99},
                                {666667, 1} } },
}
local function near(got, want, tol, what)
  assert(math.abs(got - want) <= tol, ("%s: got %.6g, expected %.6g +- %.3g"):format(what, got, want, tol))
end

local H, rate, load = 16, 100e9, 0.5
local fab = netsim.star{ hosts = H, rate = "100Gbps", latency = "1us" }
for _, c in ipairs(cases) do
  local name, dur, pts = c[1], c[2], c[3]
  local m, m2 = moments(pts)
  local w = netsim.workload{ seed = 7 }
  local _, info = w:background{ hosts = fab:hosts(), load = load, sizes = name, duration = dur, fabric = fab }
  near(info.mean_size, m, 1e-9 * m, name .. " mean size of the shipped table")
  local lambda = load * H * rate / (8 * m)
  local n = lambda * dur
  near(info.flows, n, 5 * math.sqrt(n), name .. " arrivals")
  near(info.bytes / info.flows, m, 5 * math.sqrt((m2 - m * m) / info.flows), name .. " mean sampled size")
  -- offered load; the total of a compound Poisson sum has variance lambda T E[X^2]
  near(info.bytes * 8 / (H * rate * dur), load, 5 * math.sqrt(n * m2) * 8 / (H * rate * dur), name .. " offered load")
  print(("%s: %d flows (expected %.0f), mean %.0f B (table %.0f B), offered load %.4f"):format(
    name, info.flows, n, info.bytes / info.flows, m, info.bytes * 8 / (H * rate * dur)))
end

-- `rate` instead of `fabric`: the same draws, since the rates are the same
local w1, w2 = netsim.workload{ seed = 3 }, netsim.workload{ seed = 3 }
local _, a = w1:background{ hosts = fab:hosts(), load = 0.2, sizes = "websearch", duration = 0.01, fabric = fab }
local _, b = w2:background{ hosts = fab:hosts(), load = 0.2, sizes = "websearch", duration = 0.01, rate = "100Gbps" }
assert(a.flows == b.flows and a.bytes == b.bytes, "fabric and rate give the same traffic")

-- simulated: small flows (a CDF file next to this scenario, uniform 1000..3000 B)
local dur, l2, hosts = 0.5e-3, 0.3, 8
local fab8 = netsim.star{ hosts = hosts, rate = "100Gbps", latency = "1us" }
local w = netsim.workload{ seed = 11 }
local bg, info = w:background{ hosts = fab8:hosts(), load = l2, sizes = { cdf = "../data/uniform.cdf" },
                               ["until"] = dur, fabric = fab8, label = "bg" }
w:marker{ after = bg, label = "end" }
local lambda = l2 * hosts * 100e9 / (8 * 2000)
near(info.flows, lambda * dur, 5 * math.sqrt(lambda * dur), "uniform sizes: arrivals")
near(info.bytes / info.flows, 2000, 5 * math.sqrt((13e6 / 3 - 4e6) / info.flows), "uniform sizes: mean size")
local r = netsim.run{ fabric = fab8, workload = w, output = "background.h5" }
assert(r.transfers == info.flows and r.transfers_done == info.flows, "every flow ran")
assert(r.bytes == info.bytes, "every byte arrived")
-- the last flow starts before `until` and a 3000-byte flow at 30% load is done within 50 us
assert(r.makespan < dur + 50e-6 and r.makespan > dur - 50e-6, "makespan " .. r.makespan)
print(("simulated: %d flows, %d bytes, makespan %.1f us"):format(r.transfers, r.bytes, r.makespan * 1e6))
