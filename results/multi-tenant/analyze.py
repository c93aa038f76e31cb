"""analyze.py RESULTS.csv FIGDIR - the table and the figure of results/multi-tenant.

Each row of RESULTS.csv (scripts/netsim-sweep) is one run of scenario.lua with
--isolation: job1 is the data-parallel job, job2 the MoE job; jobN_slowdown is
its makespan beside the other job over its makespan alone on the same fabric.
Prints tables.md's table (mean over seeds, and the range) and draws
FIGDIR/slowdown.png.
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PLACEMENTS = ["packed", "spread", "random"]
LBS = ["ecmp", "spray", "adaptive"]
JOBS = [("job1", "data parallel (ring allreduce)"), ("job2", "MoE (all-to-all)")]


def main():
    csv, figdir = sys.argv[1], sys.argv[2]
    d = pd.read_csv(csv)
    places = [p for p in PLACEMENTS if p in set(d["placement"])]
    lbs = [lb for lb in LBS if lb in set(d["lb"])]
    g = d.groupby(["placement", "lb"])
    print("| placement | lb | runs | DP slowdown (mean, min-max) | MoE slowdown (mean, min-max) "
          "| DP alone (ms) | MoE alone (ms) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for p in places:
        for lb in lbs:
            if (p, lb) not in g.groups:
                continue
            x = g.get_group((p, lb))
            cells = []
            for j, _ in JOBS:
                s = x[j + "_slowdown"]
                cells.append("%.3f (%.3f-%.3f)" % (s.mean(), s.min(), s.max()))
            print("| %s | %s | %d | %s | %s | %.2f | %.2f |" % (
                p, lb, len(x), cells[0], cells[1], 1e3 * x["job1_alone"].mean(), 1e3 * x["job2_alone"].mean()))
    fig, axes = plt.subplots(1, len(JOBS), figsize=(10, 3.8), sharey=True)
    width = 0.8 / max(len(lbs), 1)
    for ax, (j, title) in zip(axes, JOBS):
        for k, lb in enumerate(lbs):
            means, lo, hi = [], [], []
            for p in places:
                x = d[(d["placement"] == p) & (d["lb"] == lb)][j + "_slowdown"]
                means.append(x.mean())
                lo.append(x.mean() - x.min())
                hi.append(x.max() - x.mean())
            pos = [i + (k - (len(lbs) - 1) / 2) * width for i in range(len(places))]
            ax.bar(pos, means, width, yerr=[lo, hi], capsize=3, label=lb)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(places)))
        ax.set_xticklabels(places)
        ax.set_xlabel("placement (fab:allocate policy)")
        ax.set_title(title)
        ax.set_ylim(bottom=0.9)
    axes[0].set_ylabel("slowdown: makespan beside the other job / alone")
    axes[-1].legend(title="load balancing")
    fig.suptitle("Two jobs on one 256-host leaf-spine (bars: mean over seeds; whiskers: min-max)")
    fig.tight_layout()
    out = os.path.join(figdir, "slowdown.png")
    fig.savefig(out, dpi=120)
    print("\nwrote %s" % out)


if __name__ == "__main__":
    main()
