/*
 * units.c - parsing and printing quantities with units (see units.h).
 */
#include <config.h>
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct unit {
    const char *name;
    double      scale;   /* base units per unit */
} unit;

static const unit rate_units[] = {
    {"bps", 1}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12}, {NULL, 0}
};
static const unit size_units[] = {
    {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    {NULL, 0}
};
static const unit time_units[] = {
    {"ps", 1e-12}, {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {NULL, 0}
};

void
ns_format_number(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "nan");   /* not "-nan": the sign of a NaN means nothing */
        return;
    }
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e21) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (!isfinite(v) || strtod(buf, NULL) == v)
            return;
    }
}

static void
list_units(const unit *u, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (; u->name && len < n; u++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", u->name);
}

/* is `s` one of the NULL-terminated words, ignoring case? */
static int
is_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcasecmp(s, *words) == 0)
            return 1;
    return 0;
}

/* the metric prefix of a unit written with one (K, M, G, T in either case):
 * its power of 1000 and its upper-case letter, or 0 */
static int
metric_prefix(char c, char *letter)
{
    static const char prefixes[] = "KMGT";
    const char *p = strchr(prefixes, toupper((unsigned char)c));
    if (!c || !p)
        return 0;
    *letter = *p;
    return (int)(p - prefixes) + 1;
}

/*
 * A hint for an unknown unit `u` after the number `v`, for the mistakes
 * people make ("; ..." or ""): the wrong case ("mb", "GBPS"), bits for
 * bytes in a size ("16Mb"), bytes for bits in a rate ("16MB", "2GB/s"),
 * other spellings of a rate ("Gb/s", "Gbit/s", "G") or a time ("sec", "µs").
 */
static void
unit_hint(const unit *units, double v, const char *u, char *hint, size_t n)
{
    static const char *const bit_words[] = {"b", "bit", "bits", NULL};
    static const char *const rate_tails[] = {"", "b", "bs", "b/s", "bit/s", "bits/s", "bps", "bit", "bits", NULL};
    static const char *const byte_rate_tails[] = {"B", "B/s", "Bps", "byte/s", "bytes/s", NULL};
    char letter = 0;
    int pw = metric_prefix(u[0], &letter);
    const char *tail = pw ? u + 1 : u;
    hint[0] = '\0';
    if (units == size_units) {
        /* a lower-case b after an optional prefix: bits */
        if ((tail[0] == 'b' && (tail[1] == '\0' || strcmp(tail, "bit") == 0 || strcmp(tail, "bits") == 0)) ||
            is_one_of(tail, bit_words + 1)) {
            const char *p = pw ? (const char *[]){"", "K", "M", "G", "T"}[pw] : "";
            snprintf(hint, n, "; \"%s\" is in bits, and sizes are in bytes: %g %sb is %g %sB (write \"%g%sB\"), "
                     "or write \"%g%sB\" for %g %sB", u, v, p, v / 8, p, v / 8, p, v, p, v, p);
            return;
        }
    }
    if (units == rate_units) {
        if (pw && is_one_of(tail, byte_rate_tails) && tail[0] == 'B') {
            static const char *const names[] = {"", "K", "M", "G", "T"};
            snprintf(hint, n, "; rates are in bits per second: %g %sB/s is %g %sbps (write \"%g%sbps\"), "
                     "or write \"%g%sbps\" for %g %sbit/s", v, names[pw], v * 8, names[pw], v * 8, names[pw],
                     v, names[pw], v, names[pw]);
            return;
        }
        if (pw && is_one_of(tail, rate_tails)) {
            snprintf(hint, n, "; did you mean \"%cbps\"?", letter);
            return;
        }
        if (!pw && is_one_of(u, byte_rate_tails)) {
            snprintf(hint, n, "; rates are in bits per second: %g B/s is %g bps", v, v * 8);
            return;
        }
    }
    if (units == time_units) {
        static const struct { const char *word, *unit; } spellings[] = {
            {"sec", "s"}, {"secs", "s"}, {"second", "s"}, {"seconds", "s"},
            {"msec", "ms"}, {"msecs", "ms"}, {"usec", "us"}, {"usecs", "us"}, {"\xc2\xb5s", "us"},
            {"\xce\xbcs", "us"}, {"nsec", "ns"}, {"nsecs", "ns"}, {"psec", "ps"}, {NULL, NULL}
        };
        for (int i = 0; spellings[i].word; i++)
            if (strcasecmp(u, spellings[i].word) == 0) {
                snprintf(hint, n, "; did you mean \"%s\"?", spellings[i].unit);
                return;
            }
        if (is_one_of(u, (const char *const[]){"min", "mins", "minute", "minutes", "h", "hour", "hours", NULL})) {
            snprintf(hint, n, "; there are no minutes or hours: write seconds (\"%gs\")",
                     v * (tolower((unsigned char)u[0]) == 'h' ? 3600 : 60));
            return;
        }
    }
    for (const unit *k = units; k->name; k++)
        if (strcasecmp(u, k->name) == 0) {
            snprintf(hint, n, "; units are case-sensitive: did you mean \"%s\"?", k->name);
            return;
        }
}

