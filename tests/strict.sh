#!/bin/sh
# strict.sh - reading a global that was never assigned is an error with the
# scenario's file and line (exit 2), as in Lua's strict mode: a misspelt
# name in `after = {...}` no longer drops a dependency in silence.
# Assigned globals, globals assigned nil and rawget(_G, name) still work.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 10

scenario typo.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "1Gbps", latency = "1us" }
local w = netsim.workload()
local first = w:transfer{ src = 1, dst = 2, bytes = "1MB" }
w:compute{ node = 2, duration = "1ms", after = { frist } }
netsim.run{ fabric = fab, workload = w, output = "typo.h5" }
LUA
run -q typo.lua
is "$status" 2 'a misspelt handle in after = {...} is an error (exit 2)'
grep -q "^netsim: typo.lua:4: undefined global variable 'frist'" "$T/err"; ok $? 'naming the variable, file and line'
test ! -e "$T/typo.h5"; ok $? 'and nothing is simulated or written'

scenario infn.lua <<'LUA'
local function hosts() return nhosts end
print(hosts())
LUA
run -q infn.lua
is "$status" 2 'inside a function too'
grep -q "^netsim: infn.lua:1: undefined global variable 'nhosts'" "$T/err"; ok $? 'at the line of the read'

scenario fine.lua <<'LUA'
counter = 0
local function bump() counter = counter + 1; helper = "set in a function" end
bump(); bump()
maybe = nil
print(counter, helper, maybe, rawget(_G, "never"), type(netsim), type(param), type(string.format))
LUA
run -q fine.lua
is "$status" 0 'assigned globals, in the chunk or in a function, read back'
is "$(cat "$T/out")" "$(printf '2\tset in a function\tnil\tnil\ttable\tfunction\tfunction')" \
    'a global assigned nil reads nil, rawget tests for one, the libraries are there'

scenario key.lua <<'LUA'
print(_G[42])
LUA
run -q key.lua
is "$status" 2 'a non-string key is refused too'
grep -q "undefined global variable (a key of type number)" "$T/err"; ok $? 'saying its type'

# every example still runs (they read no undefined global)
bad=0; n=0
for f in "$SRCDIR"/scripts/examples/*.lua; do
    n=$((n + 1))
    ( cd "$T" && "$NETSIM" --check "$f" ) >/dev/null 2>"$T/ex.err" || { bad=$((bad + 1)); sed 's/^/# /' "$T/ex.err"; }
done
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; ok $? "the $n examples load and build under strict globals"
finish
