#!/bin/sh
# warnings.sh - one rule for settings of a transport or policy not in use:
# accepted with a warning naming the file, line, field and the choice in
# use, so that one scenario sweeps over transports and policies (issue 19,
# item 7). A bad value in such a table is still an error.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 24
scenario sweep.lua <<'LUA'
local transport = param("transport", "ideal")
local lb = param("lb", "ecmp")
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "s.h5", transport = transport, lb = lb,
            dctcp = { init_window = param("iw", 10) }, spray = "roundrobin", flowlet_gap = "10us" }
LUA
run -q sweep.lua
is "$status" 0 'settings for a transport and policies not in use: the run goes on'
grep -q '^netsim: sweep.lua:6: warning: run: field .dctcp. only applies with transport = "dctcp"; ignored with transport = "ideal"$' "$T/err"
ok $? 'a warning for dctcp = {...} under ideal, with file and line'
grep -q "warning: run: field 'spray' only applies with lb = \"spray\"; ignored with lb = \"ecmp\"" "$T/err" &&
grep -q "warning: run: field 'flowlet_gap' only applies with lb = \"flowlet\"; ignored with lb = \"ecmp\"" "$T/err"
ok $? 'and for spray and flowlet_gap under ecmp'
run -q sweep.lua transport=dctcp lb=spray
is "$status" 0 'the same scenario with dctcp and spray'
grep -q "field 'dctcp'\|field 'spray'" "$T/err"; ok $((! $?)) 'no warning for the settings in use'
grep -c 'warning' "$T/err" | grep -qx 1; ok $? 'only flowlet_gap is warned about'
run -q sweep.lua iw=0
is "$status" 2 'a bad value in a table not in use is still an error'
# the flow model has no transport, no queues: transport, its tables and the
# switch settings are warned about (one line each); flow_solver under packets
scenario models.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us", switch = { ecn = false } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "m.h5", model = param("model", "flow"), transport = "dctcp",
            dctcp = { init_window = 10 }, dcqcn = {}, flow_solver = "full", flow_quantum = "1us" }
LUA
run -q models.lua
is "$status" 0 'transport settings under the flow model: the run goes on'
grep -q '^netsim: models.lua:4: warning: run: field .transport. only applies with model = "packet"; ignored with model = "flow"$' "$T/err" &&
grep -q "^netsim: models.lua:4: warning: run: field 'dctcp' only applies with model = \"packet\" and transport = \"dctcp\"; ignored with model = \"flow\"$" "$T/err" &&
grep -q "^netsim: models.lua:4: warning: run: field 'dcqcn' only applies with model = \"packet\" and transport = \"dcqcn\"; ignored with model = \"flow\"$" "$T/err" &&
grep -q "warning: run: the fabric's switch settings (buffer, ecn, pfc, trim) only apply with model = \"packet\"; ignored with model = \"flow\"$" "$T/err"
ok $? 'transport, dctcp, dcqcn and the switch under the flow model: one line each'
grep -c 'warning' "$T/err" | grep -qx 4; ok $? 'four warnings, flow_solver and flow_quantum not among them'
run -q models.lua model=packet
grep -q "warning: run: field 'flow_solver' only applies with model = \"flow\"; ignored with model = \"packet\"$" "$T/err" &&
grep -q "warning: run: field 'flow_quantum' only applies with model = \"flow\"; ignored with model = \"packet\"$" "$T/err" &&
grep -q "warning: run: field 'dcqcn' only applies with transport = \"dcqcn\"; ignored with transport = \"dctcp\"$" "$T/err"
ok $? 'under packets: flow_solver, flow_quantum and dcqcn are warned about, transport and dctcp are not'

# switch settings: trimming alone under the flow model, which has no use
# for it, and under the ideal transport, which never fills a buffer; a
# switch's alpha, which applies to a shared buffer only
scenario switch.lua <<'LUA'
local case = param("case", "alpha")
local sw = case == "alpha" and { buffer = "1MB", alpha = 2 } or { trim = true }
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us", switch = sw }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
local model = param("model", case == "alpha" and "packet" or "flow")
netsim.run{ fabric = fab, workload = w, output = case .. ".h5", model = model,
            transport = model == "packet" and param("transport", "dctcp") or nil }
