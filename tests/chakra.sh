#!/bin/sh
# chakra.sh - w:chakra (workloads/chakra.c): every trace of tests/data/chakra
# loads, with the node, dependency and byte counts that the protobuf Python
# package reads from the same .proto, and per collective kind the nodes and
# bytes that /collectives holds; each single-collective trace (the shared
# ones, and broadcast, reduce, gather, scatter ones that tests/chakra_make.py
# writes) takes the time of the Lua-built collective within 1 % (packet and
# flow model); process groups from a process_group:init node run over their
# ranks; bad traces exit 2 naming the file, the byte offset and what was
# expected.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

PB=""
for p in "${PYTHON:-}" /usr/bin/python3 python3; do
    [ -n "$p" ] && [ "$p" != false ] && "$p" -c 'import google.protobuf' 2>/dev/null && { PB=$p; break; }
done
[ -n "$PB" ] || skip_all "no Python with the protobuf package (Debian: python3-protobuf)"
command -v protoc >/dev/null 2>&1 || skip_all "no protoc (Debian: protobuf-compiler)"
protoc -I "$SRCDIR/workloads" --python_out="$T" "$SRCDIR/workloads/chakra.proto" ||
    skip_all "protoc cannot compile workloads/chakra.proto"

D=$SRCDIR/tests/data/chakra
plan 103

# per collective kind: the collective nodes (with comm_size) and their bytes
# as /collectives has them: each row is `ranks` nodes of `bytes` each (an
# alltoall's bytes column is the largest pair, comm_size / ranks)
h5kinds() {   # FILE.h5: prints "kind nodes bytes" per kind, in name order
    $PB - "$1" <<'EOS'
import sys, h5py
k = {}
for r in h5py.File(sys.argv[1])['collectives'][:]:
    kind, n, b = r['kind'].decode(), int(r['ranks']), int(r['bytes'])
    e = k.setdefault(kind, [0, 0])
    e[0] += n
    e[1] += b * n * (n if kind == 'alltoall' else 1)
for kind in sorted(k):
    print(kind, k[kind][0], k[kind][1])
EOS
}

# the single collectives: counts, then the time against the Lua-built collective
for kind in all_reduce all_gather reduce_scatter all_to_all; do
    for n in 4 8; do
        dir=$D/micro/$kind/${n}npus_1MB
        files=$(i=0; while [ $i -lt $n ]; do printf '%s ' "$dir/$kind.$i.et"; i=$((i + 1)); done)
        want=$($PB "$SRCDIR/tests/chakra_check.py" "$T" $files) || want="chakra_check.py failed"
        case $kind in
            all_reduce) lua="w:allreduce{ hosts = fab:hosts(), bytes = 1048576 }" ;;
            all_gather) lua="w:allgather{ hosts = fab:hosts(), bytes = 1048576 }" ;;
            reduce_scatter) lua="w:reducescatter{ hosts = fab:hosts(), bytes = 1048576 }" ;;
            all_to_all) lua="w:alltoall{ hosts = fab:hosts(), bytes = 1048576 // $n }" ;;
        esac
        scenario c.lua <<EOS
local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = $((n / 2)),
    host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local function trace()
    local w = netsim.workload()
    local _, info = w:chakra{ files = "$dir/$kind.%d.et", ranks = $n, hosts = fab:hosts() }
    return w, info
end
local function lua()
    local w = netsim.workload()
    $lua
    return w
end
local w, info = trace()
print("counts", info.nodes, info.deps, info.bytes)
for _, model in ipairs{ "packet", "flow" } do
    local a = netsim.run{ fabric = fab, workload = w, model = model, output = "a-" .. model .. ".h5" }.makespan
    local b = netsim.run{ fabric = fab, workload = lua(), model = model, output = "b-" .. model .. ".h5" }.makespan
    print("time", model, a, b, math.abs(a - b) / b)
end
EOS
        run -q c.lua
        is "$status" 0 "$kind $n ranks: loads and runs ($(head -c 200 "$T/err"))"
        is "$(grep '^counts' "$T/out" | cut -f2- | tr '\t' ' ')" "$want" "$kind $n ranks: nodes, deps, bytes as protobuf reads them ($want)"
        for model in packet flow; do
            line=$(grep "^time	$model" "$T/out")
            echo "# $kind $n ranks $model: chakra, lua, relative difference: $(echo "$line" | cut -f3-)"
            awk -v r="$(echo "$line" | cut -f5)" 'BEGIN { exit !(r != "" && r <= 0.01) }'
            ok $? "$kind $n ranks, $model model: within 1 % of the Lua-built collective"
        done
    done
done

