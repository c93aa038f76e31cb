/*
 * taskgraph.c - building and checking a workload's task graph (see taskgraph.h).
 */
#include <config.h>
#include "taskgraph.h"

#include <stdio.h>
#include <assert.h>
#include <string.h>
#include "alloc.h"
#include "lib.h"

const char *const ns_op_kind_names[] = {"compute", "transfer", "marker", "delay", NULL};

static uint32_t
str_hash(const char *s)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

ns_workload *
ns_wl_new(uint64_t seed)
{
    ns_workload *w = ns_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->seed = seed;
    w->labels = ns_alloc(8 * sizeof *w->labels);
    w->label_hash = ns_calloc(16, sizeof *w->label_hash);
    if (!w->labels || !w->label_hash || !(w->labels[0] = ns_strdup(""))) {
        ns_free(w->labels);
        ns_free(w->label_hash);
        ns_free(w);
        return NULL;
    }
    w->labels_cap = 8;
    w->nlabels = 1;
    w->label_hash_cap = 16;
    return w;
}

void
ns_wl_free(ns_workload *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nlabels; i++)
        ns_free(w->labels[i]);
    ns_free(w->labels);
    ns_free(w->label_hash);
    ns_free(w->ops);
    ns_op_runs_free(&w->runs);
    ns_free(w->dep_op);
    ns_free(w->dep_on);
    ns_free(w->succ_start);
    ns_free(w->succ);
    ns_free(w->colls);
    ns_free(w->coll_hosts);
    ns_results_free(&w->results);
    ns_free(w->jobs);
    ns_free(w);
}

static int
rehash_labels(ns_workload *w)
{
    size_t cap = w->label_hash_cap * 2;
    uint32_t *t = ns_calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (uint32_t i = 1; i < w->nlabels; i++) {
        size_t j = str_hash(w->labels[i]) & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = i;
    }
    ns_free(w->label_hash);
    w->label_hash = t;
    w->label_hash_cap = cap;
    return 0;
}

/* the id of `label`, interned; 0 for NULL or ""; -1 on error */
static long
intern(ns_workload *w, const char *label, ns_err *e)
{
    if (!label || !*label)
        return 0;
    size_t len = strlen(label);
    if (len >= NS_LABEL_MAX)
        return ns_errorf(e, NS_EINVAL, "label '%s' is too long (%zu bytes, at most %d)",
                         label, len, NS_LABEL_MAX - 1), -1;
    size_t mask = w->label_hash_cap - 1;
    size_t j = str_hash(label) & mask;
    while (w->label_hash[j]) {
        if (strcmp(w->labels[w->label_hash[j]], label) == 0)
            return w->label_hash[j];
        j = (j + 1) & mask;
    }
    if ((w->nlabels + 1) * 2 > w->label_hash_cap) {
        if (rehash_labels(w))
            return ns_enomem(e, "a workload"), -1;
        return intern(w, label, e);
    }
    char *copy = ns_strdup(label);
    if (!copy || ns_grow((void **)&w->labels, &w->labels_cap, w->nlabels + 1, sizeof *w->labels)) {
        ns_free(copy);
        return ns_enomem(e, "a workload"), -1;
    }
    w->labels[w->nlabels] = copy;
    w->label_hash[j] = (uint32_t)w->nlabels;
    return (long)w->nlabels++;
}

long
ns_wl_intern(ns_workload *w, const char *label, ns_err *e)
{
    return intern(w, label, e);
}

const char *
ns_wl_label(const ns_workload *w, uint32_t label)
{
    return label < w->nlabels ? w->labels[label] : "";
}

/* the pairs back from the successor lists, before a change: NS_OK, or
 * NS_ENOMEM (still sealed) */
