#!/bin/sh
# tests/reliability_lua.sh - issue 13, item 1: objects collected during
# netsim.run. Option tables are read raw (a metatable's __index gives
# nothing, no scenario code runs while a binding holds C pointers), and a
# finalizer that lua_close runs after the scenario ended can neither start a
# run nor change the exit status. Each case: exit status, message, files.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 25

# expect NAME STATUS PATTERN: the last run's status, a stderr match, no .h5
expect() {
    is "$status" "$2" "$1: exit status $2"
    grep -q -- "$3" "$T/err"; ok $? "$1: message matches '$3' ($(head -c 200 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.part-* >/dev/null 2>&1; ok $((! $?)) "$1: no output file"
    rm -f "$T"/*.h5 "$T"/*.part-*
}

# the issue's example: __index hands out a fresh workload and collects
scenario idx.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
netsim.run(setmetatable({}, {__index = function(t, k)
  if k == "fabric" then return fab end
  if k == "workload" then local w = netsim.workload(); w:transfer{src = 1, dst = 2, bytes = "1MB"}; return w end
  collectgarbage(); collectgarbage() end}))
EOF2
run idx.lua
expect 'a run table whose __index makes the workload and collects' 2 "idx.lua:2: run: field 'fabric' is required"

# finalizers that empty the run table and collect, while the run reads it
scenario fin.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload(); w:transfer{src = 1, dst = 2, bytes = "1MB"}
local opts = {fabric = fab, workload = w, output = string.rep("x", 40) .. ".h5"}
for i = 1, 200 do
  setmetatable({}, {__gc = function() opts.output = nil; opts.fabric = nil; collectgarbage() end})
end
fab, w = nil, nil
netsim.run(opts)
EOF2
run fin.lua
is "$status" 2 'finalizers emptying the run table: exit status 2, no crash'

# raw access in constructors and builders too: __index fields count as absent
scenario ctor.lua <<'EOF2'
local fab = netsim.star(setmetatable({hosts = 2, latency = "1us"}, {__index = {rate = "10Gbps"}}))
EOF2
run ctor.lua
expect 'a constructor field given by __index' 2 "ctor.lua:1: star: field 'rate' is required"
scenario hosts.lua <<'EOF2'
local w = netsim.workload()
local proxy = setmetatable({}, {__len = function() collectgarbage(); return 4 end,
                                __index = function(t, i) collectgarbage(); return i end})
w:allreduce{hosts = proxy, bytes = "1MB"}
EOF2
run hosts.lua
expect 'a host list that is a proxy (__len, __index)' 2 "hosts.lua:4: allreduce: field 'hosts' is an empty list"
scenario builder.lua <<'EOF2'
local w = netsim.workload()
w:transfer(setmetatable({src = 1, dst = 2}, {__index = function(t, k)
  for i = 1, 100 do w:compute{node = 1, duration = "1us"} end
  collectgarbage(); return "1MB" end}))
EOF2
run builder.lua
expect 'a builder field whose __index re-enters the workload' 2 "builder.lua:2: transfer: field 'bytes' is required"

# finalizers at shutdown: a run after the scenario failed, after it succeeded; os.exit
scenario late_fail.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload(); w:transfer{src = 1, dst = 2, bytes = "1MB"}
setmetatable({}, {__gc = function() netsim.run{fabric = fab, workload = w, output = "late.h5"} end})
error("the scenario fails")
EOF2
run late_fail.lua
expect 'a finalizer runs a simulation after the scenario failed' 2 'late_fail.lua:4: the scenario fails'
grep -q 'netsim.run called after the scenario ended (in a finalizer): not run' "$T/err"; ok $? 'and it is told it did not run'
scenario late_ok.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload(); w:transfer{src = 1, dst = 2, bytes = "1MB"}
setmetatable({}, {__gc = function() netsim.run{fabric = fab, workload = w, output = "late.h5"} end})
EOF2
run -q late_ok.lua
is "$status" 0 'a finalizer runs a simulation after the scenario succeeded: exit status 0'
test ! -e "$T/late.h5"; ok $? 'and no file is written'
is "$(cat "$T/out")" "" 'and nothing is printed on stdout'
scenario late_exit.lua <<'EOF2'
setmetatable({}, {__gc = function() os.exit(0) end})
error("the scenario fails")
EOF2
run late_exit.lua
expect 'a finalizer calls os.exit(0) after the scenario failed' 2 'late_exit.lua:2: the scenario fails'
scenario late_exit2.lua <<'EOF2'
setmetatable({}, {__gc = function() os.exit(3, true) end})
EOF2
run late_exit2.lua
is "$status" 0 'a finalizer calls os.exit(3, true) after the scenario succeeded: exit status 0'
scenario exit_ok.lua <<'EOF2'
os.exit(5)
EOF2
run exit_ok.lua
is "$status" 5 'os.exit during the scenario still exits'
finish
