/* test_units.c - parsing quantities with units */
#include <config.h>
#include <string.h>
#include "sim/units.h"
#include "tests/tap.h"

int
main(void)
{
    char why[256];
    uint64_t v;
    ns_time t;
    plan(38);
    ok(ns_parse_rate("400Gbps", &v, why, sizeof why) == 0 && v == 400000000000ull, "400Gbps");
    ok(ns_parse_rate("2.5 Tbps", &v, why, sizeof why) == 0 && v == 2500000000000ull, "2.5 Tbps");
    ok(ns_parse_rate("100", &v, why, sizeof why) == 0 && v == 100, "bare rate in bits/s");
    ok(ns_parse_rate("10Gbs", &v, why, sizeof why) == -1, "10Gbs is refused");
    ok(strstr(why, "Gbs") && strstr(why, "Gbps"), "the message names the unit and the accepted ones: %s", why);
    ok(ns_parse_rate("-1Gbps", &v, why, sizeof why) == -1, "negative rate refused");
    ok(ns_parse_rate("0bps", &v, why, sizeof why) == -1, "zero rate refused");
    ok(ns_parse_size("32MB", &v, why, sizeof why) == 0 && v == 32000000, "32MB = 32e6 bytes");
    ok(ns_parse_size("1MiB", &v, why, sizeof why) == 0 && v == 1048576, "1MiB = 2^20 bytes");
    ok(ns_parse_size("4KiB", &v, why, sizeof why) == 0 && v == 4096, "4KiB");
    ok(ns_parse_size("1.5KB", &v, why, sizeof why) == 0 && v == 1500, "1.5KB");
    ok(ns_parse_size("0.5B", &v, why, sizeof why) == -1, "half a byte refused");
    ok(ns_parse_size("10 parsecs", &v, why, sizeof why) == -1, "unknown size unit refused");
    ok(ns_parse_time("500ns", &t, why, sizeof why) == 0 && t == 500000, "500ns");
    ok(ns_parse_time("1.5us", &t, why, sizeof why) == 0 && t == 1500000, "1.5us");
    ok(ns_parse_time("2ms", &t, why, sizeof why) == 0 && t == 2000000000, "2ms");
    ok(ns_parse_time("3", &t, why, sizeof why) == 0 && t == 3 * NS_PS_PER_S, "bare time in seconds");
    ok(ns_parse_time("7ps", &t, why, sizeof why) == 0 && t == 7, "7ps");
    ok(ns_parse_time("1h", &t, why, sizeof why) == -1, "unit h refused");
    ok(ns_parse_time("abc", &t, why, sizeof why) == -1, "no number refused");
    is_time(ns_serialize_ps(4096, 100000000000ull), 327680, "4096 B at 100 Gb/s = 327.68 ns");
    is_time(ns_serialize_ps(1, 3000000000ull), 2667, "1 B at 3 Gb/s rounds up to 2667 ps");

    /* the messages are written only when a value is refused (a workload of
     * millions of transfers parses as many sizes): whole, all the same */
    ok(ns_parse_time("abc", &t, why, sizeof why) == -1 &&
       strcmp(why, "bad time \"abc\": expected a number with a unit (ps, ns, us, ms, s)") == 0,
       "no number: the message lists the units: %s", why);
    ok(ns_size_from_number(1.5, &v, why, sizeof why) == -1 &&
       strcmp(why, "size must be a whole number of bytes (got 1.5)") == 0, "%s", why);
    ok(ns_rate_from_number(0.25, &v, why, sizeof why) == -1 &&
       strcmp(why, "rate must be at least 1 bps (got 0.25)") == 0, "%s", why);
    ok(ns_size_from_number(-2, &v, why, sizeof why) == -1 &&
       strcmp(why, "size must be between 0 and 9200000000000000000 bytes (got -2)") == 0, "%s", why);

    /* hints for the usual mistakes, with the arithmetic done for the user */
    static const struct { int kind; const char *text, *hint; } hints[] = {
        {2, "16Mb", "\"Mb\" is in bits, and sizes are in bytes: 16 Mb is 2 MB (write \"2MB\"), or write \"16MB\""},
        {2, "2 kb", "2 Kb is 0.25 KB"},
        {1, "16MB", "rates are in bits per second: 16 MB/s is 128 Mbps (write \"128Mbps\")"},
        {1, "2GB/s", "2 GB/s is 16 Gbps"},
        {1, "100Gb/s", "did you mean \"Gbps\"?"},
        {1, "100G", "did you mean \"Gbps\"?"},
        {1, "10Gbs", "(expected bps, Kbps, Mbps, Gbps, Tbps); did you mean \"Gbps\"?"},
        {1, "400gbps", "did you mean \"Gbps\"?"},
        {3, "10sec", "did you mean \"s\"?"},
        {3, "3\xc2\xb5s", "did you mean \"us\"?"},
        {3, "2min", "write seconds (\"120s\")"},
        {3, "5MS", "units are case-sensitive: did you mean \"ms\"?"},
    };
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        int rc = hints[i].kind == 1 ? ns_parse_rate(hints[i].text, &v, why, sizeof why)
               : hints[i].kind == 2 ? ns_parse_size(hints[i].text, &v, why, sizeof why)
               : ns_parse_time(hints[i].text, &t, why, sizeof why);
        ok(rc == -1 && strstr(why, hints[i].hint), "\"%s\" gets the hint '%s': %s", hints[i].text, hints[i].hint, why);
    }
    return done_testing();
}
