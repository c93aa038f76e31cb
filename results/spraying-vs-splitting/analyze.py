#!/usr/bin/python3
"""analyze.py - results/spraying-vs-splitting: the figures and tables.

usage: analyze.py RUNS FIGURES [--grid NAME]

RUNS is the folder run.sh filled: one sub-folder per sweep, each with the
results.csv of scripts/netsim-sweep and one HDF5 file per point. From every
point's file it reads the collective (/collectives: its time and its lower
bound), the switch ports (/ports, /topology/links) and the summary, and
writes into FIGURES:
  points.csv          one row per point: parameters and derived numbers
  tables.md           the tables (also printed)
  subflows-ideal.png, subflows-dctcp.png
                      completion / lower bound vs subflows, per fabric and workload
  congestion.png      busiest link's load and peak switch queue vs subflows
  size.png            completion / lower bound vs size, per policy
  dctcp-cost.png      what DCTCP costs each policy (time vs the ideal transport)
  fault.png           a degraded or failed leaf-spine cable
and, from the part realistic (issue 14: default switches, persistent
connections, dcqcn with PFC), its own files, so that running that part
alone leaves the others as they are:
  realistic-points.csv, tables-realistic.md, realistic.png
Needs h5py, numpy, pandas and matplotlib (/usr/bin/python3 has them).
"""

import argparse
import glob
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt   # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np                # noqa: E402
import pandas as pd               # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import netsim_h5                  # noqa: E402

# policies in display order: (label, lb, spray, subflows)
ECMP_K = (1, 2, 4, 8, 16)
POLICIES = ["ecmp x%d" % k for k in ECMP_K] + ["spray", "spray-rr", "adaptive", "flowlet"]
OTHERS = {"spray": ("tab:red", "-"), "spray-rr": ("tab:orange", "--"),
          "adaptive": ("tab:green", "-."), "flowlet": ("tab:purple", ":")}
FABRIC_TITLE = {"leafspine": "leaf-spine, 256 hosts", "fattree": "fat-tree k=8, 128 hosts"}
WORKLOAD_TITLE = {"permutation": "permutation", "allreduce": "ring allreduce", "alltoall": "alltoall"}
TRANSPORT_STYLE = {"ideal": "-", "dctcp": "--"}
MATCH = 1.05   # "matches spraying": within 5 % of its completion time
# parameters added by issue 14, with the defaults older sweeps ran with
NEW_PARAMS = {"switch": "paper", "connections": "per_transfer", "recovery": "gobackn", "pfc": "auto",
              "rate_control": "on"}
# the realistic part: its policies, and its settings in display order
REAL_POLICIES = ["ecmp x1", "ecmp x4", "ecmp x16", "spray", "adaptive"]
REAL_SETTINGS = [("paper", "per_transfer", "gobackn"), ("default", "per_transfer", "gobackn"),
                 ("default", "persistent", "gobackn"), ("default", "persistent", "selective")]
SETTING_TITLE = {("paper", "per_transfer", "gobackn"): "paper switch, per transfer",
                 ("default", "per_transfer", "gobackn"): "default switch, per transfer",
                 ("default", "persistent", "gobackn"): "default switch, persistent",
                 ("default", "persistent", "selective"): "default, persistent, selective recovery"}


def size_bytes(text):
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?i?B)\s*", str(text))
    if not m:
        return float(text)
    mult = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}
    return float(m.group(1)) * mult[m.group(2)]


def policy(row):
    if row["lb"] == "ecmp":
        return "ecmp x%d" % row["subflows"]
    if row["lb"] == "spray":
        name = "spray" if row["spray"] == "random" else "spray-rr"
        return name if row["subflows"] == 1 else "%s x%d" % (name, row["subflows"])
    return row["lb"] if row["subflows"] == 1 else "%s x%d" % (row["lb"], row["subflows"])


def point_numbers(path):
    """the derived numbers of one run"""
    with netsim_h5.open(path) as run:
        coll = run.table("collectives")
        if len(coll) != 1:
            raise SystemExit("%s: expected one collective, found %d" % (path, len(coll)))
        c = coll.iloc[0]
        ports = run.raw("ports")
        links = run.raw("topology/links")
        nodes = run.raw("topology/nodes")
    switch = set(nodes.loc[nodes["kind"] == "switch", "id"])
    sw = links["src"].isin(switch).to_numpy()            # output ports of switches
    busy_s = ports["tx_bytes"].to_numpy() * 8.0 / links["rate_bps"].to_numpy()
    lb_s = c["lower_bound_s"]
    return {
        "time_s": c["duration_s"],
        "lower_bound_s": lb_s,
        "norm_time": c["vs_lower_bound"],
        # the busiest switch port's busy time, in units of the lower bound:
        # k when k transfers' worth of bytes share one link
        "max_link_load": busy_s[sw].max() / lb_s,
        "peak_switch_queue_bytes": int(ports["peak_queue_bytes"].to_numpy()[sw].max()),
        "switch_drops": int(ports["drops"].to_numpy()[sw].sum()),
    }


