#!/usr/bin/python3
"""analyze.py - figures and tables of results/moe-alltoall (see README.md).

usage: analyze.py DIR [--figures FIGDIR]

DIR holds the sweeps of run.sh: main-flow/ and main-packet/ (skew x top_k x
policy x seed), capacity/ (capacity factor x skew, flow model), size-flow/
and size-packet/ (tokens per host x skew x policy), dispatch/ (max hosts per
token x per-expert or per-host dispatch x skew). Prints the tables
(Markdown) and writes alltoall_vs_skew.png, capacity.png and
packet_vs_flow.png to FIGDIR (default DIR).

Per run, from /moe_layers and /collectives: the all-to-all time of a layer is
its dispatch plus its combine time; its lower bound the sum of the two
collectives' lower_bound_ps (the busiest NIC's bytes at line rate); token
imbalance is the builder's (most assignments one host received / the mean);
dropped is the share of all token-expert assignments. Layers are averaged,
then seeds.
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import netsim_h5  # noqa: E402

POLICIES = ["ecmp", "ecmp_subflows", "spray", "adaptive", "flowlet"]
LABELS = {"ecmp": "ECMP", "ecmp_subflows": "ECMP, 4 subflows", "spray": "spray (random)",
          "adaptive": "adaptive", "flowlet": "flowlet"}
COLORS = {"ecmp": "tab:red", "ecmp_subflows": "tab:orange", "spray": "tab:blue", "adaptive": "tab:green",
          "flowlet": "tab:purple"}


def one_run(path):
    with netsim_h5.open(path) as run:
        f, prm = run.file, run.params
        ml = pd.DataFrame(f["moe_layers"][:])
        co = pd.DataFrame(f["collectives"][:])
        model = f.attrs["model"]
        model = model.decode() if isinstance(model, bytes) else str(model)
    hosts = int(prm["leaves"]) * int(prm["hosts_per_leaf"])
    lb = co.set_index("id").lower_bound_ps
    t = (ml.dispatch_ps + ml.combine_ps).to_numpy(dtype=float)
    bound = (lb[ml.dispatch_coll].to_numpy() + lb[ml.combine_coll].to_numpy()).astype(float)
    assignments = hosts * int(prm["tokens"]) * int(prm["top_k"]) * len(ml)
    return {
        "sim": model,
        "layers": len(ml),
        "hosts": hosts,
        "nspines": int(prm["spines"]),
        "time_us": t.mean() * 1e-6,
        "dispatch_us": ml.dispatch_ps.mean() * 1e-6,
        "combine_us": ml.combine_ps.mean() * 1e-6,
        "bound_us": bound.mean() * 1e-6,
        "x_bound": t.sum() / bound.sum(),
        "imbalance": ml.imbalance.mean(),
        "dropped_pct": 100.0 * ml.dropped.sum() / assignments,
        "dispatch_MB": ml.dispatch_bytes.mean() / 1e6,
        "hosts_per_token": ml.hosts_per_token.mean(),
    }


def load(d):
    csv = os.path.join(d, "results.csv")
    if not os.path.exists(csv):
        return None
    df = pd.read_csv(csv)
    rows = [one_run(os.path.join(d, p + ".h5")) for p in df.point]
    df = pd.concat([df, pd.DataFrame(rows, index=df.index)], axis=1)
    if "seed" not in df:
        df["seed"] = 1
    return df


def seed_mean(df, keys):
    cols = ["time_us", "dispatch_us", "combine_us", "bound_us", "x_bound", "imbalance", "dropped_pct", "dispatch_MB",
            "hosts_per_token"]
    return df.groupby(keys, as_index=False)[cols].mean()


def zlabel(z):
    return "uniform" if z == 0 else "Zipf %g" % z


def pair(a, b, keys):
    """a flow and a packet sweep of the same points, joined: ratio = packet / flow"""
    m = a.merge(b, on=keys + ["seed"], suffixes=("_flow", "_packet"))
    m["ratio"] = m.time_us_packet / m.time_us_flow
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--figures")
    a = ap.parse_args()
    figs = a.figures or a.dir
    os.makedirs(figs, exist_ok=True)
    mf, mp = load(os.path.join(a.dir, "main-flow")), load(os.path.join(a.dir, "main-packet"))
    if mf is None or mp is None:
        raise SystemExit("analyze.py: no %s/main-flow and main-packet results (run run.sh first)" % a.dir)
    pols = [p for p in POLICIES if p in set(mp.policy)]
    keys = ["zipf", "top_k", "policy"]
    P = seed_mean(mp, keys)
    F = seed_mean(mf, keys)
    tokens = int(mp.tokens.iloc[0])
    print("## MoE all-to-all: results of %s/\n" % os.path.basename(os.path.abspath(a.dir)))
    print("%d hosts; 64 experts; %d tokens per host and layer, hidden 4096 x 2 bytes; %d layers per run; "
          "seeds %s.\n" % (mp.hosts.iloc[0], tokens, mp.layers.iloc[0],
                            ",".join(str(s) for s in sorted(mp.seed.unique()))))

    # Table 1: packet model, time per layer and x lower bound
    print("### All-to-all time per layer (dispatch + combine, us; packet model) and its ratio to the lower bound\n")
    print("| top_k | skew | token imbalance | lower bound (us) | " + " | ".join(LABELS[p] for p in pols) + " |")
    print("|---|---|---|---|" + "---|" * len(pols))
    for k in sorted(P.top_k.unique()):
        for z in sorted(P.zipf.unique()):
            s = P[(P.top_k == k) & (P.zipf == z)].set_index("policy")
            cells = ["%.1f (%.3fx)" % (s.time_us[p], s.x_bound[p]) for p in pols]
            print("| %d | %s | %.2f | %.1f | %s |" % (k, zlabel(z), s.imbalance.iloc[0], s.bound_us.iloc[0],
                                                     " | ".join(cells)))
    print()

    # Table 2: packet / flow over the main grid
    m = pair(mf, mp, keys)
    print("### Packet model / flow model, all-to-all time, over the main grid (%d points per policy)\n"
          % (len(m) // max(1, len(pols))))
    print("| policy | median | min | max | share within 1 % | worst point (zipf, top_k, seed) |")
    print("|---|---|---|---|---|---|")
    for p in pols:
        s = m[m.policy == p]
        w = s.loc[(s.ratio - 1).abs().idxmax()]
        print("| %s | %.4f | %.4f | %.4f | %.0f %% | %s, %d, %d |" % (
            LABELS[p], s.ratio.median(), s.ratio.min(), s.ratio.max(), 100 * ((s.ratio - 1).abs() <= 0.01).mean(),
            zlabel(w.zipf), w.top_k, w.seed))
    print()
    print("By skew (median packet / flow over top_k and seeds):\n")
    zs = sorted(m.zipf.unique())
    print("| policy | " + " | ".join(zlabel(z) for z in zs) + " |")
    print("|---|" + "---|" * len(zs))
    for p in pols:
        s = m[m.policy == p].groupby("zipf").ratio.median()
        print("| %s | %s |" % (LABELS[p], " | ".join("%.4f" % s[z] for z in zs)))
    print()

    sf, sp = load(os.path.join(a.dir, "size-flow")), load(os.path.join(a.dir, "size-packet"))
    sm = None
    if sf is not None and sp is not None:
        sm = pair(sf.drop(columns=[c for c in ("spines",) if c in sf]),
                  sp.drop(columns=[c for c in ("spines",) if c in sp]), ["nspines", "tokens", "zipf", "policy", "top_k"])
        g = sm.groupby(["nspines", "zipf", "policy", "tokens"]).ratio.mean()
        toks = sorted(sm.tokens.unique())
        print("### Packet / flow against message size and oversubscription (top_k 2; mean over seeds)\n")
        print("Message size: tokens per host and layer; with uniform routing a host sends each other host about "
              "tokens x 2 x 8192 / 32 bytes (%s). 4 spines: no oversubscription; 2 spines: 2:1 at the leaves.\n"
              % ", ".join("%d: %.0f KB" % (t, t * 2 * 8192 / 32 / 1e3) for t in toks))
        print("| spines | skew | policy | " + " | ".join("%d tokens" % t for t in toks) + " |")
        print("|---|---|---|" + "---|" * len(toks))
        for ns in sorted(sm.nspines.unique(), reverse=True):
            for z in sorted(sm.zipf.unique()):
                for p in [x for x in POLICIES if x in set(sm.policy)]:
                    cells = ["%.4f" % g[ns, z, p, t] if (ns, z, p, t) in g.index else "-" for t in toks]
                    print("| %d | %s | %s | %s |" % (ns, zlabel(z), LABELS[p], " | ".join(cells)))
        print()

    cap = load(os.path.join(a.dir, "capacity"))
    if cap is not None:
        C = seed_mean(cap, ["zipf", "capacity"])
        print("### Capacity factor: token imbalance, dropped assignments, all-to-all time (top_k 2, spraying, "
              "flow model)\n")
        print("| skew | capacity factor | token imbalance (max / mean) | dropped (% of assignments) | "
              "all-to-all per layer (us) | x lower bound |")
        print("|---|---|---|---|---|---|")
        for z in sorted(C.zipf.unique()):
            for _, r in C[C.zipf == z].sort_values("capacity", key=lambda c: c.replace(0, np.inf)).iterrows():
                print("| %s | %s | %.3f | %.2f | %.1f | %.3f |" % (zlabel(z), "none" if r.capacity == 0 else
                                                                  "%g" % r.capacity, r.imbalance, r.dropped_pct,
                                                                  r.time_us, r.x_bound))
        print()
        plot_capacity(C, os.path.join(figs, "capacity.png"))

    dd = load(os.path.join(a.dir, "dispatch"))
    if dd is not None:
        D = seed_mean(dd, ["zipf", "max_nodes", "dispatch"])
        print("### Node-limited routing and per-host dispatch (256 experts, 8 a host, top_k 8, ECMP, flow model)\n")
        print("| skew | max hosts per token | dispatch | hosts per token | dispatch MB per layer | "
              "all-to-all per layer (us) | x lower bound |")
        print("|---|---|---|---|---|---|---|")
        for z in sorted(D.zipf.unique()):
            for mn in sorted(D.max_nodes.unique(), key=lambda v: np.inf if v == 0 else v, reverse=True):
                for d in ["per_expert", "per_host"]:
                    r = D[(D.zipf == z) & (D.max_nodes == mn) & (D.dispatch == d)]
                    if len(r):
                        r = r.iloc[0]
                        print("| %s | %s | %s | %.3f | %.1f | %.1f | %.3f |" % (
                            zlabel(z), "none" if mn == 0 else "%d" % mn, d, r.hosts_per_token, r.dispatch_MB,
                            r.time_us, r.x_bound))
        print()

    plot_skew(P, F, pols, tokens, os.path.join(figs, "alltoall_vs_skew.png"))
    plot_models(m, sm, pols, os.path.join(figs, "packet_vs_flow.png"))


def plot_skew(P, F, pols, tokens, path):
    ks = sorted(P.top_k.unique())
    fig, axes = plt.subplots(2, len(ks), figsize=(4.2 * len(ks), 7.6), squeeze=False, sharex=True)
    for j, k in enumerate(ks):
        top, bot = axes[0][j], axes[1][j]
        for p in pols:
            s = P[(P.top_k == k) & (P.policy == p)].sort_values("zipf")
            top.plot(s.zipf, s.time_us, marker="o", ms=4, color=COLORS[p], label=LABELS[p])
            bot.plot(s.zipf, s.x_bound, marker="o", ms=4, color=COLORS[p], label=LABELS[p])
        s = P[(P.top_k == k) & (P.policy == pols[0])].sort_values("zipf")
        top.plot(s.zipf, s.bound_us, ls="--", color="k", label="lower bound (busiest NIC)")
        top.set_title("top_k = %d" % k)
        top.set_ylim(bottom=0)
        bot.set_xlabel("expert popularity skew: Zipf exponent (0 = uniform)")
        top.grid(True, alpha=0.3)
        bot.grid(True, alpha=0.3)
        bot.axhline(1, color="k", lw=0.8, ls="--")
    axes[0][0].set_ylabel("dispatch + combine per layer (us)")
    axes[1][0].set_ylabel("time / lower bound")
    axes[0][0].legend(fontsize=8, loc="upper left")
    fig.suptitle("MoE all-to-all on a 32-host leaf-spine (packet model, %d tokens per host, 64 experts): "
                 "time against skew, per load-balancing policy" % tokens)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_capacity(C, path):
    caps = sorted(C.capacity.unique(), key=lambda c: np.inf if c == 0 else c)
    xs = {c: i for i, c in enumerate(caps)}
    names = ["none" if c == 0 else "%g" % c for c in caps]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.3))
    cmap = plt.get_cmap("viridis")
    zs = sorted(C.zipf.unique())
    for i, z in enumerate(zs):
        s = C[C.zipf == z].copy()
        s["x"] = s.capacity.map(xs)
        s = s.sort_values("x")
        c = cmap(i / max(1, len(zs) - 1) * 0.9)
        axes[0].plot(s.x, s.imbalance, marker="o", color=c, label=zlabel(z))
        axes[1].plot(s.x, s.dropped_pct, marker="o", color=c, label=zlabel(z))
        axes[2].plot(s.x, s.time_us, marker="o", color=c, label=zlabel(z))
    for ax, yl, t in zip(axes, ["token imbalance (most received / mean)", "dropped assignments (%)",
                                "dispatch + combine per layer (us)"],
                         ["Token imbalance", "Dropped tokens", "All-to-all time"]):
        ax.set_xticks(range(len(caps)))
        ax.set_xticklabels(names)
        ax.set_xlabel("capacity factor")
        ax.set_ylabel(yl)
        ax.set_title(t)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8, title="expert popularity")
    fig.suptitle("Capacity factor against skew (top_k = 2, 64 experts on 32 hosts, spraying, flow model)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_models(m, sm, pols, path):
    spines = sorted(sm.nspines.unique(), reverse=True) if sm is not None else []
    n = 1 + len(spines)
    fig, axes = plt.subplots(1, n, figsize=(6.0 * n, 4.6), squeeze=False, sharey=True)
    ax = axes[0][0]
    zs = sorted(m.zipf.unique())
    w = 0.8 / len(pols)
    for i, p in enumerate(pols):
        s = m[m.policy == p]
        for j, z in enumerate(zs):
            r = s[s.zipf == z].ratio
            x = j + (i - (len(pols) - 1) / 2) * w
            ax.plot([x, x], [r.min(), r.max()], color=COLORS[p], lw=1)
            ax.plot(x, r.median(), marker="o", color=COLORS[p], label=LABELS[p] if j == 0 else None)
    ax.set_xticks(range(len(zs)))
    ax.set_xticklabels([zlabel(z).replace("Zipf ", "") for z in zs])
    ax.axhline(1, color="k", lw=0.8, ls="--")
    ax.set_xlabel("expert popularity skew (Zipf exponent)")
    ax.set_ylabel("all-to-all time, packet / flow")
    ax.set_title("Main grid (4 spines, 256 tokens): median, min-max\nover top_k 1-8 and seeds")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    for ax, ns in zip(axes[0][1:], spines):
        for p in [x for x in POLICIES if x in set(sm.policy)]:
            for z, ls in zip(sorted(sm.zipf.unique()), ["-", "--", ":", "-."]):
                s = sm[(sm.nspines == ns) & (sm.policy == p) & (sm.zipf == z)].groupby("tokens").ratio.mean()
                ax.plot(s.index, s.values, marker="o", ms=4, ls=ls, color=COLORS[p],
                        label="%s, %s" % (LABELS[p], zlabel(z)))
        ax.set_xscale("log", base=2)
        toks = sorted(sm.tokens.unique())
        ax.set_xticks(toks)
        ax.set_xticklabels([str(t) for t in toks])
        ax.axhline(1, color="k", lw=0.8, ls="--")
        ax.set_xlabel("tokens per host and layer (top_k = 2)")
        ax.set_title("Against message size, %d spines%s" % (ns, " (no oversubscription)" if ns == 4 else
                                                             " (%g:1 oversubscribed)" % (4 / ns)))
        ax.grid(True, alpha=0.3)
    if spines:      # in the first size panel, whose ratios stay low
        axes[0][1].legend(fontsize=7, ncol=2, loc="upper right", title="solid: uniform; dashed: Zipf 1.5",
                          title_fontsize=7)
    fig.suptitle("Where the packet and the flow model agree (ratio 1) and where they part (32 hosts, 400 Gbit/s)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
