#!/bin/sh
# netsim_h5_version.sh - scripts/netsim_h5.py refuses a file of a newer
# schema_version (naming both versions), refuses a file that is not netsim's,
# and warns when the run did not complete (completed = 0). Issue 13, item 14.
export PYTHONDONTWRITEBYTECODE=1
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas' 2>/dev/null || skip_all 'no pandas for that Python (Debian: python3-pandas)'
plan 6

cp "$SRCDIR/tests/data/sweep.lua" "$T/s.lua"
run -q -o run.h5 s.lua n=2 bytes=100KB
is "$status" 0 'a run to read'

"$PY" - "$T" >"$T/py" 2>&1 <<'PY'
import os, shutil, sys, warnings
import h5py
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "scripts"))
import netsim_h5
t = sys.argv[1]
run = os.path.join(t, "run.h5")

def variant(name, **attrs):
    p = os.path.join(t, name)
    shutil.copy(run, p)
    with h5py.File(p, "r+") as f:
        for k, v in attrs.items():
            if v is None:
                del f.attrs[k]
            else:
                f.attrs[k] = v
    return p

def opens(p):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            with netsim_h5.open(p) as r:
                r.meta
            return "ok", [str(x.message) for x in w if issubclass(x.category, netsim_h5.IncompleteRunWarning)]
        except ValueError as e:
            return "error: %s" % e, []

print("current", *opens(run))
print("newer", *opens(variant("newer.h5", schema_version=netsim_h5.SCHEMA_VERSION + 1)))
print("none", *opens(variant("none.h5", schema_version=None)))
print("partial", *opens(variant("partial.h5", completed=0)))
PY
sed 's/^/# /' "$T/py"
grep -q "^current ok \[\]$" "$T/py"; ok $? 'a complete run of this version opens without a warning'
grep -q "^newer error: .*newer.h5: written with schema_version 2 by netsim .*reads version 1 and older" "$T/py"
ok $? 'a newer schema_version is refused, naming both versions'
grep -q "^none error: .*none.h5: not a netsim results file" "$T/py"; ok $? 'a file without schema_version is refused'
grep -q "^partial ok \[.*partial.h5: the run did not complete (completed = 0)" "$T/py"; ok $? 'completed = 0 opens with a warning'
"$PY" -c 'import h5py,sys; f=h5py.File(sys.argv[1]); sys.exit(int(f.attrs["schema_version"]) != 1)' "$T/run.h5"
ok $? 'the file netsim writes has schema_version 1, the one the module reads'
finish
