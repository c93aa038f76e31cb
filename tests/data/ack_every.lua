-- ack_every.lua - coalesced ACKs (run{dctcp|uec = {ack_every = ...}}) for
-- tests/ack_every.sh. shape = "star": hosts 2 .. n+1 each send `bytes` to
-- host 1 through one switch (100 Gb/s, 1 us, 4 KB MTU: 4,032 B of payload a
-- packet). shape = "leafspine": 2 leaves x n hosts, 4 spines; host i sends
-- to host n + i on the other leaf (every flow crosses a spine), sprayed.
-- buffer = B: switch ports of B bytes each that trim what does not fit.
local n = param("n", 1)
local shape = param("shape", "star")
local tp = param("transport", "dctcp")
local bytes = param("bytes", 100 * 4032)
local buffer = param("buffer", "")
local sw = buffer ~= "" and { buffer = buffer, shared = false, trim = true } or nil
local fab, pairs_ = nil, {}
if shape == "star" then
    fab = netsim.star{ hosts = n + 1, rate = "100Gbps", latency = "1us", mtu = 4096, switch = sw }
    for h = 2, n + 1 do pairs_[#pairs_ + 1] = { h, 1 } end
else
    local link = { rate = "100Gbps", latency = "1us" }
    fab = netsim.leafspine{ leaves = 2, hosts_per_leaf = n, spines = 4, host_link = link, fabric_link = link, mtu = 4096,
                            switch = sw }
    for h = 1, n do pairs_[#pairs_ + 1] = { h, n + h } end
end
local w = netsim.workload()
for _, p in ipairs(pairs_) do w:transfer{ src = p[1], dst = p[2], bytes = bytes } end
local settings = { ack_every = param("ack", "0") }
if tp == "dctcp" then settings.init_window = param("iw", 10) end
netsim.run{ fabric = fab, workload = w, transport = tp, [tp] = settings,
            lb = shape == "star" and "ecmp" or "spray", output = "ack_every.h5" }