# the real trace: rank 0 replicated over 4 ranks, repaired
want=$($PB "$SRCDIR/tests/chakra_check.py" "$T" "$D/real/chakra.0.et") || want="chakra_check.py failed"
scenario r.lua <<EOS
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local _, info = w:chakra{ files = "$D/real/chakra.0.et", replicate = true, ranks = 4, hosts = fab:hosts(),
                          repair = true }
print("counts", info.nodes // 4, info.deps // 4, info.bytes // 4, info.nodes % 4, info.deps % 4, info.bytes % 4)
print("makespan", netsim.run{ fabric = fab, workload = w, output = "r.h5" }.makespan)
EOS
run -q r.lua
wantk=$($PB "$SRCDIR/tests/chakra_check.py" "$T" --kinds "$D/real/chakra.0.et" "$D/real/chakra.0.et" \
        "$D/real/chakra.0.et" "$D/real/chakra.0.et" | tr '\n' ' ')
got=$(h5kinds "$T/r.h5" | tr '\n' ' ')
[ "$got" = "$wantk" ] && case $wantk in allreduce*broadcast*) true ;; *) false ;; esac
ok $? "real trace, 4 ranks: collective nodes and bytes per kind, as protobuf reads them ($wantk; netsim: $got)"

is "$status" 0 "real trace: loads and runs with repair = true ($(head -c 200 "$T/err"))"
is "$(grep '^counts' "$T/out" | cut -f2- | tr '\t' ' ')" "$want 0 0 0" \
    "real trace: per rank nodes, deps, bytes as protobuf reads them ($want)"
grep -q "warning: .*chakra: [0-9]* dependencies on missing nodes" "$T/err"
ok $? "real trace: the dropped dependencies are counted in a warning"
grep -q "warning: .*chakra: [0-9]* collective nodes without comm_size" "$T/err"
ok $? "real trace: collectives netsim does not model are counted in a warning"
awk '/^makespan/ { exit !($2 > 0.01) }' "$T/out"
ok $? "real trace: the makespan is that of its compute (over 10 ms)"

# point-to-point: rank 0 computes 10 us and sends 1 MB (tag 7) to rank 1, which
# receives, computes 20 us, then reaches a storage node (with an unknown attribute)
want=$($PB "$SRCDIR/tests/chakra_check.py" "$T" "$D/p2p/p2p.0.et" "$D/p2p/p2p.1.et") || want="chakra_check.py failed"
scenario p.lua <<EOS
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local _, info = w:chakra{ files = "$D/p2p/p2p.%d.et", ranks = 2, hosts = fab:hosts() }
print("counts", info.nodes, info.deps, info.bytes)
local a = netsim.run{ fabric = fab, workload = w, output = "p1.h5" }.makespan
local v = netsim.workload()
local c = v:compute{ node = 1, duration = "10us" }
local t = v:transfer{ src = 1, dst = 2, bytes = 1048576, after = c }
v:compute{ node = 2, duration = "20us", after = t }
local b = netsim.run{ fabric = fab, workload = v, output = "p2.h5" }.makespan
print("time", a, b, math.abs(a - b) / b)
EOS
run -q p.lua
is "$status" 0 "send/recv: loads and runs"
is "$(grep '^counts' "$T/out" | cut -f2- | tr '\t' ' ')" "$want" "send/recv: nodes, deps, bytes as protobuf reads them ($want)"
echo "# send/recv: chakra, lua, relative difference: $(grep '^time' "$T/out" | cut -f2-)"
awk '/^time/ { exit !($4 <= 0.001) }' "$T/out"
ok $? "send/recv: the time of compute, transfer, compute built in Lua"
grep -q "warning: .*chakra: 1 nodes of a type netsim does not model" "$T/err"
ok $? "send/recv: the storage node is counted in a warning"
grep -q "warning: .*chakra: 1 attributes netsim does not know" "$T/err"
ok $? "send/recv: the unknown attribute is counted in a warning"

