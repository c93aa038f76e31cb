#!/bin/sh
# digests.sh - determinism across machines and builds: four examples run
# (the last dcqcn over PFC, through the ports' schedulers), and a digest
# (sha256) of each of their tables /transfers, /ops and /ports
# (as h5dump prints them, without the file name) must equal the one stored
# in tests/data/digests.txt. The same digests come out at -O0 and -O2, with
# and without the sanitizers; a change of the numbers (a new model, a fixed
# bug) changes them on purpose: regenerate them with `make update-digests`
# (tests/digests.sh --update) and say why in the commit.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
command -v h5dump >/dev/null || skip_all 'h5dump not installed (hdf5-tools)'
command -v sha256sum >/dev/null || skip_all 'no sha256sum'
stored=$SRCDIR/tests/data/digests.txt

# CASE SCENARIO [NAME=VALUE ...]
cases='quickstart scripts/examples/quickstart.lua
leafspine scripts/examples/leafspine.lua
spray-dctcp scripts/examples/spray-vs-ecmp.lua lb=spray transport=dctcp subflows=2
roce-dcqcn scripts/examples/spray-vs-ecmp.lua transport=dcqcn'
tables='/transfers /ops /ports'

echo "$cases" | while read -r name file params; do
    mkdir -p "$T/$name"
    # shellcheck disable=SC2086
    ( cd "$T/$name" && "$NETSIM" -q -o "$name.h5" "$SRCDIR/$file" $params ) >/dev/null 2>"$T/$name.err" ||
        echo "$name: netsim failed: $(cat "$T/$name.err")" >&2
    for t in $tables; do
        d=$(h5dump -d "$t" "$T/$name/$name.h5" 2>/dev/null | tail -n +2 | sha256sum | cut -d' ' -f1)
        echo "$name $t $d"
    done
done >"$T/digests"

if [ "${1:-}" = --update ]; then
    { echo "# tests/data/digests.txt - sha256 of h5dump -d TABLE (without its first line) of the"
      echo "# outputs of tests/digests.sh; regenerate with: make update-digests"
      cat "$T/digests"; } >"$stored"
    echo "digests.sh: wrote $stored"
    exit 0
fi

n=$(wc -l <"$T/digests")
plan "$n"
while read -r name t d; do
    want=$(grep -v '^#' "$stored" | awk -v n="$name" -v t="$t" '$1 == n && $2 == t { print $3 }')
    is "$d" "$want" "$name $t has the stored digest"
done <"$T/digests"
finish
