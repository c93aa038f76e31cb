#!/bin/sh
# scenarios.sh - run every tests/lua/*.lua scenario (each asserts its own
# numbers, computed by hand in the scenario) and every example.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
set -- "$SRCDIR"/tests/lua/*.lua
examples=$(ls "$SRCDIR"/scripts/examples/*.lua)
plan $(( $# + $(echo "$examples" | wc -l) ))
for f in "$@"; do
    run -q "$f"
    is "$status" 0 "tests/lua/$(basename "$f")"
    [ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
done
for f in $examples; do
    run -q "$f"
    is "$status" 0 "scripts/examples/$(basename "$f")"
    [ "$status" -eq 0 ] || sed 's/^/#   /' "$T/err"
done
finish
