#!/bin/sh
# h5_chunks.sh - tables of many chunks (sim/output/zchunks.c shuffles and
# deflates a batch of 4 on the machine's cores; h5out.c writes them whole):
# 70,000 transfers are 18 chunks of 4,096 rows in five batches, the last
# one partial. h5py (HDF5's own filters) reads every row back as the
# scenario made it; each stored chunk is zlib's level-1 stream of its rows
# shuffled as HDF5 shuffles them (byte j of row i at j x 4,096 + i; the
# rows past the end zeros, HDF5's fill value); and the file's chunks are the
# same bytes on one core (taskset) as on all of them.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 6

scenario chunks.lua <<'LUA'
local n = param("n", 70000)
local fab = netsim.star{ hosts = 64, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
for i = 0, n - 1 do
  local a = i % 64
  local b = (a + 1 + (i // 64) % 63) % 64
  w:transfer{ src = a + 1, dst = b + 1, bytes = "64KB", label = "t" }
end
netsim.run{ fabric = fab, workload = w, model = "flow" }
LUA
run_to all.h5 chunks.lua
if command -v taskset >/dev/null 2>&1; then
    ( cd "$T" && taskset -c 0 "$NETSIM" -q -o one.h5 chunks.lua ) >"$T/out" 2>"$T/err"
    is "$?" 0 'the same run on one core (taskset -c 0)'
else
    cp "$T/all.h5" "$T/one.h5"
    ok 0 '# skip: no taskset (the comparison below is of one file with itself)'
fi

"$PY" - "$T/all.h5" "$T/one.h5" >"$T/py" 2>&1 <<'PY'
import sys, zlib
import h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
n = 70000
t, o = a["transfers"][:], a["ops"][:]
i = np.arange(n)
src = i % 64 + 1
dst = (i % 64 + 1 + (i // 64) % 63) % 64 + 1
rows = (len(t) == n and (t["id"] == i).all() and (t["op"] == i).all() and (t["src"] == src).all()
        and (t["dst"] == dst).all() and (t["bytes"] == t["bytes"][0]).all() and t["bytes"][0] > 0
        and (t["finish_ps"] > t["start_ps"]).all()
        and len(o) == n and (o["id"] == i).all() and (o["node"] == src).all()
        and (o["kind"] == b"transfer").all() and (o["label"] == b"t").all())
print("rows", "ok" if rows else "bad")
layout = all(a[d].chunks == (4096,) and a[d].shuffle and a[d].compression == "gzip"
             and a[d].compression_opts == 1 for d in ("transfers", "ops"))
print("layout", "ok" if layout else "bad")
streams, same, nchunks = True, True, 0
for d in ("transfers", "ops"):
    ds, row = a[d], a[d].dtype.itemsize
    for k in range(0, n, 4096):
        mask, raw = ds.id.read_direct_chunk((k,))
        mask1, raw1 = b[d].id.read_direct_chunk((k,))
        shuffled = zlib.decompress(raw)
        rows_ = np.frombuffer(shuffled, dtype=np.uint8).reshape(row, 4096).T.tobytes()   # unshuffled
        m = min(4096, n - k)
        tail = rows_[m * row:]
        streams &= (mask == 0 and len(shuffled) == 4096 * row and zlib.compress(shuffled, 1) == raw
                    and rows_[:m * row] == ds[k:k + m].tobytes() and tail.count(0) == len(tail))
        same &= mask1 == mask and raw1 == raw
        nchunks += 1
print("streams", "ok" if streams else "bad", nchunks)
print("cores", "ok" if same else "bad")
PY
sed 's/^/# /' "$T/py"
grep -q '^rows ok' "$T/py"; ok $? '/transfers and /ops: 70,000 rows, each as the scenario made it'
grep -q '^layout ok' "$T/py"; ok $? 'chunks of 4,096 rows, shuffled, deflate level 1'
grep -q '^streams ok 36$' "$T/py"; ok $? "the 36 chunks of the two tables: zlib's level-1 stream of their rows shuffled as HDF5 does, zeros past the end"
grep -q '^cores ok' "$T/py"; ok $? 'one core and all of them store the same chunk bytes'
finish
