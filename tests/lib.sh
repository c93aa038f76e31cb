# tests/lib.sh - TAP helpers for shell tests. Source it; it sets:
#   NETSIM  the binary under test, SRCDIR the source tree, T a scratch folder
#   (under the build folder, removed at exit), PY a Python with h5py or "".
# Functions: plan N, ok COND-STATUS MSG, is GOT WANT MSG, skip_all MSG, finish,
# run ARGS..., run_to OUT.h5 SCENARIO ARGS..., scenario NAME, expect_bad TEXT PATTERN DESCRIPTION [ARGS...].

: "${NETSIM:=$(pwd)/netsim}"
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
T=$(mktemp -d "$(pwd)/test-XXXXXX")
trap 'rm -rf "$T"' EXIT
PY=""
if [ -n "${PYTHON:-}" ] && [ "${PYTHON}" != false ] && "$PYTHON" -c 'import h5py' 2>/dev/null; then PY=$PYTHON
elif /usr/bin/python3 -c 'import h5py' 2>/dev/null; then PY=/usr/bin/python3; fi

_n=0
_failed=0
plan() { echo "1..$1"; }
ok() {   # ok STATUS MESSAGE: passes when STATUS is 0
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
is() {   # is GOT WANT MESSAGE
    _n=$((_n + 1))
    if [ "$1" = "$2" ]; then echo "ok $_n - $3"; else
        echo "not ok $_n - $3"; echo "#   got:      '$1'"; echo "#   expected: '$2'"; _failed=$((_failed + 1)); fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
finish() { [ "$_failed" -eq 0 ]; exit $?; }

# run netsim in $T, capturing status, stdout and stderr
run() {
    ( cd "$T" && "$NETSIM" "$@" ) >"$T/out" 2>"$T/err"
    status=$?
}
# run_to OUT.h5 SCENARIO [NAME=VALUE ...]: run SCENARIO quietly into
# $T/OUT.h5 as one test (exit status 0, named after the scenario's file and
# the parameters); its stderr is shown when it fails
run_to() {
    _out=$1; _scen=$2; shift 2
    ( cd "$T" && "$NETSIM" -q -o "$_out" "$_scen" "$@" ) >"$T/out" 2>"$T/err"
    _st=$?
    is "$_st" 0 "$(basename "$_scen") $*: runs"
    [ "$_st" -eq 0 ] || sed 's/^/#   /' "$T/err"
}
# write a scenario file: scenario NAME <<EOF ... EOF
scenario() { cat >"$T/$1"; }

# expect_bad SCENARIO-TEXT PATTERN DESCRIPTION [NAME=VALUE ...]: the
# scenario fails with exit status 2, a message matching PATTERN (grep), and
# no output file left (three tests)
expect_bad() {
    text=$1; pattern=$2; desc=$3; shift 3
    printf '%s\n' "$text" >"$T/bad.lua"
    rm -f "$T"/*.h5 "$T"/*.part-*
    run bad.lua "$@"
    is "$status" 2 "$desc: exit status 2"
    grep -q -- "$pattern" "$T/err"
    ok $? "$desc: message matches '$pattern' ($(head -c 300 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.part-* >/dev/null 2>&1
    ok $((! $?)) "$desc: no output file left"
}

# Python checks in one process (h5py loads once): check NAME CODE queues
# CODE; run_checks SETUP runs them all, each in a copy of SETUP's namespace
# (tests/checks.py), and reports one TAP line per check. CODE sets `ok`:
# `ok &= COND` per comparison; a check that compared nothing fails.
check() { printf '### %s\n%s\n' "$1" "$2" >>"$T/checks"; }
run_checks() {
    printf '%s\n' "$1" >"$T/setup.py"
    [ -f "$T/checks" ] || : >"$T/checks"
    "$PY" "$SRCDIR/tests/checks.py" "$T/setup.py" "$T/checks" >"$T/results" 2>&1
    grep -v '^RESULT' "$T/results"
    grep -q '^RESULT' "$T/results" || ok 1 'the checks ran'
    while read -r tag st name; do
        [ "$tag" = RESULT ] && ok "$st" "$name"
    done <"$T/results"
    rm -f "$T/checks"
}
# the setup most checks start from: h5(name) opens $T/name.h5 once;
# run_checks "$(h5_setup)
# def more(...): ..."
h5_setup() {
    cat <<EOF
import h5py
T = '$T'
_files = {}
def h5(name):
    if name not in _files:
        _files[name] = h5py.File('%s/%s.h5' % (T, name), 'r')
    return _files[name]
EOF
}
