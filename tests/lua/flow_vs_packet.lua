-- flow_vs_packet.lua: the flow model's makespan agrees with the packet model's
-- within 5%, for a permutation and a ring allreduce (built by hand from
-- transfers), with the ideal transport.
--   netsim flow_vs_packet.lua                          -- 16 hosts on a star (make check)
--   netsim flow_vs_packet.lua fabric=leafspine hosts=128 lb=spray bytes=16MB
local fabric = param("fabric", "star")
local hosts  = param("hosts", 16)
local lb     = param("lb", "spray")
local spray  = param("spray", "random")
local bytes  = netsim.size(param("bytes", "4MB"))   -- per permutation transfer; the ring moves this per rank
local tol    = param("tolerance", 0.05)

local fab
if fabric == "star" then
  fab = netsim.star{ hosts = hosts, rate = "100Gbps", latency = "1us" }
elseif fabric == "leafspine" then
  assert(netsim.leafspine, "this netsim has no leafspine builder")
  local hpl = param("hosts_per_leaf", 16)
  assert(hosts % hpl == 0, "hosts must be a multiple of hosts_per_leaf")
  fab = netsim.leafspine{ leaves = hosts // hpl, spines = param("spines", hpl), hosts_per_leaf = hpl,
                          host_link = { rate = "100Gbps", latency = "1us" },
                          fabric_link = { rate = "100Gbps", latency = "1us" } }
else
  error("fabric must be star or leafspine, got " .. fabric)
end

-- a permutation: host h sends to h + hosts/2 + 1 (mod hosts): every transfer leaves its leaf
local perm = netsim.workload()
for h = 1, hosts do perm:transfer{ src = h, dst = (h + hosts // 2) % hosts + 1, bytes = bytes } end

-- ring allreduce: 2 (n - 1) steps of bytes / n; in step s, rank h sends to h + 1
-- once it has what h - 1 sent it in step s - 1
local ring = netsim.workload()
local chunk = bytes // hosts
local prev = {}
for s = 1, 2 * (hosts - 1) do
  local cur = {}
  for h = 1, hosts do
    local left = (h - 2) % hosts + 1
    cur[h] = ring:transfer{ src = h, dst = h % hosts + 1, bytes = chunk, after = prev[left] and { prev[left] } or nil }
  end
  prev = cur
end

local function both(name, w, nxfers, total)
  local r = {}
  for _, model in ipairs{ "packet", "flow" } do
    r[model] = netsim.run{ fabric = fab, workload = w, model = model, lb = lb, transport = "ideal",
                           spray = lb == "spray" and spray or nil,
                           output = ("%s-%s.h5"):format(name, model) }
    assert(r[model].transfers_done == nxfers, ("%s %s: %d of %d transfers done"):format(
      name, model, r[model].transfers_done, nxfers))
    assert(r[model].bytes == total, ("%s %s: %d bytes delivered, %d asked"):format(name, model, r[model].bytes, total))
  end
  local ratio = r.flow.makespan / r.packet.makespan
  print(("%s on %s (%d hosts, lb %s%s): packet %.3f us, flow %.3f us, flow/packet %.4f"):format(
    name, fabric, hosts, lb, lb == "spray" and " " .. spray or "", r.packet.makespan * 1e6, r.flow.makespan * 1e6, ratio))
  assert(math.abs(ratio - 1) <= tol, ("%s: flow/packet makespan %.4f is off by more than %g"):format(name, ratio, tol))
end

both("permutation", perm, hosts, hosts * bytes)
both("ring", ring, 2 * (hosts - 1) * hosts, 2 * (hosts - 1) * hosts * chunk)
