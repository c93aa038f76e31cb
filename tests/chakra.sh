#!/bin/sh
# chakra.sh - w:chakra (workloads/chakra.c): every trace of tests/data/chakra
# loads, with the node, dependency and byte counts that the protobuf Python
# package reads from the same .proto; each single-collective trace takes the
# time of the Lua-built collective within 1 % (packet and flow model); bad
# traces exit 2 naming the file, the byte offset and what was expected.
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
plan 67

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
finish
