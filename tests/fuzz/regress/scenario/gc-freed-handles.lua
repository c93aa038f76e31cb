-- found while writing the scenario target (issue 8): a finalizer that runs
-- after the workload's (at the latest when the state closes) used its op
-- handles and handles: a use after free. Each must now be an error.
local keep = {}
setmetatable(keep, { __gc = function()
  assert(not pcall(function() return tostring(keep.op) end))
  assert(not pcall(function() keep.op:after(keep.op2) end))
  assert(not pcall(function() return #keep.w end))
  assert(not pcall(function() return keep.fab:hosts() end))
  assert(not pcall(function() netsim.run{ fabric = keep.fab, workload = keep.w } end))
  keep.w:transfer{ src = 1, dst = 2, bytes = 10 }
end })
keep.fab = netsim.star{ hosts = 2, rate = "1Gbps" }
keep.w = netsim.workload()
keep.op = keep.w:transfer{ src = 1, dst = 2, bytes = 10 }
keep.op2 = keep.w:transfer{ src = 1, dst = 2, bytes = 10 }
