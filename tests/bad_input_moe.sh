#!/bin/sh
# bad_input_moe.sh - bad input to w:background, w:replay, w:delay and w:moe:
# a message naming the constructor, the field and the value (and file:line of
# data files), exit status 2, and no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 111

STAR='local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()'
RUN='netsim.run{ fabric = fab, workload = w }'
bg() { printf '%s\nw:background{ hosts = fab:hosts(), duration = "1ms", fabric = fab, %s }\n%s' "$STAR" "$1" "$RUN"; }

# --- background ---------------------------------------------------------------------
expect_bad "$(bg 'load = 1, sizes = "websearch"')" \
    "bad.lua:3: background: field 'load' must be > 0 and < 1 (got 1)" 'background load = 1'
expect_bad "$(bg 'load = 0.5, sizes = "websurch"')" \
    'bad.lua:3: background: field .sizes.: unknown flow-size distribution "websurch" (known: "websearch", "datamining")' \
    'an unknown distribution'
printf '# sizes\n1000 0.5\n2000 0.4\n3000 1\n' >"$T/dec.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "dec.cdf" }')" \
    'dec.cdf:3: cumulative probabilities must not decrease (0.4 after 0.5)' 'a CDF whose probabilities decrease'
printf '1000 0.5\n2000 x\n' >"$T/bad.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "bad.cdf" }')" \
    'bad.cdf:2: bad cumulative probability "x"' 'a malformed CDF line'
printf '1000 15\n2000 100\n' >"$T/pct.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "pct.cdf" }')" \
    'pct.cdf:1: cumulative probability must be between 0 and 1 (got 15); percentages?' 'a CDF in percent'
printf '1000 0.5\n10000000000000000 1\n' >"$T/huge.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "huge.cdf" }')" \
    'huge.cdf:2: size 10000000000000000 is too large (at most 2^53 bytes' 'a CDF point of 10^16 bytes'
printf '1000 0.5\n2000 0.9\n' >"$T/short.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "short.cdf" }')" \
    'short.cdf:2: the last cumulative probability must be 1 (got 0.9)' 'a CDF that stops short of 1'
printf '1000 0.5 7\n' >"$T/three.cdf"
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "three.cdf" }')" \
    'three.cdf:1: expected two values "size_bytes cumulative_probability", got 3' 'a CDF line with three values'
expect_bad "$(bg 'load = 0.5, sizes = { cdf = "nowhere.cdf" }')" \
    "cannot open flow-size file '.*nowhere.cdf'" 'a CDF file that does not exist'
expect_bad "$(bg 'load = 0.5, sizes = "websearch", rate = "10Gbps"')" \
    "background: give either 'fabric' .* or 'rate' .*, not both" 'both fabric and rate'
expect_bad "$STAR
w:background{ hosts = { 1 }, load = 0.5, sizes = 'websearch', duration = '1ms', rate = '1Gbps' }" \
    "background: field 'hosts' must list at least 2 hosts (got 1)" 'background on one host'
expect_bad "$STAR
w:background{ hosts = { 1, 9 }, load = 0.5, sizes = 'websearch', duration = '1ms', fabric = fab }" \
    "background: field 'hosts': 9 is not a host of the fabric (hosts are 1..4)" 'background on a host the fabric lacks'
