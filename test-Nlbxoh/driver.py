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
