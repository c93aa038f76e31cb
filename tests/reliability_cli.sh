#!/bin/sh
# tests/reliability_cli.sh - issue 13, items 12 and 13 and --sandbox:
# --json puts exactly one JSON object on stdout (the scenario's print and
# io.write go to stderr); getopt's complaints name the long option as
# written; limits print exact integers and exact bounds; a UTF-8 byte order
# mark or a #! line at the start of a scenario is skipped; --sandbox takes
# os, io, debug and C modules from the scenario.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 36

scenario s.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
print("a line from print")
io.write("a line from io.write\n")
netsim.run{fabric = fab, workload = w}
print("after the run")
EOF2
scenario two.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w, output = "a.h5"}
netsim.run{fabric = fab, workload = w, output = "b.h5"}
EOF2

# item 13
# one_object FILE: "summary" if FILE holds exactly one JSON value, a run's summary
one_object() {
    /usr/bin/python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); print("summary" if isinstance(d, dict) and "completed" in d and "makespan" in d else "other")' "$1" 2>&1
}
run --json s.lua
is "$status" 0 '--json with print and io.write: exit status 0'
case $(one_object "$T/out") in summary) r=0 ;; *) r=1 ;; esac
ok $r "--json: stdout is exactly one JSON object ($(head -c 80 "$T/out"))"
grep -q 'a line from print' "$T/err" && grep -q 'a line from io.write' "$T/err" && grep -q 'after the run' "$T/err"
ok $? '--json: what the scenario prints goes to stderr'
run --json -q s.lua -o q.h5
case $(one_object "$T/out") in summary) r=0 ;; *) r=1 ;; esac
ok $r '--json -q: one JSON object'
run --json two.lua
is "$status" 0 '--json with two runs: exit status 0'
/usr/bin/python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert [r["transfers"] for r in d["runs"]] == [1, 1]' "$T/out"
ok $? '--json with two runs: one object {"runs": [two summaries]}'
run --json --check s.lua
is "$status" 0 '--json --check: exit status 0'
is "$(cat "$T/out")" '{"runs":[]}' '--json --check: the report on stderr, no run on stdout'
scenario bad.lua <<'EOF2'
print("before the error")
error("boom")
EOF2
run --json bad.lua
is "$status" 2 '--json, a failing scenario: exit status 2'
is "$(cat "$T/out")" "" '--json, a failing scenario: nothing on stdout'

# item 12: getopt's words
run --json=1 s.lua
is "$status" 2 '--json=1: exit status 2'
grep -q "^netsim: option '--json' takes no value (got '--json=1')" "$T/err"; ok $? "--json=1: $(head -1 "$T/err")"
run s.lua --output
grep -q "^netsim: option '--output' needs a value" "$T/err"; ok $? "--output at the end: $(head -1 "$T/err")"
run --m flow s.lua
grep -q "^netsim: option '--m' is ambiguous" "$T/err"; ok $? "--m: $(head -1 "$T/err")"
run --frobnicate s.lua
grep -q "^netsim: unknown option '--frobnicate'" "$T/err"; ok $? "--frobnicate: $(head -1 "$T/err")"
run -x s.lua
grep -q "^netsim: unknown option '-x'" "$T/err"; ok $? "-x: $(head -1 "$T/err")"
run s.lua -o
grep -q "^netsim: option '-o' needs a value" "$T/err"; ok $? "-o at the end: $(head -1 "$T/err")"
run --sandbox=yes s.lua
grep -q "^netsim: option '--sandbox' takes no value" "$T/err"; ok $? "--sandbox=yes: $(head -1 "$T/err")"

