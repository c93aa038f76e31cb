-- moe.lua: MoE token routing against numbers computed here: expected tokens per
-- host and distinct hosts per token (uniform popularity), the Zipf imbalance
-- E / H(E, s), capacity drops (exact), node-limited routing, Dirichlet skew,
-- and byte conservation through a simulated run.
local function near(got, want, tol, what)
  assert(math.abs(got - want) <= tol, ("%s: got %.6g, expected %.6g +- %.3g"):format(what, got, want, tol))
end
local function binom(n, k)
  local r = 1
  for i = 1, k do r = r * (n - k + i) / i end
  return r
end
local fab4 = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local fab8 = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }

-- 1. uniform, 8 experts round robin on 4 hosts (2 each), top 2, 20000 tokens a host:
-- a host receives n T k E_b / E assignments; the variance of a token's count on one
-- host is at most the binomial k p (1 - p), p = E_b / E
do
  local n, E, k, T = 4, 8, 2, 20000
  local w = netsim.workload{ seed = 2 }
  local _, info = w:moe{ hosts = fab4:hosts(), experts = E, top_k = k, tokens = T, hidden = 16, layers = 3 }
  local p = 2 / E
  local want, sd = n * T * k * p, math.sqrt(n * T * k * p * (1 - p))
  -- a token reaches host b unless both experts are elsewhere: 1 - C(6,2)/C(8,2) per host
  local hpt = n * (1 - binom(E - 2, k) / binom(E, k))
  for _, l in ipairs(info.layers) do
    for h = 1, n do near(l.tokens[h], want, 5 * sd, ("uniform: layer %d host %d tokens"):format(l.layer, h)) end
    -- a token's count of hosts lies in [1, 2]: its standard deviation is at most 1/2
    near(l.hosts_per_token, hpt, 5 * 0.5 / math.sqrt(n * T), "uniform: hosts per token")
    assert(l.dropped == 0, "no capacity: nothing dropped")
  end
  print(("uniform: tokens per host %d %d %d %d (expected %.0f +- %.0f), hosts per token %.4f (expected %.4f)"):format(
    info.layers[1].tokens[1], info.layers[1].tokens[2], info.layers[1].tokens[3], info.layers[1].tokens[4],
    want, 5 * sd, info.layers[1].hosts_per_token, hpt))
end

-- 2. Zipf: one expert per host, top 1, so host load follows popularity; the most
-- popular expert (rank 1) gets p1 = 1 / H(E, s) of the tokens, and the imbalance
-- max/mean is E p1 = E / H(E, s) (s >= 0.5, where rank 1 is clearly the largest)
do
  local n, E, T, L = 8, 8, 5000, 4
  local prev = 0
  for _, s in ipairs{ 0, 0.5, 1, 1.5, 2 } do
    local w = netsim.workload{ seed = 5 }
    local _, info = w:moe{ hosts = fab8:hosts(), experts = E, top_k = 1, tokens = T, hidden = 16, layers = L,
                           skew = { zipf = s } }
    local H = 0
    for r = 1, E do H = H + r ^ -s end
    local p1 = 1 / H
    local mean = 0
    for _, l in ipairs(info.layers) do
      assert(l.tokens_mean == n * T / E, "top 1, no capacity: mean tokens n T / E")
      if s >= 0.5 then
        near(l.imbalance, E * p1, 5 * math.sqrt(n * T * p1 * (1 - p1)) / (n * T / E),
             ("zipf s = %g: imbalance"):format(s))
      end
      mean = mean + l.imbalance / L
    end
    print(("zipf s = %.1f: imbalance %.4f (E / H = %.4f)"):format(s, mean, E * p1))
    assert(mean > prev, "the imbalance grows with s")
    prev = mean
  end
end

-- 3. capacity, exactly: top_k = experts sends every token to every expert, so each
-- expert is asked for n T assignments; capacity factor 0.5 keeps floor(0.5 n T k / E)
-- and drops the rest; tokens go in order, so each host's first T/2 tokens get through
do
  local n, E, T, hidden = 4, 4, 1000, 64
  local w = netsim.workload()
  local _, info = w:moe{ hosts = fab4:hosts(), experts = E, top_k = E, tokens = T, hidden = hidden,
                         dtype_bytes = 2, capacity_factor = 0.5, layers = 2 }
  local cap = math.floor(0.5 * n * T * E / E)
  assert(info.capacity == cap, "capacity " .. tostring(info.capacity))
  for _, l in ipairs(info.layers) do
    assert(l.dropped == E * (n * T - cap), ("top_k = experts: dropped %d, expected %d"):format(l.dropped, E * (n * T - cap)))
    for h = 1, n do assert(l.tokens[h] == cap, "every expert full") end
    assert(l.dispatch_bytes == n * (n - 1) * (cap / n) * hidden * 2, "dispatch bytes " .. l.dispatch_bytes)
  end
  print(("capacity: %d dropped a layer, %d tokens an expert"):format(info.layers[1].dropped, info.layers[1].tokens[1]))
end

-- 4. capacity with random routing: the same seed routes the same way; with
-- capacity C an expert keeps min(demand, C) and drops the rest
do
  local n, E, k, T = 8, 8, 2, 3000
  local function build(cf)
    local w = netsim.workload{ seed = 9 }
    local _, info = w:moe{ hosts = fab8:hosts(), experts = E, top_k = k, tokens = T, hidden = 16, layers = 2,
                           skew = { zipf = 1.2 }, capacity_factor = cf }
    return info
  end
  local free, capped = build(nil), build(1.0)
  local C = math.floor(1.0 * n * T * k / E)
  for i, l in ipairs(capped.layers) do
    local dropped = 0
    for h = 1, n do
      local demand = free.layers[i].tokens[h]
      assert(l.tokens[h] == math.min(demand, C), "an expert keeps min(demand, capacity)")
      dropped = dropped + math.max(0, demand - C)
    end
    assert(l.dropped == dropped, ("dropped %d, expected %d"):format(l.dropped, dropped))
    assert(dropped > 0, "the skew overflows some expert")
  end
  print(("capacity, zipf 1.2: %d dropped in layer 1"):format(capped.layers[1].dropped))
