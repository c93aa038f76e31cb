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
    if [ $st -ne 0 ]; then
        # what CI's log must show to reproduce it: libFuzzer's seed, its
        # report, and the input it found (run.sh NAME S -seed=N, or replay it)
        { grep -m1 'INFO: Seed:' "$T/$t.log"; tail -40 "$T/$t.log"
          for f in "$T"/fuzz-findings/"$t"/*; do
              [ -f "$f" ] || continue
              echo "finding $(basename "$f"), $(wc -c <"$f") bytes (base64):"
              head -c 16384 "$f" | base64
          done; } | sed 's/^/#   /'
    fi
done
finish
