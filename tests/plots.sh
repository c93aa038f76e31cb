#!/bin/sh
# plots.sh - scripts/netsim-plot draws every figure, as a valid PNG, for each
# example scenario (scripts/examples/*.lua) and for a test scenario; it
# compares runs, plots a sweep table and a per-worker timeline. The figures
# are drawn in one Python process (netsim-plot loaded as a module, to keep
# the test fast), and once through the command itself.
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the source tree
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas, matplotlib' 2>/dev/null || skip_all 'no pandas or matplotlib (Debian: python3-pandas python3-matplotlib)'
export NETSIM_PYTHON="$PY" MPLCONFIGDIR="$T/mpl"
PLOT="$SRCDIR/scripts/netsim-plot"

# png FILE: exists, is not empty, starts with the PNG signature
png() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

# each example runs in a folder of its own and writes the file(s) it names
runs=""
for s in "$SRCDIR"/scripts/examples/*.lua "$SRCDIR/tests/data/sweep.lua"; do
    b=$(basename "$s" .lua)
    mkdir "$T/ex-$b"
    ( cd "$T/ex-$b" && "$NETSIM" -q "$s" ) >"$T/ex-$b.out" 2>&1
    st=$?
    files=$(cd "$T" && ls ex-"$b"/*.h5 2>/dev/null)
    [ $st -eq 0 ] && [ -n "$files" ]
    ok $? "$b: runs"
    runs="$runs $files"
done
# and a run without time series (no sample=): util and queue must say so
mkdir "$T/ex-nosample"
cat >"$T/ex-nosample/nosample.lua" <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local t = w:transfer{ src = 1, dst = 2, bytes = "100KB" }
w:compute{ node = 2, duration = "1us", after = { t } }
netsim.run{ fabric = fab, workload = w }
LUA
( cd "$T/ex-nosample" && "$NETSIM" -q nosample.lua ) && test -s "$T/ex-nosample/nosample.h5"
ok $? 'a run without time series'
runs="$runs ex-nosample/nosample.h5"
cp "$SRCDIR/tests/data/sweep.lua" "$T/s.lua"
run -q -o a.h5 s.lua bytes=100KB
run -q -o b.h5 s.lua bytes=300KB
is "$status" 0 'two runs to compare'

# a sweep table (as netsim-sweep writes it)
cat >"$T/results.csv" <<'CSV'
lb,subflows,seed,point,makespan,fct_p99
ecmp,1,1,a,0.0020,0.0015
ecmp,1,2,b,0.0022,0.0016
ecmp,4,1,c,0.0014,0.0011
ecmp,4,2,d,0.0015,0.0012
spray,1,1,e,0.0012,0.0010
spray,1,2,f,0.0012,0.0010
spray,4,1,g,0.0012,0.0010
spray,4,2,h,0.0012,0.0010
CSV
# a run whose /iterations has rows, as training workloads write them
cp "$T/a.h5" "$T/w.h5"

"$PY" - "$T/w.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    dt = f["iterations"].dtype
    del f["iterations"]
    rows = [(w, s, (s - 1) * 1000000, s * 1000000, 300000 * (w == 2), 0) for w in (1, 2) for s in (1, 2, 3)]
    f.create_dataset("iterations", data=np.array(rows, dtype=dt))
PY

cat >"$T/driver.py" <<'PY'
import importlib.machinery, importlib.util, io, os, sys, contextlib
import h5py

path = sys.argv[1]
loader = importlib.machinery.SourceFileLoader("netsim_plot", path)
plot = importlib.util.module_from_spec(importlib.util.spec_from_loader("netsim_plot", loader))
loader.exec_module(plot)
import netsim_h5

def png(p):
    try:
        with open(p, "rb") as f:
            return f.read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(p) > 1000
    except OSError:
        return False

def call(*argv):
    """run netsim-plot with argv; (exit message or None, output)"""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            plot.main(list(argv))
    except SystemExit as e:
        return str(e.code), out.getvalue()
    return None, out.getvalue()

def report(cond, what):
    print("%d %s" % (0 if cond else 1, what))

for run in sys.argv[2:]:
    b = run[:-3]
    b_name = os.path.basename(os.path.dirname(run))[3:] + "/" + os.path.basename(b)
    has_ts = "timeseries" in h5py.File(run)
    for c in ("fct", "gantt", "util", "queue"):
        err, _ = call(c, run, "-o", "%s-%s.png" % (b, c))
        if c in ("util", "queue") and not has_ts:
            report(err and "has no time series" in err and not os.path.exists("%s-%s.png" % (b, c)),
                   "%s: %s says the run has no time series" % (b_name, c))
        else:
            report(err is None and png("%s-%s.png" % (b, c)), "%s: netsim-plot %s writes a PNG %s" % (b_name, c, err or ""))
err, _ = call("compare", "a.h5", "b.h5", "-o", "cmp.png")
report(err is None and png("cmp.png"), "compare: two runs")
err, _ = call("fct", "a.h5", "b.h5", "-o", "fct2.png")
report(err is None and png("fct2.png"), "fct: two runs")
runs = [netsim_h5.open(p) for p in ("a.h5", "b.h5")]
report(netsim_h5.differing_keys(runs) == ["bytes"]
       and plot.run_labels(runs, None) == ["bytes=100KB", "bytes=300KB"]
       and plot.run_labels(runs, "lb,bytes") == ["lb=ecmp bytes=100KB", "lb=ecmp bytes=300KB"],
       "runs are labelled by the parameter that differs, or as asked")
err, _ = call("sweep", "results.csv", "--x", "subflows", "--y", "fct_p99", "--by", "lb", "--logx", "-o", "sweep.png")
report(err is None and png("sweep.png"), "sweep: a summary number against a parameter, one line per lb")
err, _ = call("sweep", "results.csv", "--x", "nosuch", "-o", "bad.png")
report(err and "column 'nosuch' is not in" in err and not os.path.exists("bad.png"), "sweep: unknown column, clear error")
err, _ = call("gantt", "w.h5", "-o", "workers.png")
report(err is None and png("workers.png"), "gantt draws training steps per worker when /iterations has rows")
err, _ = call("gantt", "w.h5", "--by", "host", "-o", "hosts.png")
report(err is None and png("hosts.png"), "gantt --by host on the same run")
err, _ = call("util", "a.h5", "--links", "host", "--top", "2", "-o", "top.png")
report(err is None and png("top.png"), "util of the 2 busiest host links")
err, _ = call("util", "nosuch.h5", "-o", "x.png")
report(err and err.startswith("netsim-plot:") and "\n" not in err.strip(), "a missing file is a one-line error")
# figure texts: titles, labels with units, legends
import matplotlib.pyplot as plt
captured = []
real_save = plot.save
plot.save = lambda fig, p: (captured.append(fig), real_save(fig, p))
call("all", "a.h5", "-o", "all")
texts = []
for fig in captured:
    for ax in fig.axes:
        texts.append((ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), ax.get_legend() is not None))
report(len(captured) == 4 and all(png("all-%s.png" % c) for c in ("fct", "util", "queue", "gantt")),
       "all: four figures")
main_axes = [t for t in texts if t[1]]
bad = [t for t in main_axes if not (t[0] and "(" in t[1])]
report(len(main_axes) == 4 and not bad, "every figure has a title and an x label with a unit %s" % (bad or ""))
err, out = call("--help")
report(err == "0" and "heat map" in out, "netsim-plot --help")
PY
( cd "$T" && "$PY" driver.py "$PLOT" $runs ) >"$T/driver.out" 2>"$T/driver.err"
st=$?
while read -r s msg; do ok "$s" "$msg"; done <"$T/driver.out"
ok $st 'the figures were drawn without error'
[ $st -eq 0 ] || sed 's/^/# /' "$T/driver.err"

# the command itself: the sh wrapper finds a Python and runs
( cd "$T" && "$PLOT" all a.h5 -o cli ) >"$T/cli.out" 2>&1 && png "$T/cli-fct.png" && png "$T/cli-gantt.png"
ok $? 'netsim-plot all, run as a command'
plan $_n
finish
