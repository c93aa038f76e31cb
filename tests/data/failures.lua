-- failures.lua - a cable that fails or slows during a run, for
-- tests/failures.sh: 2 leaves x 2 hosts, 2 spines, 100 Gb/s and 1 us
-- cables; hosts 1 and 2 each send `bytes` to hosts 3 and 4 (across).
-- mode: none | down (leaf1-spine1 down at `at` for `duration`, or for good
-- when duration = 0) | slow (leaf1-spine1 at `rate` from `at`) | static
-- (the cable left out of the fabric: leafspine{ failed = }) | degraded
-- (leafspine{ degraded = } at `rate`) | nic (host1's cable down at `at`) |
-- nicslow (host1's cable at `rate` from `at`); flows: 2, or 1 (host 1's only)
local rr = param("reroute", "0s")   -- "default": leave reroute to netsim
local mode = param("mode", "down")
local rate = param("rate", "50Gbps")
local spec = { leaves = 2, spines = 2, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" } }
if mode == "static" then spec.failed = { leaf = 1, spine = 1 } end
if mode == "degraded" then spec.degraded = { leaf = 1, spine = 1, rate = rate } end
local fab = netsim.leafspine(spec)
local w = netsim.workload()
local bytes = param("bytes", 2000000)
w:transfer{ src = 1, dst = 3, bytes = bytes }
if param("flows", 2) > 1 then w:transfer{ src = 2, dst = 4, bytes = bytes } end
local failures
local at, duration = param("at", "0s"), param("duration", "0s")
if mode == "down" or mode == "slow" then
    failures = { { link = fab:link("leaf1", "spine1"), at = at, rate = mode == "slow" and rate or nil,
                   duration = netsim.time(duration) > 0 and duration or nil } }
elseif mode == "nic" or mode == "nicslow" then
    failures = { { link = fab:link("host1", "leaf1"), at = at, rate = mode == "nicslow" and rate or nil,
                   duration = netsim.time(duration) > 0 and duration or nil } }
end
local model = param("model", "packet")
netsim.run{ fabric = fab, workload = w, model = model, lb = param("lb", "ecmp"),
            transport = model == "packet" and param("transport", "ideal") or nil,
            failures = failures, reroute = failures and rr ~= "default" and rr or nil, output = "fail.h5" }
