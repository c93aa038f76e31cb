#!/bin/sh
# checks_selftest.sh - tests/checks.py, the runner of tests/lib.sh's
# `check`: a check passes only when it compared something and everything it
# compared held; a loop over an empty set, a failed comparison, an exception
# and an empty queue all fail.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
PY=${PY:-/usr/bin/python3}
plan 6
cat >"$T/checks" <<'EOF2'
### holds
for v in data:
    ok &= v > 0
### empty loop
for v in []:
    ok &= v > 0
### one false
for v in data + [-1]:
    ok &= v > 0
### raises
ok &= data[10] > 0
### assigned
ok = len(data) == 3
### assigned false
ok = len(data) == 4
EOF2
printf 'data = [1, 2, 3]\n' >"$T/setup.py"
"$PY" "$SRCDIR/tests/checks.py" "$T/setup.py" "$T/checks" >"$T/out" 2>&1
sed 's/^/# /' "$T/out"
is "$(grep '^RESULT' "$T/out" | tr '\n' '|')" \
   'RESULT 0 holds|RESULT 1 empty loop|RESULT 1 one false|RESULT 1 raises|RESULT 0 assigned|RESULT 1 assigned false|' \
   'each check: held, nothing compared, one false, exception, assigned true, assigned false'
grep -q '^# empty loop: nothing was compared' "$T/out"; ok $? 'a check that compared nothing says so'
grep -q "^# raises: IndexError" "$T/out"; ok $? 'an exception is shown'
: >"$T/checks"
"$PY" "$SRCDIR/tests/checks.py" "$T/setup.py" "$T/checks" >"$T/out2" 2>&1
is "$(cat "$T/out2")" 'RESULT 1 no check was queued' 'an empty queue fails'
# through the shell functions of lib.sh: TAP lines, numbered on
check "through lib.sh" 'ok &= sum(data) == 6'
run_checks 'data = [1, 2, 3]'          # one TAP line: ok 5 - through lib.sh
test ! -e "$T/checks"; ok $? 'and empties the queue'
finish
