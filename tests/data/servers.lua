-- servers.lua - servers of 2 GPUs on a leaf-spine, for tests/servers.sh.
-- mode = "one": one transfer src -> dst of `bytes`; "ring": an allreduce of
-- `bytes` over `hosts` (a comma list); "a2a": every GPU of server 1 to
-- every GPU of servers 2..4 and to the other GPU of its own server.
local rails = param("rails", "true") == "true"
local pxn = param("pxn", "false") == "true"
-- graph=true: the same fabric from tests/data/servers.graphml (rails only)
local fab
if param("graph", "false") == "true" then
    fab = netsim.graph{ file = "servers.graphml", pxn = pxn }
else
    fab = netsim.leafspine{
        leaves = 4, spines = 2, hosts_per_leaf = 2,
        host_link = { rate = "400Gbps", latency = "1us" },
        server = { gpus = 2, nvlink = { rate = "3.2Tbps", latency = "250ns" } },
        rails = rails, pxn = pxn,
    }
end
local w = netsim.workload()
local mode = param("mode", "one")
local bytes = param("bytes", 403200)
if mode == "one" then
    w:transfer{ src = param("src", 1), dst = param("dst", 2), bytes = bytes }
elseif mode == "ring" then
    local hosts = {}
    for h in string.gmatch(param("hosts", "1,2"), "%d+") do hosts[#hosts + 1] = tonumber(h) end
    w:allreduce{ hosts = hosts, bytes = bytes, algorithm = "ring" }
else
    for a = 1, 2 do
        for b = 1, 8 do
            if a ~= b then w:transfer{ src = a, dst = b, bytes = bytes } end
        end
    end
end
local model = param("model", "packet")
netsim.run{ fabric = fab, workload = w, model = model,
            transport = model == "packet" and param("transport", "ideal") or nil,
            lb = param("lb", "ecmp"), output = "servers.h5" }
