#!/bin/sh
# estimates.sh - every size that grows memory or output is estimated before
# it is allocated (issue 13, item 10):
#  - the output share of the estimate is what the HDF5 writer holds (a
#    time-series buffer of at most 4 MiB a matrix), and a run's estimate is
#    within 1.5 times its peak RSS;
#  - a fabric whose least run is over --max-memory is refused by its
#    builder before it is built (a 16M-host star within a second);
#  - run{sample=} finer than one mtu packet on the fastest link is refused;
#  - builders whose parameters multiply ops (diloco's outer_steps, moe's
#    layers, a collective's chunks) reserve their task graph first;
#  - igraph's parse of a GraphML file counts against --max-memory.
# Memory refusals exit 1 (as limits.sh), bad input exits 2; no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 39

# expect STATUS PATTERN DESCRIPTION -- ARGS...: status, message, no file, within 2 s
expect() {
    want=$1; pattern=$2; desc=$3; shift 4
    rm -f "$T"/*.h5 "$T"/*.h5.*
    t0=$(date +%s%N)
    run "$@"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    is "$status" "$want" "$desc: exit status $want"
    grep -q -- "$pattern" "$T/err"
    ok $? "$desc: message matches '$pattern' ($(head -c 400 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.h5.* >/dev/null 2>&1
    ok $((! $?)) "$desc: no output file"
    [ "$ms" -lt 2000 ]
    ok $? "$desc: refused in $ms ms (< 2 s)"
}

scenario star.lua <<'LUA'
local n = param("hosts", 4)
local fab = netsim.star{ hosts = n, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "star.h5", sample = param("sample", "10us") }
LUA

# 100,000 hosts: 200,000 links; 4 MiB / (8 B x 200,000) = 2 rows buffered:
# two batches of 4 table chunks of 4,096 x 128 = 524,288 B, their shuffled
# copies and their deflated copies (zlib's bound: 524,288 + 128 + 32 + 13 =
# 524,461 B) + 3 MiB (HDF5's caches) = 15,730,024 B, + 8 x (2 x 2 x 200,000
# + 200,000 + 1 + 2) + 16 = 23,730,064 B (it was 64 rows always: 215.3 MB)
run --check star.lua hosts=100000
grep -q 'output 23.73 MB' "$T/out"
ok $? "a 100,000-host star: output share 23.73 MB ($(grep -o 'output [0-9.]* [kMG]*B' "$T/out"))"
# without a time series: 15,730,024 B
run --check star.lua hosts=100000 sample=0s
grep -q 'output 15.73 MB' "$T/out"
ok $? "without a time series: 15.73 MB ($(grep -o 'output [0-9.]* [kMG]*B' "$T/out"))"

# the estimate against the peak RSS of the run (1.26 measured; the old
# output share made it 3.4)
run --check star.lua hosts=200000
est=$(sed -n 's/^check: memory estimate \([0-9.]*\) MB .*/\1/p' "$T/out")
run --json -q star.lua hosts=200000
rss=$(sed -n 's/.*"peak_rss_bytes": *\([0-9.e+]*\).*/\1/p' "$T/out")
if ldd "$NETSIM" 2>/dev/null | grep -q libasan; then
    # AddressSanitizer's shadow memory and quarantine are not netsim's: no comparison
    ok 0 "a 200,000-host star: estimate against peak RSS # SKIP AddressSanitizer build"
else
    awk -v e="$est" -v r="$rss" 'BEGIN { exit !(e * 1e6 >= r && e * 1e6 <= 1.5 * r) }'
    ok $? "a 200,000-host star: estimate $est MB, peak RSS $rss bytes: within 1 to 1.5 times"
fi

# a star of 16M hosts with 8 GB: 6.4 GB to build (16,000,001 nodes of 60 B,
# 64M link records of 80 B twice, 12 B a host, 8 B a link end), 15.66 GB
# at least to run (+ 64 B a host, 256 B a link, the writer's buffers, the program):
# refused before it is built (it was built for 45 s, then refused by the run)
scenario bigstar.lua <<'LUA'
local fab = netsim.star{ hosts = 16000000, rate = "100Gbps", latency = "1us" }
LUA
expect 1 'bigstar.lua:1: star: this fabric would need about 15.66 GB of memory (16000001 nodes, 16000000 of them hosts, and 16000000 cables: 6.4 GB to build, 15.66 GB at least to run it), more than the 8 GB netsim may use' \
    'a 16M-host star with --max-memory 8GB' -- --max-memory 8GB bigstar.lua

# sample: one packet of 4,096 B at 100 Gbps is 327.68 ns
expect 2 "star.lua:5: run: field 'sample' is 1 ps, shorter than one packet of the mtu (4096 bytes) takes on the fastest link (100 Gbps): give at least 327.7 ns" \
    'sample = 1ps' -- star.lua sample=1ps
run -q -o ok.h5 star.lua sample=328ns
is "$status" 0 'sample = 328ns (just above) runs'

# diloco, 10^6 outer steps of dp over 2 workers of 2 hosts: at least 4 x 2
# compute ops and 2 markers a step, and a sync of 2 allreduces over 2
# ranks, 2 transfers a rank: 18 x 10^6 ops, 8 x 10^6 transfers (it filled
# the memory allowed, then failed)
scenario dl.lua <<'LUA'
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:diloco{ workers = { { 1, 2 }, { 3, 4 } }, params = 1e9, step_time = "1ms", mode = "dp", outer_steps = 1000000 }
LUA
expect 1 'dl.lua:3: diloco: its task graph would need about [0-9.]* GB of memory (18000000 ops, 8000000 of them transfers, and 18000000 dependencies), more than the 1 GB' \
    'diloco with 10^6 outer steps under 1GB' -- --max-memory 1GB dl.lua

# moe, 10^6 layers of 4 hosts: 2 x 12 transfers, 4 x 4 + 6 other ops a layer
scenario moe.lua <<'LUA'
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:moe{ hosts = fab:hosts(), experts = 4, top_k = 1, tokens = 1024, hidden = 1024, layers = 1000000 }
LUA
expect 1 'moe.lua:3: moe: its task graph would need about [0-9.]* GB of memory (46000000 ops, 24000000 of them transfers, and 112000000 dependencies)' \
    'moe with 10^6 layers under 1GB' -- --max-memory 1GB moe.lua

# chunks = 10^6 of a ring allreduce over 8 ranks: 16 transfers a rank a chunk
scenario chunks.lua <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:allreduce{ hosts = fab:hosts(), bytes = "1GB", chunks = 1000000 }
LUA
expect 1 'chunks.lua:3: allreduce: its task graph would need about [0-9.]* GB of memory (128000018 ops, 128000000 of them transfers' \
    'an allreduce in 10^6 chunks under 1GB' -- --max-memory 1GB chunks.lua

# GraphML: a star of 20,000 hosts in 3,098,184 bytes; igraph's parse (up to
# 6 times the file, 18.59 MB) with the program (25.17 MB) is over 30 MB:
# refused before igraph reads it (igraph's memory was not counted at all)
awk 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
  print "<key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>"
  print "<key id=\"rate\" for=\"edge\" attr.name=\"rate\" attr.type=\"string\"/>"
  print "<key id=\"latency\" for=\"edge\" attr.name=\"latency\" attr.type=\"string\"/>"
  print "<graph id=\"g\" edgedefault=\"undirected\">"
  for (i = 0; i < 20000; i++) print "<node id=\"h" i "\"><data key=\"kind\">host</data></node>"
  print "<node id=\"s\"><data key=\"kind\">switch</data></node>"
  for (i = 0; i < 20000; i++) print "<edge source=\"h" i "\" target=\"s\"><data key=\"rate\">100Gbps</data><data key=\"latency\">1us</data></edge>"
  print "</graph>"; print "</graphml>" }' >"$T/g20k.graphml"
