#!/bin/sh
# ethereal.sh - lb = "ethereal" (issue 15, item 1; arXiv 2407.00550) against
# figures computed by hand, from /ports and /transfers read back in Python.
#
# Ethereal's theorem: n equal transfers of f bytes from one leaf to another
# over s spines; the first n - r (r = n mod s) go whole to the s uplinks in
# turn, the last r are cut into m = s / gcd(r, s) pieces of f / m, also in
# turn, so every uplink carries q f + (r / gcd(r, s)) (f / m) = n f / s
# payload bytes: the least any assignment can give the busiest uplink (the
# n f bytes cross s uplinks), and what round-robin spraying gives. Packets
# carry 1,000 payload bytes and a 64-byte header (mtu 1064), and f = 240,000
# is a multiple of 1,000 m for every case below, so an uplink carries
# exactly n f / s x 1064 / 1000 bytes:
#   n=5  s=4: r=1 m=4  pieces 4 x 1 + 1 x 4 = 8    uplink 319,200
#   n=6  s=4: r=2 m=2  pieces 4 + 2 x 2 = 8         uplink 383,040
#   n=8  s=4: r=0      pieces 8                     uplink 510,720
#   n=3  s=8: r=3 m=8  pieces 3 x 8 = 24            uplink  95,760
#   n=7  s=3: r=1 m=3  pieces 6 + 3 = 9             uplink 595,840
#   n=10 s=4: r=2 m=2  pieces 8 + 2 x 2 = 12        uplink 638,400
# (the script computes the same from the formula). ECMP hashes whole
# transfers and may stack them: its busiest uplink carries at least as much,
# and more in some case here. The flow model gives every link the same bytes.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'

S=$SRCDIR/tests/data/ethereal.lua
CASES="5:4 6:4 8:4 3:8 7:3 10:4"
failed_runs=0
go() {   # go NAME PARAMS...: run the scenario into NAME.h5
    name=$1; shift
    run -q -o "$name.h5" "$S" "$@"
    if [ "$status" -ne 0 ]; then failed_runs=$((failed_runs + 1)); echo "# $name: exit $status"; sed 's/^/#   /' "$T/err"; fi
}

# the header names the policy; subflows > 1 is refused
run -o hdr.h5 "$S" n=2
is "$(head -n 1 "$T/out" | grep -o 'lb [a-z]*,')" "lb ethereal," 'the run header says lb ethereal'
expect_bad 'local fab = netsim.leafspine{ leaves = 2, spines = 4, hosts_per_leaf = 2, host_link = { rate = "100Gbps", latency = "1us" } }
local w = netsim.workload()
w:transfer{ src = 1, dst = 3, bytes = 1e6 }
netsim.run{ fabric = fab, workload = w, lb = "ethereal", subflows = 2, output = "bad.h5" }' \
    "bad.lua:4: run: field 'subflows' must be 1 with lb = \"ethereal\", which cuts transfers itself (got 2)" \
    'ethereal with subflows = 2'

# the memory estimate counts the pieces: n = 3 over s = 8 is 3 x 8 subflows
run --check "$S" n=3 spines=8
cat "$T/out" "$T/err" | grep -q 'packet model .* for 24 subflows'
ok $? 'the memory estimate of n = 3, s = 8 counts 24 subflows'