static int
unseal(ns_workload *w, ns_err *e)
{
    if (!ns_wl_sealed(w))
        return NS_OK;
    size_t n = w->ndeps ? w->ndeps : 1;
    uint32_t *op = ns_alloc(n * sizeof *op), *on = ns_alloc(n * sizeof *on);
    if (!op || !on) {
        ns_free(op);
        ns_free(on);
        return ns_enomem(e, "a workload");
    }
    size_t k = 0;
    for (uint32_t v = 0; v < w->nops; v++) {
        uint32_t s;
        for (ns_succ_it it = ns_succ_of(w->succ_start, w->succ, v); ns_succ_next(&it, &s); k++) {
            op[k] = s;
            on[k] = v;
        }
    }
    assert(k == w->ndeps);
    w->dep_op = op;
    w->dep_on = on;
    w->deps_cap = n;
    ns_free(w->succ_start);
    ns_free(w->succ);
    w->succ_start = w->succ = NULL;
    return NS_OK;
}

static long
add_op(ns_workload *w, int kind, const char *label, ns_err *e)
{
    if (w->nops >= INT32_MAX)
        return ns_errorf(e, NS_EINVAL, "too many ops in one workload (limit %d)", INT32_MAX), -1;
    if ((w->nops & 0x3fff) == 0 && ns_interrupted())   /* every 16,384 ops: a large builder stops soon */
        return ns_errorf(e, NS_EINTR, "interrupted while building the workload (%zu ops made)", w->nops), -1;
    if (unseal(w, e))
        return -1;
    long lab = intern(w, label, e);
    if (lab < 0)
        return -1;
    if (ns_grow((void **)&w->ops, &w->ops_cap, w->nops + 1, sizeof *w->ops) ||
        ns_op_runs_push(&w->runs, (uint32_t)w->nops, w->cur_line, NS_NO_PARENT))
        return ns_enomem(e, "a workload"), -1;
    ns_op *op = &w->ops[w->nops];
    memset(op, 0, sizeof *op);
    op->kind = (uint8_t)kind;
    op->label = (uint32_t)lab;
    return (long)w->nops++;
}

long
ns_wl_compute(ns_workload *w, uint32_t node, ns_time duration_ps, const char *label, ns_err *e)
{
    if (node == 0)
        return ns_errorf(e, NS_EINVAL, "compute: node must be a host id >= 1 (got %u)", node), -1;
    if (duration_ps < 0)
        return ns_errorf(e, NS_EINVAL, "compute: duration must not be negative"), -1;
    long i = add_op(w, NS_OP_COMPUTE, label, e);
    if (i < 0)
        return -1;
    w->ops[i].node = node;
    w->ops[i].duration_ps = duration_ps;
    if (node > w->max_host)
        w->max_host = node;
    return i;
}

long
ns_wl_transfer(ns_workload *w, uint32_t src, uint32_t dst, uint64_t bytes, const char *label, ns_err *e)
{
    if (src == 0 || dst == 0)
        return ns_errorf(e, NS_EINVAL, "transfer: src and dst must be host ids >= 1 (got %u and %u)", src, dst), -1;
    long i = add_op(w, NS_OP_TRANSFER, label, e);
    if (i < 0)
        return -1;
    w->ops[i].node = src;
    w->ops[i].dst = dst;
    w->ops[i].bytes = bytes;
    if (src > w->max_host)
        w->max_host = src;
    if (dst > w->max_host)
        w->max_host = dst;
    return i;
}

long
ns_wl_marker(ns_workload *w, const char *label, ns_err *e)
{
    return add_op(w, NS_OP_MARKER, label, e);
}

long
ns_wl_delay(ns_workload *w, ns_time duration_ps, const char *label, ns_err *e)
{
    if (duration_ps < 0)
        return ns_errorf(e, NS_EINVAL, "delay: duration must not be negative"), -1;
    long i = add_op(w, NS_OP_DELAY, label, e);
    if (i >= 0)
        w->ops[i].duration_ps = duration_ps;
    return i;
}

