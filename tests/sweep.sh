#!/bin/sh
# sweep.sh - scripts/netsim-sweep: a 2x2 grid gives 4 runs and one table of
# 4 rows with the parameters as columns; seed goes to netsim as -s; re-running
# runs nothing, a missing point is run again; a failing point is reported and
# the others are still collected; --sshlogin passes through to GNU parallel;
# --slurm writes a job array whose tasks run here with SLURM_ARRAY_TASK_ID.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas' 2>/dev/null || skip_all 'no pandas for that Python (Debian: python3-pandas)'
export NETSIM_PYTHON="$PY"
SWEEP="$SRCDIR/scripts/netsim-sweep"
SCEN="$SRCDIR/tests/data/sweep.lua"
plan 27

# table DIR: the results table as "name=value ..." lines, checked by Python
table() {
    "$PY" - "$1" <<'PY'
import sys, json, h5py, numpy as np, pandas as pd
d = sys.argv[1]
csv = pd.read_csv(d + "/results.csv")
with h5py.File(d + "/results.h5") as f:
    h5 = pd.DataFrame(f["results"][:])
    units = dict(f["results"].attrs)
for c in h5.columns:
    h5[c] = h5[c].map(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v)
same = list(csv.columns) == list(h5.columns) and len(csv) == len(h5)
for c in csv.columns if same else []:
    if csv[c].dtype.kind in "if":
        same = same and h5[c].dtype.kind in "if" and np.allclose(csv[c], h5[c], rtol=1e-15, equal_nan=True)
    else:
        same = same and list(csv[c].astype(str)) == list(h5[c].astype(str))
print("rows", len(csv), "h5rows", len(h5), "same", same)
print("columns", ",".join(csv.columns[:4]))
for _, r in csv.iterrows():
    # by hand: n hosts each send `bytes`, so n transfers and n x bytes
    nbytes = {"100KB": 100000, "300KB": 300000}[r["bytes"]] if "bytes" in csv.columns else 100000
    print("point", r["point"], "ok" if r["transfers"] == r["n"] and r["summary_bytes" if "bytes" in csv.columns
          else "bytes"] == r["n"] * nbytes else "WRONG")
print("unit", units.get("unit:makespan"), units.get("unit:fct_p99"))
PY
}
mtimes() { ls -l --time-style=+%s.%N "$1"/n=*.h5 | awk '{print $6, $7}'; }