is "$(wc -c <"$T/g20k.graphml" | tr -d ' ')" 3098184 'the GraphML file has 3,098,184 bytes'
scenario g.lua <<'LUA'
local fab = netsim.graph{ file = "g20k.graphml" }
LUA
expect 1 "g.lua:1: graph 'g20k.graphml': reading it would need about 4[34].[0-9]* MB of memory (a file of 3.098 MB; igraph holds up to 6 times that while it parses it), more than the 30 MB netsim may use" \
    'a GraphML file of 3.1 MB under 30MB' -- --max-memory 30MB g.lua
run --check --max-memory 100MB g.lua
is "$status" 0 'with 100MB it is read and built'

# background at load 0.9 on 16 hosts of 100 Gbps for 100 s: 1.6e12 bit/s
# x 0.9 x 100 s / 8 over the websearch CDF's mean (1.67 MB): about 10.8
# million flows,
# each a delay, a transfer and two dependencies (it drew them until the
# memory allowed ran out: 3.7 s under 1 GB, minutes under a machine's)
scenario bg.lua <<'LUA'
local fab = netsim.star{ hosts = 16, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:background{ hosts = fab:hosts(), fabric = fab, load = 0.9, sizes = "websearch", ["until"] = param("u", "100s") }
LUA
expect 1 'bg.lua:3: background: its flows would need about [0-9.]* GB of memory (about 108[0-9]* flows expected: load x NIC rates x until / mean size), more than the 1 GB' \
    'background for 100 s under 1GB' -- --max-memory 1GB bg.lua
run --check bg.lua u=1e6s
grep -q 'bg.lua:3: background: about 1.081e+11 flows expected (load x NIC rates x until / mean size), more than 536870911' "$T/err"
ok $? "for 10^6 s: more flows than a workload takes, refused at once ($(head -c 200 "$T/err"))"

# 2^24 leaves x 2^24 spines x 2^16 cables is 2^64 cables: the product
# wrapped to 0 and passed the cable limit (then the memory check counted
# 16777216 cables)
scenario wrap.lua <<'LUA'
local f = netsim.leafspine{ leaves = 16777216, spines = 16777216, links_per_spine = 65536, hosts_per_leaf = 1,
  host_link = { rate = "100Gbps", latency = "1us" } }
LUA
run --check wrap.lua
is "$status" 2 'leaves x spines x links_per_spine = 2^64: exit status 2'
grep -q 'wrap.lua:1: leafspine: 16777216 leaves x 16777216 spines x 65536 links_per_spine is more than 134217728 cables' "$T/err"
ok $? "refused by the cable limit ($(head -c 200 "$T/err"))"
ls "$T"/*.h5 >/dev/null 2>&1
ok $((! $?)) 'no output file'

# PFC: every link gets its ingress state (40 B) and a port scheduler (320
# B): a 1,000-host star has 2,000 links, 720,000 B more in the packet
# model than the same run without PFC
scenario starpfc.lua <<'LUA'
local fab = netsim.star{ hosts = 1000, rate = "100Gbps", latency = "1us",
  switch = { pfc = param("pfc", "on") == "on" and {} or false } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "star.h5", transport = "dcqcn" }
LUA
model() {
    run --check starpfc.lua pfc=$1
    sed -n 's/.*packet model \([0-9.]*\) \([kKMG]*B\) .*/\1 \2/p' "$T/out" |
        awk '{ print $1 * ($2 == "GB" ? 1e9 : $2 == "MB" ? 1e6 : $2 == "kB" || $2 == "KB" ? 1e3 : 1) }'
}
on=$(model on); off=$(model off)
awk -v a="$on" -v b="$off" 'BEGIN { d = a - b - 720000; exit !(d < 1100 && d > -1100) }'
ok $? "PFC adds 2,000 links x 360 B to the packet model ($on - $off B)"
finish
