#!/usr/bin/python3
"""lb_check.py - load-balancing checks against numbers computed here.

collisions DIR: runs made with tests/data/lb_paths.lua mode=collisions and
  different seeds. At each leaf, 8 flows pick among 8 uplinks by hash; the
  distribution of the busiest uplink's flow count must match that of the
  largest bin when 8 balls fall into 8 bins (computed exactly below).
subflows FILE K PATHS: one transfer split into K subflows; every subflow must
  take its own path: K distinct leaf uplinks (leaf-spine) or K distinct core
  switches (fat-tree), each carrying one K-th of the packets.
Prints TAP lines; exit 1 on failure.
"""
import glob
import math
import sys
from fractions import Fraction

import h5py
import numpy as np


def max_bin_distribution(balls, bins):
    """P(largest bin = m) for `balls` uniform balls in `bins` bins, exactly."""
    def count_at_most(m):
        # ways to place labelled balls with every bin <= m: balls! * [x^balls] (sum_{j<=m} x^j/j!)^bins
        poly = [Fraction(1)]
        term = [Fraction(1, math.factorial(j)) for j in range(m + 1)]
        for _ in range(bins):
            new = [Fraction(0)] * min(len(poly) + m, balls + 1)
            for i, a in enumerate(poly):
                for j, b in enumerate(term):
                    if i + j <= balls:
                        new[i + j] += a * b
            poly = new
        return poly[balls] * math.factorial(balls) if len(poly) > balls else Fraction(0)
    total = Fraction(bins) ** balls
    cdf = [count_at_most(m) / total for m in range(balls + 1)]
    return [float(cdf[m] - (cdf[m - 1] if m else 0)) for m in range(balls + 1)]


n = 0
failed = 0


def ok(cond, msg):
    global n, failed
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + msg)
    failed += not cond


def ports(path):
    f = h5py.File(path, "r")
    nodes = f["topology/nodes"][:]
    links = f["topology/links"][:]
    p = f["ports"][:]
    name = {int(r["id"]): r["name"].decode() for r in nodes}
    return name, links, p


def collisions(folder):
    maxima = []
    for path in sorted(glob.glob(folder + "/*.h5")):
        name, links, p = ports(path)
        by_leaf = {}
        for l, row in zip(links, p):
            s, d = name[int(l["src"])], name[int(l["dst"])]
            if s.startswith("leaf") and d.startswith("spine"):
                by_leaf.setdefault(s, []).append(int(row["tx_packets"]))
        for leaf, loads in by_leaf.items():
            assert sum(loads) == 8, (path, leaf, loads)
            maxima.append(max(loads))
    want = max_bin_distribution(8, 8)
    samples = len(maxima)
    mean_want = sum(m * p for m, p in enumerate(want))
    var_want = sum((m - mean_want) ** 2 * p for m, p in enumerate(want))
    mean_got = float(np.mean(maxima))
    se = math.sqrt(var_want / samples)
    ok(samples >= 300, "%d leaves sampled" % samples)
    ok(abs(mean_got - mean_want) < 4 * se,
       "mean busiest-uplink load %.3f vs balls-into-bins %.3f (+- %.3f)" % (mean_got, mean_want, 4 * se))
    for m in range(1, 6):
        got = maxima.count(m) / samples
        tol = 4 * math.sqrt(want[m] * (1 - want[m]) / samples) + 1e-9
        ok(abs(got - want[m]) <= tol, "P(max = %d): %.3f vs %.3f (+- %.3f)" % (m, got, want[m], tol))


def subflows(path, k, kind):
    name, links, p = ports(path)
    if kind == "leafspine":
        used = [int(r["tx_packets"]) for l, r in zip(links, p)
                if name[int(l["src"])] == "leaf1" and name[int(l["dst"])].startswith("spine")]
    else:  # fat-tree: count the packets through each core switch
        used = [int(r["tx_packets"]) for l, r in zip(links, p) if name[int(l["dst"])].startswith("core")]
    busy = sorted(x for x in used if x)
    ok(len(busy) == k, "%s: %d subflows on %d distinct paths (%s)" % (kind, k, len(busy), used))
    ok(busy == [8 // k] * k, "%s: each path carries 1/%d of the packets" % (kind, k))


if __name__ == "__main__":
    if sys.argv[1] == "collisions":
        collisions(sys.argv[2])
    else:
        subflows(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    sys.exit(1 if failed else 0)
