#!/bin/sh
# lb.sh - ECMP collisions follow balls-into-bins; subflows take distinct paths.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python with h5py (python3-h5py)'
echo "1..3"
mkdir -p "$T/coll"
for s in $(seq 1 40); do
    ( cd "$T/coll" && "$NETSIM" -q -s "$s" -o "run$s.h5" "$SRCDIR/tests/data/lb_paths.lua" ) || exit 1
done
# each check prints its own TAP; renumber them into one stream
"$PY" "$SRCDIR/tests/lb_check.py" collisions "$T/coll" >"$T/c.tap"; st1=$?
for k in 1 2 4 8; do
    ( cd "$T" && "$NETSIM" -q -o ls$k.h5 "$SRCDIR/tests/data/lb_paths.lua" mode=subflows subflows=$k ) || exit 1
    "$PY" "$SRCDIR/tests/lb_check.py" subflows "$T/ls$k.h5" $k leafspine >>"$T/s.tap" || st2=1
done
for k in 1 2 4; do
    ( cd "$T" && "$NETSIM" -q -o ft$k.h5 "$SRCDIR/tests/data/lb_paths.lua" mode=subflows fabric=fattree subflows=$k ) || exit 1
    "$PY" "$SRCDIR/tests/lb_check.py" subflows "$T/ft$k.h5" $k fattree >>"$T/f.tap" || st3=1
done
sed 's/^/# /' "$T/c.tap" "$T/s.tap" "$T/f.tap"
[ "$st1" -eq 0 ] && echo "ok 1 - ECMP collisions match balls-into-bins" || echo "not ok 1 - ECMP collisions match balls-into-bins"
[ -z "${st2:-}" ] && echo "ok 2 - leaf-spine subflows take distinct spines" || echo "not ok 2 - leaf-spine subflows take distinct spines"
[ -z "${st3:-}" ] && echo "ok 3 - fat-tree subflows take distinct cores" || echo "not ok 3 - fat-tree subflows take distinct cores"