int
ns_wl_grow(ns_workload *w, uint64_t nops, uint64_t ndeps, const char *what, ns_err *e)
{
    if (nops > (uint64_t)INT32_MAX - w->nops)
        return ns_errorf(e, NS_EINVAL, "%s: %llu ops, more than a workload may hold (%d in all)", what,
                         (unsigned long long)nops, INT32_MAX);
    int rc = unseal(w, e);
    if (rc)
        return rc;
    /* exactly what was asked: the builders' counts are upper bounds already */
    size_t cap = w->deps_cap;
    if (ns_grow_exact((void **)&w->ops, &w->ops_cap, w->nops + (size_t)nops, sizeof *w->ops) ||
        ns_grow_exact((void **)&w->dep_op, &cap, w->ndeps + (size_t)ndeps, sizeof *w->dep_op))
        return ns_enomem(e, "a workload");
    cap = w->deps_cap;
    if (ns_grow_exact((void **)&w->dep_on, &cap, w->ndeps + (size_t)ndeps, sizeof *w->dep_on))
        return ns_enomem(e, "a workload");
    w->deps_cap = cap;
    return NS_OK;
}

int
ns_wl_after(ns_workload *w, uint32_t op, uint32_t dep, ns_err *e)
{
    if (op >= w->nops || dep >= w->nops)
        return ns_errorf(e, NS_EINVAL, "after: no such op");
    if (op == dep)
        return ns_errorf(e, NS_EINVAL, "after: an op cannot wait for itself");
    int rc = unseal(w, e);
    if (rc)
        return rc;
    size_t cap = w->deps_cap;
    if (ns_grow((void **)&w->dep_op, &cap, w->ndeps + 1, sizeof *w->dep_op))
        return ns_enomem(e, "a workload");
    cap = w->deps_cap;
    if (ns_grow((void **)&w->dep_on, &cap, w->ndeps + 1, sizeof *w->dep_on)) {
        /* dep_op grew, dep_on did not: keep the smaller capacity for both */
        return ns_enomem(e, "a workload");
    }
    w->deps_cap = cap;
    w->dep_op[w->ndeps] = op;
    w->dep_on[w->ndeps] = dep;
    w->ndeps++;
    return NS_OK;
}

int
ns_wl_set_parent(ns_workload *w, uint32_t first, uint32_t last, int32_t parent, ns_err *e)
{
    if (ns_op_runs_set_parent(&w->runs, first, last, parent, (uint32_t)w->nops))
        return ns_enomem(e, "a workload");
    return NS_OK;
}

long
ns_wl_add_coll(ns_workload *w, const ns_coll *c, const uint32_t *hosts, ns_err *e)
{
    if (w->ncolls >= INT32_MAX)
        return ns_errorf(e, NS_EINVAL, "too many collectives"), -1;
    if (ns_grow((void **)&w->colls, &w->colls_cap, w->ncolls + 1, sizeof *w->colls) ||
        ns_grow((void **)&w->coll_hosts, &w->coll_hosts_cap, w->ncoll_hosts + c->ranks, sizeof *w->coll_hosts))
        return ns_enomem(e, "a workload"), -1;
    ns_coll *d = &w->colls[w->ncolls];
    *d = *c;
    d->hosts_off = (uint32_t)w->ncoll_hosts;
    memcpy(&w->coll_hosts[w->ncoll_hosts], hosts, c->ranks * sizeof *hosts);
    w->ncoll_hosts += c->ranks;
    return (long)w->ncolls++;
}

void
ns_wl_describe(const ns_workload *w, uint32_t op, char *buf, size_t n)
{
    const char *const *kinds = ns_op_kind_names;
    const ns_op *o = &w->ops[op];
    const char *lab = ns_wl_label(w, o->label);
    char where[300] = "";
    int32_t line = ns_wl_op_line(w, op);
    if (line > 0)
        snprintf(where, sizeof where, "%s:%d: ", w->chunk[0] ? w->chunk : "?", line);
    if (*lab)
        snprintf(buf, n, "%s%s '%s' (op %u)", where, kinds[o->kind], lab, op);
    else
        snprintf(buf, n, "%s%s (op %u)", where, kinds[o->kind], op);
}

