#!/bin/sh
# installed_scripts.sh - issue 19, item 11: the installed netsim-plot,
# netsim-trace and netsim-sweep (built as scripts/bin/NAME, copied as they
# are by make install) start with #! and the Python configure found with
# h5py ($PYTHON), so they run whatever python3 is first on PATH. Here the
# first python3 on PATH is one that cannot import anything (as on machines
# whose python3 lacks h5py); the scripts, laid out as make install lays
# them out (bin/, share/netsim/python/netsim_h5.py), still run.
export PYTHONDONTWRITEBYTECODE=1
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
[ -n "$PY" ] || skip_all 'no Python 3 with h5py (Debian: python3-h5py)'
"$PY" -c 'import pandas, matplotlib' 2>/dev/null || skip_all 'no pandas or matplotlib for that Python'
plan 7
B=$(dirname "$NETSIM")
for s in netsim-plot netsim-trace netsim-sweep; do
    is "$(head -n 1 "$B/scripts/bin/$s")" "#!$PYTHON" "$s: its first line names the Python configure found"
done

mkdir -p "$T/prefix/bin" "$T/prefix/share/netsim/python" "$T/fake"
cp "$B/scripts/bin/netsim-plot" "$B/scripts/bin/netsim-trace" "$T/prefix/bin/"
cp "$SRCDIR/scripts/netsim_h5.py" "$T/prefix/share/netsim/python/"
printf '#!/bin/sh\necho "python3: no module named h5py" >&2\nexit 1\n' >"$T/fake/python3"
chmod +x "$T/fake/python3"
PATH="$T/fake:$PATH" python3 -c 'import h5py' 2>/dev/null
ok $((! $?)) 'the first python3 on PATH cannot import h5py'

scenario t.lua <<'LUA'
local fab = netsim.star{ hosts = 2, rate = "10Gbps", latency = "1us" }
local w = netsim.workload()
w:transfer{ src = 1, dst = 2, bytes = "1MB" }
w:transfer{ src = 2, dst = 1, bytes = "1MB" }
netsim.run{ fabric = fab, workload = w, output = "t.h5" }
LUA
run -q t.lua
( cd "$T" && unset NETSIM_PYTHON NETSIM_PYTHONPATH &&
  PATH="$T/fake:$PATH" "$T/prefix/bin/netsim-trace" t.h5 -o t.json ) >"$T/tr.out" 2>&1
"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d = d.get("traceEvents", d)
sys.exit(not sum(1 for e in d if e.get("ph") == "X" and e.get("cat") == "transfer") == 2)' "$T/t.json" 2>/dev/null
ok $? "installed netsim-trace under that PATH: a trace with the 2 transfers ($(head -c 200 "$T/tr.out"))"
( cd "$T" && unset NETSIM_PYTHON NETSIM_PYTHONPATH &&
  PATH="$T/fake:$PATH" "$T/prefix/bin/netsim-plot" fct t.h5 -o fct.png ) >"$T/pl.out" 2>&1
[ -s "$T/fct.png" ]; ok $? "installed netsim-plot under that PATH draws fct.png ($(head -c 200 "$T/pl.out"))"
PATH="$T/fake:$PATH" "$SRCDIR/scripts/netsim-plot" --help >/dev/null 2>&1
ok $? 'the tree'"'"'s netsim-plot (an sh trampoline) still runs too'
finish
