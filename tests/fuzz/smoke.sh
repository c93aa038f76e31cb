#!/bin/sh
# smoke.sh - a short libFuzzer run of every fuzz target (builds configured
# with --enable-fuzzing): $FUZZ_SMOKE_SECONDS (default 5) each, from the seeds.
. "${SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
targets="units graphml replay cdf scenario"
plan 5
for t in $targets; do
    FUZZ_WORKDIR=$T sh "$SRCDIR/tests/fuzz/run.sh" "$t" "${FUZZ_SMOKE_SECONDS:-5}" >"$T/$t.log" 2>&1
    st=$?
    ok $st "fuzz_$t runs ${FUZZ_SMOKE_SECONDS:-5} s without a finding ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$T/$t.log" | grep -o '[0-9]*$') executions)"
    [ $st -eq 0 ] || tail -30 "$T/$t.log" | sed 's/^/#   /'
done
finish
