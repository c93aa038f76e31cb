#!/bin/sh
# determinism.sh - two runs with the same seed write identical tables.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
command -v h5dump >/dev/null || skip_all 'h5dump not installed (hdf5-tools)'
plan 4
cp "$SRCDIR/scripts/examples/quickstart.lua" "$T/q.lua"
run q.lua -o a.h5 -q
run q.lua -o b.h5 -q
for d in /transfers /ops /ports /timeseries/link_bytes; do
    h5dump -d $d "$T/a.h5" | tail -n +2 >"$T/a.txt"
    h5dump -d $d "$T/b.h5" | tail -n +2 >"$T/b.txt"
    cmp -s "$T/a.txt" "$T/b.txt" && [ -s "$T/a.txt" ]
    ok $? "$d is identical in two runs with the same seed"
done
finish