def load(runs):
    frames = []
    for csv in sorted(glob.glob(os.path.join(runs, "*", "results.csv"))):
        df = pd.read_csv(csv)
        if df.empty:
            continue
        sweep = os.path.basename(os.path.dirname(csv))
        df["sweep"] = sweep
        df["part"] = sweep.rsplit("-", 1)[0]
        nums = [point_numbers(os.path.join(os.path.dirname(csv), h)) for h in df["h5"]]
        frames.append(pd.concat([df, pd.DataFrame(nums, index=df.index)], axis=1))
    if not frames:
        raise SystemExit("analyze.py: no results.csv under %s (run run.sh first)" % runs)
    d = pd.concat(frames, ignore_index=True)
    if "seed" not in d.columns:
        d["seed"] = 1
    # sweeps from before issue 14 name neither the switch nor the connections:
    # they ran with the scenario's defaults
    for col, default in NEW_PARAMS.items():
        d[col] = d[col].fillna(default) if col in d.columns else default
    for col in ("timeouts", "pause_frames", "paused_seconds"):
        if col not in d.columns:
            d[col] = 0
    d["policy"] = d.apply(policy, axis=1)
    d["size"] = d["bytes"].map(size_bytes)
    d["size_mb"] = d["size"] / 1e6
    return d


def agg(d, keys):
    """mean, min and max over seeds of the main numbers"""
    cols = [c for c in ("norm_time", "time_s", "lower_bound_s", "max_link_load", "peak_switch_queue_bytes", "max_congestion",
                        "retransmits", "ecn_marks", "drops", "wall_seconds", "packets", "timeouts",
                        "pause_frames", "paused_seconds") if c in d.columns]
    g = d.groupby(keys, sort=False)[cols]
    out = g.mean()
    out = out.join(g.min().add_suffix("_min")).join(g.max().add_suffix("_max"))
    out["seeds"] = g.size()
    return out.reset_index()


def fmt(x, nd=2):
    return "-" if x is None or (isinstance(x, float) and np.isnan(x)) else ("%.*f" % (nd, x))


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def sizes_of(a, part):
    return sorted(a.loc[a["part"] == part, "size"].unique())


# --- figures --------------------------------------------------------------

def panel_grid(nrows, ncols, title, w=5.0, h=3.6):
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
    fig.suptitle(title, fontsize=13)
    return fig, axes


def plain_log_ticks(ax, xticks):
    """log axes labelled with plain numbers: x at the sizes, y at 1, 1.5, 2, 3, 5, ..."""
    ax.xaxis.set_major_locator(mticker.FixedLocator(xticks))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1, 1.5, 2, 3, 5, 7)))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: "%g" % v))
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())


def errbar(ax, x, y, lo, hi, **kw):
    ax.errorbar(x, y, yerr=[np.maximum(y - lo, 0), np.maximum(hi - y, 0)], capsize=3, **kw)


