-- scenario.lua - results/spraying-vs-splitting: one collective on a
-- non-blocking fabric under one load-balancing policy and one transport.
-- Does per-packet spraying beat single-path ECMP, or does splitting each
-- transfer into a few pinned subflows do as well? run.sh sweeps it; by hand:
--   netsim scenario.lua workload=permutation bytes=16MB lb=ecmp subflows=4
--   netsim scenario.lua fabric=fattree workload=allreduce lb=spray transport=dctcp
--   netsim scenario.lua lb=spray fault=degraded
-- Every parameter (README.md has the whole table):
local fabric    = param("fabric", "leafspine")     -- leafspine (256 hosts) | fattree (k = 8, 128 hosts)
local workload  = param("workload", "permutation") -- permutation | allreduce | alltoall
local bytes     = param("bytes", "16MB")           -- per rank: the data every host sends (see below)
local order     = param("order", "random")         -- ranks in host order, or shuffled (allreduce, alltoall)
local lb        = param("lb", "ecmp")              -- ecmp | spray | flowlet | adaptive
local spray     = param("spray", "random")         -- with lb=spray: random | roundrobin
local subflows  = param("subflows", 1)             -- application splits each transfer into this many
local transport = param("transport", "ideal")      -- ideal | dctcp | dcqcn (RoCEv2, DCQCN; PFC on with switch=default)
local init_window = param("init_window", 64)       -- dctcp: first window in packets (64: about one BDP)
local ecn_kmin  = param("ecn_kmin", "100KB")       -- ECN marking from this queue, always above 4 x it
local fault     = param("fault", "none")           -- leafspine: none | degraded | failed (leaf 1 - spine 1)
local fault_rate = param("fault_rate", "100Gbps")  -- the degraded cable's rate
local switch    = param("switch", "paper")         -- paper: the table below | default: netsim's (a real switch's)
local connections = param("connections", "per_transfer") -- per_transfer | persistent (netsim.run)
local recovery  = param("recovery", "gobackn")     -- dcqcn: gobackn (RoCE NICs) | selective (IRN)
local pfc       = param("pfc", "auto")             -- auto: netsim's choice (on under dcqcn) | off
local rate_control = param("rate_control", "on")   -- dcqcn: on (DCQCN) | off (plain RoCE, line rate)

-- 400 Gb/s, 500 ns cables everywhere; with switch=paper switches share a 32 MB buffer
-- (dynamic threshold) and mark ECN from ecn_kmin (100 KB) to 4 x ecn_kmin
-- of queue (dctcp, dcqcn; the ideal transport has unlimited buffers and ignores marks)
local link = { rate = "400Gbps", latency = "500ns" }
local kmin = netsim.size(ecn_kmin)
local sw = { buffer = "32MB", shared = true, alpha = 1, ecn = { kmin = kmin, kmax = 4 * kmin } }
-- switch=default: no switch table, so netsim's defaults of a real switch
-- (4.4 MB per Tb/s shared, alpha 8, ECN from C x RTT / 7 to C x RTT; PFC
-- under dcqcn, see man netsim-lua, switch); ecn_kmin then does not apply
if switch == "default" then
  sw = nil
elseif switch ~= "paper" then
  error("parameter switch must be paper or default (got " .. switch .. ")")
end
-- pfc=off: PFC off even under dcqcn (losses then recovered by the transport)
if pfc == "off" then
  sw = sw or {}
  sw.pfc = false
elseif pfc ~= "auto" then
  error("parameter pfc must be auto or off (got " .. pfc .. ")")
end

local fab
if fabric == "leafspine" then
  -- 16 leaves x 16 hosts, 16 spines: every leaf has as much uplink as hosts (1:1)
  local ls = { leaves = 16, spines = 16, hosts_per_leaf = 16, host_link = link, fabric_link = link, switch = sw }
  if fault == "degraded" then
    ls.degraded = { leaf = 1, spine = 1, rate = fault_rate }
  elseif fault == "failed" then
    ls.failed = { leaf = 1, spine = 1 }
  elseif fault ~= "none" then
    error("parameter fault must be none, degraded or failed (got " .. fault .. ")")
  end
  fab = netsim.leafspine(ls)
elseif fabric == "fattree" then
  if fault ~= "none" then error("parameter fault applies to fabric=leafspine only") end
  fab = netsim.fattree{ k = 8, rate = link.rate, latency = link.latency, switch = sw }
else
  error("parameter fabric must be leafspine or fattree (got " .. fabric .. ")")
end

-- the ranks: every host, in host order or in an order shuffled with the
-- seed (a job placed across the fabric, as a scheduler does at scale)
local hosts = fab:hosts()
if order == "random" then
  math.randomseed(netsim.seed, 20261127)
  for i = #hosts, 2, -1 do
    local j = math.random(i)
    hosts[i], hosts[j] = hosts[j], hosts[i]
  end
elseif order ~= "host" then
  error("parameter order must be host or random (got " .. order .. ")")
end

-- `bytes` is what every rank holds, as nccl-tests counts it: a permutation
-- sends it to one other host; the ring allreduce reduces a buffer of it
-- (every rank sends 2(p-1)/p of it); the alltoall sends bytes/p to every
-- other rank
local p, B = #hosts, netsim.size(bytes)
local w = netsim.workload()
if workload == "permutation" then
  w:permutation{ hosts = hosts, bytes = B }
elseif workload == "allreduce" then
  w:allreduce{ hosts = hosts, bytes = B, algorithm = "ring" }
elseif workload == "alltoall" then
  w:alltoall{ hosts = hosts, bytes = B // p }
else
  error("parameter workload must be permutation, allreduce or alltoall (got " .. workload .. ")")
end

local run = { fabric = fab, workload = w, lb = lb, subflows = subflows, transport = transport }
if transport == "dctcp" then run.dctcp = { init_window = init_window } end
if transport == "dcqcn" then
  if recovery ~= "gobackn" then run.dcqcn = { recovery = recovery } end
  if rate_control == "off" then
    run.dcqcn = run.dcqcn or {}
    run.dcqcn.rate_control = false
  elseif rate_control ~= "on" then
    error("parameter rate_control must be on or off (got " .. rate_control .. ")")
  end
end
if connections ~= "per_transfer" then
  if connections ~= "persistent" then
    error("parameter connections must be per_transfer or persistent (got " .. connections .. ")")
  end
  run.connections = connections    -- congestion state carries over between transfers of a host pair
end
if lb == "spray" then run.spray = spray end
local r = netsim.run(run)
print(string.format("%s %s %s: %s, %d subflow(s), %s: %.3f ms, busiest link %.0f%% busy, peak queue %.0f KB, %d retransmits",
  fabric, workload, bytes, lb == "spray" and "spray/" .. spray or lb, subflows, transport, r.makespan * 1e3,
  100 * r.max_congestion, r.peak_queue_bytes / 1e3, r.retransmits))
