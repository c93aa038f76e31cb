#!/usr/bin/python3
"""layers.py SRCDIR - the include graph of netsim's C sources, by module
(x.c, x.h and the internal header x_int.h are one module). Prints every
file under sim/ that includes a header of topologies/ or workloads/ (the core
never names a builder) and every cycle of modules that include each other's
headers; exits 1 if there is any."""
import os, re, sys
root = sys.argv[1]
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
mods = {}
files = []
for d in ("sim", "sim/packet", "sim/flow", "sim/output", "sim/lua", "topologies", "workloads"):
    for f in sorted(os.listdir(os.path.join(root, d))):
        if f.endswith((".c", ".h")):
            files.append(os.path.join(d, f))
edges = {}
bad = []
for f in files:
    d = os.path.dirname(f)
    mod = re.sub(r"_int$", "", f[:-2])
    for name in inc.findall(open(os.path.join(root, f)).read()):
        if name == "config.h":
            continue
        target = name if "/" in name else os.path.join(d, name)
        if f.startswith("sim/") and target.startswith(("topologies/", "workloads/")):
            bad.append("%s includes %s" % (f, name))
        tmod = re.sub(r"_int$", "", target[:-2])
        if tmod != mod:
            edges.setdefault(mod, set()).add(tmod)
# cycles: Tarjan's strongly connected components
index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: comps.append(sorted(c))
for v in sorted(set(edges) | {t for s in edges.values() for t in s}):
    if v not in index: strong(v)
for b in bad: print("layer:", b)
for c in comps: print("cycle:", " <-> ".join(c))
print("%d modules, %d layer violations, %d cycles" % (len(index), len(bad), len(comps)))
sys.exit(1 if bad or comps else 0)