for c in $CASES; do
    n=${c%:*}; s=${c#*:}
    go "eth_${n}_$s" n=$n spines=$s
    go "ethflow_${n}_$s" n=$n spines=$s model=flow
    go "ecmp_${n}_$s" n=$n spines=$s lb=ecmp
    go "rr_${n}_$s" n=$n spines=$s lb=spray spray=roundrobin
done
go failed n=5 spines=4 failed=2
go failedflow n=5 spines=4 failed=2 model=flow
go ft mode=fattree
go ftflow mode=fattree model=flow
go rules mode=rules
go rulesflow mode=rules model=flow
go ring mode=ring bytes=1000000 transport=dctcp
go perm mode=permutation bytes=1000000
go permflow mode=permutation bytes=1000000 model=flow
is "$failed_runs" 0 'every run succeeds'

for c in $CASES; do
    n=${c%:*}; s=${c#*:}
    check "n=$n s=$s: every leaf uplink and spine downlink carries n f / s bytes (x 1064/1000)" "
want = n_f_s($n, $s)
for b in links('eth_${n}_$s', 'leaf1', 'spine') + links('eth_${n}_$s', 'spine', 'leaf2'):
    ok &= b == want
ok &= len(links('eth_${n}_$s', 'leaf1', 'spine')) == $s"
    check "n=$n s=$s: the pieces are the formula's, no more" "
r = $n % $s
m = $s // math.gcd(r, $s) if r else 1
ok &= subflows('eth_${n}_$s') == [1] * ($n - r) + [m] * r"
    check "n=$n s=$s: round-robin spraying's busiest uplink is the same" "
ok &= max(links('rr_${n}_$s', 'leaf1', 'spine')) == n_f_s($n, $s)"
    check "n=$n s=$s: the flow model moves the same bytes on every link" "
a, b = all_links('eth_${n}_$s'), all_links('ethflow_${n}_$s')
ok &= len(a) > 0
ok &= a == b
ok &= subflows('eth_${n}_$s') == subflows('ethflow_${n}_$s')"
done
check "ECMP's busiest uplink carries at least n f / s, and more in some case" "
more = 0
for c in '$CASES'.split():
    n, s = map(int, c.split(':'))
    got = max(links('ecmp_%d_%d' % (n, s), 'leaf1', 'spine'))
    ok &= got >= n_f_s(n, s)
    more += got > n_f_s(n, s)
ok &= more >= 3"

# a failed cable (leaf 1 - spine 2) leaves s = 3 paths: n = 5, r = 2, m = 3;
# the three uplinks left carry 5 f / 3 = 400,000 payload bytes, 425,600 in all
check "failed cable: s = 3 paths left, pieces [1, 1, 1, 3, 3], 425,600 bytes on each uplink left" "
for name in ('failed', 'failedflow'):
    ok &= subflows(name) == [1, 1, 1, 3, 3]
    up = links(name, 'leaf1', 'spine')
    ok &= sorted(up) == [425600] * 3 if len(up) == 3 else sorted(up) == [0, 425600, 425600, 425600]"

# a k=4 fat-tree: between pods s = 2 aggregation x 2 core = 4 paths, one per
# core; n = 5 gives [1, 1, 1, 1, 4] and every core carries 5 f / 4 = 300,000
# payload bytes (319,200); within the pod s = 2 aggregation switches, n = 3
# gives [1, 1, 2] and each carries 1.5 f = 360,000 down to edge 2 (383,040);
# edge 1's two uplinks carry 2 x 319,200 + 383,040 = 1,021,440 each
check "fat-tree: pieces [1,1,1,1,4] between pods and [1,1,2] within; every core 319,200 bytes" "
for name in ('ft', 'ftflow'):
    ok &= subflows(name) == [1, 1, 1, 1, 4, 1, 1, 2]
    ok &= links(name, 'core', 'agg7') + links(name, 'core', 'agg8') == [319200] * 4
    ok &= links(name, 'agg1', 'edge2') + links(name, 'agg2', 'edge2') == [383040] * 2
    ok &= links(name, 'edge1', 'agg') == [1021440] * 2
ok &= all_links('ft') == all_links('ftflow')"

# mode=rules (tests/data/ethereal.lua): transfers 1-4 leaf1 -> leaf2 form one
# batch of 4 (the 4th after a 0 s compute op, at the same picosecond): whole,
# one per spine; transfer 5 leaf1 -> leaf3 is a batch of 1 (r = 1, 4 pieces
# of 60,000); 6 stays under leaf 1 (one path, whole); 7 and 8 leaf2 -> leaf1
# at 1 us are a batch of 2 (r = 2, gcd 2: 2 pieces each, on spines 1-2 and
# 3-4); 9 at 2 us is alone (4 pieces). Leaf 1's uplinks: 240,000 + 60,000
# payload each = 319,200 bytes; leaf 2's: 120,000 + 60,000 = 191,520.
check "batches: per (source leaf, destination leaf, picosecond); the pieces of each transfer" "
ok &= subflows('rules') == [1, 1, 1, 1, 4, 1, 2, 2, 4]
ok &= subflows('rulesflow') == [1, 1, 1, 1, 4, 1, 2, 2, 4]
ok &= [int(x) for x in h5('rules')['transfers']['start_ps']] == [0] * 6 + [1000000] * 2 + [2000000]"
check "batches: leaf 1's uplinks carry 319,200 bytes each, leaf 2's 191,520, in both models" "
for name in ('rules', 'rulesflow'):
    ok &= links(name, 'leaf1', 'spine') == [319200] * 4
    ok &= links(name, 'leaf2', 'spine') == [191520] * 4
    ok &= links(name, 'leaf3', 'spine') == [0] * 4"
# a ring allreduce over 16 hosts (4 per leaf): 2 x 15 steps of 16 transfers;
# a step's only transfer from one leaf to the next is alone in its batch
# (4 pieces), the others stay under their leaf (whole)
check "ring allreduce under ethereal (dctcp): all 480 transfers done, crossing ones in 4 pieces" "
t = h5('ring')['transfers'][:]
ok &= len(t) == 480
ok &= all(int(x) >= 0 for x in t['finish_ps'])
ok &= [int(x) for x in t['subflows']] == [4 if (int(a) - 1) // 4 != (int(b) - 1) // 4 else 1
                                          for a, b in zip(t['src'], t['dst'])]"
check "permutation under ethereal: the flow model moves the packet model's bytes on every leaf-spine link" "
def fabric_links(name):
    return links(name, 'leaf', 'spine') + links(name, 'spine', 'leaf')
ok &= len(fabric_links('perm')) == 32
ok &= fabric_links('perm') == fabric_links('permflow')
ok &= sum(fabric_links('perm')) > 0
ok &= subflows('perm') == subflows('permflow')"

run_checks "
import math
$(h5_setup)
def n_f_s(n, s):
    return n * 240000 // s * 1064 // 1000
def links(name, a, b):
    '''tx_bytes of the links from nodes named a* to nodes named b*, in link order'''
    f = h5(name)
    node = {int(r['id']): r['name'].decode() for r in f['topology/nodes'][:]}
    return [int(p['tx_bytes']) for l, p in zip(f['topology/links'][:], f['ports'][:])
            if node[int(l['src'])].startswith(a) and node[int(l['dst'])].startswith(b)]
def all_links(name):
    return [int(x) for x in h5(name)['ports']['tx_bytes']]
def subflows(name):
    return [int(x) for x in h5(name)['transfers']['subflows']]
"
plan "$_n"
finish
