#!/bin/sh
# timeseries.sh - /timeseries holds what netsim-hdf5(5) says, checked against
# a hand calculation: one 1 MB transfer between two hosts of a 100 Gbps star
# (1 us links, 4096-byte packets with 64-byte headers), sampled every 10 us.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 3

scenario ts.lua <<'LUA'
local stop = param("stop", "0s")
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, sample = "10us", ["until"] = stop }
LUA
run -q -o full.h5 ts.lua
run -q -o cut.h5 ts.lua stop=55us
is "$status" 0 'two runs, one stopped at 55 us'

cat >"$T/check.py" <<'PY'
import sys
import h5py, numpy as np

fails = []
def check(cond, what):
    if not cond:
        fails.append(what)

# the hand calculation
rate = 100e9 / 8 / 1e12                 # bytes per ps
payload, header, mtu = 1000000, 64, 4096
pkts = -(-payload // (mtu - header))    # 249 packets
wire = payload + pkts * header          # 1015936 bytes on each link of the path
P = 10_000_000                          # sample period, ps
first_hop = mtu / rate + 1_000_000      # last bit of the first packet reaches the switch
busy = wire / rate                      # each link of the path is busy this long
finish = first_hop + busy + 1_000_000   # last bit reaches host 2

with h5py.File(sys.argv[1]) as f:
    g = f["timeseries"]
    t, lb, qb = g["time_ps"][:], g["link_bytes"][:], g["queue_bytes"][:]
    links = f["topology/links"][:]
    ports = f["ports"][:]
    x = f["transfers"][0]
    up = int(np.flatnonzero((links["src"] == 1) & (links["dst"] == 3))[0])    # host1 -> switch
    down = int(np.flatnonzero((links["src"] == 3) & (links["dst"] == 2))[0])  # switch -> host2
    check(g.attrs["sample_ps"] == P, "sample_ps is the period")
    check(g["time_ps"].attrs["unit"] == "ps" and g["link_bytes"].attrs["unit"] == "B"
          and g["queue_bytes"].attrs["unit"] == "B", "units")
    check(abs(x["finish_ps"] - finish) < 1, "transfer finish %d, by hand %.0f" % (x["finish_ps"], finish))
    check(t[0] == 0 and np.all(np.diff(t) > 0), "first row at 0, times strictly increase")
    check(np.all(t % P == 0), "every row on a multiple of the period")
    check(t[-1] == -(-int(finish) // P) * P, "last row %d at the first tick after the last event" % t[-1])
    check(lb.shape == (len(t), len(links)) and qb.shape == lb.shape, "time x link")
    check(np.all(lb[0] == 0), "row 0 has no bytes")
    check(np.array_equal(lb.sum(axis=0), ports["tx_bytes"]), "columns sum to /ports tx_bytes")
    check(lb[:, up].sum() == wire and lb[:, down].sum() == wire, "wire bytes %d on both links" % wire)
    full = int(busy // P)                 # whole periods the first link is busy: 8
    check(full == 8 and np.all(lb[1:full + 1, up] == P * rate), "first link sends rate x period while busy (8 periods)")
    check(lb[full + 1, up] == wire - full * P * rate, "then the rest, %d" % (wire - full * P * rate))
    check(lb[1, down] == round((P - first_hop) * rate), "second link from %.0f ps: %d" % (first_hop, lb[1, down]))
    # at 10 us the NIC is inside packet 31 (each takes 327680 ps): what is left of it is queued
    left = 31 * mtu / rate - P
    check(qb[1, up] == int(np.ceil(left * rate)), "queue at 10 us %d, by hand %.1f" % (qb[1, up], left * rate))
    util = lb[1:, up] * 8 / (links["rate_bps"][up] * np.diff(t) * 1e-12)
    check(abs(util.max() - 1) < 1e-12 and util.min() >= 0, "utilisation reaches 1, never more")

with h5py.File(sys.argv[2]) as f:
    t = f["timeseries/time_ps"][:]
    lb = f["timeseries/link_bytes"][:]
    check(list(t) == [0, P, 2 * P, 3 * P, 4 * P, 5 * P, 55_000_000], "stopped run: a last row at 55 us: %s" % t)
    check(lb[-1, 0] == 5_000_000 * rate, "its interval is 5 us long")
    check(f.attrs["completed"] == 0 and f["transfers"][0]["finish_ps"] == -1, "the transfer never finished")
    check(np.array_equal(lb.sum(axis=0), f["ports"]["tx_bytes"]), "stopped run: columns sum to tx_bytes")

for w in fails:
    print("# failed:", w)
sys.exit(1 if fails else 0)
PY
"$PY" "$T/check.py" "$T/full.h5" "$T/cut.h5"
ok $? 'time series rows, bytes and queues match the hand calculation'
scenario nots.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w }
LUA
run -q -o nots.h5 nots.lua
"$PY" -c 'import h5py, sys; sys.exit(0 if "timeseries" not in h5py.File(sys.argv[1]) else 1)' "$T/nots.h5"
ok $? 'a run without sample= has no /timeseries'
finish
