#!/bin/sh
# notebook.sh - scripts/analysis.ipynb runs from top to bottom (jupyter
# nbconvert --execute, kernel python3) against a run made here, and draws
# its figures. Skipped only where nbconvert is not installed.
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the source tree
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1 ||
    skip_all 'jupyter nbconvert is not installed (Debian: jupyter-nbconvert python3-ipykernel)'
plan 4
[ -n "$PY" ] || { echo "# no Python 3 with h5py: the notebook cannot run"; }

cp "$SRCDIR/tests/data/sweep.lua" "$T/s.lua"
run -q -o run.h5 s.lua n=4
is "$status" 0 'a fresh run for the notebook'

# everything jupyter, IPython and matplotlib write goes under $T
export NETSIM_H5="$T/run.h5" NETSIM_SCRIPTS="$SRCDIR/scripts" HOME="$T/home" \
    JUPYTER_RUNTIME_DIR="$T/jupyter" IPYTHONDIR="$T/ipython" MPLCONFIGDIR="$T/mpl" PYDEVD_DISABLE_FILE_VALIDATION=1
mkdir -p "$HOME"
jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=python3 \
    --ExecutePreprocessor.timeout=300 --output-dir "$T" --output executed.ipynb \
    "$SRCDIR/scripts/analysis.ipynb" >"$T/nbconvert.log" 2>&1
st=$?
is "$st" 0 'the notebook executes without error'
[ "$st" -eq 0 ] || sed 's/^/# /' "$T/nbconvert.log" | tail -30

# what it printed and drew: count PNG figures, find the run's path and numbers
python=${PY:-/usr/bin/python3}
"$python" - "$T/executed.ipynb" "$T/run.h5" >"$T/cells" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
pngs, text = 0, []
for c in nb["cells"]:
    for o in c.get("outputs", []):
        d = o.get("data", {})
        pngs += "image/png" in d
        text.append("".join(d.get("text/plain", "")) + "".join(o.get("text", "")))
text = "\n".join(text)
print("pngs", pngs)
print("path", sys.argv[2] in text)
print("transfers", "transfers              4" in text or "transfers 4" in " ".join(text.split()))
PY
grep -q '^pngs [4-9]' "$T/cells"; ok $? 'it draws at least 4 figures'
grep -q '^path True' "$T/cells" && grep -q '^transfers True' "$T/cells"
ok $? 'it opened the fresh run and shows its summary'
finish