LUA
run -q switch.lua case=trim
grep -q "warning: run: the fabric's switch settings (buffer, ecn, pfc, trim) only apply with model = \"packet\"; ignored with model = \"flow\"$" "$T/err"
ok $? "trim = true alone under the flow model is warned about ($(head -c 160 "$T/err"))"
run -q switch.lua case=trim model=packet transport=ideal
grep -q "warning: run: transport \"ideal\" never fills a buffer: trim = true has no effect on this run" "$T/err"
ok $? "trim = true under the ideal transport is warned about ($(head -c 160 "$T/err"))"
run -q switch.lua case=trim model=packet transport=dctcp
[ ! -s "$T/err" ]; ok $? 'and not under dctcp, which takes trimmed packets'
run -q switch.lua case=alpha
grep -q "^netsim: switch.lua:3: warning: star: switch: field 'alpha' only applies with a shared buffer (shared = true, or the default buffer); ignored with a buffer per port (shared = false)$" "$T/err"
ok $? "alpha with a buffer per port ($(grep alpha "$T/err"))"

# w:diloco: the fields of the other modes, and of the other straggler distribution
scenario modes.lua <<'LUA'
local mode = param("mode", "dp")
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:diloco{ workers = { { 1 }, { 2 } }, params = 1000, step_time = "1ms", mode = mode, inner_steps = 2, steps = 4,
          buckets = 2, backward_fraction = 0.5, fragments = 1, pattern = "sequential", overlap = 1,
          quant_bits = 8, straggler = { dist = param("dist", "lognormal"), sigma = 0.1, mu = 0, shape = 4 },
          granularity = param("gran", nil) }
netsim.run{ fabric = fab, workload = w, output = "d.h5" }
LUA
run -q modes.lua
is "$status" 0 'a dp schedule given every mode'"'"'s fields runs'
w=$(grep -c "^netsim: modes.lua:4: warning: diloco: field '[a-z_]*' only applies with mode = \"[a-z\" or]*\"; ignored with mode = \"dp\"$" "$T/err")
grep -q "field 'inner_steps' only applies with mode = \"diloco\" or \"streaming\"; ignored with mode = \"dp\"" "$T/err" &&
grep -q "field 'quant_bits' only applies with mode = \"diloco\" or \"streaming\"" "$T/err" &&
grep -q "field 'overlap' only applies with mode = \"streaming\"; ignored with mode = \"dp\"" "$T/err"
ok $? "dp: inner_steps, quant_bits, fragments, pattern, overlap warned about ($w lines)"
is "$w" 5 'five of them, buckets and backward_fraction not'
grep -q "warning: diloco: straggler: field 'shape' only applies with dist = \"gamma\"; ignored with dist = \"lognormal\"$" "$T/err"
ok $? 'a lognormal straggler given a shape'
run -q modes.lua mode=diloco dist=gamma
grep -q "field 'buckets' only applies with mode = \"dp\"; ignored with mode = \"diloco\"" "$T/err" &&
grep -q "field 'backward_fraction' only applies with mode = \"dp\" or granularity = \"layer\"; ignored with mode = \"diloco\"" "$T/err" &&
grep -q "field 'fragments' only applies with mode = \"streaming\"; ignored with mode = \"diloco\"" "$T/err" &&
grep -q "straggler: field 'sigma' only applies with dist = \"lognormal\"; ignored with dist = \"gamma\"" "$T/err" &&
grep -q "straggler: field 'mu' only applies with dist = \"lognormal\"; ignored with dist = \"gamma\"" "$T/err" &&
! grep -q "field 'inner_steps'\|field 'quant_bits'\|field 'shape'" "$T/err"
ok $? 'diloco with a gamma straggler: buckets, backward_fraction, fragments, sigma, mu; not inner_steps, quant_bits, shape'
run -q modes.lua mode=streaming
grep -q "field 'fragments'\|field 'overlap'\|field 'pattern'\|field 'inner_steps'" "$T/err"; ok $((! $?)) 'streaming uses fragments, pattern, overlap, inner_steps'
# granularity applies to every mode; by layer, every mode uses backward_fraction
run -q modes.lua mode=diloco gran=layer
grep -q "field 'granularity'\|field 'backward_fraction'" "$T/err"
ok $((! $?)) 'diloco given granularity = layer: no warning about granularity or backward_fraction'
run -q modes.lua mode=streaming gran=layer
is "$status" 0 'streaming by layer runs'
grep -q "field 'backward_fraction'" "$T/err"; ok $((! $?)) 'streaming by layer uses backward_fraction (no warning)'
finish
