-- results/multi-tenant/scenario.lua: two training jobs share one leaf-spine.
-- A data-parallel job (compute, then a ring allreduce of its gradients, for
-- `steps` steps) and an MoE job (dispatch and combine all-to-alls of `layers`
-- layers, forward and backward) each get half the hosts from fab:allocate
-- with one placement policy; run with --isolation, netsim also runs each job
-- alone and reports its slowdown. run.sh sweeps placement x lb x seed.
--   netsim --isolation scenario.lua placement=spread lb=spray
local placement = param("placement", "packed")   -- packed | spread | random
local lb        = param("lb", "ecmp")            -- ecmp | spray | adaptive | flowlet
local transport = param("transport", "dctcp")
local leaves    = param("leaves", 16)
local hpl       = param("hosts_per_leaf", 16)
local spines    = param("spines", 16)            -- 16 x 100G up for 16 x 100G down: non-blocking
local rate      = param("rate", "100Gbps")
local grad      = param("grad", "32MB")          -- the DP job's gradients per step
local steps     = param("steps", 2)
local step_compute = param("compute", "1ms")     -- forward + backward of one step
local tokens    = param("tokens", 512)           -- the MoE job's tokens per host and layer
local hidden    = param("hidden", 4096)
local layers    = param("layers", 2)

local fab = netsim.leafspine{
  leaves = leaves, spines = spines, hosts_per_leaf = hpl,
  host_link = { rate = rate, latency = "500ns" }, fabric_link = { rate = rate, latency = "500ns" },
}
local half = fab.nhosts // 2

-- the data-parallel job: per step, every host computes, then one ring allreduce
local dp_hosts = fab:allocate{ hosts = half, policy = placement }
local dp = netsim.workload{ name = "dp" }
local prev = nil
for s = 1, steps do
  local c = {}
  for i, h in ipairs(dp_hosts) do
    c[i] = dp:compute{ node = h, duration = step_compute, after = prev, label = "step" }
  end
  prev = dp:allreduce{ hosts = dp_hosts, bytes = grad, algorithm = "ring", after = c }
end

-- the MoE job: the expert all-to-alls of `layers` layers, forward and backward
local moe_hosts = fab:allocate{ hosts = half, policy = placement }
local moe = netsim.workload{ name = "moe" }
moe:moe{ hosts = moe_hosts, experts = half, top_k = 2, tokens = tokens, hidden = hidden, dtype_bytes = 2,
         layers = layers, backward = true }

netsim.run{ fabric = fab, workload = { dp, moe }, lb = lb, transport = transport, output = "multi-tenant.h5" }
