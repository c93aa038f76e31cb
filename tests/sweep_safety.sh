#!/bin/sh
# sweep_safety.sh - scripts/netsim-sweep against what users and accidents do
# (issue 13, items 7-9): a folder name that GNU parallel or a shell would
# interpret is taken literally; one sweep at a time per folder (the second is
# refused, naming the first's PID); a sweep killed with kill -9 leaves no
# point running twice on resume; point names are injective.
# netsim is replaced by tests/data/fake_netsim.sh, which logs each run and
# notes a second concurrent run of one point.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
command -v parallel >/dev/null 2>&1 || skip_all 'no GNU parallel (Debian: parallel)'
export NETSIM_PYTHON="$PY" NETSIM="$SRCDIR/tests/data/fake_netsim.sh" FAKE_LOG="$T/log"
SWEEP="$SRCDIR/scripts/netsim-sweep"
printf 'local v = param("v", "x")\n' >"$T/s.lua"
plan 13

sweep() { ( cd "$T" && exec "$SWEEP" s.lua "$@" ) ; }   # (backgrounded runs are written out: $! must be the sweep)
runs() { grep -c "^run $1" "$T/log"; }

# 7. nothing the user passes reaches parallel's template or a shell
dir='out{=system("touch pwned")=}a{}b'
FAKE_SLEEP=0 sweep 'v=1,2' -o "$dir" -j 2 >"$T/out" 2>&1
is "$?" 0 'a folder named with parallel replacement strings: the sweep runs'
test -f "$T/$dir/v=1.json" && test -f "$T/$dir/v=2.json"; ok $? 'its points land in that very folder'
test ! -e "$T/pwned" && test ! -e "$T/$dir/pwned" && test ! -e pwned; ok $? 'no {=perl=} expression was run'

# 9. distinct values give distinct names
: >"$T/log"
FAKE_SLEEP=0 sweep 'v=a 20,a†,a%2020' -o names -j 1 >"$T/out" 2>&1
is "$?" 0 'values with a space, a non-ASCII character and a percent sign'
is "$(ls "$T/names"/v=*.json | wc -l | tr -d ' ')" 3 'three values, three points, three files'
is "$(sort -u "$T/log" | grep -c '^run ')" 3 'each written once'

# 8a. a second sweep in a busy folder is refused, naming the first
: >"$T/log"
( cd "$T" && FAKE_SLEEP=4 exec "$SWEEP" s.lua 'v=1..3' -o busy -j 2 ) >"$T/out1" 2>&1 &
first=$!
i=0; while [ ! -s "$T/busy/.lock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sweep 'v=1..3' -o busy -j 2 >"$T/out2" 2>&1
is "$?" 1 'a second sweep in the same folder exits 1'
grep -q "another sweep (process $first) is running in .*busy" "$T/out2"; ok $? 'and names the first one'
wait $first
is "$?" 0 'the first sweep is not disturbed'

# 8b. kill -9 of the sweep and of every process of it but netsim itself
# (parallel and the point runners): a resume skips the points still running
: >"$T/log"
( cd "$T" && FAKE_SLEEP=3 exec "$SWEEP" s.lua 'v=1..3' -o killed -j 2 ) >"$T/out1" 2>&1 &
victim=$!
i=0; while [ "$(ls "$T/killed"/v=*.lock 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# parallel first (its point runners would be told to stop), then the runners
# (they would stop netsim), then the sweep: only the two netsims are left
for what in --will-cite --run-task; do
    for p in $(pgrep -f -- "$T/killed"); do
        case "$(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)" in *"$what"*) kill -9 "$p" 2>/dev/null ;; esac
    done
done
kill -9 $victim
wait $victim 2>/dev/null
FAKE_SLEEP=0 sweep 'v=1..3' -o killed -j 2 >"$T/out2" 2>&1
is "$(grep -c 'still running (process' "$T/out2")" 2 'the resume finds two points still running and leaves them'
sleep 3.5
is "$(grep -c DOUBLE "$T/log")" 0 'no point ran twice at once'
FAKE_SLEEP=0 sweep 'v=1..3' -o killed -j 2 >"$T/out3" 2>&1
is "$?" 0 'once they are over, the next resume completes the sweep'
grep -q '3 of 3 points done' "$T/out3"; ok $? 'with every point done'
finish
