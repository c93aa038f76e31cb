"""analyze.py RUNDIR - the tables of results/ethereal from the sweeps' results.csv:
the AllReduce time (makespan) per algorithm, size, transport and fault, for
each policy, and how much longer spraying and REPS take than Ethereal."""
import csv
import glob
import os
import sys

rows = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "results.csv"))):
    rows += list(csv.DictReader(open(f)))
key = lambda r: (r["algorithm"], r["bytes"], r["transport"], r["fault"])
cells = {}
for r in rows:
    cells.setdefault(key(r), {})[r["lb"]] = float(r["makespan"]) * 1e3
order = {"16MB": 0, "64MB": 1, "1MB": -1}
print("| algorithm | size | transport | fault | ECMP (ms) | spray (ms) | REPS (ms) | Ethereal (ms) | spray / Ethereal | REPS / Ethereal |")
print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
for k in sorted(cells, key=lambda k: (k[0], order.get(k[1], 9), k[2], ["none", "failed", "degraded"].index(k[3]))):
    c = cells[k]
    fmt = lambda lb: "%.3f" % c[lb] if lb in c else "-"
    ratio = lambda lb: "%.2f" % (c[lb] / c["ethereal"]) if lb in c and "ethereal" in c else "-"
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (k + tuple(fmt(lb) for lb in ("ecmp", "spray", "reps", "ethereal"))
                                                       + (ratio("spray"), ratio("reps"))))
