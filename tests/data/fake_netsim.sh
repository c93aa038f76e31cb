#!/bin/sh
# fake_netsim.sh - a stand-in for netsim in tests/sweep_safety.sh: appends
# "run OUTPUT" to $FAKE_LOG, holds OUTPUT.running while it runs (finding it
# there means a second run of the same point at once: "DOUBLE OUTPUT"),
# sleeps $FAKE_SLEEP seconds, then writes OUTPUT and a JSON summary.
out=""; prev=""
for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
echo "run $out" >>"$FAKE_LOG"
mkdir "$out.running" 2>/dev/null || echo "DOUBLE $out" >>"$FAKE_LOG"
trap 'rmdir "$out.running"; echo "stopped $out" >>"$FAKE_LOG"; exit 143' TERM HUP
sleep "${FAKE_SLEEP:-0}" & wait
rmdir "$out.running" 2>/dev/null
: >"$out"
echo '{"makespan": 0.001, "transfers": 1}'