# item 12: exact numbers in limits
scenario big.lua <<'EOF2'
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = 2^63}
EOF2
run big.lua
grep -q "size must be between 0 and 9200000000000000000 bytes (got 9223372036854775808)" "$T/err"
ok $? "a size of 2^63: $(cat "$T/err")"
scenario pmax.lua <<'EOF2'
netsim.star{hosts = 2, rate = "1Gbps", switch = {buffer = "1MB", ecn = {kmin = "1KB", kmax = "2KB", pmax = 1.0000000001}}}
EOF2
run pmax.lua
grep -q "field 'pmax' must be between 0 and 1 (got 1.0000000001)" "$T/err"; ok $? "pmax just above 1: $(cat "$T/err")"
scenario int.lua <<'EOF2'
netsim.star{hosts = 2^63, rate = "1Gbps"}
EOF2
run int.lua
grep -q "field 'hosts' must be an integer (got 9223372036854775808)" "$T/err"; ok $? "hosts = 2^63: $(cat "$T/err")"
scenario time.lua <<'EOF2'
local w = netsim.workload()
w:compute{node = 1, duration = 1e7}
EOF2
run time.lua
grep -q "time must be between 0 and 9200000 s (got 10000000 s)" "$T/err"; ok $? "a time of 1e7 s: $(cat "$T/err")"

scenario nan.lua <<'EOF2'
local w = netsim.workload()
w:background{hosts = {1, 2}, load = 0/0, sizes = "websearch", duration = "1ms", rate = "1Gbps"}
EOF2
run nan.lua
grep -q "background: field 'load' must be a number (got nan)" "$T/err"; ok $? "load = 0/0: $(cat "$T/err")"

# item 12: a byte order mark, a #! line
printf '\357\273\277print("bom ok")\n' >"$T/bom.lua"
run bom.lua
is "$status" 0 'a scenario starting with a UTF-8 byte order mark: exit status 0'
is "$(cat "$T/out")" 'bom ok' 'and it runs'
printf '#!/usr/bin/env netsim\nprint("shebang ok")\nerror("on line 3")\n' >"$T/shebang.lua"
run shebang.lua
is "$status" 2 'a scenario starting with #!: runs (exit status 2 from its error)'
grep -q 'shebang.lua:3: on line 3' "$T/err"; ok $? 'and its line numbers are right'

# --sandbox
scenario probe.lua <<'EOF2'
local seen = {}
for _, name in ipairs{"os", "io", "debug"} do if _G[name] then seen[#seen + 1] = name end end
if package.loadlib then seen[#seen + 1] = "package.loadlib" end
for _, m in ipairs{"io", "os", "debug"} do
  if pcall(require, m) then seen[#seen + 1] = "require(" .. m .. ")" end
end
local okc, why = pcall(require, "lfs")
if okc then seen[#seen + 1] = "require(lfs)" end
print(#seen == 0 and "none" or table.concat(seen, " "))
EOF2
run --sandbox probe.lua
is "$status" 0 '--sandbox: exit status 0'
is "$(cat "$T/out")" none '--sandbox: no os, io, debug, package.loadlib, nor require of them or of C modules'
run probe.lua
is "$(cat "$T/out")" 'os io debug package.loadlib require(io) require(os) require(debug)' 'without --sandbox they are there'
scenario exec.lua <<'EOF2'
os.execute("touch pwned")
EOF2
run --sandbox exec.lua
is "$status" 2 '--sandbox, os.execute: exit status 2'
test ! -e "$T/pwned"; ok $? '--sandbox, os.execute: nothing ran'
scenario mod.lua <<'EOF2'
return {hosts = 2}
EOF2
scenario usemod.lua <<'EOF2'
package.path = "./?.lua"
local m = require("mod")
local fab = netsim.star{hosts = m.hosts, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w, output = "sandboxed.h5"}
EOF2
run --sandbox -q usemod.lua
is "$status" 0 '--sandbox: Lua modules and runs still work'
test -f "$T/sandboxed.h5"; ok $? '--sandbox: the run wrote its output'
scenario outname.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w, output = ".profile"}
EOF2
run --sandbox outname.lua
is "$status" 2 '--sandbox: an output named by the scenario that is not .h5: exit status 2'
test ! -e "$T/.profile"; ok $? '--sandbox: and it is not written'
finish