# bad traces: exit 2, the file, the byte offset, what was expected
bad_trace() {   # FILE EXTRA-FIELDS PATTERN DESCRIPTION: lib.sh's expect_bad on a w:chakra of FILE
    expect_bad "local w = netsim.workload()
w:chakra{ files = { \"$1\" }, hosts = { 1 } $2 }" "$3" "$4"
}
bad_trace "$D/bad/truncated.et" "" "bad.lua:2: chakra: .*truncated.et: byte 8: truncated Node record (expected 8 bytes, the file has 3 left)" "truncated"
bad_trace "$D/bad/bad_varint.et" "" "bad_varint.et: byte 1: bad varint length prefix" "bad varint"
bad_trace "$D/bad/missing_dep.et" "" "missing_dep.et: byte 8: node 2 depends on node 7, which the file does not hold" "dependency on a missing node"
bad_trace "$D/bad/cycle.et" "" "cycle.et: byte 1: node 1 is on a dependency cycle" "cycle"
bad_trace "$D/real/chakra.0.et" "" "chakra.0.et: byte [0-9]*: node [0-9]* depends on node [0-9]*, which the file does not hold .*repair = true" "real trace without repair"
bad_trace "$D/nosuch.et" "" "chakra: cannot open '.*nosuch.et'" "a missing file"
# a collective naming a process group: run over all ranks, with a warning
$PB - "$T" "$T/pg.et" <<'EOS'
import sys
sys.path.insert(0, sys.argv[1])
import chakra_pb2 as pb
m = pb.GlobalMetadata(version="0.0.4").SerializeToString()
n = pb.Node(id=1, name="allreduce", type=pb.COMM_COLL_NODE)
for name, v in (("comm_type", pb.ALL_REDUCE), ("comm_size", 1048576)):
    a = n.attr.add(); a.name = name; a.int64_val = v
a = n.attr.add(); a.name = "pg_name"; a.string_val = "tp"
b = n.SerializeToString()
open(sys.argv[2], "wb").write(bytes([len(m)]) + m + bytes([len(b)]) + b)
EOS
scenario pg.lua <<EOS
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:chakra{ files = "$T/pg.et", replicate = true, hosts = fab:hosts() }
netsim.run{ fabric = fab, workload = w, output = "pg.h5" }
EOS
run -q pg.lua
is "$status" 0 "process group: runs"
grep -q "warning: .*chakra: 4 collective nodes name a process group (pg_name)" "$T/err"
ok $? "process group: counted in a warning ($(head -c 200 "$T/err"))"

# a receive without its send (tag 8, where rank 0 sends with tag 7)
$PB - "$T" "$D/p2p/p2p.1.et" "$T/unmatched.1.et" <<'EOS'
import sys
sys.path.insert(0, sys.argv[1])
import chakra_pb2 as pb
data = open(sys.argv[2], "rb").read()
out = data[:data[0] + 1]                       # the GlobalMetadata record, kept
n = pb.Node(id=1, name="recv", type=pb.COMM_RECV_NODE)
for name, v in (("comm_src", 0), ("comm_tag", 8), ("comm_size", 1048576)):
    a = n.attr.add(); a.name = name; a.int64_val = v
b = n.SerializeToString()
open(sys.argv[3], "wb").write(out + bytes([len(b)]) + b)
EOS
scenario bad.lua <<EOS
local w = netsim.workload()
w:chakra{ files = { "$D/p2p/p2p.0.et", "$T/unmatched.1.et" }, hosts = { 1, 2 } }
EOS
run bad.lua
is "$status" 2 "unmatched receive: exit status 2"
grep -q "unmatched.1.et: byte [0-9]*: recv node 1 (from rank 0, tag 8) has no matching send" "$T/err"
ok $? "unmatched receive: message names the file, the byte and the node ($(head -c 300 "$T/err"))"
bad_trace "$D/bad/cycle.et" ", algorithm = 'tree'" "chakra: field 'algorithm' must be one of" "unknown algorithm"

# broadcast, reduce, gather, scatter: one collective of 1 MiB over 4 ranks,
# its root from the trace (broadcast 2, reduce none: 0, gather 3, scatter 1),
# against w:broadcast etc. over the same hosts with that root
G=$T/gen
mkdir -p "$G"
$PB "$SRCDIR/tests/chakra_make.py" "$T" "$G" || echo "# chakra_make.py failed"
for kind in broadcast reduce gather scatter; do
    case $kind in
        broadcast) root=3 ;; reduce) root=1 ;; gather) root=4 ;; scatter) root=2 ;;
    esac
    want=$($PB "$SRCDIR/tests/chakra_check.py" "$T" "$G/$kind.0.et" "$G/$kind.1.et" "$G/$kind.2.et" "$G/$kind.3.et") ||
        want="chakra_check.py failed"
    wantk=$($PB "$SRCDIR/tests/chakra_check.py" "$T" --kinds "$G/$kind.0.et" "$G/$kind.1.et" "$G/$kind.2.et" "$G/$kind.3.et")
    scenario k.lua <<EOS
local fab = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2,
    host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
local _, info = w:chakra{ files = "$G/$kind.%d.et", ranks = 4, hosts = fab:hosts() }
print("counts", info.nodes, info.deps, info.bytes)
for _, model in ipairs{ "packet", "flow" } do
    local a = netsim.run{ fabric = fab, workload = w, model = model, output = "k-" .. model .. ".h5" }.makespan
    local v = netsim.workload()
    v:$kind{ hosts = fab:hosts(), bytes = 1048576, root = $root }
    local b = netsim.run{ fabric = fab, workload = v, model = model, output = "l-" .. model .. ".h5" }.makespan
    print("time", model, a, b, math.abs(a - b) / b)
