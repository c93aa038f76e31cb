#!/bin/sh
# netsim_h5.sh - scripts/netsim_h5.py reads every table of a run, joins node
# names, converts times, labels links, returns the metadata and the time
# series; and reads /collectives and /iterations once they have rows.
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the source tree
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas' 2>/dev/null || skip_all 'no pandas for that Python (Debian: python3-pandas)'
plan 4

cp "$SRCDIR/tests/data/sweep.lua" "$T/s.lua"
run -q -o run.h5 s.lua n=3 bytes=200KB
is "$status" 0 'a run of three hosts'

cat >"$T/module.py" <<'PY'
import math, os, shutil, sys
import h5py, numpy as np
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "scripts"))
import netsim_h5

fails = []
def check(cond, what):
    if not cond:
        fails.append(what)

path = sys.argv[1]
with netsim_h5.open(path) as run, h5py.File(path) as f:
    names = run.tables()
    check(names == ["collectives", "iterations", "moe_layers", "ops", "ports", "topology/links", "topology/nodes", "transfers", "workers"],
          "tables: %s" % names)
    decoded = 0
    for name in names:
        df = run.table(name)
        raw = f[name][:]
        check(len(df) == len(raw), "%s: every row" % name)
        check(all(c in df.columns for c in raw.dtype.names), "%s: every column" % name)
        for c in raw.dtype.names:
            if c.endswith("_ps"):
                s = df[c[:-3] + "_s"].to_numpy()
                want = np.where(raw[c] < 0, np.nan, raw[c] * 1e-12)
                check(np.allclose(s, want, equal_nan=True, rtol=0, atol=1e-18), "%s.%s in seconds" % (name, c))
            if raw.dtype[c].kind == "S" and len(df) > 0:   # (empty tables: nothing to decode)
                check(all(isinstance(v, str) for v in df[c]), "%s.%s decoded" % (name, c))
                decoded += 1
        for c, u in df.attrs["units"].items():
            check(c in df.columns, "%s: unit of a column it has (%s)" % (name, c))
        for k, v in f[name].attrs.items():
            check(df.attrs["units"].get(k[5:]) == v, "%s: unit %s" % (name, k))
    check(decoded >= 3, "string columns decoded: %d (nodes, ops, links at least)" % decoded)
    x = run.table("transfers")
    check(len(x) == 3 and list(x["src_name"]) == ["host1", "host2", "host3"]
          and list(x["dst_name"]) == ["host2", "host3", "host1"], "transfer names joined")
    check(np.allclose(x["fct_s"], (x["finish_ps"] - x["start_ps"]) * 1e-12), "fct_s")
    ops = run.table("ops")
    check(set(ops["kind"]) == {"transfer", "compute"} and list(ops["label"][:2]) == ["ring", "step"], "ops decoded")
    check(len(ops) > 0 and all(ops["node_name"] == ["host%d" % n for n in ops["node"]]), "op node names")
    check(np.allclose(ops.loc[ops.kind == "compute", "duration_s"], 5e-6), "compute 5 us")
    links = run.links
    check(links.loc[0, "label"] == "host1->switch" and links.loc[3, "label"] == "switch->host1", "link labels")
    ports = run.table("ports")
    check(list(ports["link_label"]) == list(links["label"]), "port link labels")
    m = run.meta
    check(m["params"] == {"n": "3", "bytes": "200KB", "rate": "100Gbps"}, "params %s" % m["params"])
    check(m["summary"]["transfers"] == 3 and m["summary"]["bytes"] == 600000, "summary")
    check(m["lb"] == "ecmp" and m["seed"] == 1 and isinstance(m["netsim_version"], str), "root attributes")
    check(m["topology"] == {"mtu": 4096, "header": 64} and m["sample_ps"] == 2_000_000, "topology, sample")
    check(run.get("n") == "3" and run.get("lb") == "ecmp" and run.label(["n", "lb"]) == "n=3 lb=ecmp", "get, label")
    ts = run.timeseries()
    check(list(ts.link_bytes.columns) == list(links["label"]) and ts.link_bytes.shape == (len(ts.time_ps), 6),
          "time series labelled by link")
    check(np.array_equal(ts.link_bytes.to_numpy().sum(axis=0), ports["tx_bytes"]), "time series sums")
    u = run.utilisation()
    check(u.shape == (len(ts.time_ps) - 1, 6) and u.to_numpy().max() <= 1 + 1e-9
          and abs(u.to_numpy().max() - 1) < 1e-9, "utilisation in [0, 1], reaching 1")
    sub = run.timeseries(links=[4, 1])
    check(sub.links == [1, 4] and list(sub.queue_bytes.columns) == ["host2->switch", "switch->host2"], "subset")

