# tests/lib.sh - TAP helpers for shell tests. Source it; it sets:
#   NETSIM  the binary under test, SRCDIR the source tree, T a scratch folder
#   (under the build folder, removed at exit), PY a Python with h5py or "".
# Functions: plan N, ok COND-STATUS MSG, is GOT WANT MSG, skip_all MSG, finish.

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
# write a scenario file: scenario NAME <<EOF ... EOF
scenario() { cat >"$T/$1"; }