/* Lists filled by bucket: start[v + 1] counts v's entries; then each
 * start[v] becomes the slot of v's next entry (fill_slots), and once all
 * are placed, slots move back to where each list begins (slots_done). */
static void
fill_slots(uint32_t *start, size_t n)
{
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
}

static void
slots_done(uint32_t *start, size_t n)
{
    for (size_t i = n; i > 0; i--)
        start[i] = start[i - 1];
    start[0] = 0;
}

void
ns_wl_adjacency(const ns_workload *w, int preds, uint32_t *start, uint32_t *adj)
{
    size_t n = w->nops;
    if (ns_wl_sealed(w) && !preds) {   /* the successor lists, their ranges spelt out */
        uint32_t k = 0, s;
        for (uint32_t v = 0; v < n; v++) {
            start[v] = k;
            for (ns_succ_it it = ns_succ_of(w->succ_start, w->succ, v); ns_succ_next(&it, &s);)
                adj[k++] = s;
        }
        start[n] = k;
        return;
    }
    memset(start, 0, (n + 1) * sizeof *start);
    if (ns_wl_sealed(w)) {   /* predecessors: the successor lists turned over */
        uint32_t s;
        for (uint32_t v = 0; v < n; v++)
            for (ns_succ_it it = ns_succ_of(w->succ_start, w->succ, v); ns_succ_next(&it, &s);)
                start[s + 1]++;
        fill_slots(start, n);
        for (uint32_t v = 0; v < n; v++)
            for (ns_succ_it it = ns_succ_of(w->succ_start, w->succ, v); ns_succ_next(&it, &s);)
                adj[start[s]++] = v;
        slots_done(start, n);
        return;
    }
    const uint32_t *from = preds ? w->dep_op : w->dep_on, *to = preds ? w->dep_on : w->dep_op;
    for (size_t i = 0; i < w->ndeps; i++)
        start[from[i] + 1]++;
    fill_slots(start, n);
    for (size_t i = 0; i < w->ndeps; i++)
        adj[start[from[i]]++] = to[i];
    slots_done(start, n);
}

/* name an op that lies on a cycle: walk back from any op that never became
 * ready through unfinished predecessors; after n steps the walk is on a cycle */
static int
report_cycle(const ns_workload *w, const uint32_t *indeg, ns_err *e)
{
    size_t n = w->nops;
    uint32_t *pstart = ns_calloc(n + 1, sizeof *pstart);
    uint32_t *pred = ns_alloc((w->ndeps ? w->ndeps : 1) * sizeof *pred);
    if (!pstart || !pred) {
        ns_free(pstart);
        ns_free(pred);
        return ns_enomem(e, "the task graph");
    }
    ns_wl_adjacency(w, 1, pstart, pred);
    uint32_t v = 0, stuck = 0;
    while (indeg[v] == 0)
        v++;
    for (size_t i = 0; i < n; i++) {
        for (uint32_t k = pstart[v]; k < pstart[v + 1]; k++)
            if (indeg[pred[k]] > 0) {
                v = pred[k];
                break;
            }
    }
    for (size_t i = 0; i < n; i++)
        stuck += indeg[i] > 0;
    char a[400];
    ns_wl_describe(w, v, a, sizeof a);
    ns_free(pstart);
    ns_free(pred);
    return ns_errorf(e, NS_EINVAL, "dependency cycle: %s waits, through its 'after' ops, for itself "
                     "(%u ops can never start)", a, stuck);
}

