#!/bin/sh
# tests/reliability_output.sh - issue 13, items 3 to 6: files netsim must
# never touch. An output that exists and is not a regular file (/dev/null,
# a FIFO, a link to a device, a folder), that is one of the run's inputs
# (the scenario, a dofile'd helper, a trace, a CDF, a GraphML file, under any
# name), whose folder is missing, or that is empty, is refused before the
# run with exit status 2, a message naming the path and the reason, and
# nothing changed on disk. The temporary file is created exclusively under a
# name nobody can predict: a link planted at the old name FILE.part-PID is
# never followed.
. "${SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
root=0
[ "$(id -u)" = 0 ] && root=1
plan $((65 - 6 * root))

# expect NAME STATUS PATTERN: the last run's status, a stderr match, no
# output or temporary file left in $T
expect() {
    is "$status" "$2" "$1: exit status $2"
    grep -q -- "$3" "$T/err"; ok $? "$1: message matches '$3' ($(head -c 240 "$T/err" | tr '\n' ' '))"
    ls "$T"/*.h5 "$T"/*.part-* >/dev/null 2>&1; ok $((! $?)) "$1: no output or temporary file"
}

scenario s.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w}
print("after the run")
EOF2
cp "$T/s.lua" "$T/s.orig"

# item 3: not a regular file
if [ $root = 0 ]; then   # as root, a regression would replace the device: the link below covers root
    run -o /dev/null s.lua
    expect '-o /dev/null' 2 "run: output '/dev/null' exists and is a character device"
fi
ln -s /dev/null "$T/null-link"
run -o null-link s.lua
expect '-o a link to /dev/null' 2 "run: output 'null-link' exists and is a character device"
test -L "$T/null-link" && test -c /dev/null; ok $? 'the link and /dev/null are untouched'
mkfifo "$T/fifo"
run -o fifo s.lua
expect '-o a FIFO' 2 "run: output 'fifo' exists and is a FIFO; netsim replaces only regular files"
test -p "$T/fifo"; ok $? 'the FIFO is still a FIFO'

# a symbolic link to a regular file (or to nothing): the rename would replace
# the link (as root, -o /dev/stdout would replace /dev/stdout)
echo target >"$T/target"
ln -s target "$T/link.h5"
run -o link.h5 s.lua
expect '-o a symbolic link to a regular file' 2 "run: output 'link.h5' is a symbolic link: netsim would replace the link"
test -L "$T/link.h5" && [ "$(cat "$T/target")" = target ]; ok $? 'the link and its file are untouched'
rm -f "$T/link.h5"

# item 4: an input as the output
run -o s.lua s.lua
expect '-o the scenario' 2 "run: output 's.lua' is the same file as 's.lua', which this scenario read"
cmp -s "$T/s.lua" "$T/s.orig"; ok $? 'the scenario is unchanged'
ln "$T/s.lua" "$T/hard.h5"
run -o hard.h5 s.lua
is "$status" 2 '-o a hard link to the scenario: exit status 2'
grep -q "output 'hard.h5' is the same file as 's.lua'" "$T/err"; ok $? '-o a hard link to the scenario: named'
rm -f "$T/hard.h5"
run -o ./s.lua s.lua
is "$status" 2 '-o ./s.lua for s.lua: exit status 2'
cmp -s "$T/s.lua" "$T/s.orig"; ok $? 'the scenario is unchanged'

printf '0,1,2,1000\n1us,2,1,2000\n' >"$T/trace.csv"
cp "$T/trace.csv" "$T/trace.orig"
scenario replay.lua <<'EOF2'
local fab = netsim.star{hosts = 2, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:replay{file = "trace.csv"}
netsim.run{fabric = fab, workload = w, output = "trace.csv"}
EOF2
run replay.lua
expect 'output = the replay trace' 2 "run: output 'trace.csv' is the same file as '.*trace.csv', which this scenario read"
cmp -s "$T/trace.csv" "$T/trace.orig"; ok $? 'the trace is unchanged'

printf '1000 0\n5000 0.5\n20000 1\n' >"$T/sizes.cdf"
cp "$T/sizes.cdf" "$T/sizes.orig"
scenario cdf.lua <<'EOF2'
local fab = netsim.star{hosts = 4, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:background{hosts = fab:hosts(), load = 0.3, sizes = {cdf = "sizes.cdf"}, duration = "20us", fabric = fab}
netsim.run{fabric = fab, workload = w, output = "sizes.cdf"}
EOF2
run cdf.lua
expect 'output = the CDF file' 2 "run: output 'sizes.cdf' is the same file as '.*sizes.cdf', which this scenario read"
cmp -s "$T/sizes.cdf" "$T/sizes.orig"; ok $? 'the CDF file is unchanged'

cp "$SRCDIR/tests/data/leafspine_3x2.graphml" "$T/g.graphml"
cp "$T/g.graphml" "$T/g.orig"
scenario graph.lua <<'EOF2'
local fab = netsim.graph{file = "g.graphml"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w, output = "g.graphml"}
EOF2
run graph.lua
expect 'output = the GraphML file' 2 "run: output 'g.graphml' is the same file as '.*g.graphml', which this scenario read"
cmp -s "$T/g.graphml" "$T/g.orig"; ok $? 'the GraphML file is unchanged'

scenario helper.lua <<'EOF2'
return 2
EOF2
cp "$T/helper.lua" "$T/helper.orig"
scenario usehelper.lua <<'EOF2'
local n = dofile("helper.lua")
local fab = netsim.star{hosts = n, rate = "10Gbps", latency = "1us"}
local w = netsim.workload()
w:transfer{src = 1, dst = 2, bytes = "1MB"}
netsim.run{fabric = fab, workload = w, output = "helper.lua"}
EOF2
run usehelper.lua
expect 'output = a file the scenario loaded with dofile' 2 "run: output 'helper.lua' is the same file as 'helper.lua'"
cmp -s "$T/helper.lua" "$T/helper.orig"; ok $? 'the helper is unchanged'

cp "$T/s.orig" "$T/s.lua"   # (in case a failure above overwrote it)

# item 6: checked before simulating ("after the run" is never printed)
run -o '' s.lua
expect "-o ''" 2 "run: cannot write output '': No such file or directory"
run -o nodir/x.h5 s.lua
expect '-o in a missing folder' 2 "run: cannot write output 'nodir/x.h5': folder 'nodir': No such file or directory"
mkdir "$T/adir"
run -o adir s.lua
expect '-o a folder' 2 "run: cannot write output 'adir': Is a directory"
test -d "$T/adir" && [ -z "$(ls "$T/adir")" ]; ok $? 'the folder is untouched and empty'
run -o s.orig/x.h5 s.lua
expect '-o under a regular file' 2 "run: cannot write output 's.orig/x.h5': Not a directory"
grep -q 'after the run' "$T/out"; ok $((! $?)) 'no refused run got as far as simulating'
if [ $root = 0 ]; then   # root writes anywhere
    mkdir "$T/ro" && chmod 555 "$T/ro"
    run -o ro/x.h5 s.lua
    expect '-o in a read-only folder' 2 "run: cannot write output 'ro/x.h5': Permission denied"
fi

# item 5: a link planted at the old temporary name FILE.part-PID (exec keeps the PID)
echo precious >"$T/victim"
( cd "$T" && sh -c 'ln -s victim out.h5.part-$$; exec "$0" -q -o out.h5 s.lua' "$NETSIM" ) >"$T/out" 2>"$T/err"
is "$?" 0 'a link planted at out.h5.part-PID: the run succeeds'
is "$(cat "$T/victim")" precious 'the planted link was not followed: the victim is unchanged'
test -f "$T/out.h5" && ! test -L "$T/out.h5" && [ "$(head -c 4 "$T/out.h5" | od -An -c | tr -d ' ')" = '211HDF' ]
ok $? 'out.h5 is a regular HDF5 file'
is "$(ls "$T" | grep -c '^out\.h5\.part-')" 1 'only the planted link is left among out.h5.part-*'
rm -f "$T"/out.h5*
# the output's permissions follow the umask, as before
( cd "$T" && umask 022 && "$NETSIM" -q -o perm.h5 s.lua ) >/dev/null 2>&1
is "$(ls -l "$T/perm.h5" | cut -c1-10)" '-rw-r--r--' 'the output is created 0666 less the umask'
rm -f "$T/perm.h5"
# a name at the longest a folder entry may be: the temporary name still fits
long=$(printf '%0250d' 0).h5
run -q -o "$long" s.lua
is "$status" 0 'an output name of 253 bytes: exit status 0'
test -f "$T/$long"; ok $? 'and the file is there'
rm -f "$T/$long"
# an existing regular output is still replaced
echo old >"$T/old.h5"
run -q -o old.h5 s.lua
is "$status" 0 'an existing regular output: exit status 0'
[ "$(head -c 4 "$T/old.h5" | od -An -c | tr -d ' ')" = '211HDF' ]; ok $? 'and it is replaced by the results'
finish
