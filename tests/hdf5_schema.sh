#!/bin/sh
# hdf5_schema.sh - man/netsim-hdf5.5 documents exactly what a run writes:
# every object of the file is in the man page and every entry of the man page
# is in the file, with the same types and units (tests/hdf5_schema.py).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
plan 14
MAN="$SRCDIR/man/netsim-hdf5.5"
CHECK="$SRCDIR/tests/hdf5_schema.py"

cp "$SRCDIR/tests/data/sweep.lua" "$T/s.lua"
run -q -o run.h5 s.lua n=3
is "$status" 0 'a run with parameters and time series'

# and a run of two jobs (with --isolation): /jobs and the jobs' summary numbers
cat >"$T/jobs.lua" <<'LUA'
local fab = netsim.star{ hosts = 8, rate = "100Gbps", latency = "1us" }
local a = netsim.workload{ name = "ring" }
a:allreduce{ hosts = {1, 2, 3, 4}, bytes = "1MB" }
local b = netsim.workload{ name = "moe", start = "5us" }
b:moe{ hosts = {5, 6, 7, 8}, experts = 4, top_k = 1, tokens = 64, hidden = 256, dtype_bytes = 2, layers = 1 }
netsim.run{ fabric = fab, workload = { a, b }, transport = "ideal" }
LUA
run -q --isolation -o jobs.h5 jobs.lua
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
# and a run with a failure: /failures
run -q -o fail.h5 "$SRCDIR/tests/data/failures.lua" mode=slow at=5us
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"

"$PY" "$CHECK" "$MAN" "$T/run.h5" "$T/jobs.h5" "$T/fail.h5" >"$T/schema" 2>&1
st=$?
sed 's/^/# /' "$T/schema"
is "$(grep -c '^undocumented:' "$T/schema")" 0 'every group, dataset, column and attribute in the file is documented'
is "$(grep -c '^missing:' "$T/schema")" 0 'everything the man page documents is in the file'
is "$(grep -c '^type:' "$T/schema")" 0 'documented types are the file'"'"'s'
is "$(grep -c '^unit:' "$T/schema")" 0 'documented units are the unit attributes of the file'
is "$(grep -c '^malformed:' "$T/schema")" 0 'every entry of the man page follows the convention'
n=$(sed -n 's/^entries \([0-9]*\) objects \([0-9]*\)$/\1/p' "$T/schema")
test "${n:-0}" -ge 100; ok $? "the man page lists ${n:-0} objects (at least 100)"
is "$st" 0 'the checker exits 0'

# the checker can fail: drop the entry of a column, add one for a column that
# does not exist, give a column a wrong unit and another a wrong type
sed -e '/^\.BI "\/transfers\.ecn_marks " /d' \
    -e 's|^\.BI "/ops\.label " "string"$|&\n.TP\n.BI "/ops.bogus " "int64, ps"|' \
    -e 's|^\.BI "/transfers\.bytes " "uint64, B"$|.BI "/transfers.bytes " "uint64, KB"|' \
    -e 's|^\.BI "/ports\.drops " "uint64"$|.BI "/ports.drops " "int32"|' "$MAN" >"$T/bad.5"
"$PY" "$CHECK" "$T/bad.5" "$T/run.h5" >"$T/bad" 2>&1
ok $((! $?)) 'the checker fails on a wrong man page'
grep -q '^undocumented: /transfers.ecn_marks uint64$' "$T/bad"; ok $? 'it names the undocumented column'
grep -q '^missing: /ops.bogus$' "$T/bad"; ok $? 'it names the documented column the file lacks'
grep -q '^unit: /transfers.bytes documented KB, file B$' "$T/bad"; ok $? 'it names the wrong unit'
grep -q '^type: /ports.drops documented int32, file uint64$' "$T/bad"; ok $? 'it names the wrong type'

# the man page's h5py example runs, on this run
awk '/^\.nf/{code=""; inblk=1; next} /^\.fi/{if (code ~ /import h5py/) printf "%s", code; inblk=0; next}
     inblk && !/^\./{code = code $0 "\n"}' "$MAN" >"$T/example.py"
cp "$T/run.h5" "$T/quickstart.h5"
( cd "$T" && grep -q 'h5py.File("quickstart.h5"' example.py && "$PY" example.py ) >"$T/example.out" 2>&1
ok $? 'the h5py example of the man page runs'
finish