expect_bad "$STAR
w:background{ hosts = { 1, 2 }, load = 0.5, sizes = 'websearch', rate = '1Gbps' }" \
    "background: field 'duration' (or \[\"until\"\]) is required" 'background without a duration'

# --- replay ---------------------------------------------------------------------------
rp() { printf '%s\nw:replay{ file = "%s" }\n%s' "$STAR" "$1" "$RUN"; }
printf 'time,src,dst,bytes\n0,1,2,100\n# fine\n1ms,1,x,5\n' >"$T/t1.csv"
expect_bad "$(rp t1.csv)" 't1.csv:4:7: dst: expected a host id >= 1, got "x"' 'a trace line with a bad host'
printf '0,1,2,100\n1ms,1,2\n' >"$T/t2.csv"
expect_bad "$(rp t2.csv)" 't2.csv:2:8: bytes: missing' 'a trace line with three fields'
printf '0,1,2,100\n2ms,1,2,5GBs\n' >"$T/t3.csv"
expect_bad "$(rp t3.csv)" 't3.csv:2:9: bytes: bad size "5GBs": unknown unit "GBs"' 'a trace line with a bad unit'
printf '0,1,2,100\n 1 min ,1,2,5\n' >"$T/t4.csv"
expect_bad "$(rp t4.csv)" 't4.csv:2:2: time: bad time "1 min"' 'a trace line with a bad time'
printf '0,1,2,100,a,b\n' >"$T/t5.csv"
expect_bad "$(rp t5.csv)" 't5.csv:1:13: too many fields' 'a trace line with six fields'
printf '# nothing\n' >"$T/t6.csv"
expect_bad "$(rp t6.csv)" 't6.csv: no flows' 'an empty trace'
expect_bad "$(rp nowhere.csv)" "replay: cannot open trace '.*nowhere.csv'" 'a trace that does not exist'
printf '0,1,9,100\n' >"$T/t7.csv"
expect_bad "$(rp t7.csv)" "dst 9 is not a host of the fabric (hosts are 1..4)" 'a trace naming a host the fabric lacks'

# --- delay ----------------------------------------------------------------------------
expect_bad "$STAR
w:delay{ duration = '-1ms' }" "bad.lua:3: delay: field 'duration': time must be between 0" 'a negative delay'

# --- moe ------------------------------------------------------------------------------
moe() { printf '%s\nw:moe{ hosts = fab:hosts(), experts = 8, tokens = 100, hidden = 64, %s }\n%s' "$STAR" "$1" "$RUN"; }
expect_bad "$(moe 'top_k = 9')" "bad.lua:3: moe: field 'top_k' must be <= experts = 8 (got 9)" 'top_k > experts'
expect_bad "$(moe 'top_k = 2, dispatch = "per_node"')" \
    "bad.lua:3: moe: field 'dispatch' must be one of \"per_expert\", \"per_host\", \"two_stage\" (got \"per_node\")" 'an unknown dispatch'
expect_bad "$(moe 'top_k = 0')" "moe: field 'top_k' must be >= 1 (got 0)" 'top_k = 0'
expect_bad "$(moe 'top_k = 2, skew = "zipf"')" \
    "moe: field 'skew' must be \"uniform\", { zipf = s } or { dirichlet = alpha } (got \"zipf\")" 'a skew given as a bare name'
expect_bad "$(moe 'top_k = 2, skew = { zipf = 1, dirichlet = 1 }')" \
    "moe: field 'skew' must hold one of zipf = s or dirichlet = alpha" 'two skews at once'
expect_bad "$(moe 'top_k = 2, skew = { dirichlet = 0 }')" "moe: skew: field 'dirichlet' must be > 0 (got 0)" 'dirichlet alpha = 0'
expect_bad "$(moe 'top_k = 2, skew = { zipf = -1 }')" "moe: skew: field 'zipf' must be between 0 and" 'a negative Zipf exponent'
expect_bad "$(moe 'top_k = 2, capacity_factor = 0')" "moe: field 'capacity_factor' must be > 0 (got 0)" 'capacity_factor = 0'
expect_bad "$(moe 'top_k = 2, placement = { 1, 2, 3 }')" \
    "moe: field 'placement' must name one host per expert (8), got 3 entries" 'a placement of the wrong length'
expect_bad "$(moe 'top_k = 2, placement = { 1, 1, 2, 2, 3, 3, 4, 7 }')" \
    "moe: field 'placement': entry 8 (expert 8) is not one of 'hosts'" 'a placement on a host not in the list'
expect_bad "$(moe 'top_k = 3, max_nodes_per_token = 1')" \
    "moe: with max_nodes_per_token = 1 a token may find only 2 experts on the hosts holding the fewest, fewer than top_k = 3" \
    'a node limit that cannot hold top_k experts'
expect_bad "$(moe 'top_k = 2, max_nodes_per_token = 5')" "moe: field 'max_nodes_per_token' must be <= 4 (got 5)" \
    'a node limit above the number of hosts'
expect_bad "$(moe 'top_k = 2, compute = { attention = "1us", per_tokn = "1ns" }')" \
    "moe: compute: unknown field 'per_tokn' (expected one of: attention, per_token)" 'an unknown compute field'
expect_bad "$(moe 'top_k = 2, experts_per_host = 2')" "moe: unknown field 'experts_per_host'" 'an unknown moe field'
expect_bad "$STAR
w:moe{ hosts = { 1, 2, 9 }, experts = 3, top_k = 1, tokens = 10, hidden = 4 }
$RUN" "bad.lua:3: alltoall 'dispatch': host 9 is not a host of the fabric (hosts are 1..4)" 'moe hosts the fabric lacks'
finish