# the same file with /collectives and /iterations filled, as the workloads
# that build them write them
filled = path.replace(".h5", "-filled.h5")
shutil.copy(path, filled)
with h5py.File(filled, "r+") as f:
    for name, rows in (("collectives", [(0, b"allreduce", b"ring", 3, 1000, 10, 110, 50, 0),
                                        (1, b"alltoall", b"direct", 3, 64, 200, -1, 40, 0)]),
                       ("iterations", [(1, 1, 0, 100, 30, 500, 0), (1, 2, 100, -1, -1, 0, 0)])):
        dt, attrs = f[name].dtype, dict(f[name].attrs)
        del f[name]
        ds = f.create_dataset(name, data=np.array(rows, dtype=dt))
        for k, v in attrs.items():
            ds.attrs[k] = v
with netsim_h5.open(filled) as run:
    c = run.table("collectives")
    check(list(c["kind"]) == ["allreduce", "alltoall"] and list(c["algorithm"]) == ["ring", "direct"], "coll names")
    check(math.isclose(c["duration_s"][0], 100e-12) and math.isclose(c["vs_lower_bound"][0], 2.0), "coll times")
    check(math.isnan(c["finish_s"][1]) and math.isnan(c["vs_lower_bound"][1]), "unfinished collective: NaN")
    it = run.table("iterations")
    check(math.isclose(it["blocked_s"][0], 30e-12) and math.isclose(it["duration_s"][0], 100e-12), "step times")
    check(math.isnan(it["finish_s"][1]) and math.isnan(it["blocked_s"][1]), "unfinished step: NaN")

for w in fails:
    print("# failed:", w)
sys.exit(1 if fails else 0)
PY
SRCDIR="$SRCDIR" "$PY" "$T/module.py" "$T/run.h5"
ok $? 'every table, the metadata and the time series read as the file says'

# a run stopped early: times that never happened are NaN
cat >"$T/cut.lua" <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local t = w:transfer{ src = 1, dst = 2, bytes = "10MB" }
w:compute{ node = 2, duration = "1us", after = { t } }
netsim.run{ fabric = fab, workload = w, ["until"] = "10us" }
LUA
run -q -o cut.h5 cut.lua
SRCDIR="$SRCDIR" "$PY" - "$T/cut.h5" <<'PY'
import os, sys, math
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "scripts"))
import netsim_h5
run = netsim_h5.open(sys.argv[1])
x, o = run.table("transfers"), run.table("ops")
assert x["start_s"][0] == 0 and math.isnan(x["finish_s"][0]) and math.isnan(x["fct_s"][0])
assert math.isnan(o["start_s"][1]) and run.timeseries() is None and run.utilisation() is None
assert run.meta["completed"] == 0 and run.meta["sample_ps"] is None
PY
ok $? 'a stopped run: never = NaN, no time series = None'
"$PY" -c "import sys; sys.path.insert(0, '$SRCDIR/scripts'); import netsim_h5; help(netsim_h5)" >"$T/help" 2>&1
grep -q 'times in s' "$T/help"; ok $? 'the module documents itself'
finish
