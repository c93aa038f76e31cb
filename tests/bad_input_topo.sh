#!/bin/sh
# bad_input_topo.sh - bad fabrics (leafspine, fattree, multidc, graph files)
# give a message naming the file:line, the constructor, the field or the
# graph element, exit status 2, and no output file.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
plan 49

# graphml NAME NODES EDGES: a GraphML file in $T
graphml() {
    cat >"$T/$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="rate" for="edge" attr.name="rate" attr.type="string"/>
  <key id="latency" for="edge" attr.name="latency" attr.type="string"/>
  <graph edgedefault="undirected">
$2
$3
  </graph>
</graphml>
EOF
}
node() { printf '    <node id="%s"><data key="kind">%s</data></node>\n' "$1" "$2"; }
edge() { printf '    <edge source="%s" target="%s"><data key="rate">100Gbps</data><data key="latency">1us</data></edge>\n' "$1" "$2"; }

# a run after the fabric, so that a fabric that wrongly builds would write a file
RUN='local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = 1000 }
netsim.run{ fabric = fab, workload = w }'
LINK='host_link = { rate = "100Gbps", latency = "1us" }'

expect_bad "local fab = netsim.leafspine{ leaves = 2, spines = 0, hosts_per_leaf = 2, $LINK }
$RUN" "bad.lua:1: leafspine: field 'spines' must be >= 1 (got 0)" 'spines = 0'
expect_bad "local fab = netsim.leafspine{ leaves = 2, spine = 2, hosts_per_leaf = 2, $LINK }
$RUN" "bad.lua:1: leafspine: unknown field 'spine'" 'a misspelt leafspine field'
expect_bad "local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2 }
$RUN" "bad.lua:1: leafspine: field 'host_link' is required" 'a leafspine without host_link'
expect_bad "local fab = netsim.fattree{ k = 5, rate = '100Gbps' }
$RUN" "bad.lua:1: fattree: field 'k' must be even (got 5)" 'an odd k'
expect_bad "local fab = netsim.multidc{ dcs = 2, dc = { leaves = 1, spines = 1, hosts_per_leaf = 2, $LINK } }
$RUN" "bad.lua:1: multidc: field 'wan' is required" 'two datacenters without a WAN'
expect_bad "local fab = netsim.multidc{ dcs = 3, wan = { rate = '10Gbps' },
  dc = { { leaves = 1, spines = 1, hosts_per_leaf = 2, $LINK }, { leaves = 1, spines = 1, hosts_per_leaf = 2, $LINK } } }
$RUN" "bad.lua:1: multidc: field 'dcs' is 3 but field 'dc' lists 2 datacenters" 'dcs does not match the list of dc'
expect_bad "local fab = netsim.multidc{ dcs = 2, wan = { rate = '10Gbps' },
  dc = { leaves = 1, spines = 0, hosts_per_leaf = 2, $LINK } }
$RUN" "bad.lua:1: multidc: dc: field 'spines' must be >= 1 (got 0)" 'a datacenter without spines'
expect_bad "local fab = netsim.multidc{ dcs = 2, wan = { rate = '10Gbps' },
  dc = { leaves = 2, spines = 1, hosts_per_leaf = 2, $LINK } }
local h = fab:hosts{ dc = 3 }" "bad.lua:3: hosts: dc 3 does not exist (the fabric has 2 datacenters)" 'a datacenter that does not exist'

graphml missing_rate.graphml "$(node h1 host; node h2 host; node leaf1 switch; node spine2 switch)" \
    "$(edge h1 leaf1; edge h2 leaf1)
    <edge source=\"leaf1\" target=\"spine2\"><data key=\"latency\">1us</data></edge>"
expect_bad "local fab = netsim.graph{ file = 'missing_rate.graphml' }
$RUN" "bad.lua:1: graph 'missing_rate.graphml': edge 3 (leaf1-spine2): missing attribute 'rate'" 'a graph edge without rate'

graphml kind.graphml "$(node h1 host; node h2 host; node r1 router)" "$(edge h1 r1; edge h2 r1)"
expect_bad "local fab = netsim.graph{ file = 'kind.graphml' }
$RUN" "bad.lua:1: graph 'kind.graphml': node 3 (r1): attribute 'kind' must be \"host\" or \"switch\" (got \"router\")" \
    'a graph node of unknown kind'

graphml apart.graphml "$(node h1 host; node h2 host; node h3 host; node s1 switch; node s2 switch)" \
    "$(edge h1 s1; edge h2 s1; edge h3 s2)"
expect_bad "local fab = netsim.graph{ file = 'apart.graphml' }
$RUN" "bad.lua:1: graph 'apart.graphml': host 'h1' cannot reach host 'h3' (no path from switch 's1' to switch 's2')" \
    'a graph whose hosts cannot all reach each other'

graphml twolinks.graphml "$(node h1 host; node h2 host; node s1 switch; node s2 switch)" \
    "$(edge h1 s1; edge h2 s1; edge h1 s2; edge s1 s2)"
expect_bad "local fab = netsim.graph{ file = 'twolinks.graphml' }
$RUN" "bad.lua:1: graph 'twolinks.graphml': host 'h1' has 2 links; a host has exactly one" 'a host with two links'

graphml direct.graphml "$(node h1 host; node h2 host; node h3 host; node s1 switch)" \
    "$(edge h1 h2; edge h3 s1)"
expect_bad "local fab = netsim.graph{ file = 'direct.graphml' }
$RUN" "bad.lua:1: graph 'direct.graphml': host 'h1' is cabled directly to host 'h2'; in a fabric with switches every host must be cabled to a switch" \
    'two hosts cabled to each other beside a switch (was: out of memory)'

expect_bad "local fab = netsim.graph{ file = 'nowhere.graphml' }
$RUN" "bad.lua:1: graph 'nowhere.graphml': cannot open" 'a missing graph file'

printf '<graphml><graph>\n<node id="a">\n</graph>\n' >"$T/broken.graphml"
expect_bad "local fab = netsim.graph{ file = 'broken.graphml' }
$RUN" "bad.lua:1: graph 'broken.graphml': not a GraphML file igraph can read (Line 3" 'a broken GraphML file'

expect_bad "local fab = netsim.graph{ file = 'kind.graphml', rate = '1Gbps' }
$RUN" "bad.lua:1: graph: unknown field 'rate' (expected one of: file, mtu, header, switch, pxn)" 'a misspelt graph field'

# a graph file is found beside the scenario, whatever the current folder
mkdir -p "$T/sub"
graphml sub/ok.graphml "$(node h1 host; node h2 host; node s1 switch)" "$(edge h1 s1; edge h2 s1)"
printf "local fab = netsim.graph{ file = 'ok.graphml' }\nassert(fab.nhosts == 2)\n" >"$T/sub/ok.lua"
run -q sub/ok.lua
is "$status" 0 'a relative graph file is read from the scenario folder'
finish