end

-- 5. node-limited routing: 8 experts on 4 hosts, top 4
do
  local n, E, T = 4, 8, 5000
  local function hpt(m, k)
    local w = netsim.workload{ seed = 4 }
    local _, info = w:moe{ hosts = fab4:hosts(), experts = E, top_k = k, tokens = T, hidden = 16,
                           max_nodes_per_token = m }
    local sum = 0
    for h = 1, n do sum = sum + info.layers[1].tokens[h] end
    assert(sum == n * T * k, "every assignment lands somewhere")
    return info.layers[1].hosts_per_token
  end
  assert(hpt(1, 2) == 1, "max_nodes_per_token = 1: one host per token")
  assert(hpt(2, 4) == 2, "max_nodes_per_token = 2, top 4 on hosts of 2 experts: exactly 2 hosts")
  local free = n * (1 - binom(E - 2, 4) / binom(E, 4))
  near(hpt(nil, 4), free, 5 * 1.5 / math.sqrt(n * T), "no limit, top 4: hosts per token")   -- in [1, 4]
  print(("node limit: hosts per token 1, 2; unlimited %.4f (expected %.4f)"):format(hpt(nil, 4), free))
end

-- 6. Dirichlet: a large alpha is nearly uniform, a small one concentrates tokens
do
  local prev = math.huge
  for _, a in ipairs{ 0.1, 1, 10, 1e4 } do
    local w = netsim.workload{ seed = 6 }
    local _, info = w:moe{ hosts = fab8:hosts(), experts = 8, top_k = 1, tokens = 5000, hidden = 16, layers = 8,
                           skew = { dirichlet = a } }
    local mean = 0
    for _, l in ipairs(info.layers) do mean = mean + l.imbalance / #info.layers end
    print(("dirichlet alpha = %g: imbalance %.4f"):format(a, mean))
    assert(mean < prev, "the imbalance falls as alpha grows")
    prev = mean
  end
  assert(prev < 1.06, "alpha = 1e4 is within sampling noise of uniform")
end

-- 7. bytes through a simulated run: dispatch and combine carry the same bytes,
-- forward and backward
do
  local w = netsim.workload{ seed = 3 }
  local _, info = w:moe{ hosts = fab4:hosts(), experts = 8, top_k = 2, tokens = 500, hidden = 128, layers = 2,
                         skew = { zipf = 1 }, backward = true, compute = { attention = "5us", per_token = "2ns" } }
  local total = 0
  for _, l in ipairs(info.layers) do total = total + 2 * l.dispatch_bytes end
  local r = netsim.run{ fabric = fab4, workload = w, output = "moe.h5" }
  assert(#info.layers == 4 and info.layers[3].pass == "backward" and info.layers[3].layer == 2, "rows")
  assert(r.bytes == total, ("simulated bytes %d, expected %d"):format(r.bytes, total))
  print(("simulated: %d bytes, makespan %.1f us"):format(r.bytes, r.makespan * 1e6))
end

-- 8. dispatch = "per_host": a token crosses once to each other host that took any
-- of its assignments. (a) top 2 on one host per token (max_nodes_per_token = 1):
-- exactly half the bytes of per_expert, the same tokens at each expert; (b) uniform,
-- 8 experts on 4 hosts, top 2: a token reaches a given other host with probability
-- 1 - C(6,2)/C(8,2) = 13/28; (c) through a run, dispatch and combine carry them
do
  local n, E, k, T, hidden = 4, 8, 2, 20000, 16
  local function build(dispatch, m)
    local w = netsim.workload{ seed = 8 }
    local _, info = w:moe{ hosts = fab4:hosts(), experts = E, top_k = k, tokens = T, hidden = hidden,
                           dtype_bytes = 2, max_nodes_per_token = m, dispatch = dispatch }
    return info.layers[1], w
  end
  local pe, ph = build("per_expert", 1), build("per_host", 1)
  assert(ph.dispatch_bytes * 2 == pe.dispatch_bytes,
         ("one host per token: per_host %d bytes, per_expert %d"):format(ph.dispatch_bytes, pe.dispatch_bytes))
  for h = 1, n do assert(ph.tokens[h] == pe.tokens[h], "the experts get the same assignments") end
  local u = build("per_host")
  local p = 1 - binom(E - 2, k) / binom(E, k)
  local pairs = n * (n - 1) * T
  local want, sd = pairs * p * hidden * 2, math.sqrt(pairs * p * (1 - p)) * hidden * 2
  near(u.dispatch_bytes, want, 5 * sd, "per_host, uniform: dispatch bytes")
  print(("per_host dispatch: %d bytes (expected %.0f +- %.0f), per_expert with one host per token %d = 2 x %d"):format(
    u.dispatch_bytes, want, 5 * sd, pe.dispatch_bytes, ph.dispatch_bytes))
  local row, w = build("per_host")
  local r = netsim.run{ fabric = fab4, workload = w, output = "moe_per_host.h5" }
  assert(r.bytes == 2 * row.dispatch_bytes, ("simulated %d bytes, expected %d"):format(r.bytes, 2 * row.dispatch_bytes))
end