def fig_subflows(a, transport, path, note):
    """completion / lower bound vs subflows, one panel per workload and fabric,
    at the largest size every workload of the main grid has"""
    sel = a[(a["transport"] == transport) & a["part"].isin(["main", "alltoall"])]
    if sel.empty:
        return None
    combos = [(wl, fab) for wl in WORKLOAD_TITLE for fab in FABRIC_TITLE
              if not sel[(sel["workload"] == wl) & (sel["fabric"] == fab)].empty]
    wls = [wl for wl in WORKLOAD_TITLE if any(c[0] == wl for c in combos)]
    fabs = [fab for fab in FABRIC_TITLE if any(c[1] == fab for c in combos)]
    fig, axes = panel_grid(len(wls), len(fabs), "Completion time / lower bound vs subflows "
                           "(%s transport)%s" % (transport, note))
    for i, wl in enumerate(wls):
        for j, fab in enumerate(fabs):
            ax = axes[i][j]
            s = sel[(sel["workload"] == wl) & (sel["fabric"] == fab)]
            if s.empty:
                ax.set_visible(False)
                continue
            size = s["size"].max()
            s = s[s["size"] == size]
            e = s[s["policy"].str.startswith("ecmp")].copy()
            e["k"] = e["subflows"]
            e = e.sort_values("k")
            errbar(ax, e["k"], e["norm_time"], e["norm_time_min"], e["norm_time_max"], color="tab:blue",
                   marker="o", label="ecmp, k subflows")
            for pol, (col, ls) in OTHERS.items():
                r = s[s["policy"] == pol]
                if not r.empty:
                    ax.axhline(r["norm_time"].iloc[0], color=col, ls=ls, lw=1.8, label=pol + " (1 flow)")
            ax.axhline(1, color="gray", lw=0.8)
            ax.set_xscale("log", base=2)
            ax.set_xticks(ECMP_K)
            ax.set_xticklabels([str(k) for k in ECMP_K])
            ax.set_ylim(bottom=0.9)
            ax.set_title("%s, %s, %s MB" % (WORKLOAD_TITLE[wl], FABRIC_TITLE[fab], fmt(size / 1e6, 0)))
            ax.set_xlabel("subflows per transfer (ecmp)")
            ax.set_ylabel("completion / lower bound")
            ax.grid(alpha=0.3)
            if i == 0 and j == 0:
                ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fig_congestion(a, path):
    """busiest link's load and peak switch queue vs subflows (ideal transport)"""
    sel = a[(a["transport"] == "ideal") & a["part"].isin(["main", "alltoall"])]
    if sel.empty:
        return None
    wls = [wl for wl in WORKLOAD_TITLE if not sel[sel["workload"] == wl].empty]
    fig, axes = panel_grid(2, len(wls), "Congestion vs subflows (ideal transport, largest size of each workload; "
                           "ecmp: solid, spray: dashed)")
    colors = {"leafspine": "tab:blue", "fattree": "tab:brown"}
    for j, wl in enumerate(wls):
        for fab in FABRIC_TITLE:
            s = sel[(sel["workload"] == wl) & (sel["fabric"] == fab)]
            if s.empty:
                continue
            s = s[s["size"] == s["size"].max()]
            e = s[s["policy"].str.startswith("ecmp")].sort_values("subflows")
            sp = s[s["policy"] == "spray"]
            for i, (col, scale, unit) in enumerate((("max_link_load", 1, ""), ("peak_switch_queue_bytes", 1e6, " MB"))):
                ax = axes[i][j]
                errbar(ax, e["subflows"], e[col] / scale, e[col + "_min"] / scale, e[col + "_max"] / scale,
                       color=colors[fab], marker="o", label="%s, ecmp (%s MB)" % (fab, fmt(s["size"].max() / 1e6, 0)))
                if not sp.empty:
                    ax.axhline(sp[col].iloc[0] / scale, color=colors[fab], ls="--", label="%s, spray" % fab)
        for i, (ylabel, title) in enumerate((("busiest link busy time / lower bound", "load of the busiest link"),
                                             ("peak switch queue (MB)", "peak queue at a switch port"))):
            ax = axes[i][j]
            ax.set_xscale("log", base=2)
            ax.set_xticks(ECMP_K)
            ax.set_xticklabels([str(k) for k in ECMP_K])
            ax.set_xlabel("subflows per transfer (ecmp)")
            ax.set_ylabel(ylabel)
            ax.set_title("%s: %s" % (WORKLOAD_TITLE[wl], title))
            ax.grid(alpha=0.3)
            if i == 1:
                ax.set_yscale("log")
            if j == 0:
                ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fig_size(a, path):
    """completion / lower bound vs size, per policy, leaf-spine"""
    sel = a[a["part"].isin(["main", "alltoall"]) & (a["fabric"] == "leafspine")]
    if sel.empty or sel["size"].nunique() < 2:
        return None
    wls = [wl for wl in WORKLOAD_TITLE if not sel[sel["workload"] == wl].empty]
    trs = [t for t in TRANSPORT_STYLE if not sel[sel["transport"] == t].empty]
    fig, axes = panel_grid(len(trs), len(wls), "Completion time / lower bound vs size (leaf-spine, 256 hosts)")
    shown = ["ecmp x1", "ecmp x4", "ecmp x16", "spray", "spray-rr", "adaptive", "flowlet"]
    colors = {"ecmp x1": "black", "ecmp x4": "tab:cyan", "ecmp x16": "tab:blue"}
    colors.update({k: v[0] for k, v in OTHERS.items()})
    for i, tr in enumerate(trs):
        for j, wl in enumerate(wls):
            ax = axes[i][j]
            s = sel[(sel["workload"] == wl) & (sel["transport"] == tr)]
            for pol in shown:
                r = s[s["policy"] == pol].sort_values("size")
                if not r.empty:
                    errbar(ax, r["size"] / 1e6, r["norm_time"], r["norm_time_min"], r["norm_time_max"],
                           color=colors[pol], marker="o", ms=4, label=pol)
            ax.axhline(1, color="gray", lw=0.8)
            ax.set_xscale("log")
            ax.set_yscale("log")
            plain_log_ticks(ax, sorted(s["size"].unique() / 1e6))
            ax.set_xlabel("bytes per rank (MB)")
            ax.set_ylabel("completion / lower bound")
            ax.set_title("%s, %s transport" % (WORKLOAD_TITLE[wl], tr))
            ax.grid(alpha=0.3, which="both")
            if i == 0 and j == 0:
                ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fig_dctcp(a, path):
    """time with dctcp / time with the ideal transport, per policy"""
    sel = a[a["part"].isin(["main", "alltoall"])]
    piv = sel.pivot_table(index=["fabric", "workload", "size", "policy"], columns="transport",
                          values="time_s").reset_index()
    if "dctcp" not in piv or "ideal" not in piv:
        return None
    piv["ratio"] = piv["dctcp"] / piv["ideal"]
    combos = [(fab, wl) for fab in FABRIC_TITLE for wl in WORKLOAD_TITLE
              if not piv[(piv["fabric"] == fab) & (piv["workload"] == wl)].empty]
    fig, ax = plt.subplots(figsize=(12, 4.8))
    width = 0.8 / max(len(combos), 1)
    x = np.arange(len(POLICIES))
    for n, (fab, wl) in enumerate(combos):
        s = piv[(piv["fabric"] == fab) & (piv["workload"] == wl)]
        s = s[s["size"] == s["size"].max()].set_index("policy").reindex(POLICIES)
        ax.bar(x + (n - (len(combos) - 1) / 2) * width, s["ratio"], width,
               label="%s, %s, %s MB" % (fab, WORKLOAD_TITLE[wl], fmt(s["size"].max() / 1e6, 0)))
    ax.axhline(1, color="gray", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(POLICIES)
    ax.set_ylabel("completion with dctcp / with ideal transport")
    ax.set_xlabel("load-balancing policy")
    ax.set_title("What DCTCP costs each policy (largest size of each workload; mean over seeds)")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def fig_fault(a, path):
    """completion / lower bound per policy: healthy, degraded, failed cable"""
    fault = a[a["part"] == "fault"]
    if fault.empty:
        return None
    size = fault["size"].iloc[0]
    healthy = a[(a["part"] == "main") & (a["fabric"] == "leafspine") & (a["size"] == size)]
    sel = pd.concat([healthy, fault])
    wls = [wl for wl in WORKLOAD_TITLE if not fault[fault["workload"] == wl].empty]
    trs = [t for t in TRANSPORT_STYLE if not fault[fault["transport"] == t].empty]
    fig, axes = panel_grid(len(trs), len(wls), "A degraded or failed cable leaf1-spine1 (leaf-spine, %s MB per rank)"
                           % fmt(size / 1e6, 0), w=6.5, h=3.8)
    colors = {"none": "tab:gray", "degraded": "tab:orange", "failed": "tab:red"}
    rate = fault["fault_rate"].iloc[0] if "fault_rate" in fault else "?"
    names = {"none": "healthy", "degraded": "degraded to %s" % rate, "failed": "failed (removed)"}
    x = np.arange(len(POLICIES))
    for i, tr in enumerate(trs):
        for j, wl in enumerate(wls):
            ax = axes[i][j]
            s = sel[(sel["workload"] == wl) & (sel["transport"] == tr)]
            for n, f in enumerate(("none", "degraded", "failed")):
                r = s[s["fault"] == f].set_index("policy").reindex(POLICIES)
                ax.bar(x + (n - 1) * 0.27, r["norm_time"], 0.27, color=colors[f], label=names[f])
            ax.axhline(1, color="black", lw=0.8)
            ax.set_xticks(x)
            ax.set_xticklabels(POLICIES, rotation=35, ha="right", fontsize=8)
            ax.set_ylabel("completion / lower bound")
            ax.set_title("%s, %s transport" % (WORKLOAD_TITLE[wl], tr))
            ax.grid(alpha=0.3, axis="y")
            if i == 0 and j == 0:
                ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --- tables ---------------------------------------------------------------

def table_main(a):
    """completion / lower bound per policy, every fabric, workload, size, transport"""
    sel = a[a["part"].isin(["main", "alltoall"])]
    rows = []
    for (fab, wl, size, tr), s in sel.groupby(["fabric", "workload", "size", "transport"], sort=False):
        s = s.set_index("policy")
        rows.append([fab, wl, fmt(size / 1e6, 0), tr] + [fmt(s["norm_time"].get(p, np.nan)) for p in POLICIES])
    rows.sort(key=lambda r: (list(FABRIC_TITLE).index(r[0]), list(WORKLOAD_TITLE).index(r[1]), float(r[2]),
                             r[3] != "ideal"))
    return md_table(["fabric", "workload", "MB", "transport"] + POLICIES, rows)


def matching_k(s, ref, tol=MATCH):
    """the fewest ecmp subflows within tol of the reference time, or None"""
    for k in ECMP_K:
        r = s.get("ecmp x%d" % k, np.nan)
        if not np.isnan(r) and r <= ref * tol:
            return k
    return None


def table_match(a):
    sel = a[a["part"].isin(["main", "alltoall"])]
    rows = []
    for (fab, wl, size, tr), s in sel.groupby(["fabric", "workload", "size", "transport"], sort=False):
        s = s.set_index("policy")["norm_time"]
        sp, rr = s.get("spray", np.nan), s.get("spray-rr", np.nan)
        best = np.nanmin([sp, rr]) if not (np.isnan(sp) and np.isnan(rr)) else np.nan
        k = matching_k(s, sp) if not np.isnan(sp) else None
        kb = matching_k(s, best) if not np.isnan(best) else None
        rows.append([fab, wl, fmt(size / 1e6, 0), tr, fmt(s.get("ecmp x1", np.nan)), fmt(sp), fmt(rr),
                     fmt(s.get("ecmp x16", np.nan)), k or "none", kb or "none"])
    rows.sort(key=lambda r: (list(FABRIC_TITLE).index(r[0]), list(WORKLOAD_TITLE).index(r[1]), float(r[2]),
                             r[3] != "ideal"))
    return md_table(["fabric", "workload", "MB", "transport", "ecmp x1", "spray", "spray-rr", "ecmp x16",
                     "k to match spray", "k to match best spray"], rows)


def table_congestion(a):
    sel = a[a["part"].isin(["main", "alltoall"]) & (a["transport"] == "ideal")]
    rows = []
    for (fab, wl), s in sel.groupby(["fabric", "workload"], sort=False):
        s = s[s["size"] == s["size"].max()].set_index("policy")
        rows.append([fab, wl, fmt(s["size"].iloc[0] / 1e6, 0)] +
                    ["%s / %s" % (fmt(s["max_link_load"].get(p, np.nan)),
                                  fmt(s["peak_switch_queue_bytes"].get(p, np.nan) / 1e6, 1)) for p in POLICIES])
    return md_table(["fabric", "workload", "MB"] + POLICIES, rows)


def table_dctcp(a):
    sel = a[a["part"].isin(["main", "alltoall"])]
    rows = []
    for (fab, wl), s in sel.groupby(["fabric", "workload"], sort=False):
        s = s[s["size"] == s["size"].max()]
        for pol in ("ecmp x1", "ecmp x4", "ecmp x16", "spray", "spray-rr", "adaptive", "flowlet"):
            i = s[(s["policy"] == pol) & (s["transport"] == "ideal")]
            d = s[(s["policy"] == pol) & (s["transport"] == "dctcp")]
            if i.empty or d.empty:
                continue
            i, d = i.iloc[0], d.iloc[0]
            rows.append([fab, wl, fmt(d["size"] / 1e6, 0), pol, fmt(i["norm_time"]), fmt(d["norm_time"]),
                         fmt(d["time_s"] / i["time_s"]), fmt(d["retransmits"], 0), fmt(d["ecn_marks"], 0),
                         fmt(d["drops"], 0), fmt(d["peak_switch_queue_bytes"] / 1e3, 0)])
    return md_table(["fabric", "workload", "MB", "policy", "ideal: time / bound", "dctcp: time / bound",
                     "dctcp / ideal", "retransmits", "ECN marks", "drops", "peak queue KB (dctcp)"], rows)


def table_fault(a):
    fault = a[a["part"] == "fault"]
    if fault.empty:
        return ""
    size = fault["size"].iloc[0]
    healthy = a[(a["part"] == "main") & (a["fabric"] == "leafspine") & (a["size"] == size)]
    sel = pd.concat([healthy, fault])
    rows = []
    for (wl, tr), s in sel.groupby(["workload", "transport"], sort=False):
        for f in ("none", "degraded", "failed"):
            r = s[s["fault"] == f].set_index("policy")["norm_time"]
            if not r.empty:
                rows.append([wl, fmt(size / 1e6, 0), tr, f] + [fmt(r.get(p, np.nan)) for p in POLICIES])
    return md_table(["workload", "MB", "transport", "leaf1-spine1"] + POLICIES, rows)


def table_hostorder(a):
    h = a[a["part"] == "hostorder"]
    if h.empty:
        return ""
    rows = []
    for (fab, tr), s in h.groupby(["fabric", "transport"], sort=False):
        s = s.set_index("policy")
        rows.append([fab, fmt(s["size"].iloc[0] / 1e6, 0), tr] + [fmt(s["norm_time"].get(p, np.nan)) for p in POLICIES]
                    + [fmt(s["max_link_load"].max())])
    return md_table(["fabric", "MB", "transport"] + POLICIES + ["max link load"], rows)


def table_sens(a, part, param, label):
    """a DCTCP setting: completion / bound, ECN marks and retransmits per value"""
    s = a[a["part"] == part]
    if s.empty:
        return ""
    rows = []
    s = s.assign(v=s[param].map(size_bytes) if param == "ecn_kmin" else s[param])
    for (wl, pol), r in s.groupby(["workload", "policy"], sort=False):
        for _, x in r.sort_values("v").iterrows():
            rows.append([wl, fmt(x["size"] / 1e6, 0), pol, x[param], fmt(x["norm_time"]), fmt(x["ecn_marks"], 0),
                         fmt(x["retransmits"], 0), fmt(x["peak_switch_queue_bytes"] / 1e3, 0)])
    return md_table(["workload", "MB", "policy", label, "time / bound", "ECN marks", "retransmits",
                     "peak queue KB"], rows)


# --- issue 14: realistic switches, persistent connections, dcqcn ------------

def setting(row):
    return (row["switch"], row["connections"], row["recovery"])


def real_rel(s, pol):
    """'time / bound (time / ecmp x1's)' of one policy in a frame indexed by policy"""
    if pol not in s.index:
        return "-"
    t = s.loc[pol, "time_s"]
    base = s["time_s"].get("ecmp x1", np.nan)
    return "%s (%s)" % (fmt(s.loc[pol, "norm_time"]), fmt(t / base) if not np.isnan(base) else "-")


def real_rows(sel, by_setting):
    rows = []
    keys = ["fabric", "workload", "size", "transport"] + (["switch", "connections", "recovery"] if by_setting else [])
    for key, s in sel.groupby(keys, sort=False):
        s = s.set_index("policy")
        x16, sp = s["time_s"].get("ecmp x16", np.nan), s["time_s"].get("spray", np.nan)
        row = [key[0], key[1], fmt(key[2] / 1e6, 0), key[3]]
        if by_setting:
            row.append(SETTING_TITLE.get(tuple(key[4:7]), "/".join(key[4:7])))
        row += [fmt(s["lower_bound_s"].iloc[0] * 1e3, 3)] + [real_rel(s, p) for p in REAL_POLICIES]
        row.append(fmt(x16 / sp))
        rows.append((key, row))
    order = {k: i for i, k in enumerate(REAL_SETTINGS)}
    rows.sort(key=lambda kr: (list(FABRIC_TITLE).index(kr[0][0]), list(WORKLOAD_TITLE).index(kr[0][1]),
                              kr[0][2], kr[0][3], order.get(tuple(kr[0][4:7]), 99) if by_setting else 0))
    return [r for _, r in rows]


def real_parts(a):
    """the realistic part's points but the check of PFC and rate control (realistic-why)"""
    return a[a["part"].str.startswith("realistic") & (a["part"] != "realistic-why")]


def table_real_why(a):
    """dcqcn with and without PFC, with and without its rate control"""
    w = a[a["part"] == "realistic-why"]
    if w.empty:
        return ""
    combos = [("auto", "on"), ("off", "on"), ("auto", "off"), ("off", "off")]
    names = {("auto", "on"): "DCQCN + PFC", ("off", "on"): "DCQCN, no PFC",
             ("auto", "off"): "line rate + PFC (plain RoCE)", ("off", "off"): "line rate, no PFC"}
    rows = []
    for (fab, wl, size, pol), s in w.groupby(["fabric", "workload", "size", "policy"], sort=False):
        row = [fab, wl, fmt(size / 1e6, 0), pol]
        for c in combos:
            x = s[(s["pfc"] == c[0]) & (s["rate_control"] == c[1])]
            if x.empty:
                row.append("-")
                continue
            x = x.iloc[0]
            row.append("%s (%s rtx, %s drops, %s pauses)" % (fmt(x["norm_time"]), fmt(x["retransmits"], 0),
                                                            fmt(x["drops"], 0), fmt(x["pause_frames"], 0)))
        rows.append(((list(WORKLOAD_TITLE).index(wl), size, REAL_POLICIES.index(pol) if pol in REAL_POLICIES else 9),
                     row))
    rows.sort(key=lambda kr: kr[0])
    return md_table(["fabric", "workload", "MB", "policy"] + [names[c] for c in combos], [r for _, r in rows])


def table_real(a):
    """the realistic setting (default switch, persistent, go-back-N), every size"""
    sel = a[(a["part"] == "realistic")]
    head = ["fabric", "workload", "MB", "transport", "bound ms"] + REAL_POLICIES + ["ecmp x16 / spray"]
    return md_table(head, real_rows(sel, False))


def table_real_settings(a):
    """every setting of the realistic part at its comparison size"""
    r = real_parts(a)
    if r.empty:
        return ""
    size = r.loc[r["part"] != "realistic", "size"].max() if (r["part"] != "realistic").any() else r["size"].max()
    sel = r[r["size"] == size]
    head = ["fabric", "workload", "MB", "transport", "setting", "bound ms"] + REAL_POLICIES + ["ecmp x16 / spray"]
    return md_table(head, real_rows(sel, True))


def table_real_counters(a):
    """what the transports did: retransmissions, timeouts, ECN marks, PFC pauses"""
    r = real_parts(a)
    if r.empty:
        return ""
    size = r["size"].max()
    sel = r[r["size"] == size]
    order = {k: i for i, k in enumerate(REAL_SETTINGS)}
    rows = []
    for key, s in sel.groupby(["fabric", "workload", "transport", "switch", "connections", "recovery"], sort=False):
        for pol in REAL_POLICIES:
            x = s[s["policy"] == pol]
            if x.empty:
                continue
            x = x.iloc[0]
            rows.append(((list(FABRIC_TITLE).index(key[0]), list(WORKLOAD_TITLE).index(key[1]), key[2],
                          order.get(tuple(key[3:6]), 99), REAL_POLICIES.index(pol)),
                         [key[0], key[1], key[2], SETTING_TITLE.get(tuple(key[3:6]), "/".join(key[3:6])), pol,
                          fmt(x["norm_time"]), fmt(x["packets"], 0), fmt(x["retransmits"], 0),
                          fmt(100.0 * x["retransmits"] / x["packets"], 1) if x["packets"] else "-",
                          fmt(x["timeouts"], 1), fmt(x["ecn_marks"], 0), fmt(x["pause_frames"], 0),
                          fmt(x["paused_seconds"] * 1e3, 2), fmt(x["drops"], 0),
                          fmt(x["peak_switch_queue_bytes"] / 1e3, 0)]))
    rows.sort(key=lambda kr: kr[0])
    return md_table(["fabric", "workload", "transport", "setting", "policy", "time / bound", "data packets",
                     "retransmits", "retransmits % of packets", "timeouts", "ECN marks", "pause frames",
                     "paused ms (sum over ports)", "drops", "peak queue KB"], [r for _, r in rows])


def fig_real(a, path):
    """completion / lower bound per policy and setting, at the comparison size"""
    r = real_parts(a)
    if r.empty:
        return None
    size = r["size"].max()
    r = r[r["size"] == size]
    combos = [(fab, wl) for fab in FABRIC_TITLE for wl in ("permutation", "allreduce")
              if not r[(r["fabric"] == fab) & (r["workload"] == wl)].empty]
    trs = [t for t in ("dctcp", "dcqcn") if not r[r["transport"] == t].empty]
    settings = [st for st in REAL_SETTINGS if not r[r.apply(setting, axis=1) == st].empty]
    fig, axes = panel_grid(len(trs), len(combos), "Completion time / lower bound per policy and setting "
                           "(%s MB per rank; mean over seeds, bars min..max)" % fmt(size / 1e6, 0), w=5.2, h=3.8)
    colors = ["tab:gray", "tab:cyan", "tab:blue", "tab:red"]
    x = np.arange(len(REAL_POLICIES))
    width = 0.8 / max(len(settings), 1)
    for i, tr in enumerate(trs):
        for j, (fab, wl) in enumerate(combos):
            ax = axes[i][j]
            s = r[(r["transport"] == tr) & (r["fabric"] == fab) & (r["workload"] == wl)]
            for n, st in enumerate(settings):
                q = s[s.apply(setting, axis=1) == st].set_index("policy").reindex(REAL_POLICIES)
                if q["norm_time"].isna().all():
                    continue
                y = q["norm_time"].to_numpy()
                lo, hi = q["norm_time_min"].to_numpy(), q["norm_time_max"].to_numpy()
                ax.bar(x + (n - (len(settings) - 1) / 2) * width, y, width, color=colors[REAL_SETTINGS.index(st)],
                       yerr=[np.nan_to_num(np.maximum(y - lo, 0)), np.nan_to_num(np.maximum(hi - y, 0))],
                       capsize=2, label=SETTING_TITLE[st])
            ax.axhline(1, color="black", lw=0.8)
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1, 1.5, 2, 3, 5, 7)))
            ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: "%g" % v))
            ax.yaxis.set_minor_formatter(mticker.NullFormatter())
            ax.set_xticks(x)
            ax.set_xticklabels(REAL_POLICIES, fontsize=8)
            ax.set_ylabel("completion / lower bound")
            ax.set_title("%s, %s, %s" % (WORKLOAD_TITLE[wl], fab, tr))
            ax.grid(alpha=0.3, axis="y", which="both")
    # one legend for all panels: the settings of every panel (selective recovery only under dcqcn)
    handles = {}
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    axes[0][0].legend([handles[SETTING_TITLE[st]] for st in settings if SETTING_TITLE[st] in handles],
                      [SETTING_TITLE[st] for st in settings if SETTING_TITLE[st] in handles], fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_realistic(d, a, o):
    """the realistic part's own files"""
    keep = [c for c in ("part", "fabric", "workload", "order", "switch", "connections", "recovery", "pfc",
                        "rate_control", "init_window",
                        "bytes", "size", "transport", "lb", "spray", "subflows", "policy", "seed", "time_s",
                        "lower_bound_s", "norm_time", "max_link_load", "peak_switch_queue_bytes", "switch_drops",
                        "max_congestion", "peak_queue_bytes", "retransmits", "timeouts", "ecn_marks", "drops",
                        "pause_frames", "paused_seconds", "packets", "events", "wall_seconds", "point")
            if c in d.columns]
    d[keep].to_csv(os.path.join(o.figures, "realistic-points.csv"), index=False, float_format="%.6g")
    fig = fig_real(a, os.path.join(o.figures, "realistic.png"))
    seeds = sorted(d["seed"].unique())
    text = ["# Issue 14: the question again with realistic switches, persistent connections and RoCE "
            "(grid %s: %d points, seeds %s; simulation time %.0f s of one core)" % (
                o.grid, len(d), ",".join(str(x) for x in seeds), d["wall_seconds"].sum()), "",
            "Numbers are means over the seeds. Each cell: completion time / lower bound, and in brackets "
            "completion time / that of ecmp x1 (single-path ECMP) in the same row. Last column: ecmp x16's "
            "time over random spraying's (below 1: 16 pinned subflows win).", "",
            "## Default switches (no switch table), persistent connections; dcqcn with PFC and go-back-N", "",
            table_real(a), "",
            "## The settings side by side (paper switch: 32 MB shared, alpha 1, ECN 100..400 KB; default: "
            "netsim's; selective: dcqcn with IRN-style selective recovery)", "", table_real_settings(a), "",
            "## What the transports did (largest size): retransmissions, timeouts, ECN marks, PFC pauses", "",
            table_real_counters(a), ""]
    t = table_real_why(a)
    if t:
        text += ["## Why dcqcn loses: with and without PFC, with and without DCQCN's rate control (default switch, "
                 "persistent connections, go-back-N; time / bound, retransmitted packets, drops, pause frames)", "",
                 t, ""]
    text = "\n".join(text)
    with open(os.path.join(o.figures, "tables-realistic.md"), "w") as f:
        f.write(text)
    print(text)
    return [os.path.join(o.figures, "realistic-points.csv"), os.path.join(o.figures, "tables-realistic.md")] + \
        ([fig] if fig else [])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs")
    ap.add_argument("figures")
    ap.add_argument("--grid", default="?", help="the grid's name, for titles and the tables' heading")
    o = ap.parse_args()
    d_all = load(o.runs)
    os.makedirs(o.figures, exist_ok=True)
    real = d_all["part"].str.startswith("realistic")
    written = []
    if real.any():
        dr = d_all[real]
        keys = [c for c in ("part", "fabric", "workload", "order", "switch", "connections", "recovery", "pfc",
                            "rate_control", "size",
                            "transport", "lb", "spray", "subflows", "policy") if c in dr.columns]
        written += write_realistic(dr, agg(dr, keys), o)
    d = d_all[~real]
    if d.empty:
        print("analyze.py: %d points; wrote %s" % (len(d_all), ", ".join(os.path.basename(p) for p in written)))
        return
    keep = [c for c in ("part", "fabric", "workload", "order", "fault", "fault_rate", "init_window", "ecn_kmin", "bytes", "size", "transport",
                        "lb", "spray", "subflows", "policy", "seed", "time_s", "lower_bound_s", "norm_time",
                        "max_link_load", "peak_switch_queue_bytes", "switch_drops", "max_congestion",
                        "peak_queue_bytes", "retransmits", "ecn_marks", "drops", "packets", "events",
                        "wall_seconds", "point") if c in d.columns]
    d[keep].to_csv(os.path.join(o.figures, "points.csv"), index=False, float_format="%.6g")
    keys = [c for c in ("part", "fabric", "workload", "order", "fault", "fault_rate", "init_window", "ecn_kmin",
                        "size", "transport", "lb", "spray", "subflows", "policy") if c in d.columns]
    a = agg(d, keys)
    seeds = sorted(d["seed"].unique())
    note = "" if len(seeds) == 1 else "; mean of %d seeds, bars min..max" % len(seeds)
    figs = [fig_subflows(a, "ideal", os.path.join(o.figures, "subflows-ideal.png"), note),
            fig_subflows(a, "dctcp", os.path.join(o.figures, "subflows-dctcp.png"), note),
            fig_congestion(a, os.path.join(o.figures, "congestion.png")),
            fig_size(a, os.path.join(o.figures, "size.png")),
            fig_dctcp(a, os.path.join(o.figures, "dctcp-cost.png")),
            fig_fault(a, os.path.join(o.figures, "fault.png"))]
    wall = d["wall_seconds"].sum()
    text = ["# Tables (grid %s: %d points, seeds %s; simulation time %.0f s of one core)" % (
                o.grid, len(d), ",".join(str(s) for s in seeds), wall), "",
            "Numbers are means over the seeds. Completion time / lower bound: 1 is every NIC busy "
            "from start to end with payload only.", "",
            "## Completion time / lower bound, per policy", "", table_main(a), "",
            "## Does minimal splitting match spraying? (k: fewest ecmp subflows within %d %% of random "
            "spraying, or of the better of the two sprays)" % round((MATCH - 1) * 100), "", table_match(a), "",
            "## Congestion (ideal transport, largest size): busiest switch port's busy time / lower bound "
            "and peak switch queue in MB", "", table_congestion(a), "",
            "## What DCTCP costs (largest size)", "", table_dctcp(a), ""]
    t = table_hostorder(a)
    if t:
        text += ["## Ring allreduce in host order: completion time / lower bound", "", t, ""]
    t = table_fault(a)
    if t:
        text += ["## A degraded or failed leaf1-spine1 cable (leaf-spine): completion time / lower bound", "", t, ""]
    t = table_sens(a, "ecn", "ecn_kmin", "ECN kmin (kmax = 4 kmin)")
    if t:
        text += ["## DCTCP: the ECN marking threshold (leaf-spine, dctcp)", "", t, ""]
    t = table_sens(a, "iw", "init_window", "first window (packets)")
    if t:
        text += ["## DCTCP: the first window (leaf-spine, dctcp)", "", t, ""]
    text = "\n".join(text)
    with open(os.path.join(o.figures, "tables.md"), "w") as f:
        f.write(text)
    print(text)
    print("analyze.py: %d points; wrote %s" % (len(d_all), ", ".join(
        os.path.basename(p) for p in [os.path.join(o.figures, "points.csv"), os.path.join(o.figures, "tables.md")]
        + [p for p in figs if p] + written)))


if __name__ == "__main__":
    main()
