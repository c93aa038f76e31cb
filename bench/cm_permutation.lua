-- bench/cm_permutation.lua: the side-by-side benchmark, a connection matrix
-- of ../shared/data/ (htsim's format: "Nodes N", "Connections C", then
-- "SRC->DST id I start 0 size BYTES", hosts from 0) on the leaf-spine its
-- README names: 32 leaves x 32 hosts, 32 spines, 100 Gb/s, 1 us per cable,
-- 4 KB MTU, every flow at time 0 (perm128: 8 leaves x 16 hosts, 16 spines).
--   netsim bench/cm_permutation.lua cm=../shared/data/perm1024_10MB.cm transport=dctcp
--   netsim bench/cm_permutation.lua cm=... transport=dcqcn      (PFC on: the switch default under RoCE)
-- switch: "htsim" (its UEC main's per-port buffer of one BDP, 120,350 B, ECN
-- 24,900 to 99,600 B) or "default" (netsim-lua(5)'s switch defaults)
local cm = param("cm", "../shared/data/perm1024_10MB.cm")
local transport = param("transport", "dctcp")
local lb = param("lb", "ecmp")
local switch = param("switch", "htsim")
local output = param("output", "cm_permutation.h5")
-- lb = "spray": "random" (a random hop per packet), or "oblivious" over `entropies` labels (htsim's oblivious)
local spray = param("spray", "random")
local entropies = param("entropies", 64)
-- ack_every: "0" (an ACK per packet) or a size, "16KB" as htsim's uec sink (-sack_threshold);
-- dctcp and uec only
local ack_every = param("ack_every", "0")

local f = assert(io.open(cm, "r"))
local nodes, conns = nil, {}
for line in f:lines() do
  local n = line:match("^%s*Nodes%s+(%d+)")
  if n then nodes = tonumber(n) end
  local s, d, rest = line:match("^%s*(%d+)%->(%d+)(.*)$")
  if s then
    local size = tonumber(rest:match("size%s+(%d+)"))
    assert(size and tonumber(rest:match("start%s+([%d%.]+)") or "0") == 0, cm .. ": " .. line)
    conns[#conns + 1] = { src = tonumber(s) + 1, dst = tonumber(d) + 1, bytes = size }
  end
end
f:close()
local shape = ({ [1024] = { 32, 32, 32 }, [128] = { 8, 16, 16 } })[nodes]
assert(shape, cm .. ": " .. tostring(nodes) .. " nodes; this bench knows 128 and 1024")

local sw
-- trim: "true" cuts a packet with no room to its header (htsim's UEC main trims by default)
local trim = param("trim", "false") == "true"
if switch == "htsim" then sw = { buffer = 120350, ecn = { kmin = 24900, kmax = 99600 }, trim = trim }
elseif switch ~= "default" then error("parameter switch must be htsim or default (got " .. switch .. ")") end
local link = { rate = "100Gbps", latency = "1us" }
local fab = netsim.leafspine{ leaves = shape[1], hosts_per_leaf = shape[2], spines = shape[3],
  host_link = link, fabric_link = link, switch = sw, mtu = 4096 }
local w = netsim.workload()
for _, c in ipairs(conns) do w:transfer{ src = c.src, dst = c.dst, bytes = c.bytes } end
netsim.run{ fabric = fab, workload = w, lb = lb, transport = transport, output = output,
            spray = lb == "spray" and spray or nil,
            entropies = lb == "spray" and spray == "oblivious" and entropies or nil,
            [transport] = ack_every ~= "0" and { ack_every = ack_every } or nil }
