#!/usr/bin/python3
"""analyze.py - figures and tables of results/streaming-diloco (see README.md).

usage: analyze.py DIR [--figures FIGDIR]

DIR holds the sweeps of run.sh: main/ (method x model x gbps), latency/
(1 Tbit/s, several WAN latencies), check-flow/ and check-packet/ (the same
points in both models). Prints the tables (Markdown) and writes
utilisation.png, bandwidth_needed.png and latency.png to FIGDIR (default DIR).

Compute utilisation is measured in the steady state, over one period of H
inner steps: steps tau+1 .. tau+H of worker 1 (tau: the overlap), whose
blocking is caused by exactly the syncs that start in steps 1 .. H (dp:
every step; its steps are all alike). (The
summary's compute_utilization, over all steps, leaves out the syncs of the
last tau steps, which no step waits for.)

Each simulated point is also compared with a closed-form model of the same
schedule (the `formula` functions below): a sync of X bytes per worker takes
8 X f / R + 2 L over a WAN of R bit/s (f: the wire bytes per payload byte, L
the path latency; a two-rank ring allreduce is two steps), and blocks as the
schedule says.
"""
import argparse
import math
import os
import sys

import numpy as np
import pandas as pd

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import netsim_h5  # noqa: E402

METHODS = ["dp", "diloco", "streaming", "streaming_overlap", "streaming_4bit"]
LABELS = {"dp": "data-parallel", "diloco": "DiLoCo", "streaming": "Streaming DiLoCo",
          "streaming_overlap": "Streaming DiLoCo + overlap",
          "streaming_4bit": "Streaming DiLoCo + overlap + 4-bit"}
COLORS = {"dp": "tab:red", "diloco": "tab:orange", "streaming": "tab:green",
          "streaming_overlap": "tab:blue", "streaming_4bit": "tab:purple"}
