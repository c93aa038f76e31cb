-- netsim.run with each option
local fab = netsim.leafspine{ leaves = 2, spines = 3, hosts_per_leaf = 2,
  host_link = { rate = "100Gbps", latency = "1us" }, switch = { buffer = "200KB", ecn = { kmin = "20KB", kmax = "80KB" } } }
local w = netsim.workload()
local a = w:transfer{ src = 1, dst = 3, bytes = "1MB" }
local b = w:transfer{ src = 2, dst = 3, bytes = "1MB" }
local m = w:marker{ after = { a, b }, label = "both" }
w:compute{ node = 3, duration = "10us", after = m }
w:transfer{ src = 4, dst = 1, bytes = 0 }
w:transfer{ src = 4, dst = 4, bytes = 100 }
local lbs = { "ecmp", "spray", "flowlet", "adaptive" }
for i, lb in ipairs(lbs) do
  local opts = { fabric = fab, workload = w, lb = lb, subflows = i, transport = "dctcp", seed = i,
                 output = lb .. ".h5", sample = "5us", until = "1ms",
                 dctcp = { init_window = 4, min_rto = "200us", g = 0.0625, reorder_window = "10us" } }
  if lb == "spray" then opts.spray = "roundrobin" end
  if lb == "flowlet" then opts.flowlet_gap = "2us" end
  local r = netsim.run(opts)
  assert(r.makespan >= 0 and r.fct.p99 >= 0)
end
netsim.run{ fabric = fab, workload = w, model = "packet", transport = "ideal", output = "ideal.h5" }
print(netsim.rate("1Gbps"), netsim.size("1KiB"), netsim.time("1ms"), param("n", 3), param("s", "x"), param("b", true))
