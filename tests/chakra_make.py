#!/usr/bin/env python3
"""chakra_make.py - write small Chakra traces for tests/chakra.sh with the
protobuf Python package and the module protoc made from workloads/chakra.proto.

usage: chakra_make.py PB2_DIR OUTDIR
writes, one file per rank, 4 ranks each:
  broadcast.R.et  one BROADCAST of 1 MiB, root 2 (attribute "root")
  reduce.R.et     one REDUCE of 1 MiB, no root given (rank 0)
  gather.R.et     one GATHER of 1 MiB, root 3 (attribute "root_rank")
  scatter.R.et    one SCATTER of 1 MiB, root 1
  pg.R.et         a process_group:init metadata node defining groups "0"
                  (ranks [], every rank), "1" ([0, 1]) and "2" ([2, 3]), as
                  Chakra's PyTorch converter keeps them in inputs.values; an
                  ALL_REDUCE of 1 MiB on group "1" (ranks 0, 1) or "2" (ranks
                  2, 3); then a BROADCAST of 1 MiB on group "0" from root 3
  nogroup.R.et    pg.R.et with rank 2's allreduce on group "1", which does not
                  hold it (a bad trace)
  badroot.R.et    broadcast.R.et with root 4 (a bad trace: 4 ranks)
"""
import os
import sys

sys.path.insert(0, sys.argv[1])
import chakra_pb2 as pb  # noqa: E402  (made by protoc at test time)

OUT = sys.argv[2]
MIB = 1048576
PGS = ('[{"pg_name": "0", "backend_id": 1, "backend_config": "cuda:nccl", "ranks": [], "group_size": 4, '
       '"group_count": 3}, {"pg_name": "1", "backend_id": 2, "backend_config": "cuda:nccl", "ranks": [0, 1], '
       '"group_size": 2, "group_count": 3}, {"pg_name": "2", "backend_id": 3, "backend_config": "cuda:nccl", '
       '"ranks": [2, 3], "group_size": 2, "group_count": 3}]')


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def coll(nid, ctype, size, deps=(), **attrs):
    n = pb.Node(id=nid, name="coll%d" % nid, type=pb.COMM_COLL_NODE, data_deps=list(deps))
    for name, v in (("comm_type", ctype), ("comm_size", size)):
        a = n.attr.add()
        a.name = name
        a.int64_val = v
    for name, v in attrs.items():
        a = n.attr.add()
        a.name = name
        if isinstance(v, str):
            a.string_val = v
        else:
            a.int64_val = v
    return n


def write(name, rank, nodes):
    recs = [pb.GlobalMetadata(version="0.0.4").SerializeToString()] + [n.SerializeToString() for n in nodes]
    with open(os.path.join(OUT, "%s.%d.et" % (name, rank)), "wb") as f:
        for r in recs:
            f.write(varint(len(r)) + r)


def pg_trace(rank, group_of_allreduce):
    meta = pb.Node(id=0, name="## process_group:init ##", type=pb.METADATA_NODE)
    meta.inputs.values = str([PGS])   # the converter writes str() of the JSON node's values
    return [meta, coll(1, pb.ALL_REDUCE, MIB, deps=[0], pg_name=group_of_allreduce),
            coll(2, pb.BROADCAST, MIB, deps=[1], pg_name="0", root_rank=3)]


for r in range(4):
    write("broadcast", r, [coll(1, pb.BROADCAST, MIB, root=2)])
    write("reduce", r, [coll(1, pb.REDUCE, MIB)])
    write("gather", r, [coll(1, pb.GATHER, MIB, root_rank=3)])
    write("scatter", r, [coll(1, pb.SCATTER, MIB, root=1)])
    write("pg", r, pg_trace(r, "1" if r < 2 else "2"))
    write("nogroup", r, pg_trace(r, "1" if r < 3 else "2"))
    write("badroot", r, [coll(1, pb.BROADCAST, MIB, root=4)])
