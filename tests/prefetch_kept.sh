#!/bin/sh
# tests/prefetch_kept.sh - every prefetch the source asks for is in the code
# (sim/prefetch.h): GCC 12 deleted the calls of functions that only
# prefetch (a delivery's op and successors, the flow model's batch of new
# flows: 15 prefetch instructions in the binary for 22 in the source).
# 1: a case GCC drops, written with ns_prefetch, keeps its three
# prefetches; 2: the binary holds at least one prefetch instruction for
# each ns_prefetch in sim/.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
case $($CC -dumpmachine 2>/dev/null) in
    x86_64*|i?86*) insn='prefetch' ;;
    aarch64*) insn='prfm' ;;
    *) skip_all "prefetches are asm only on x86 and aarch64 (sim/prefetch.h)" ;;
esac
plan 2

cat > "$T/chain.c" <<'C'
#include "sim/prefetch.h"
typedef struct { unsigned op, x; } row;
typedef struct { row *xfers; unsigned *succ_start, *succ; } S;
static inline void done(const S *s, unsigned x) { ns_prefetch(&s->succ_start[s->xfers[x].op]); }
static inline void succ(const S *s, unsigned x)
{
    if (s->succ)
        ns_prefetch(&s->succ[s->succ_start[s->xfers[x].op]]);
}
void ahead(S *s, const unsigned *e, unsigned long n, unsigned long head, unsigned long mask);
void ahead(S *s, const unsigned *e, unsigned long n, unsigned long head, unsigned long mask)
{
    if (n > 8)
        ns_prefetch_w(&s->xfers[e[(head + 8) & mask]]);
    if (n > 4)
        done(s, e[(head + 4) & mask]);
    if (n > 2)
        succ(s, e[(head + 2) & mask]);
}
C
if $CC -O2 -I"$SRCDIR" -S -o "$T/chain.s" "$T/chain.c" 2>"$T/cc.err"; then
    got=$(grep -c "^[[:space:]]*$insn" "$T/chain.s")
    sed 's/ns_prefetch_w(\(.*\));$/__builtin_prefetch(\1, 1);/; s/ns_prefetch(\(.*\));$/__builtin_prefetch(\1);/' \
        "$T/chain.c" > "$T/plain.c"
    plain=$($CC -O2 -I"$SRCDIR" -S -o - "$T/plain.c" 2>/dev/null | grep -c "^[[:space:]]*$insn")
    is "$got" 3 "three chained prefetches stay three (with __builtin_prefetch: $plain)"
else
    ok 1 "ns_prefetch does not compile: $(head -3 "$T/cc.err")"
fi

sites=$(cat "$SRCDIR"/sim/*.c "$SRCDIR"/sim/*.h "$SRCDIR"/sim/*/*.c "$SRCDIR"/sim/*/*.h | grep -v '#define' |
        grep -c 'ns_prefetch\(_w\)\?(')
if command -v objdump >/dev/null 2>&1 && objdump -d --no-show-raw-insn "$NETSIM" > "$T/dis" 2>/dev/null; then
    have=$(grep -c "	$insn" "$T/dis")
    [ "$have" -ge "$sites" ]
    ok $? "the binary has $have prefetch instructions for $sites prefetches in sim/"
else
    ok 0 "# SKIP no objdump, or $NETSIM is not a binary (valgrind's wrapper)"
fi
finish
