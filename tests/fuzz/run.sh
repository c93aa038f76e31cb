#!/bin/sh
# run.sh NAME SECONDS - fuzz target NAME with libFuzzer for SECONDS seconds,
# in one process (run from the build folder; `make fuzz` calls it).
# The corpus grows in $FUZZ_WORKDIR/fuzz-corpus/NAME (default: the current
# folder), read together with the target's seeds and regression inputs;
# inputs that crash, leak or time out land in $FUZZ_WORKDIR/fuzz-findings/NAME/.
# Extra libFuzzer options may follow: run.sh scenario 1800 -max_len=8192
set -u
name=$1; seconds=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
bin=./tests/fuzz/fuzz_$name
work=${FUZZ_WORKDIR:-.}
[ -x "$bin" ] || { echo "run.sh: no $bin (build first)" >&2; exit 2; }
mkdir -p "$work/fuzz-corpus/$name" "$work/fuzz-findings/$name"
dict=
[ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
dirs=
for d in $("$bin" --dirs); do [ -d "$d" ] && dirs="$dirs $d"; done
echo "run.sh: fuzzing $name for $seconds s (corpus $work/fuzz-corpus/$name, findings $work/fuzz-findings/$name)"
# -timeout: an input that runs 10 s is a finding; -rss_limit_mb: so is one that needs 2 GB
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    $dict -artifact_prefix="$work/fuzz-findings/$name/" "$@" "$work/fuzz-corpus/$name" $dirs
status=$?
if [ $status -ne 0 ]; then
    echo "run.sh: $name found something (exit $status): see $work/fuzz-findings/$name/" >&2
fi
exit $status
