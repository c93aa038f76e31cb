#!/bin/sh
# scenarios.sh - run every tests/lua/*.lua scenario (each asserts its own
# numbers, computed by hand in the scenario) and every example, whose
# transfers and bytes are checked against the counts computed by hand below.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
set -- "$SRCDIR"/tests/lua/*.lua
examples=$(ls "$SRCDIR"/scripts/examples/*.lua)
# example -> "transfers bytes", by hand from the example's default parameters
expected() {
    case $1 in
    # rank 0 of a real trace replicated over 4 ranks: its 5 allreduce nodes
    # (102,228,128 bytes of comm_size in all, read from the trace with the
    # protobuf package in tests/chakra.sh) as 4-rank rings: 5 x 24 transfers,
    # 2 (n - 1) = 6 x 102,228,128 bytes; its 2 broadcast nodes (212,480 and
    # 424 bytes) as 4-rank chains: 2 x 3 transfers, 3 x 212,904 bytes
    chakra.lua) echo "126 614007480" ;;
    # a ring allreduce of 16 MB over 8 hosts: 2 (n - 1) steps of n transfers,
    # each rank sending 2 (n - 1) / n x 16 MB
    allreduce.lua) echo "112 224000000" ;;
    # streaming DiLoCo, 2 workers, 2 outer steps x 4 fragments, each a 2-rank
    # ring allreduce (4 transfers); 50M params x 2 B, sent once each way per outer step
    diloco.lua) echo "32 400000000" ;;
    # 16 hosts, each sending 2 MB to its neighbour on the next leaf
    leafspine.lua) echo "16 32000000" ;;
    # 8 hosts, 2 layers forward and backward, a dispatch and a combine all-to-all
    # each (n (n - 1) transfers): 4 x 2 x 56; the bytes depend on the routing draws
    moe.lua) echo "448 -" ;;
    # 8 hosts, each sending 16 MB to the next
    quickstart.lua) echo "8 128000000" ;;
    # 32 servers of 8 GPUs, 64 MB: reduce-scatter and allgather in each server (7 steps x 8
    # transfers of 8 MB each) and a 32-rank ring allreduce of 8 MB per rail (2 x 31 steps x 32
    # transfers of 250 KB): 2 x 32 x 56 + 8 x 1,984 transfers, 2 x 14.336 GB + 3.968 GB
    rails.lua) echo "19456 32640000000" ;;
    # 64 hosts, each sending 4 MB across the fabric
    spray-vs-ecmp.lua) echo "64 256000000" ;;
    # 16 tp pairs x 2 layers x 4 micro-batches x 4 allreduces of 2 MiB (4 transfers, 4 MiB each);
    # 192 activation and gradient sends of 1 MiB; 8 DDP buckets of 24 MiB over 4 replicas
    # (24 transfers, 6 x 24 MiB each)
    training.lua) echo "2432 3556769792" ;;
    *) echo "" ;;
    esac
}
plan $(( $# + 2 * $(echo "$examples" | wc -l) ))
for f in "$@"; do
    run -q "$f"
    is "$status" 0 "tests/lua/$(basename "$f")"
    [ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
done
for f in $examples; do
    name=$(basename "$f")
    run --json "$f"
    is "$status" 0 "scripts/examples/$name"
    [ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
    want=$(expected "$name")
    got=$(/usr/bin/python3 -c 'import json,sys
d = json.loads(open(sys.argv[1]).read())
print(d["transfers"], d["bytes"] if sys.argv[2] != "-" else "-")' "$T/out" "${want#* }" 2>/dev/null)
    if [ -z "$want" ]; then
        ok 1 "scripts/examples/$name: no expected counts written in tests/scenarios.sh"
    else
        is "$got" "$want" "scripts/examples/$name: transfers and bytes as computed by hand ($want)"
    fi
done
finish
