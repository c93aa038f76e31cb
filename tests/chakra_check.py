#!/usr/bin/env python3
"""chakra_check.py - count a Chakra trace's nodes, dependencies and bytes
independently of netsim, with the protobuf Python package and the module
protoc made from workloads/chakra.proto (tests/chakra.sh).

usage: chakra_check.py PB2_DIR FILE...   prints "nodes deps bytes" over the files:
nodes: Node records; deps: ctrl_deps + data_deps entries; bytes: comm_size
summed over send and collective nodes that carry it.
       chakra_check.py PB2_DIR --kinds FILE...   prints "kind nodes bytes", a
line per collective kind (netsim's name of its comm_type), in name order:
the collective nodes with comm_size of that type and their comm_size summed.
"""
import sys

sys.path.insert(0, sys.argv[1])
import chakra_pb2 as pb  # noqa: E402  (made by protoc at test time)

INT_FIELDS = ("int32_val", "int64_val", "uint32_val", "uint64_val", "sint32_val", "sint64_val",
              "fixed32_val", "fixed64_val", "sfixed32_val", "sfixed64_val")


def records(data):
    """the length-delimited records of a file, decoding each varint by hand"""
    pos = 0
    while pos < len(data):
        n, shift = 0, 0
        while True:
            b = data[pos]
            pos += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        yield data[pos:pos + n]
        pos += n


KINDS = {pb.ALL_REDUCE: "allreduce", pb.ALL_GATHER: "allgather", pb.REDUCE_SCATTER: "reducescatter",
         pb.ALL_TO_ALL: "alltoall", pb.BROADCAST: "broadcast", pb.REDUCE: "reduce", pb.GATHER: "gather",
         pb.SCATTER: "scatter"}


def main():
    nodes = deps = nbytes = 0
    kinds = {}
    files = sys.argv[2:]
    by_kind = files[:1] == ["--kinds"]
    if by_kind:
        files = files[1:]
    for path in files:
        with open(path, "rb") as f:
            recs = list(records(f.read()))
        meta = pb.GlobalMetadata()
        meta.ParseFromString(recs[0])
        for r in recs[1:]:
            n = pb.Node()
            n.ParseFromString(r)
            nodes += 1
            deps += len(n.ctrl_deps) + len(n.data_deps)
            size, ctype = None, pb.ALL_REDUCE   # comm_type absent is 0 in proto3
            if n.type in (pb.COMM_SEND_NODE, pb.COMM_COLL_NODE):
                for a in n.attr:
                    if a.name == "comm_size" and a.WhichOneof("value") in INT_FIELDS:
                        size = getattr(a, a.WhichOneof("value"))
                        nbytes += size
                    if a.name == "comm_type" and a.WhichOneof("value") in INT_FIELDS:
                        ctype = getattr(a, a.WhichOneof("value"))
            if n.type == pb.COMM_COLL_NODE and size is not None and ctype in KINDS:
                k = kinds.setdefault(KINDS[ctype], [0, 0])
                k[0] += 1
                k[1] += size
    if by_kind:
        for k in sorted(kinds):
            print(k, kinds[k][0], kinds[k][1])
    else:
        print(nodes, deps, nbytes)


if __name__ == "__main__":
    main()
