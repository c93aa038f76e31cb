#!/usr/bin/env python3
"""chakra_check.py - count a Chakra trace's nodes, dependencies and bytes
independently of netsim, with the protobuf Python package and the module
protoc made from workloads/chakra.proto (tests/chakra.sh).

usage: chakra_check.py PB2_DIR FILE...   prints "nodes deps bytes" over the files:
nodes: Node records; deps: ctrl_deps + data_deps entries; bytes: comm_size
summed over send and collective nodes that carry it.
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


def main():
    nodes = deps = nbytes = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            recs = list(records(f.read()))
        meta = pb.GlobalMetadata()
        meta.ParseFromString(recs[0])
        for r in recs[1:]:
            n = pb.Node()
            n.ParseFromString(r)
            nodes += 1
            deps += len(n.ctrl_deps) + len(n.data_deps)
            if n.type in (pb.COMM_SEND_NODE, pb.COMM_COLL_NODE):
                for a in n.attr:
                    if a.name == "comm_size" and a.WhichOneof("value") in INT_FIELDS:
                        nbytes += getattr(a, a.WhichOneof("value"))
    print(nodes, deps, nbytes)


if __name__ == "__main__":
    main()
