#!/bin/sh
# fault.sh - allocation failure: for N = 1, 2, ... fail the Nth allocation
# (NETSIM_FAIL_ALLOC=N, and every later one) of a scenario that builds a
# leaf-spine and a fabric from a GraphML file, loads a workload, runs it
# with dctcp and time series, and writes HDF5. Every N must end in a clean
# error (exit 1 or 2, a message starting "netsim:"), or in success when the
# failure comes too late to matter; never a crash, never a leak
# (NETSIM_CHECK_LEAKS=1), never a temporary file left, and never an output
# file that is not complete.
# Every N up to the scenario's allocation count when FAULT_STRIDE=1 (make
# check-fault); by default every 37th (and the last 8), to stay fast.
# A second scenario does the same for the workload builders and the flow
# model.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
command -v h5dump >/dev/null || skip_all 'h5dump not installed (hdf5-tools)'
stride=${FAULT_STRIDE:-37}
# injection is compiled in only by configure --enable-fault-injection (make
# check-fault builds such a copy, and sets FAULT_REQUIRED so as not to skip);
# without it NETSIM_FAIL_ALLOC is ignored and a run that fails at once succeeds
echo '-- nothing' >"$T/probe.lua"
if ( cd "$T" && NETSIM_FAIL_ALLOC=1 "$NETSIM" -q probe.lua ) >/dev/null 2>&1; then
    [ -z "${FAULT_REQUIRED:-}" ] || { plan 1; ok 1 'fault injection is compiled in (FAULT_REQUIRED is set)'; finish; }
    skip_all 'fault injection not compiled in (configure --enable-fault-injection, or make check-fault)'
fi
plan 16

cp "$SRCDIR/tests/data/leafspine_3x2.graphml" "$T/g.graphml"
scenario f.lua <<'LUA'
local ls = netsim.leafspine{ leaves = 2, spines = 2, hosts_per_leaf = 2,
  host_link = { rate = "100Gbps", latency = "1us" }, switch = { buffer = "1MB" } }
local gr = netsim.graph{ file = "g.graphml" }
assert(gr.nhosts == 6)
local w = netsim.workload()
local a = w:transfer{ src = 1, dst = 3, bytes = "64KB", label = "a" }
local b = w:transfer{ src = 2, dst = 4, bytes = "64KB", after = a }
w:compute{ node = 3, duration = "5us", after = { a, b } }
netsim.run{ fabric = ls, workload = w, transport = "dctcp", subflows = 2, output = "f.h5", sample = "1us" }
LUA

# sweep SCENARIO OUTPUT WHAT: the checks below for one scenario
sweep() {
scen=$1; out=$2; what=$3
run -q "$scen"
ok "$status" "$what: the scenario runs without injected failures"
# the allocations made after NETSIM_FAIL_ALLOC is read: all but a few
( cd "$T" && NETSIM_ALLOC_STATS=1 "$NETSIM" -q "$scen" ) 2>"$T/stats" >/dev/null
total=$(sed -n 's/^netsim: \([0-9]*\) allocations.*/\1/p' "$T/stats")
[ -n "$total" ] && [ "$total" -gt 100 ]
ok $? "$what: the scenario makes $total allocations"

runs=0; crashes=0; leaks=0; left=0; silent=0; incomplete=0; failed=0
# every stride-th N, then every N near the end (writing the output, freeing)
for n in $(seq 1 "$stride" $((total - 9)); seq $((total - 8)) "$total"); do
    rm -f "$T/$out" "$T/$out".*
    ( cd "$T" && NETSIM_FAIL_ALLOC=$n NETSIM_CHECK_LEAKS=1 "$NETSIM" -q "$scen" ) >"$T/out" 2>"$T/err"
    st=$?
    runs=$((runs + 1))
    case $st in
    0) ;;
    1|2) failed=$((failed + 1))
         grep -q '^netsim: ' "$T/err" || { silent=$((silent + 1)); echo "# N=$n: exit $st without a message"; } ;;
    *) crashes=$((crashes + 1)); echo "# N=$n: exit status $st: $(head -c 300 "$T/err")" ;;
    esac
    if grep -q 'not freed' "$T/err"; then leaks=$((leaks + 1)); echo "# N=$n: $(grep 'not freed' "$T/err")"; fi
    if ls "$T/$out".* >/dev/null 2>&1; then left=$((left + 1)); echo "# N=$n: left $(cd "$T" && ls "$out".*)"; fi
    if [ -f "$T/$out" ] && ! h5dump -a /completed "$T/$out" 2>/dev/null | grep -q '(0): 1'; then
        incomplete=$((incomplete + 1)); echo "# N=$n: $out is not a complete run"
    fi
done
is "$crashes" 0 "$what: no crash in $runs runs with the Nth allocation failing (N = 1..$total, step $stride)"
is "$silent" 0 "$what: every failure prints a message"
is "$leaks" 0 "$what: no failure leaks an allocation"
is "$left" 0 "$what: no failure leaves a temporary or partial file"
is "$incomplete" 0 "$what: an output file left behind is always a complete run"
[ "$failed" -gt $((runs / 2)) ]
ok $? "$what: most of them fail ($failed of $runs): the failures reach every phase"
}

sweep f.lua f.h5 'packet model'

# the workload builders (MoE, collectives, background from a CDF file, a
# replayed trace) and the flow model with time series
printf 'time,src,dst,bytes\n0,1,2,10KB\n1us,3,4,20KB\n' >"$T/t.csv"
printf '1000 0.5\n5000 1\n' >"$T/s.cdf"
scenario w.lua <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local w = netsim.workload()
local m = w:moe{ hosts = fab:hosts(), experts = 16, top_k = 4, tokens = 64, hidden = 64, layers = 2,
                 max_nodes_per_token = 2, dispatch = "per_host", skew = { zipf = 1 }, backward = true }
local a = w:alltoall{ hosts = fab:hosts(), bytes = "4KB", after = m }
w:allreduce{ hosts = fab:hosts(), bytes = "64KB", algorithm = "halving_doubling", after = a }
w:background{ hosts = fab:hosts(), load = 0.2, sizes = { cdf = "s.cdf" }, duration = "20us", fabric = fab }
w:replay{ file = "t.csv" }
netsim.run{ fabric = fab, workload = w, model = "flow", output = "w.h5", sample = "1us" }
LUA
sweep w.lua w.h5 'workload builders, flow model'
finish
