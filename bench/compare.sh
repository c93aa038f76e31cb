#!/bin/sh
# bench/compare.sh - two netsim binaries on one scenario, interleaved
# (A B A B ...), N rounds: the least and the median wall time of each, and
# their ratio. Not a test. Usage:
#   bench/compare.sh [-n N] NETSIM_A NETSIM_B SCENARIO [NAME=VALUE ...]
set -eu
rounds=5
if [ "${1:-}" = -n ]; then rounds=$2; shift 2; fi
[ $# -ge 3 ] || { echo "usage: $0 [-n N] NETSIM_A NETSIM_B SCENARIO [NAME=VALUE ...]" >&2; exit 2; }
a=$1 b=$2
shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
while [ $i -lt "$rounds" ]; do
    for which in a b; do
        eval bin=\$$which
        /usr/bin/time -f %e -o "$out/t" "$bin" -q "$@" output="$out/o.h5" >/dev/null
        cat "$out/t" >>"$out/$which"
    done
    i=$((i + 1))
done
/usr/bin/python3 - "$out/a" "$out/b" "$a" "$b" <<'PY'
import statistics, sys
ta = [float(x) for x in open(sys.argv[1])]
tb = [float(x) for x in open(sys.argv[2])]
for name, t in ((sys.argv[3], ta), (sys.argv[4], tb)):
    print(f"{name}: least {min(t):.3f} s, median {statistics.median(t):.3f} s ({', '.join(f'{x:.2f}' for x in t)})")
print(f"ratio A/B: least {min(ta)/min(tb):.2f}, median {statistics.median(ta)/statistics.median(tb):.2f}")
PY