int
ns_wl_order(const ns_workload *w, const uint32_t *start, const uint32_t *succ, uint32_t *indeg,
            uint32_t *order, ns_err *e)
{
    size_t n = w->nops;
    uint32_t s;
    memset(indeg, 0, n * sizeof *indeg);
    for (uint32_t v = 0; v < n; v++)
        for (ns_succ_it it = ns_succ_of(start, succ, v); ns_succ_next(&it, &s);)
            indeg[s]++;
    /* Kahn's algorithm; `order` doubles as the queue */
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (indeg[i] == 0)
            order[tail++] = (uint32_t)i;
    while (head < tail) {
        uint32_t v = order[head++];
        for (ns_succ_it it = ns_succ_of(start, succ, v); ns_succ_next(&it, &s);)
            if (--indeg[s] == 0)
                order[tail++] = s;
    }
    return tail < n ? report_cycle(w, indeg, e) : NS_OK;
}

/* w's successor lists, made and checked (`order` gets a topological
 * order): NS_OK with *startp and *succp the caller's, or an error (a cycle
 * named from the pairs, or NS_ENOMEM) with nothing left allocated */
static int
checked_lists(const ns_workload *w, uint32_t *order, uint32_t **startp, uint32_t **succp, ns_err *e)
{
    size_t n = w->nops;
    uint32_t *indeg = ns_alloc((n ? n : 1) * sizeof *indeg);
    uint32_t *start = ns_alloc((n + 1) * sizeof *start);
    uint32_t *succ = ns_alloc((w->ndeps ? w->ndeps : 1) * sizeof *succ);
    int rc = !indeg || !start || !succ ? ns_enomem(e, "the task graph") : NS_OK;
    if (rc == NS_OK) {
        ns_wl_adjacency(w, 0, start, succ);
        rc = ns_wl_order(w, start, succ, indeg, order, e);
    }
    ns_free(indeg);
    if (rc) {
        ns_free(start);
        ns_free(succ);
        return rc;
    }
    *startp = start;
    *succp = succ;
    return NS_OK;
}

int
ns_wl_check(const ns_workload *w, uint32_t *order, ns_err *e)
{
    uint32_t *start, *succ;
    int rc = checked_lists(w, order, &start, &succ, e);
    if (rc == NS_OK) {
        ns_free(start);
        ns_free(succ);
    }
    return rc;
}

/* successor lists with their runs of three or more consecutive ops as
 * ranges (NS_SUCC_RANGE), in the same order: written over the plain lists,
 * then into a block of their size when that frees a quarter or more (and
 * a megabyte); the list kept is returned */
static uint32_t *
keep_ranges(size_t n, uint32_t *start, uint32_t *succ)
{
    uint32_t k = 0;
    for (size_t v = 0; v < n; v++) {
        uint32_t i = start[v], end = start[v + 1];
        start[v] = k;
        while (i < end) {
            uint32_t j = i + 1;
            while (j < end && succ[j] == succ[j - 1] + 1)
                j++;
            if (j - i >= 3) {
                uint32_t first = succ[i], stop = succ[j - 1] + 1;
                succ[k++] = first | NS_SUCC_RANGE;
                succ[k++] = stop;
            } else {
                while (i < j)
                    succ[k++] = succ[i++];
            }
            i = j;
        }
    }
    size_t was = start[n];
    start[n] = k;
    if (was - k < was / 4 || (was - k) * sizeof *succ < ((size_t)1 << 20))
        return succ;
    uint32_t *tight = ns_alloc((k ? k : 1) * sizeof *tight);
    if (!tight)
        return succ;   /* the same lists, in more memory */
    memcpy(tight, succ, k * sizeof *tight);
    ns_free(succ);
    return tight;
}

int
ns_wl_seal(ns_workload *w, ns_err *e)
{
    if (ns_wl_sealed(w))
        return NS_OK;
    uint32_t *order = ns_alloc((w->nops ? w->nops : 1) * sizeof *order), *start, *succ;
    int rc = order ? checked_lists(w, order, &start, &succ, e) : ns_enomem(e, "the task graph");
    ns_free(order);
    if (rc)
        return rc;
    ns_free(w->dep_op);
    ns_free(w->dep_on);
    w->dep_op = w->dep_on = NULL;
    w->deps_cap = 0;
    w->succ_start = start;
    w->succ = keep_ranges(w->nops, start, succ);
    return NS_OK;
}
