-- ethereal.lua: traffic for tests/ethereal.sh (lb = "ethereal", arXiv 2407.00550).
-- Packets of 1,000 payload bytes (mtu 1064, header 64), 100 Gb/s links.
--   mode=theorem: a leaf-spine of 2 leaves x `spines` spines; n transfers of
--     `bytes` each, host i of leaf 1 to host i of leaf 2, all at time 0;
--     failed=k leaves the cable between leaf 1 and spine k out.
--   mode=rules: 3 leaves x 4 spines x 4 hosts, transfers of 240,000 bytes:
--     three leaf1 -> leaf2 at time 0 and a fourth after a compute op of 0 s
--     (the same instant: one batch of 4); one leaf1 -> leaf3 at time 0 (a
--     batch of 1); one within leaf 1; two leaf2 -> leaf1 after a 1 us
--     compute (a batch of 2); one leaf2 -> leaf1 after a 2 us compute (alone).
--   mode=fattree: a k=4 fat-tree; five transfers of 240,000 bytes from edge 1
--     (hosts 1-2) to edge 8 in pod 4 (hosts 15-16), three from edge 1 to
--     edge 2 in pod 1 (hosts 3-4), all at time 0.
--   mode=ring: a ring allreduce of `bytes` over 4 leaves x 4 spines x 4 hosts.
--   mode=permutation: a permutation of `bytes` on the same fabric.
local mode = param("mode", "theorem")
local n = param("n", 5)
local s = param("spines", 4)
local bytes = param("bytes", 240000)
local link = { rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local fab
if mode == "theorem" then
  local failed = param("failed", 0)
  fab = netsim.leafspine{ leaves = 2, spines = s, hosts_per_leaf = n, host_link = link, fabric_link = link,
                          mtu = 1064, header = 64,
                          failed = failed > 0 and { leaf = 1, spine = failed } or nil }
  for i = 1, n do w:transfer{ src = i, dst = n + i, bytes = bytes } end
elseif mode == "rules" then
  fab = netsim.leafspine{ leaves = 3, spines = 4, hosts_per_leaf = 4, host_link = link, fabric_link = link,
                          mtu = 1064, header = 64 }
  local b = 240000
  for i = 1, 3 do w:transfer{ src = i, dst = 4 + i, bytes = b } end
  local c0 = w:compute{ node = 4, duration = 0 }
  w:transfer{ src = 4, dst = 8, bytes = b, after = { c0 } }
  w:transfer{ src = 1, dst = 9, bytes = b }
  w:transfer{ src = 1, dst = 2, bytes = b }
  local c1 = w:compute{ node = 5, duration = "1us" }
  w:transfer{ src = 5, dst = 1, bytes = b, after = { c1 } }
  w:transfer{ src = 6, dst = 2, bytes = b, after = { c1 } }
  local c2 = w:compute{ node = 7, duration = "2us" }
  w:transfer{ src = 7, dst = 3, bytes = b, after = { c2 } }
elseif mode == "fattree" then
  fab = netsim.fattree{ k = 4, rate = "100Gbps", latency = "1us", mtu = 1064, header = 64 }
  for i = 1, 5 do w:transfer{ src = 1 + i % 2, dst = 15 + i % 2, bytes = 240000 } end
  for i = 1, 3 do w:transfer{ src = 1 + i % 2, dst = 3 + i % 2, bytes = 240000 } end
else
  fab = netsim.leafspine{ leaves = 4, spines = 4, hosts_per_leaf = 4, host_link = link, fabric_link = link }
  if mode == "ring" then
    w:allreduce{ hosts = fab:hosts(), bytes = bytes, algorithm = "ring" }
  else
    w:permutation{ hosts = fab:hosts(), bytes = bytes }
  end
end
local lb = param("lb", "ethereal")
local model = param("model", "packet")
netsim.run{ fabric = fab, workload = w, lb = lb, spray = lb == "spray" and param("spray", "random") or nil,
            model = model, transport = model == "packet" and param("transport", "ideal") or nil }
