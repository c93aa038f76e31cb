#!/bin/sh
# layers.sh - the layers of DESIGN.md hold in the include graph: nothing
# under sim/ includes a header of topologies/ or workloads/, and no modules
# include each other's headers in a circle (tests/layers.py).
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
command -v /usr/bin/python3 >/dev/null 2>&1 || skip_all 'no /usr/bin/python3'
plan 5
/usr/bin/python3 "$SRCDIR/tests/layers.py" "$SRCDIR" >"$T/out" 2>&1
status=$?
sed 's/^/# /' "$T/out"
grep -q '^[1-9][0-9]* modules' "$T/out"; ok $? 'the include graph was read (modules found)'
is "$(grep -c '^layer:' "$T/out")" 0 'no file under sim/ includes a header of topologies/ or workloads/'
is "$(grep -c '^cycle:' "$T/out")" 0 'no cycle of modules including each other'

# the checker itself finds both faults in a tree made to have them
mkdir -p "$T/bad/sim/packet" "$T/bad/sim/flow" "$T/bad/sim/output" "$T/bad/sim/lua" "$T/bad/topologies" "$T/bad/workloads"
printf '#include "topologies/topo.h"\n#include "b.h"\n' >"$T/bad/sim/a.c"
printf '#include "a.h"\n' >"$T/bad/sim/b.c"
: >"$T/bad/sim/a.h"; : >"$T/bad/sim/b.h"; : >"$T/bad/topologies/topo.h"
/usr/bin/python3 "$SRCDIR/tests/layers.py" "$T/bad" >"$T/bad.out" 2>&1
is "$?" 1 'a tree with a layer violation and a cycle fails the check'
grep -q '^layer: sim/a.c includes topologies/topo.h$' "$T/bad.out" && grep -q '^cycle: sim/a <-> sim/b$' "$T/bad.out"
ok $? 'and both are named'
finish
