/*
 * replay.c - replay a CSV trace of flows "time,src,dst,bytes[,label]" as
 * timed transfers (see traffic.h).
 */
#include <config.h>
#include "traffic.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/units.h"
#include "textfile.h"

static const char *const field_names[] = {"time", "src", "dst", "bytes", "label"};

typedef struct field {
    const char *s;    /* trimmed text, NUL-terminated in the line buffer */
    int         col;  /* 1-based column of its first character */
} field;

/* split a line at commas, trimming blanks; returns the number of fields */
static int
split(char *line, field *f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        char *a = p, *b = p + strlen(p);
        while (*a && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            *--b = '\0';
        if (n < max) {
            f[n].s = a;
            f[n].col = (int)(a - line) + 1;
        }
        n++;
        if (!end)
            return n;
        p = end + 1;
    }
}

static int
host_id(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v < 1 || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* one data line into *x; NS_OK or NS_EINVAL */
static int
parse_line(char *line, const char *where, int lineno, ns_timed_flow *x, ns_err *e)
{
    field f[6];
    size_t len = strlen(line);
    int n = split(line, f, 6);
    char why[256];
    if (n > 5)
        return ns_errorf(e, NS_EINVAL, "%s:%d:%d: too many fields (expected time,src,dst,bytes[,label])",
                         where, lineno, f[5].col);
    if (n < 4)
        return ns_errorf(e, NS_EINVAL, "%s:%d:%zu: %s: missing (expected time,src,dst,bytes[,label])",
                         where, lineno, len + 1, field_names[n]);
    for (int i = 0; i < 4; i++)
        if (!*f[i].s)
            return ns_errorf(e, NS_EINVAL, "%s:%d:%d: %s: empty", where, lineno, f[i].col, field_names[i]);
    if (ns_parse_time(f[0].s, &x->t_ps, why, sizeof why))
        return ns_errorf(e, NS_EINVAL, "%s:%d:%d: time: %s", where, lineno, f[0].col, why);
    if (host_id(f[1].s, &x->src))
        return ns_errorf(e, NS_EINVAL, "%s:%d:%d: src: expected a host id >= 1, got \"%s\"",
                         where, lineno, f[1].col, f[1].s);
    if (host_id(f[2].s, &x->dst))
        return ns_errorf(e, NS_EINVAL, "%s:%d:%d: dst: expected a host id >= 1, got \"%s\"",
                         where, lineno, f[2].col, f[2].s);
    if (ns_parse_size(f[3].s, &x->bytes, why, sizeof why))
        return ns_errorf(e, NS_EINVAL, "%s:%d:%d: bytes: %s", where, lineno, f[3].col, why);
    x->label[0] = '\0';
    if (n == 5) {
        if (strlen(f[4].s) >= NS_LABEL_MAX)
            return ns_errorf(e, NS_EINVAL, "%s:%d:%d: label: too long (%zu bytes, at most %d)", where, lineno,
                             f[4].col, strlen(f[4].s), NS_LABEL_MAX - 1);
        strcpy(x->label, f[4].s);
    }
    return NS_OK;
}

/* every message of this builder starts with "replay: " */
static int
prefixed(int rc, ns_err *e)
{
    char m[NS_ERRMSG_MAX];
    if (rc == NS_OK)
        return rc;
    snprintf(m, sizeof m, "%s", e->msg);
    return ns_errorf(e, rc, "replay: %s", m);
}

static int
is_header(const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    return strncasecmp(line, "time", 4) == 0 && !isdigit((unsigned char)line[4]);
}

int
ns_wl_replay(ns_workload *w, const char *text, const char *where, const char *label,
             ns_traffic_ops *out, ns_err *e)
{
    ns_timed_flow *f = NULL;
    size_t nf = 0, cap = 0;
    int lineno = 0, rc = NS_OK, seen_data = 0;
    char line[1024];
    if (label && strlen(label) >= NS_LABEL_MAX)
        return ns_errorf(e, NS_EINVAL, "replay: label '%s' is too long (at most %d bytes)", label,
                         NS_LABEL_MAX - 1);
    for (const char *p = text; *p && rc == NS_OK;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (len >= sizeof line) {
            rc = ns_errorf(e, NS_EINVAL, "%s:%d: line too long (over %zu bytes)", where, lineno, sizeof line - 1);
            break;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = nl ? nl + 1 : p + len;
        const char *q = line;
        while (isspace((unsigned char)*q))
            q++;
        if (*q == '\0' || *q == '#')
            continue;
        if (!seen_data++ && is_header(q))
            continue;
        if (ns_grow((void **)&f, &cap, nf + 1, sizeof *f)) {
            rc = ns_enomem(e, "a workload");
            break;
        }
        rc = parse_line(line, where, lineno, &f[nf], e);
        if (rc == NS_OK && !f[nf].label[0] && label)
            snprintf(f[nf].label, sizeof f[nf].label, "%s", label);
        nf++;
    }
    if (rc == NS_OK && nf == 0)
        rc = ns_errorf(e, NS_EINVAL, "%s: no flows (expected lines time,src,dst,bytes[,label])", where);
    if (rc == NS_OK)
        rc = ns_wl_timed_flows(w, f, nf, out, e);
    ns_free(f);
    return prefixed(rc, e);
}

int
ns_wl_replay_file(ns_workload *w, const char *path, const char *label, ns_traffic_ops *out, ns_err *e)
{
    char *text;
    int rc = ns_read_text_file(path, "trace", &text, e);
    if (rc)
        return prefixed(rc, e);
    rc = ns_wl_replay(w, text, path, label, out, e);
    ns_free(text);
    return rc;
}
