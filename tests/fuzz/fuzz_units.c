/*
 * fuzz_units.c - fuzz target: the unit parsers and printers (sim/units.c).
 *
 * The input, as text, goes to each parser (rate, size, time); its first 8
 * bytes, as a double, go to each *_from_number. Properties: a parser either
 * fails with a message or returns a value in its documented range; a value
 * printed by ns_format_* parses back to itself within the printer's four
 * significant digits.
 */
#include <config.h>
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/units.h"

#define REL_TOL 6e-4   /* "%.4g" keeps 4 significant digits: 5e-4, and a margin */

static int
close_to(double a, double b)
{
    return fabs(a - b) <= REL_TOL * fabs(b) + 1.0;
}

static void
check_rate(uint64_t v, const char *in)
{
    ns_fuzz_require(v >= 1 && v <= 1000000000000000000ull, "a parsed rate is in [1, 1e18] bps", in);
    char buf[64], why[256];
    uint64_t back = 0;
    ns_format_rate(v, buf, sizeof buf);
    ns_fuzz_require(ns_parse_rate(buf, &back, why, sizeof why) == 0, "a printed rate parses", buf);
    ns_fuzz_require(close_to((double)back, (double)v), "a printed rate parses back to itself", buf);
}

static void
check_size(uint64_t v, const char *in)
{
    ns_fuzz_require(v <= 9200000000000000000ull, "a parsed size is at most 9.2e18 bytes", in);
    char buf[64], why[256];
    uint64_t back = 0;
    ns_format_size(v, buf, sizeof buf);
    ns_fuzz_require(ns_parse_size(buf, &back, why, sizeof why) == 0, "a printed size parses", buf);
    ns_fuzz_require(close_to((double)back, (double)v), "a printed size parses back to itself", buf);
}

static void
check_time(ns_time v, const char *in)
{
    ns_fuzz_require(v >= 0 && v <= INT64_C(9200000000000000000), "a parsed time is in [0, 9.2e18] ps", in);
    char buf[64], why[256];
    ns_time back = 0;
    ns_format_time(v, buf, sizeof buf);
    ns_fuzz_require(ns_parse_time(buf, &back, why, sizeof why) == 0, "a printed time parses", buf);
    ns_fuzz_require(close_to((double)back, (double)v), "a printed time parses back to itself", buf);
}

static void
check_failure(int rc, const char *why, const char *in)
{
    if (rc)
        ns_fuzz_require(why[0] != '\0' && strlen(why) < 256, "a failed parse explains itself", in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = ns_fuzz_cstring(data, size, 1);
    char why[256];
    uint64_t u = 0;
    ns_time t = 0;
    int rc;

    why[0] = '\0';
    if (!(rc = ns_parse_rate(s, &u, why, sizeof why)))
        check_rate(u, s);
    check_failure(rc, why, s);
    why[0] = '\0';
    if (!(rc = ns_parse_size(s, &u, why, sizeof why)))
        check_size(u, s);
    check_failure(rc, why, s);
    why[0] = '\0';
    if (!(rc = ns_parse_time(s, &t, why, sizeof why)))
        check_time(t, s);
    check_failure(rc, why, s);

    if (size >= sizeof(double)) {
        double x;
        memcpy(&x, data, sizeof x);
        if (!ns_rate_from_number(x, &u, why, sizeof why))
            check_rate(u, "(a number)");
        if (!ns_size_from_number(x, &u, why, sizeof why))
            check_size(u, "(a number)");
        if (!ns_time_from_number(x, &t, why, sizeof why))
            check_time(t, "(a number)");
    }
    /* the printers on any 64-bit value */
    if (size >= sizeof(uint64_t)) {
        char buf[64];
        memcpy(&u, data + size - sizeof u, sizeof u);
        ns_format_rate(u, buf, sizeof buf);
        ns_format_size(u, buf, sizeof buf);
        ns_format_time((ns_time)u, buf, sizeof buf);
    }
    free(s);
    ns_fuzz_no_leak("units");
    return 0;
}