# DiLoCo and Streaming DiLoCo without overlap nearly coincide: a wide pale line under a dashed one
STYLE = {"diloco": dict(lw=4, alpha=0.55), "streaming": dict(lw=1.4, ls="--")}
MODELS = ["1B", "10B", "100B"]
TARGETS = [0.50, 0.80, 0.90, 0.95, 0.99]
# the models of scenario.lua: parameters, layers, step time (s)
SPEC = {"1B": (1e9, 24, 0.1), "10B": (1e10, 48, 0.8), "100B": (1e11, 108, 4.9), "100M": (1e8, 24, 0.01)}
MTU, HEADER = 9000, 64
HOP_LATENCY = 6e-6          # the six 1 us cables of the path besides the WAN
TIME_UNITS = {"ps": 1e-12, "ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    for u in ("ps", "ns", "us", "ms", "s"):
        if text.endswith(u):
            return float(text[:-len(u)]) * TIME_UNITS[u]
    return float(text)


def steady_utilisation(path):
    """compute / wall of worker 1 over steps tau+1 .. tau+H; also the params"""
    with netsim_h5.open(path) as run:
        f, prm = run.file, run.params
        it = pd.DataFrame(f["iterations"][:])
    method = prm["method"]
    it = it[it.worker == 1]
    # by layer a sync blocks the forward of the step after the one it is merged
    # into, not the end of a step: the window starts one step later (dp: every
    # step but the first, which waits for nothing)
    by_layer = str(prm.get("granularity", "step")) == "layer"
    H = len(it) - by_layer if method == "dp" else int(prm["inner_steps"])   # dp: every step (all alike)
    tau = int(prm["overlap"]) if method in ("streaming_overlap", "streaming_4bit") else 0
    it = it[(it.step >= tau + 1 + by_layer) & (it.step <= tau + H + by_layer)]
    if len(it) != H:
        raise SystemExit("%s: expected %d steps in the window, found %d" % (path, H, len(it)))
    wall = (it.finish_ps - it.start_ps).sum()
    return 1.0 - it.blocked_ps.sum() / wall, prm


def load(d):
    """results.csv of a sweep plus the steady-state utilisation of every point"""
    csv = os.path.join(d, "results.csv")
    if not os.path.exists(csv):
        return None
    df = pd.read_csv(csv)
    util, lat = [], []
    for point in df.point:
        u, prm = steady_utilisation(os.path.join(d, point + ".h5"))
        util.append(u)
        lat.append(prm["wan_latency"])
        df.loc[df.point == point, "H"] = int(prm["inner_steps"])
        df.loc[df.point == point, "bpp"] = int(prm["bytes_per_param"])
        df.loc[df.point == point, "qbits"] = int(prm["quant_bits"])
        df.loc[df.point == point, "tau"] = int(prm["overlap"])
        df.loc[df.point == point, "per_frag"] = int(prm["layers_per_fragment"])
        df.loc[df.point == point, "outer"] = int(prm["outer_steps"])
    df["util"] = util
    df["wan_latency"] = lat
    df["gbps"] = df.gbps.astype(float)
    return df


# --- the closed-form model ---------------------------------------------------

def sync_time(xbytes, rate, lat):
    """a two-rank ring allreduce moving xbytes per worker across the WAN"""
    pkts = math.ceil(xbytes / 8 / (MTU - HEADER))          # per shard step, 4 shards (the WAN sees all)
    wire = xbytes + 8 * pkts * HEADER
    L = lat + HOP_LATENCY
    return 8 * wire / rate + 2 * (L + 8 * MTU / rate)


def formula(method, model, gbps, lat, H=100, bpp=2, qbits=4, tau=1, per_frag=3):
    params, layers, t = SPEC[model]
    R = gbps * 1e9
    B = params * bpp
    P = layers // per_frag
    if method == "dp":
        nb = P
        Tb = sync_time(B / nb, R, lat)
        c = (2.0 / 3.0) * t / nb
        end = -1e300
        for k in range(1, nb + 1):
            end = max(t / 3 + k * c, end) + Tb
        return t / max(t, end)
    if method == "diloco":
        return H * t / (H * t + sync_time(B, R, lat))
    X = B / P * (qbits / (8 * bpp) if method == "streaming_4bit" else 1)
    tau = 0 if method == "streaming" else tau
    blocked = max(0.0, sync_time(X, R, lat) - tau * t)
    return H * t / (H * t + P * blocked)


def threshold(g, u, target):
    """bandwidth (Gbit/s) where utilisation u(g) first reaches target, interpolated
    linearly in log10(g); None if never; g[0] if already there"""
    g, u = np.asarray(g), np.asarray(u)
    i = np.argmax(u >= target - 1e-12)
    if u[i] < target - 1e-12:
        return None
    if i == 0:
        return g[0]
    x0, x1 = math.log10(g[i - 1]), math.log10(g[i])
    x = x0 + (target - u[i - 1]) / (u[i] - u[i - 1]) * (x1 - x0)
    return 10 ** x


def formula_threshold(method, model, lat, target, **kw):
    lo, hi = -3.0, 6.0                                       # log10 Gbit/s
    if formula(method, model, 10 ** hi, lat, **kw) < target:
        return None
    for _ in range(80):
        mid = (lo + hi) / 2
        if formula(method, model, 10 ** mid, lat, **kw) >= target:
            hi = mid
        else:
            lo = mid
    return 10 ** hi


def fmt_bw(x, lo=None):
    if x is None:
        return "never"
    if lo is not None and x <= lo * (1 + 1e-9):
        return "<= %g" % lo
    return "%.3g" % x


# --- tables and figures ------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--figures")
    a = ap.parse_args()
    figs = a.figures or a.dir
    os.makedirs(figs, exist_ok=True)
    df = load(os.path.join(a.dir, "main"))
    if df is None:
        raise SystemExit("analyze.py: no %s/main/results.csv (run run.sh first)" % a.dir)
    models = [m for m in MODELS if m in set(df.model)]
    methods = [m for m in METHODS if m in set(df.method)]
    lat0 = seconds(df.wan_latency.iloc[0])
    kw = dict(H=int(df.H.iloc[0]), bpp=int(df.bpp.iloc[0]), qbits=int(df.qbits.iloc[0]),
              tau=int(df.tau.iloc[0]), per_frag=int(df.per_frag.iloc[0]))
    gmin = df.gbps.min()
    print("## Streaming DiLoCo: results of %s/\n" % os.path.basename(os.path.abspath(a.dir)))
    print("%d points: %d rates from %g to %g Gbit/s, WAN latency %s, H = %d, overlap %d, %d-bit values "
          "(4-bit: %d), flow model\n" % (len(df), df.gbps.nunique(), gmin, df.gbps.max(),
                                         df.wan_latency.iloc[0], kw["H"], kw["tau"], 8 * kw["bpp"], kw["qbits"]))

    # Table 1: bandwidth needed for each target
    print("### WAN bandwidth (Gbit/s) needed to reach a compute utilisation\n")
    print("Interpolated on the sweep (linear in log bandwidth); `never`: not reached at %g Gbit/s.\n"
          % df.gbps.max())
    print("| model | method | " + " | ".join("%d %%" % round(100 * t) for t in TARGETS) +
          " | peak bandwidth (Gbit/s) | bytes sent per worker per H steps |")
    print("|---|---|" + "---|" * (len(TARGETS) + 2))
    need = {}
    for mo in models:
        for me in methods:
            s = df[(df.model == mo) & (df.method == me)].sort_values("gbps")
            row = [threshold(s.gbps, s.util, t) for t in TARGETS]
            need[mo, me] = row
            peak = s.peak_bandwidth_bps.iloc[0] / 1e9
            per_outer = s.bytes_exchanged.iloc[0] / s.workers.iloc[0] / s.outer.iloc[0]
            print("| %s | %s | %s | %.3g | %s GB |" % (mo, LABELS[me], " | ".join(fmt_bw(x, gmin) for x in row),
                                                    peak, "%.0f" % (per_outer / 1e9) if per_outer >= 1e10
                                                    else "%.2g" % (per_outer / 1e9)))
    print()

    # Table 2: reduction against DiLoCo and dp at 90 %
    print("### Bandwidth needed relative to DiLoCo (same model, same target)\n")
    print("| model | method | " + " | ".join("%d %%" % round(100 * t) for t in TARGETS) + " |")
    print("|---|---|" + "---|" * len(TARGETS))
    for mo in models:
        for me in methods:
            if ("diloco" not in methods) or me == "diloco":
                continue
            cells = []
            for x, ref in zip(need[mo, me], need[mo, "diloco"]):
                cells.append("%.3g x" % (x / ref) if x is not None and ref is not None and x > gmin and ref > gmin
                             else "-")
            print("| %s | %s | %s |" % (mo, LABELS[me], " | ".join(cells)))
    print()

    # Table 3: the closed-form model against the simulation
    print("### Check: simulation against the closed-form model of each schedule\n")
    print("| model | method | largest abs. difference in utilisation | at (Gbit/s) | "
          "bandwidth for 90 %: sweep / formula |")
    print("|---|---|---|---|---|")
    for mo in models:
        for me in methods:
            s = df[(df.model == mo) & (df.method == me)].sort_values("gbps")
            f = np.array([formula(me, mo, g, lat0, **kw) for g in s.gbps])
            d = np.abs(s.util.to_numpy() - f)
            k = int(np.argmax(d))
            x, y = need[mo, me][2], formula_threshold(me, mo, lat0, 0.90, **kw)
            ratio = "%.4f" % (x / y) if x is not None and y is not None and x > gmin else "-"
            print("| %s | %s | %.2e | %g | %s |" % (mo, LABELS[me], d[k], s.gbps.iloc[k], ratio))
    print()

    lat = load(os.path.join(a.dir, "latency"))
    if lat is not None:
        lat["lat_s"] = lat.wan_latency.map(seconds)
        lats = sorted(lat.lat_s.unique())
        print("### Compute utilisation at %g Gbit/s against the one-way WAN latency\n" % lat.gbps.iloc[0])
        print("| model | method | " + " | ".join("%g ms" % (1e3 * x) for x in lats) + " |")
        print("|---|---|" + "---|" * len(lats))
        for mo in [m for m in MODELS if m in set(lat.model)]:
            for me in [m for m in METHODS if m in set(lat.method)]:
                s = lat[(lat.model == mo) & (lat.method == me)].set_index("lat_s").util
                print("| %s | %s | %s |" % (mo, LABELS[me], " | ".join("%.4f" % s[x] if x in s else "-" for x in lats)))
        print()

    cf, cp = load(os.path.join(a.dir, "check-flow")), load(os.path.join(a.dir, "check-packet"))
    if cf is not None and cp is not None:
        m = cf.merge(cp, on=["method", "model", "gbps"], suffixes=("_flow", "_packet"))
        print("### Check: flow model against packet model (H = %d; dp over its first steps, all alike)\n"
              % int(cf.H.iloc[0]))
        print("| model | method | Gbit/s | utilisation, flow | utilisation, packet | packet / flow | "
              "makespan packet / flow |")
        print("|---|---|---|---|---|---|---|")
        for mo in [x for x in ["100M"] + MODELS if x in set(m.model)]:
            for me in [x for x in METHODS if x in set(m.method)]:
                for _, r in m[(m.model == mo) & (m.method == me)].sort_values("gbps").iterrows():
                    print("| %s | %s | %g | %.4f | %.4f | %.4f | %.5f |" % (
                        mo, LABELS[me], r.gbps, r.util_flow, r.util_packet, r.util_packet / r.util_flow,
                        r.makespan_packet / r.makespan_flow))
        print()

    paper = load(os.path.join(a.dir, "paper"))
    if paper is not None:
        paper_table(paper)

    plot_utilisation(df, models, methods, os.path.join(figs, "utilisation.png"))
    plot_needed(need, models, methods, gmin, df.gbps.max(), os.path.join(figs, "bandwidth_needed.png"))
    if lat is not None:
        plot_latency(lat, os.path.join(figs, "latency.png"))


# Table 4 of the Streaming DiLoCo paper (Douillard et al., arXiv 2501.18512):
# Gbit/s to reach a compute utilisation of 50, 80, 90, 95, 99 %, points of its
# 50-point log grid from 0.1 to 1000 Gbit/s
PAPER = {
    ("1B", "dp"): [86.8, 152.6, 184.2, 222.3, 569.0],
    ("1B", "diloco"): [1.4, 6.2, 13.3, 23.3, 86.8],
    ("1B", "streaming"): [1.4, 5.2, 9.1, 16.0, 28.1],
    ("1B", "streaming_overlap"): [1.4, 4.3, 6.2, 9.1, 11.0],
    ("1B", "streaming_4bit"): [0.4, 0.9, 1.7, 2.0, 3.0],
    ("10B", "dp"): [104.8, 222.3, 222.3, 268.3, 471.5],
    ("10B", "diloco"): [1.7, 7.5, 16.0, 33.9, 104.8],
    ("10B", "streaming"): [1.7, 5.2, 9.1, 13.3, 19.3],
    ("10B", "streaming_overlap"): [1.7, 3.6, 5.2, 6.2, 7.5],
    ("10B", "streaming_4bit"): [0.4, 0.9, 1.4, 1.4, 1.7],
    ("100B", "dp"): [184.2, 323.8, 390.7, 390.7, 471.5],
    ("100B", "diloco"): [3.0, 11.0, 23.3, 49.4, 184.2],
    ("100B", "streaming"): [2.4, 6.2, 9.1, 11.0, 19.3],
    ("100B", "streaming_overlap"): [1.7, 3.6, 4.3, 5.2, 5.2],
    ("100B", "streaming_4bit"): [0.5, 0.9, 1.1, 1.1, 1.4],
}
PAPER_STEP = 10 ** (4 / 49)          # one step of the paper's grid


def first_reaching(g, u, target):
    """the lowest rate of the sweep whose utilisation reaches target, or None"""
    ok = [x for x, y in sorted(zip(g, u)) if y >= target - 1e-12]
    return ok[0] if ok else None


def paper_table(df):
    """netsim on the paper's setting against the paper's Table 4, in grid steps"""
    print("### The paper's own setting against its Table 4\n")
    print("The lowest rate of the 50-point grid (0.1 .. 1000 Gbit/s) at which the steady-state "
          "utilisation reaches the target; the paper's value after the slash; in brackets, netsim's "
          "distance from it in steps of that grid (x %.4f per step).\n" % PAPER_STEP)
    print("| model | method | " + " | ".join("%d %%" % round(100 * t) for t in TARGETS) + " |")
    print("|---|---|" + "---|" * len(TARGETS))
    n = close = 0
    steps_all = []
    for mo in [m for m in MODELS if m in set(df.model)]:
        for me in [m for m in METHODS if m in set(df.method)]:
            s = df[(df.model == mo) & (df.method == me)]
            cells = []
            for t, ref in zip(TARGETS, PAPER[mo, me]):
                x = first_reaching(s.gbps, s.util, t)
                if x is None:
                    cells.append("never / %g" % ref)
                    n += 1
                    continue
                k = round(math.log(x / ref) / math.log(PAPER_STEP))
                steps_all.append(k)
                n += 1
                close += abs(k) <= 2
                cells.append("%.3g / %g (%+d)" % (x, ref, k))
            print("| %s | %s | %s |" % (mo, LABELS[me], " | ".join(cells)))
    print()
    if n:
        print("Within 2 grid steps of the paper: %d of %d cells (%.0f %%); median distance %+d steps.\n"
              % (close, n, 100.0 * close / n, int(np.median(steps_all)) if steps_all else 0))


def plot_utilisation(df, models, methods, path):
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.6), sharey=True, squeeze=False)
    for ax, mo in zip(axes[0], models):
        for me in methods:
            s = df[(df.model == mo) & (df.method == me)].sort_values("gbps")
            ax.plot(s.gbps, 100 * s.util, marker="." if me != "diloco" else None, ms=4, color=COLORS[me],
                    label=LABELS[me], **STYLE.get(me, {}))
        for t in TARGETS:
            ax.axhline(100 * t, color="0.85", lw=0.8, zorder=0)
        ax.set_xscale("log")
        ax.set_ylim(0, 101)
        ax.set_xlabel("cross-datacentre bandwidth (Gbit/s)")
        p, layers, t = SPEC[mo]
        ax.set_title("%s parameters, %d layers, %g s/step" % (mo, layers, t))
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("compute utilisation (%)")
    axes[0][0].legend(loc="lower right", fontsize=8)
    fig.suptitle("Compute utilisation of two datacentres against WAN bandwidth (H = 100, fragments of 3 layers)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_needed(need, models, methods, gmin, gmax, path):
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.6), sharey=True, squeeze=False)
    for ax, mo in zip(axes[0], models):
        for me in methods:
            xs = [100 * t for t, v in zip(TARGETS, need[mo, me]) if v is not None]
            ys = [v for v in need[mo, me] if v is not None]
            ax.plot(xs, ys, marker="o", color=COLORS[me], label=LABELS[me], **STYLE.get(me, {}))
        ax.set_yscale("log")
        ax.set_ylim(gmin / 1.5, gmax * 1.5)
        ax.set_xticks([100 * t for t in TARGETS])
        ax.set_xlabel("target compute utilisation (%)")
        ax.set_title("%s parameters" % mo)
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("WAN bandwidth needed (Gbit/s)")
    axes[0][-1].legend(loc="lower right", fontsize=8)
    fig.suptitle("Bandwidth needed for a target compute utilisation (missing points: not reached at %g Gbit/s, "
                 "or below %g)" % (gmax, gmin))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(lat, path):
    models = [m for m in MODELS if m in set(lat.model)]
    lats = sorted(lat.lat_s.unique())
    pos = {x: i for i, x in enumerate(lats)}
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.4), sharey=True, squeeze=False)
    for ax, mo in zip(axes[0], models):
        for me in [m for m in METHODS if m in set(lat.method)]:
            s = lat[(lat.model == mo) & (lat.method == me)].sort_values("lat_s")
            st = dict(STYLE.get(me, {}))
            if me == "streaming_overlap":             # under the 4-bit line where they coincide
                st = dict(lw=4, alpha=0.55)
            ax.plot(s.lat_s.map(pos), 100 * s.util, marker="o", color=COLORS[me], label=LABELS[me], **st)
        ax.set_xticks(range(len(lats)))
        ax.set_xticklabels(["%g" % (1e3 * x) for x in lats])
        ax.set_xlabel("one-way WAN latency (ms; not to scale)")
        ax.set_ylim(0, 101)
        ax.set_title("%s parameters, %g Gbit/s" % (mo, lat.gbps.iloc[0]))
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("compute utilisation (%)")
    axes[0][0].legend(loc="lower left", fontsize=8)
    fig.suptitle("The latency ceiling: compute utilisation at %g Gbit/s, where bandwidth is (almost) never the limit"
                 % lat.gbps.iloc[0])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
