/*
 * flowdist.c - flow-size CDFs: parsing, mean, sampling (see flowdist.h).
 */
#include <config.h>
#include "flowdist.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "textfile.h"

void
ns_cdf_destroy(ns_cdf *c)
{
    ns_free(c->size);
    ns_free(c->prob);
    memset(c, 0, sizeof *c);
}

/* one data line (comment already cut): NS_OK, or NS_EINVAL with a message */
static int
parse_point(ns_cdf *c, size_t *cap, char *line, const char *where, int lineno, ns_err *e)
{
    char *tok[3];
    int ntok = 0;
    for (char *save, *p = strtok_r(line, " \t\r,", &save); p; p = strtok_r(NULL, " \t\r,", &save))
        if (ntok < 3)
            tok[ntok++] = p;
        else
            ntok++;
    if (ntok == 0)
        return NS_OK;
    if (ntok != 2)
        return ns_errorf(e, NS_EINVAL, "%s:%d: expected two values \"size_bytes cumulative_probability\", "
                         "got %d", where, lineno, ntok);
    uint64_t bytes;
    char why[256];
    if (ns_parse_size(tok[0], &bytes, why, sizeof why))
        return ns_errorf(e, NS_EINVAL, "%s:%d: %s", where, lineno, why);
    if (bytes > NS_CDF_MAX_SIZE)
        return ns_errorf(e, NS_EINVAL, "%s:%d: size %s is too large (at most 2^53 bytes, 9 PB, so that sizes "
                         "stay exact as doubles)", where, lineno, tok[0]);
    char *end;
    errno = 0;
    double p = strtod(tok[1], &end);
    if (end == tok[1] || *end || errno || !isfinite(p))
        return ns_errorf(e, NS_EINVAL, "%s:%d: bad cumulative probability \"%s\"", where, lineno, tok[1]);
    if (p < 0 || p > 1)
        return ns_errorf(e, NS_EINVAL, "%s:%d: cumulative probability must be between 0 and 1 (got %g)%s",
                         where, lineno, p, p > 1 && p <= 100 ? "; percentages? write 0.15 for 15%" : "");
    if (c->n > 0 && (double)bytes < c->size[c->n - 1])
        return ns_errorf(e, NS_EINVAL, "%s:%d: sizes must not decrease (%llu after %.0f)", where, lineno,
                         (unsigned long long)bytes, c->size[c->n - 1]);
    if (c->n > 0 && p < c->prob[c->n - 1])
        return ns_errorf(e, NS_EINVAL, "%s:%d: cumulative probabilities must not decrease (%g after %g)",
                         where, lineno, p, c->prob[c->n - 1]);
    size_t cap2 = *cap;
    if (ns_grow((void **)&c->size, &cap2, c->n + 1, sizeof *c->size))
        return ns_enomem(e, "a flow-size distribution");
    cap2 = *cap;
    if (ns_grow((void **)&c->prob, &cap2, c->n + 1, sizeof *c->prob))
        return ns_enomem(e, "a flow-size distribution");
    *cap = cap2;
    c->size[c->n] = (double)bytes;
    c->prob[c->n] = p;
    c->n++;
    return NS_OK;
}

int
ns_cdf_parse(ns_cdf *c, const char *text, const char *where, ns_err *e)
{
    memset(c, 0, sizeof *c);
    size_t cap = 0;
    int lineno = 0, rc = NS_OK;
    const char *p = text;
    char line[1024];
    while (*p && rc == NS_OK) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (len >= sizeof line) {
            rc = ns_errorf(e, NS_EINVAL, "%s:%d: line too long (over %zu bytes)", where, lineno, sizeof line - 1);
            break;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = parse_point(c, &cap, line, where, lineno, e);
        p = nl ? nl + 1 : p + len;
    }
    if (rc == NS_OK && c->n == 0)
        rc = ns_errorf(e, NS_EINVAL, "%s: no points (expected lines \"size_bytes cumulative_probability\")", where);
    if (rc == NS_OK && fabs(c->prob[c->n - 1] - 1) > 1e-9)
        rc = ns_errorf(e, NS_EINVAL, "%s:%d: the last cumulative probability must be 1 (got %g)", where,
                       lineno, c->prob[c->n - 1]);
    if (rc == NS_OK && !(ns_cdf_mean(c) >= 1))
        rc = ns_errorf(e, NS_EINVAL, "%s: the mean flow size must be at least 1 byte", where);
    if (rc) {
        ns_cdf_destroy(c);
        return rc;
    }
    c->prob[c->n - 1] = 1;
    return NS_OK;
}

int
ns_cdf_load(ns_cdf *c, const char *path, ns_err *e)
{
    char *text;
    memset(c, 0, sizeof *c);
    int rc = ns_read_text_file(path, "flow-size file", &text, e);
    if (rc)
        return rc;
    rc = ns_cdf_parse(c, text, path, e);
    ns_free(text);
    return rc;
}

int
ns_cdf_named(ns_cdf *c, const char *name, ns_err *e)
{
    char known[256];
    size_t len = 0;
    known[0] = '\0';
    for (const ns_cdf_builtin *b = ns_cdf_builtins; b->name; b++) {
        if (strcmp(b->name, name) == 0)
            return ns_cdf_parse(c, b->text, b->file, e);
        len += (size_t)snprintf(known + len, sizeof known - len, "%s\"%s\"", len ? ", " : "", b->name);
    }
    memset(c, 0, sizeof *c);
    return ns_errorf(e, NS_EINVAL, "unknown flow-size distribution \"%s\" (known: %s)", name, known);
}

double
ns_cdf_mean(const ns_cdf *c)
{
    double m = c->size[0] * c->prob[0];
    for (size_t i = 1; i < c->n; i++)
        m += (c->prob[i] - c->prob[i - 1]) * (c->size[i - 1] + c->size[i]) / 2;
    return m;
}

double
ns_cdf_mean_square(const ns_cdf *c)
{
    /* a uniform variable on [a, b] has mean square (a^2 + ab + b^2) / 3 */
    double m = c->size[0] * c->size[0] * c->prob[0];
    for (size_t i = 1; i < c->n; i++) {
        double a = c->size[i - 1], b = c->size[i];
        m += (c->prob[i] - c->prob[i - 1]) * (a * a + a * b + b * b) / 3;
    }
    return m;
}

uint64_t
ns_cdf_sample(const ns_cdf *c, ns_rng *r)
{
    double u = ns_rng_uniform(r), x;
    if (u < c->prob[0]) {
        x = c->size[0];
    } else {
        /* the first point with prob > u: it exists since u < 1 = last prob */
        size_t lo = 0, hi = c->n - 1;   /* prob[lo] <= u < prob[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->prob[mid] <= u)
                lo = mid;
            else
                hi = mid;
        }
        double f = (u - c->prob[lo]) / (c->prob[hi] - c->prob[lo]);
        x = c->size[lo] + f * (c->size[hi] - c->size[lo]);
    }
    double b = floor(x + 0.5);
    return b < 1 ? 1 : (uint64_t)b;
}
