-- bench/roce_fattree.lua: netsim's side of the RoCE comparison with
-- csg-htsim's htsim_roce (bench/results-roce.md): plain RoCE at line rate
-- over PFC, as htsim's RoCE main runs it: no congestion control (dcqcn
-- with rate_control = false), an ACK per data packet, one traffic class;
-- the three-tier fat tree htsim builds for the host count (k = 8 for 128
-- hosts, k = 16 for 1,024), 100 Gb/s and 1 us a cable, 4,096 payload
-- bytes + 64 of header a packet, per-flow ECMP; PFC pauses an upstream
-- port above 61,440 bytes (15 x 4,096) and resumes at 49,151; buffers
-- unlimited, no ECN. Workload: a connection matrix of ../shared/data/
-- (htsim's format: "SRC->DST id I start 0 size BYTES", hosts from 0).
--   netsim --seed 1 bench/roce_fattree.lua k=16 cm=../shared/data/perm1024_10MB.cm
--   netsim --seed 1 bench/roce_fattree.lua k=8 cm=../shared/data/perm128_10MB.cm
local cm = param("cm", "../shared/data/perm1024_10MB.cm")
local k = param("k", 16)
local lb = param("lb", "ecmp")
local output = param("output", "roce_fattree.h5")

local f = assert(io.open(cm, "r"))
local conns = {}
for line in f:lines() do
  local s, d, rest = line:match("^%s*(%d+)%->(%d+)(.*)$")
  if s then
    local size = tonumber(rest:match("size%s+(%d+)"))
    assert(size and tonumber(rest:match("start%s+([%d%.]+)") or "0") == 0, cm .. ": " .. line)
    conns[#conns + 1] = { src = tonumber(s) + 1, dst = tonumber(d) + 1, bytes = size }
  end
end
f:close()

local fab = netsim.fattree{ k = k, rate = "100Gbps", latency = "1us", mtu = 4160, header = 64,
  switch = { buffer = "unlimited", ecn = false, pfc = { xoff = 61440, xon = 49151 } } }
assert(#fab:hosts() >= #conns, cm .. ": more connections than the k = " .. k .. " fat tree's hosts")
local w = netsim.workload()
for _, c in ipairs(conns) do w:transfer{ src = c.src, dst = c.dst, bytes = c.bytes } end
netsim.run{ fabric = fab, workload = w, lb = lb, transport = "dcqcn", dcqcn = { rate_control = false },
            output = output }