end
EOS
    rm -f "$T"/k-*.h5 "$T"/l-*.h5
    run -q k.lua
    is "$status" 0 "$kind: loads and runs ($(head -c 200 "$T/err"))"
    is "$(grep '^counts' "$T/out" | cut -f2- | tr '\t' ' ')" "$want" "$kind: nodes, deps, bytes as protobuf reads them ($want)"
    got=$(h5kinds "$T/k-packet.h5")
    [ "$got" = "$wantk" ] && [ "$wantk" = "$kind 4 4194304" ]
    ok $? "$kind: one $kind of 4 ranks of 1 MiB in /collectives, as protobuf reads the trace ($wantk; netsim: $got)"
    # the lower bound: what the root's NIC must carry at 100 Gb/s (80 ps a
    # byte): broadcast, reduce 1 MiB; gather, scatter the 3 segments of 256 KiB
    # that are not the root's
    case $kind in broadcast|reduce) lb=$((1048576 * 80)) ;; *) lb=$((3 * 262144 * 80)) ;; esac
    is "$($PB -c "import h5py; print(h5py.File('$T/k-packet.h5')['collectives']['lower_bound_ps'][0])")" "$lb" \
        "$kind: lower_bound_ps, the root's NIC load over its rate ($lb)"
    for model in packet flow; do
        line=$(grep "^time	$model" "$T/out")
        echo "# $kind $model: chakra, lua, relative difference: $(echo "$line" | cut -f3-)"
        awk -v r="$(echo "$line" | cut -f5)" 'BEGIN { exit !(r != "" && r <= 0.01) }'
        ok $? "$kind, $model model: within 1 % of the Lua-built $kind from the trace's root"
    done
done

# process groups: an allreduce on group "1" (ranks 0, 1) and one on group
# "2" (ranks 2, 3) at once, then a broadcast on group "0" (every rank) from
# root 3, as the process_group:init node defines them
want=$($PB "$SRCDIR/tests/chakra_check.py" "$T" --kinds "$G/pg.0.et" "$G/pg.1.et" "$G/pg.2.et" "$G/pg.3.et" | tr '\n' ' ')
scenario g.lua <<EOS
local fab = netsim.star{ hosts = 4, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local _, info = w:chakra{ files = "$G/pg.%d.et", ranks = 4, hosts = fab:hosts() }
print("grouped", info.grouped)
for _, model in ipairs{ "packet", "flow" } do
    local a = netsim.run{ fabric = fab, workload = w, model = model, output = "g-" .. model .. ".h5" }.makespan
    local v = netsim.workload()
    local x = v:allreduce{ hosts = { 1, 2 }, bytes = 1048576 }
    local y = v:allreduce{ hosts = { 3, 4 }, bytes = 1048576 }
    v:broadcast{ hosts = fab:hosts(), bytes = 1048576, root = 4, after = { x, y } }
    local b = netsim.run{ fabric = fab, workload = v, model = model, output = "h-" .. model .. ".h5" }.makespan
    print("time", model, a, b, math.abs(a - b) / b)
end
EOS
run -q g.lua
is "$status" 0 "process groups: load and run ($(head -c 200 "$T/err"))"
! grep -q "warning" "$T/err" && grep -q "^grouped	8$" "$T/out"
ok $? "process groups: all 8 collective nodes naming a group resolved, no warning"
got=$(h5kinds "$T/g-packet.h5" | tr '\n' ' ')
[ "$got" = "$want" ] && [ "$want" = "allreduce 4 4194304 broadcast 4 4194304 " ]
ok $? "process groups: two 2-rank allreduces and one 4-rank broadcast, as protobuf reads the trace ($want; netsim: $got)"
for model in packet flow; do
    line=$(grep "^time	$model" "$T/out")
    echo "# process groups $model: chakra, lua, relative difference: $(echo "$line" | cut -f3-)"
    awk -v r="$(echo "$line" | cut -f5)" 'BEGIN { exit !(r != "" && r <= 0.01) }'
    ok $? "process groups, $model model: within 1 % of the same collectives built in Lua"
done
expect_bad "local w = netsim.workload()
w:chakra{ files = \"$G/nogroup.%d.et\", ranks = 4, hosts = { 1, 2, 3, 4 } }" \
    "nogroup.2.et: byte [0-9]*: collective node 1: process group '1' does not hold rank 2" "a group without the rank"
expect_bad "local w = netsim.workload()
w:chakra{ files = \"$G/badroot.%d.et\", ranks = 4, hosts = { 1, 2, 3, 4 } }" \
    "badroot.0.et: byte 8: collective node 1 (BROADCAST): root 4 is not a rank of its group (expected 0..3)" "a root outside the group"
finish
