# cdf2c.awk - turn the flow-size CDF files (workloads/data/*.cdf) into C
# strings, so the binary carries the published distributions by name
# (the name is the file's base name). Output: flowdist_data.c.
BEGIN {
    print "/* flowdist_data.c - generated from workloads/data/NAME.cdf by workloads/cdf2c.awk: do not edit */"
    print "#include <config.h>"
    print "#include \"workloads/flowdist.h\""
    print ""
    print "const ns_cdf_builtin ns_cdf_builtins[] = {"
    n = 0
}
FNR == 1 {
    if (n++)
        print "    },"
    name = FILENAME
    sub(/.*\//, "", name)
    sub(/\.cdf$/, "", name)
    printf "    { \"%s\", \"%s.cdf\",\n", name, name
}
{
    line = $0
    gsub(/\\/, "\\\\", line)
    gsub(/"/, "\\\"", line)
    printf "      \"%s\\n\"\n", line
}
END {
    if (n)
        print "    },"
    print "    { 0, 0, 0 }"
    print "};"
}
