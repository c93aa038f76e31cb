"""rails.py SWEEPDIR - the table of rails.sh: per EP size, dispatch and PXN,
the dispatch time and the bandwidth a GPU's NIC reaches during it, beside
DeepEP's published figures for its internode normal kernels.

Per run (one HDF5 file per point of the sweep): the dispatch of every EP group
is its /moe_layers row (forward); its time is dispatch_ps (both stages under
two_stage); the NIC bytes are the payload of the dispatch's transfers between
GPUs of different servers (label "dispatch"); the bandwidth per GPU is a GPU's
NIC bytes over its group's dispatch time, averaged over the GPUs. Seeds are
averaged."""
import collections
import glob
import os
import sys

import h5py

G = 8
DEEPEP = {16: 43, 32: 58, 64: 51}   # GB/s, dispatch "bottleneck bandwidth" (RDMA), DeepEP README


def params(path):
    name = os.path.basename(path)[:-3]
    return dict(kv.split("=", 1) for kv in name.split(","))


def one(path):
    f = h5py.File(path, "r")
    lab = {int(o["id"]): o["label"].decode() for o in f["ops"][:]}
    nic = collections.Counter()
    for t in f["transfers"][:]:
        s, d = int(t["src"]) - 1, int(t["dst"]) - 1
        if lab[int(t["op"])] == "dispatch" and s // G != d // G:
            nic[s] += int(t["bytes"])
    layers = f["moe_layers"][:]
    ep = 256 // len(layers)
    times = [int(r["dispatch_ps"]) for r in layers]
    bw = [nic[h] / (times[h // ep] * 1e-12) / 1e9 for h in range(256)]
    return sum(times) / len(times) * 1e-6, sum(bw) / len(bw), sum(nic.values()) / 256 / 1e6


def main():
    rows = collections.defaultdict(list)
    for p in sorted(glob.glob(os.path.join(sys.argv[1], "ep=*.h5"))):
        k = params(p)
        rows[(int(k["ep"]), k["dispatch"], k["pxn"], float(k["zipf"]))].append(one(p))
    print("| EP | routing | dispatch | PXN | dispatch time (us) | NIC MB per GPU | NIC GB/s per GPU | DeepEP GB/s |")
    print("|---:|---|---|---|---:|---:|---:|---:|")
    for (ep, disp, pxn, z), v in sorted(rows.items()):
        t = sum(x[0] for x in v) / len(v)
        bw = sum(x[1] for x in v) / len(v)
        mb = sum(x[2] for x in v) / len(v)
        ref = DEEPEP.get(ep, "") if disp == "two_stage" and z == 0 else ""
        print(f"| {ep} | {'uniform' if z == 0 else 'Zipf %g' % z} | {disp} | {pxn} | {t:.0f} | {mb:.2f} | {bw:.1f} | {ref} |")


main()