have_parallel=0
command -v parallel >/dev/null 2>&1 && have_parallel=1
if [ $have_parallel = 1 ]; then
    ( cd "$T" && "$SWEEP" "$SCEN" n=2,3 bytes=100KB,300KB -o grid -j 2 ) >"$T/out" 2>"$T/err"
    is "$?" 0 '2x2 sweep exits 0'
    is "$(ls "$T"/grid/n=*.h5 | wc -l | tr -d ' ')" 4 'one HDF5 file per point'
    is "$(ls "$T"/grid/n=*.json | wc -l | tr -d ' ')" 4 'one JSON summary per point'
    test -s "$T/grid/n=3,bytes=300KB.h5" && test -s "$T/grid/n=2,bytes=100KB.json"
    ok $? 'files are named by their parameters'
    table "$T/grid" >"$T/table"
    sed 's/^/# /' "$T/table"
    grep -q '^rows 4 h5rows 4 same True$' "$T/table"; ok $? 'one table of 4 rows, the same in CSV and HDF5'
    grep -q '^columns n,bytes,point,completed$' "$T/table"; ok $? 'the parameters are its first columns'
    is "$(grep -c '^point .* ok$' "$T/table")" 4 'each row holds its own run (transfers = n, bytes = n x bytes)'
    grep -q '^unit s s$' "$T/table"; ok $? 'the HDF5 table records units'
    grep -q '4 points, 0 done already, 4 to run' "$T/out"; ok $? 'it says what it will run'
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["params"]=={"n":"3","bytes":"300KB"} and d["summary"]["transfers"]==3' \
        "$T/grid/n=3,bytes=300KB.json"
    ok $? 'the JSON summary holds the parameters and the summary'

    mtimes "$T/grid" >"$T/before"
    ( cd "$T" && "$SWEEP" "$SCEN" n=2,3 bytes=100KB,300KB -o grid -j 2 ) >"$T/out" 2>"$T/err"
    is "$?" 0 're-running exits 0'
    grep -q '4 points, 4 done already, 0 to run' "$T/out"; ok $? 're-running runs nothing'
    mtimes "$T/grid" >"$T/after"
    cmp -s "$T/before" "$T/after"; ok $? 'no HDF5 file was rewritten'
    rm "$T/grid/n=2,bytes=300KB.json"
    ( cd "$T" && "$SWEEP" "$SCEN" n=2,3 bytes=100KB,300KB -o grid ) >"$T/out" 2>"$T/err"
    grep -q '4 points, 3 done already, 1 to run' "$T/out" && grep -q 'ok n=2,bytes=300KB' "$T/out"
    ok $? 'a point without its JSON summary is run again, alone'

    # one failing point: rate=10Gbs is a bad unit, the scenario errors; seed
    # goes to netsim as -s; --sshlogin goes to GNU parallel (":" is this machine)
    ( cd "$T" && "$SWEEP" "$SCEN" rate=100Gbps,10Gbs,50Gbps seed=7..9..2 -o fail --sshlogin : -j 2 ) \
        >"$T/out" 2>"$T/err"
    is "$?" 1 'a sweep with a failed point exits 1'
    grep -q 'failed: rate=10Gbs,seed=7: .*unknown unit "Gbs"' "$T/err"; ok $? 'the failed point is reported with its error'
    test -s "$T/fail/rate=10Gbs,seed=7.err" && ! test -e "$T/fail/rate=10Gbs,seed=7.h5"
    ok $? 'it leaves an .err file and no run'
    "$PY" -c 'import csv,sys; d=list(csv.DictReader(open(sys.argv[1]))); assert [r["rate"] for r in d]==["100Gbps"]*2+["50Gbps"]*2 and [r["seed"] for r in d]==["7","9","7","9"]' \
        "$T/fail/results.csv"
    ok $? 'the other points are collected'
    is "$(ls "$T"/fail/rate=*.h5 | wc -l | tr -d ' ')" 4 '--sshlogin passes through to GNU parallel'
    "$PY" -c 'import h5py,sys; assert [int(h5py.File(f).attrs["seed"]) for f in sys.argv[1:]]==[7,9]' \
        "$T/fail/rate=50Gbps,seed=7.h5" "$T/fail/rate=50Gbps,seed=9.h5"
    ok $? 'seed=7..9..2 runs netsim -s 7 and -s 9'
else
    for i in $(seq 19); do ok 0 '# SKIP GNU parallel is not installed'; done
fi

# bad grids are refused before anything runs
( cd "$T" && "$SWEEP" "$SCEN" n=3..2 -o bad ) >"$T/out" 2>&1
[ $? -eq 2 ] && grep -q "range '3..2' is empty" "$T/out" && [ ! -e "$T/bad" ]
ok $? 'an empty range is an error'
( cd "$T" && "$SWEEP" "$SCEN" seed=a,b -o bad ) >"$T/out" 2>&1
[ $? -eq 2 ] && grep -q "seed: values must be non-negative integers" "$T/out"
ok $? 'a non-integer seed is an error'

# Slurm: a job array and a collect step, run here by hand
( cd "$T" && "$SWEEP" "$SCEN" n=2,3 seed=1..2 -o slurm --slurm -j 2 --sbatch=--time=0:05:00 ) >"$T/out" 2>&1
bash -n "$T/slurm/sweep.sbatch" && bash -n "$T/slurm/collect.sbatch" && sh -n "$T/slurm/submit.sh"
ok $? 'the sbatch scripts parse (bash -n)'
grep -q '^#SBATCH --array=0-3%2$' "$T/slurm/sweep.sbatch" && grep -q '^#SBATCH --time=0:05:00$' "$T/slurm/sweep.sbatch"
ok $? 'one array task per point, at most -j at once, extra #SBATCH lines'
ls "$T"/slurm/*.h5 >/dev/null 2>&1; ok $((! $?)) '--slurm runs nothing by itself'
st=0
for i in 0 1 2 3; do SLURM_ARRAY_TASK_ID=$i bash "$T/slurm/sweep.sbatch" >>"$T/tasks" 2>&1 || st=1; done
bash "$T/slurm/collect.sbatch" >"$T/collect" 2>&1 || st=1
is "$st" 0 'the four array tasks and the collect step run with SLURM_ARRAY_TASK_ID set'
"$PY" -c 'import csv,sys; d=list(csv.DictReader(open(sys.argv[1]))); assert [(r["n"], r["seed"], r["transfers"]) for r in d]==[("2","1","2"),("2","2","2"),("3","1","3"),("3","2","3")]' \
    "$T/slurm/results.csv"
ok $? 'the collected table has the 4 points'
finish
