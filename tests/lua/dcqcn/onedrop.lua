-- onedrop.lua: exactly one data packet lost. Two senders into host 3 of a
-- star (100 Gb/s, 1us cables, mtu 4096 with a 64-byte header) whose switch
-- has a per-port buffer, no ECN and no PFC: host 1 sends a short burst of
-- `a` packets, host 2 a long transfer of `b` packets, both from time 0 at
-- line rate (no marks: no CNP ever slows them). The port to host 3 gains
-- one packet per packet time while both send, so a buffer a little under
-- `a` packets overflows once; after host 1 is done, host 2 alone at line
-- rate keeps the queue level, one below where it overflowed.
-- tests/dcqcn_model.sh works out the resends by hand.
-- Parameters: a, b (packets), buffer (bytes), latency, recovery.
local payload = 4096 - 64
local fab = netsim.star{ hosts = 3, rate = "100Gbps", latency = param("latency", "1us"), mtu = 4096, header = 64,
  switch = { buffer = tonumber(param("buffer", "40000")), shared = false, ecn = false, pfc = false } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = tonumber(param("a", "16")) * payload }
w:transfer{ src = 2, dst = 3, bytes = tonumber(param("b", "400")) * payload }
local r = netsim.run{ fabric = fab, workload = w, transport = "dcqcn",
  dcqcn = { recovery = param("recovery", "gobackn") } }
assert(r.completed == 1 and r.transfers_done == 2, "every transfer completes")