/* split "12.5 Gbps" into a number and a unit; -1 if there is no number */
static int
parse_quantity(const char *text, const unit *units, const char *what,
               double *out, char *why, size_t whylen)
{
    char *end;
    char accepted[128];   /* the units, for a message: made only for one */
    double v = strtod(text, &end);
    if (end == text || !isfinite(v)) {
        list_units(units, accepted, sizeof accepted);
        snprintf(why, whylen, "bad %s \"%s\": expected a number with a unit (%s)",
                 what, text, accepted);
        return -1;
    }
    while (isspace((unsigned char)*end))
        end++;
    if (*end == '\0') {
        *out = v;     /* bare number: base units */
        return 0;
    }
    for (const unit *u = units; u->name; u++) {
        if (strcmp(end, u->name) == 0) {
            *out = v * u->scale;
            return 0;
        }
    }
    char hint[160];
    unit_hint(units, v, end, hint, sizeof hint);
    list_units(units, accepted, sizeof accepted);
    snprintf(why, whylen, "bad %s \"%s\": unknown unit \"%s\" (expected %s)%s",
             what, text, end, accepted, hint);
    return -1;
}

int
ns_rate_from_number(double v, uint64_t *bps, char *why, size_t whylen)
{
    char got[40];   /* v, for a message: written only for one */
    if (!(v > 0) || !isfinite(v) || v > 1e18) {
        ns_format_number(v, got, sizeof got);
        snprintf(why, whylen, "rate must be positive and at most 1000000000000000000 bps (got %s)", got);
        return -1;
    }
    double r = floor(v + 0.5);
    if (r < 1) {
        ns_format_number(v, got, sizeof got);
        snprintf(why, whylen, "rate must be at least 1 bps (got %s)", got);
        return -1;
    }
    *bps = (uint64_t)r;
    return 0;
}

int
ns_size_from_number(double v, uint64_t *bytes, char *why, size_t whylen)
{
    char got[40];   /* v, for a message: written only for one */
    if (!(v >= 0) || !isfinite(v) || v > 9.2e18) {
        ns_format_number(v, got, sizeof got);
        snprintf(why, whylen, "size must be between 0 and 9200000000000000000 bytes (got %s)", got);
        return -1;
    }
    double r = floor(v + 0.5);
    if (fabs(r - v) > 1e-6 * (v > 1 ? v : 1)) {
        ns_format_number(v, got, sizeof got);
        snprintf(why, whylen, "size must be a whole number of bytes (got %s)", got);
        return -1;
    }
    *bytes = (uint64_t)r;
    return 0;
}

int
ns_time_from_number(double seconds, ns_time *ps, char *why, size_t whylen)
{
    double v = seconds * 1e12;
    if (!(v >= 0) || !isfinite(v) || v > 9.2e18) {
        char got[40];
        ns_format_number(seconds, got, sizeof got);
        snprintf(why, whylen, "time must be between 0 and 9200000 s (got %s s)", got);
        return -1;
    }
    *ps = (ns_time)llround(v);
    return 0;
}

int
ns_parse_rate(const char *text, uint64_t *bps, char *why, size_t whylen)
{
    double v;
    if (parse_quantity(text, rate_units, "rate", &v, why, whylen))
        return -1;
    return ns_rate_from_number(v, bps, why, whylen);
}

int
ns_parse_size(const char *text, uint64_t *bytes, char *why, size_t whylen)
{
    double v;
    if (parse_quantity(text, size_units, "size", &v, why, whylen))
        return -1;
    return ns_size_from_number(v, bytes, why, whylen);
}

int
ns_parse_time(const char *text, ns_time *ps, char *why, size_t whylen)
{
    double v;
    if (parse_quantity(text, time_units, "time", &v, why, whylen))
        return -1;
    return ns_time_from_number(v, ps, why, whylen);
}

static void
format_scaled(double v, const unit *units, char *buf, size_t n)
{
    const unit *best = units;
    for (const unit *u = units; u->name; u++)
        if (fabs(v) >= u->scale && u->scale >= best->scale)
            best = u;
    snprintf(buf, n, "%.4g %s", v / best->scale, best->name);
}

void
ns_format_rate(uint64_t bps, char *buf, size_t n)
{
    format_scaled((double)bps, rate_units, buf, n);
}

void
ns_format_size(uint64_t bytes, char *buf, size_t n)
{
    static const unit decimal[] = {
        {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {NULL, 0}
    };
    format_scaled((double)bytes, decimal, buf, n);
}

void
ns_format_time(ns_time ps, char *buf, size_t n)
{
    format_scaled((double)ps * 1e-12, time_units, buf, n);
}
