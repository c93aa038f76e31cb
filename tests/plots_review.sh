#!/bin/sh
# plots_review.sh - netsim-plot's figures read as a design review would:
# util groups links by tier (host->leaf, leaf->spine, ..., WAN) with the
# groups named and counted; gantt says how many hosts it shows of how many
# and draws all with --all; sweep puts sizes on a numeric, logarithmic axis
# labelled as the sweep wrote them; --help says where the PNGs go, and they
# go there. Labels are read back from each PNG's Description text field.
export PYTHONDONTWRITEBYTECODE=1
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas, matplotlib' 2>/dev/null || skip_all 'no pandas or matplotlib for that Python'
export NETSIM_PYTHON="$PY" MPLCONFIGDIR="$T/mpl"
PLOT="$SRCDIR/scripts/netsim-plot"
plan 11

# labels PNG: the figure's labels (JSON in the PNG's text chunks)
labels() {
    "$PY" - "$1" <<'PY'
import json, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, found = 8, None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"tEXt" and body.startswith(b"Description\0"):
        found = body.split(b"\0", 1)[1].decode("latin-1")
    elif kind == b"iTXt" and body.startswith(b"Description\0"):
        rest = body.split(b"\0", 1)[1]
        flag, rest = rest[0], rest[2:]
        rest = rest.split(b"\0", 2)[2]
        found = (zlib.decompress(rest) if flag else rest).decode("utf-8")
    pos += 12 + n
print(json.dumps(json.loads(found)) if found else "NONE")
PY
}

scenario u.lua <<'LUA'
local fab = netsim.multidc{ dcs = 2, dc = { leaves = 2, spines = 2, hosts_per_leaf = 2,
  host_link = { rate = "100Gbps", latency = "1us" }, fabric_link = { rate = "100Gbps", latency = "1us" } },
  wan = { rate = "100Gbps", latency = "100us" } }
local w = netsim.workload()
for h = 1, 8 do w:transfer{ src = h, dst = (h + 3) % 8 + 1, bytes = "1MB" } end
netsim.run{ fabric = fab, workload = w, output = "u.h5", sample = "20us" }
LUA
run -q u.lua
is "$status" 0 'a run on two datacentres, sampled'

( cd "$T" && "$PLOT" util u.h5 -o util.png ) >/dev/null 2>&1
labels "$T/util.png" >"$T/util.json"
"$PY" - "$T/util.json" >"$T/util.txt" <<'PY'
import json, sys
axes = json.load(open(sys.argv[1]))
print("groups", "|".join(next(a for a in axes if a.get("secondary"))["yticklabels"]))
left = axes[0]["yticklabels"]
print("first", left[0], "last", left[-1], "n", len(left))
PY
sed 's/^/# /' "$T/util.txt"
# by hand, 2 datacentres of 2 leaves x 2 spines x 2 hosts: 8 host uplinks,
# 2 x 2 x 2 leaf->spine, 2 x 2 spine->gateway, 2 WAN directions, and back
grep -q '^groups host->leaf (8)|leaf->spine (8)|spine->gateway (4)|WAN (2)|gateway->spine (4)|spine->leaf (8)|leaf->host (8)$' "$T/util.txt"
ok $? 'util: links grouped by tier, in climbing then descending order, each group named and counted'
grep -q '^first host1->leaf1 last leaf4->host8 n 42$' "$T/util.txt"
ok $? 'util: each of the 42 links labelled by name, the first group first'

( cd "$T" && "$PLOT" gantt u.h5 --max-rows 3 -o g3.png && "$PLOT" gantt u.h5 --all -o gall.png ) >/dev/null 2>&1
labels "$T/g3.png" >"$T/g3.json"
labels "$T/gall.png" >"$T/gall.json"
grep -q 'the first 3 of 8 hosts; --all for every one' "$T/g3.json"; ok $? 'gantt: the title says 3 of 8 hosts are shown and how to see all'
"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))[0]; sys.exit(a["yticklabels"] != ["host1","host2","host3"])' "$T/g3.json"
ok $? 'gantt: the 3 shown are the first hosts'
"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))[0]; sys.exit(len(a["yticklabels"]) != 8 or "of 8" in a["title"])' "$T/gall.json"
ok $? 'gantt --all: every host, no note'

printf 'bytes,lb,makespan,point\n4MB,ecmp,0.001,a\n16MB,ecmp,0.004,b\n64MB,ecmp,0.016,c\n4MB,spray,0.0008,d\n16MB,spray,0.003,e\n64MB,spray,0.012,f\n' >"$T/r.csv"
printf 'subflows,makespan,point\n1,0.002,a\n2,0.001,b\n' >"$T/s.csv"
( cd "$T" && "$PLOT" sweep r.csv --x bytes --by lb -o sizes.png && "$PLOT" sweep s.csv --x subflows -o lin.png ) >/dev/null 2>&1
labels "$T/sizes.png" >"$T/sizes.json"
labels "$T/lin.png" >"$T/lin.json"
"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))[0]; print(a["xscale"], a["xlabel"], ",".join(a["xticklabels"]))' "$T/sizes.json" >"$T/sizes.txt"
sed 's/^/# /' "$T/sizes.txt"
is "$(cat "$T/sizes.txt")" 'log bytes (B) 4MB,16MB,64MB' 'sweep: sizes on a log axis in bytes, ticks as the sweep wrote them'
"$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))[0]; print(a["xscale"])' "$T/lin.json" >"$T/lin.txt"
is "$(cat "$T/lin.txt")" linear 'sweep: values 1 and 2 (a factor under 8) stay on a linear axis'
( cd "$T" && "$PLOT" sweep r.csv --x bytes --xscale linear -o forced.png ) >/dev/null 2>&1
labels "$T/forced.png" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["xscale"])' >"$T/forced.txt"
is "$(cat "$T/forced.txt")" linear 'sweep --xscale linear is obeyed'

"$PLOT" --help >"$T/help" 2>&1
grep -q 'into the current' "$T/help"; ok $? '--help says the PNG goes into the current folder by default'
mkdir -p "$T/elsewhere"
( cd "$T/elsewhere" && "$PLOT" util ../u.h5 ) >"$T/where" 2>&1
test -f "$T/elsewhere/u-util.png" && test ! -f "$T/u-util.png" && grep -qx 'u-util.png' "$T/where"
ok $? 'and that is where it goes, under the name it prints'
finish
