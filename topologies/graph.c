/*
 * graph.c - a fabric read from a GraphML file with igraph.
 *
 * Node attributes: `kind` ("host" or "switch", required), `name` (default:
 * the GraphML id), `dc`, `pod`, `leaf` (1-based groups for the selectors of
 * fab:hosts{}; a host without them takes its switch's), `tier` ("host",
 * "leaf", "spine", "core", "gateway", "nvswitch" or 0..5; default leaf for a
 * switch with hosts, spine for one without; "nvswitch": the scale-up switch
 * of a server, see check_servers). Edge attributes: `rate` (a string with a
 * unit, "100Gbps", or a number in bits/s) and `latency` (a string with a
 * unit, "1us", or a number in seconds), both required. Every edge is one
 * cable (two directions), whatever the graph's edgedefault says; parallel
 * edges are parallel cables.
 *
 * Hosts keep their file order and come first (as fabric.h requires);
 * switches follow in file order; cables keep the file's edge order. A file
 * that lists nodes and edges in the order of a builder gives the very same
 * fabric, so the same numbers.
 *
 * The igraph graph lives only while the file is read: it becomes plain
 * arrays, then an ns_fabric. Only this file and routing.c include igraph.
 */
#include <config.h>
#include "topo.h"

#include <errno.h>
#include <igraph.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sim/alloc.h"
#include "sim/budget.h"
#include "sim/lib.h"
#include "sim/units.h"

/* igraph's memory while it parses a GraphML file, per byte of the file, at most */
#define NS_GRAPHML_PARSE_FACTOR 6

/* one node as read from the file */
typedef struct gnode {
    int      kind;                 /* NS_NODE_HOST or NS_NODE_SWITCH */
    int      tier;                 /* -1 until known */
    int32_t  dc, pod, leaf;        /* 0 when not given */
    uint32_t degree;               /* cables at this node */
    uint32_t attach;               /* hosts: the file index at the other end of its (first) cable */
    uint32_t has_hosts;            /* switches: hosts are cabled to it */
    uint32_t has_nic;              /* hosts: attach is set */
    uint32_t index;                /* node index in the fabric */
    char     name[NS_NAME_MAX];
} gnode;

typedef struct gedge {
    uint32_t a, b;                 /* file node indices */
    uint64_t rate_bps;
    ns_time  latency_ps;
} gedge;

/* what one read needs: the file's names for messages, the parsed arrays */
typedef struct greader {
    const char *file;              /* as the user named it */
    igraph_t   *g;
    igraph_strvector_t vnames, enames;
    igraph_vector_int_t vtypes, etypes;
    gnode      *nodes;
    gedge      *edges;
    size_t      nv, ne;
} greader;

/* igraph reports a parse error's reason (with its line) only to the error
 * handler, which takes no context pointer: the handler installed for the
 * read keeps the reason here. Thread-local, written only during a read. */
static _Thread_local char igraph_reason[256];

static void
capture_reason(const char *reason, const char *file, int line, igraph_error_t err)
{
    snprintf(igraph_reason, sizeof igraph_reason, "%s", reason ? reason : "");
    size_t n = strlen(igraph_reason);
    while (n && (igraph_reason[n - 1] == '\n' || igraph_reason[n - 1] == ' ' || igraph_reason[n - 1] == '.'))
        igraph_reason[--n] = '\0';
    igraph_error_handler_ignore(reason, file, line, err);   /* frees igraph's temporaries */
}

void
ns_graph_lib_init(void)
{
    igraph_set_attribute_table(&igraph_cattribute_table);   /* keep GraphML attributes */
}

/* the type of attribute `name` (IGRAPH_ATTRIBUTE_*), or -1 when the file has none */
static int
attr_type(const igraph_strvector_t *names, const igraph_vector_int_t *types, const char *name)
{
    for (igraph_integer_t i = 0; i < igraph_strvector_size(names); i++)
        if (strcmp(igraph_strvector_get(names, i), name) == 0)
            return (int)VECTOR(*types)[i];
    return -1;
}

static int
vtype(const greader *r, const char *name)
{
    return attr_type(&r->vnames, &r->vtypes, name);
}

static int
etype(const greader *r, const char *name)
{
    return attr_type(&r->enames, &r->etypes, name);
}

/* "graph 'f': node 3 (leaf1): ...": 1-based file position and name */
static int __attribute__((format(printf, 4, 5)))
node_error(const greader *r, ns_err *e, size_t v, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ns_errorf(e, NS_EINVAL, "graph '%s': node %zu (%s): %s", r->file, v + 1, r->nodes[v].name, what);
}

/* "graph 'f': edge 3 (leaf1-spine2): ..." */
static int __attribute__((format(printf, 4, 5)))
edge_error(const greader *r, ns_err *e, size_t i, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ns_errorf(e, NS_EINVAL, "graph '%s': edge %zu (%s-%s): %s", r->file, i + 1,
                     r->nodes[r->edges[i].a].name, r->nodes[r->edges[i].b].name, what);
}

/* an optional non-negative integer node attribute (dc, pod, leaf); 0 when absent */
static int
read_group(greader *r, ns_err *e, size_t v, const char *attr, int32_t *out)
{
    *out = 0;
    int t = vtype(r, attr);
    igraph_integer_t vi = (igraph_integer_t)v;
    if (t == IGRAPH_ATTRIBUTE_NUMERIC) {
        double x = VAN(r->g, attr, vi);
        if (isnan(x))
            return NS_OK;
        if (x != floor(x) || x < 0 || x > INT32_MAX) {
            char txt[64];
            snprintf(txt, sizeof txt, "%g", x);
            return node_error(r, e, v, "attribute '%s' must be a whole number >= 0 (got %s)", attr, txt);
        }
        *out = (int32_t)x;
    } else if (t == IGRAPH_ATTRIBUTE_STRING) {
        const char *s = VAS(r->g, attr, vi);
        if (!s || !*s)
            return NS_OK;
        char *end;
        errno = 0;
        long x = strtol(s, &end, 10);
        while (*end == ' ')
            end++;
        if (*end || errno || x < 0 || x > INT32_MAX)
            return node_error(r, e, v, "attribute '%s' must be a whole number >= 0 (got \"%s\")", attr, s);
        *out = (int32_t)x;
    } else if (t >= 0) {
        return node_error(r, e, v, "attribute '%s' must be a number or a string", attr);
    }
    return NS_OK;
}

static int
read_tier(greader *r, ns_err *e, size_t v)
{
    static const char *const tiers[] = {"host", "leaf", "spine", "core", "gateway", "nvswitch", NULL};
    gnode *n = &r->nodes[v];
    int t = vtype(r, "tier");
    igraph_integer_t vi = (igraph_integer_t)v;
    n->tier = -1;
    if (t == IGRAPH_ATTRIBUTE_NUMERIC) {
        double x = VAN(r->g, "tier", vi);
        if (isnan(x))
            return NS_OK;
        if (x != floor(x) || x < 0 || x > NS_TIER_SCALEUP) {
            char txt[64];
            snprintf(txt, sizeof txt, "%g", x);
            return node_error(r, e, v, "attribute 'tier' must be 0 to 5 or a tier name (got %s)", txt);
        }
        n->tier = (int)x;
    } else if (t == IGRAPH_ATTRIBUTE_STRING) {
        const char *s = VAS(r->g, "tier", vi);
        if (!s || !*s)
            return NS_OK;
        for (int i = 0; tiers[i]; i++)
            if (strcmp(tiers[i], s) == 0)
                n->tier = i;
        if (n->tier < 0)
            return node_error(r, e, v, "attribute 'tier' must be \"host\", \"leaf\", \"spine\", \"core\", "
                              "\"gateway\" or \"nvswitch\" (got \"%s\")", s);
    } else if (t >= 0) {
        return node_error(r, e, v, "attribute 'tier' must be a string or a number");
    }
    if (n->tier >= 0 && (n->tier == NS_TIER_HOST) != (n->kind == NS_NODE_HOST))
        return node_error(r, e, v, "attribute 'tier' is \"%s\", which does not fit kind \"%s\"", tiers[n->tier],
                          n->kind == NS_NODE_HOST ? "host" : "switch");
    return NS_OK;
}

static int
read_nodes(greader *r, ns_err *e)
{
    int tk = vtype(r, "kind"), tn = vtype(r, "name"), tid = vtype(r, "id");
    for (size_t v = 0; v < r->nv; v++) {
        gnode *n = &r->nodes[v];
        igraph_integer_t vi = (igraph_integer_t)v;
        const char *name = tn == IGRAPH_ATTRIBUTE_STRING ? VAS(r->g, "name", vi) : NULL;
        if (!name || !*name)
            name = tid == IGRAPH_ATTRIBUTE_STRING ? VAS(r->g, "id", vi) : NULL;
        if (name && *name)
            snprintf(n->name, sizeof n->name, "%s", name);
        else
            snprintf(n->name, sizeof n->name, "node%zu", v + 1);
        const char *kind = tk == IGRAPH_ATTRIBUTE_STRING ? VAS(r->g, "kind", vi) : NULL;
        if (tk >= 0 && tk != IGRAPH_ATTRIBUTE_STRING)
            return node_error(r, e, v, "attribute 'kind' must be a string (\"host\" or \"switch\")");
        if (!kind || !*kind)
            return node_error(r, e, v, "missing attribute 'kind' (\"host\" or \"switch\")");
        if (strcmp(kind, "host") == 0)
            n->kind = NS_NODE_HOST;
        else if (strcmp(kind, "switch") == 0)
            n->kind = NS_NODE_SWITCH;
        else
            return node_error(r, e, v, "attribute 'kind' must be \"host\" or \"switch\" (got \"%s\")", kind);
        int rc;
        if ((rc = read_group(r, e, v, "dc", &n->dc)) || (rc = read_group(r, e, v, "pod", &n->pod)) ||
            (rc = read_group(r, e, v, "leaf", &n->leaf)) || (rc = read_tier(r, e, v)))
            return rc;
    }
    return NS_OK;
}

/* rate or latency of edge i */
static int
read_quantity(greader *r, ns_err *e, size_t i, const char *attr, int is_rate)
{
    gedge *d = &r->edges[i];
    int t = etype(r, attr);
    igraph_integer_t ei = (igraph_integer_t)i;
    char why[256];
    int bad;
    if (t == IGRAPH_ATTRIBUTE_STRING) {
        const char *s = EAS(r->g, attr, ei);
        if (!s || !*s)
            return edge_error(r, e, i, "missing attribute '%s'", attr);
        bad = is_rate ? ns_parse_rate(s, &d->rate_bps, why, sizeof why)
                      : ns_parse_time(s, &d->latency_ps, why, sizeof why);
    } else if (t == IGRAPH_ATTRIBUTE_NUMERIC) {
        double x = EAN(r->g, attr, ei);
        if (isnan(x))
            return edge_error(r, e, i, "missing attribute '%s'", attr);
        bad = is_rate ? ns_rate_from_number(x, &d->rate_bps, why, sizeof why)
                      : ns_time_from_number(x, &d->latency_ps, why, sizeof why);
    } else if (t < 0) {
        return edge_error(r, e, i, "missing attribute '%s'", attr);
    } else {
        return edge_error(r, e, i, "attribute '%s' must be a string with a unit or a number", attr);
    }
    if (bad)
        return edge_error(r, e, i, "attribute '%s': %s", attr, why);
    return NS_OK;
}

static int
read_edges(greader *r, ns_err *e)
{
    for (size_t i = 0; i < r->ne; i++) {
        igraph_integer_t a, b;
        igraph_edge(r->g, (igraph_integer_t)i, &a, &b);
        gedge *d = &r->edges[i];
        d->a = (uint32_t)a;
        d->b = (uint32_t)b;
        if (a == b)
            return edge_error(r, e, i, "a cable from a node to itself");
        int rc;
        if ((rc = read_quantity(r, e, i, "rate", 1)) || (rc = read_quantity(r, e, i, "latency", 0)))
            return rc;
        gnode *na = &r->nodes[a], *nb = &r->nodes[b];
        na->degree++;
        nb->degree++;
        /* a host's attachment: the other end of its first cable that is not
         * to a scale-up switch (its NIC's) */
        if (na->kind == NS_NODE_HOST && nb->tier != NS_TIER_SCALEUP && !na->has_nic) {
            na->attach = (uint32_t)b;
            na->has_nic = 1;
        }
        if (nb->kind == NS_NODE_HOST && na->tier != NS_TIER_SCALEUP && !nb->has_nic) {
            nb->attach = (uint32_t)a;
            nb->has_nic = 1;
        }
    }
    return NS_OK;
}

/* read the file into r->nodes and r->edges */
static int
read_file(greader *r, const ns_graph_spec *s, ns_err *e)
{
    FILE *fp = fopen(s->path, "r");
    if (!fp) {
        if (strcmp(s->path, s->display) != 0)
            return ns_errorf(e, NS_EIO, "graph '%s': cannot open '%s' (%s)", s->display, s->path, strerror(errno));
        return ns_errorf(e, NS_EIO, "graph '%s': cannot open (%s)", s->display, strerror(errno));
    }
    /* igraph's parse is outside netsim's allocator (and its ceiling): check
     * it from the file's size first. Measured: 3.3 times the size of a file
     * of hosts with kind, rate and latency, 5.7 times one of bare
     * <node id="N"/> and <edge source= target=/> lines */
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
        char what[600], detail[128], sz[32];
        uint64_t parse = ns_mem_mad(0, (uint64_t)st.st_size, NS_GRAPHML_PARSE_FACTOR);
        ns_format_size((uint64_t)st.st_size, sz, sizeof sz);
        snprintf(what, sizeof what, "graph '%s': reading it", s->display);
        snprintf(detail, sizeof detail, "a file of %s; igraph holds up to %d times that while it parses it", sz,
                 NS_GRAPHML_PARSE_FACTOR);
        int mrc = ns_mem_check(ns_mem_add(ns_mem_add(NS_MEM_BASE_BYTES, ns_alloc_live_bytes()), parse), what,
                               detail, e);
        if (mrc) {
            fclose(fp);
            return mrc;
        }
    }
    igraph_t g;
    igraph_reason[0] = '\0';
    igraph_error_handler_t *old = igraph_set_error_handler(capture_reason);
    igraph_error_t ir = igraph_read_graph_graphml(&g, fp, 0);
    igraph_set_error_handler(old);
    fclose(fp);
    if (ir == IGRAPH_ENOMEM)
        return ns_enomem(e, "a graph");
    if (ir)
        return ns_errorf(e, NS_EINVAL, "graph '%s': not a GraphML file igraph can read (%s)", s->display,
                         igraph_reason[0] ? igraph_reason : igraph_strerror(ir));
    r->g = &g;
    int rc = NS_OK;
    int have_lists = 0;
    r->nv = (size_t)igraph_vcount(&g);
    r->ne = (size_t)igraph_ecount(&g);
    if (r->nv == 0) {
        rc = ns_errorf(e, NS_EINVAL, "graph '%s': the graph has no nodes", s->display);
        goto out;
    }
    if (r->nv > (1u << 24) || r->ne > (1u << 27)) {
        rc = ns_errorf(e, NS_EINVAL, "graph '%s': too large (%zu nodes, %zu edges)", s->display, r->nv, r->ne);
        goto out;
    }
    /* have_lists counts the lists made, so that a failure frees the others */
    if (igraph_strvector_init(&r->vnames, 0) || (have_lists++, igraph_strvector_init(&r->enames, 0)) ||
        (have_lists++, igraph_vector_int_init(&r->vtypes, 0)) || (have_lists++, igraph_vector_int_init(&r->etypes, 0))) {
        rc = ns_enomem(e, "a graph");
        goto out;
    }
    have_lists++;
    r->nodes = ns_calloc(r->nv, sizeof *r->nodes);
    r->edges = ns_calloc(r->ne ? r->ne : 1, sizeof *r->edges);
    if (!r->nodes || !r->edges || igraph_cattribute_list(&g, NULL, NULL, &r->vnames, &r->vtypes, &r->enames, &r->etypes)) {
        rc = ns_enomem(e, "a graph");
        goto out;
    }
    if ((rc = read_nodes(r, e)) || (rc = read_edges(r, e)))
        goto out;
out:
    if (have_lists > 0) igraph_strvector_destroy(&r->vnames);
    if (have_lists > 1) igraph_strvector_destroy(&r->enames);
    if (have_lists > 2) igraph_vector_int_destroy(&r->vtypes);
    if (have_lists > 3) igraph_vector_int_destroy(&r->etypes);
    igraph_destroy(&g);
    r->g = NULL;
    return rc;
}

/* servers in a graph: scale-up switches (tier "nvswitch") each cabled to G
 * hosts, the same G for all, the k-th (in file order) to the k-th G hosts
 * (each once), and every host to one of them. Sets *gpus (0: none) */
static int
check_servers(greader *r, const ns_graph_spec *s, uint32_t *gpus, ns_err *e)
{
    size_t nhosts = 0, k = 0;
    uint32_t g = 0;
    for (size_t v = 0; v < r->nv; v++)
        nhosts += r->nodes[v].kind == NS_NODE_HOST;
    /* scale-up switch file index by server, and the GPUs seen */
    for (size_t v = 0; v < r->nv; v++) {
        gnode *n = &r->nodes[v];
        if (n->tier != NS_TIER_SCALEUP)
            continue;
        uint32_t deg = 0;
        for (size_t i = 0; i < r->ne; i++) {
            const gedge *d = &r->edges[i];
            if (d->a != v && d->b != v)
                continue;
            const gnode *o = &r->nodes[d->a == v ? d->b : d->a];
            if (o->kind != NS_NODE_HOST)
                return node_error(r, e, v, "a scale-up switch (tier \"nvswitch\") is cabled to switch '%s'; it "
                                  "joins the GPUs (hosts) of one server only", o->name);
            deg++;
        }
        if (!g)
            g = deg;
        if (deg == 0 || deg != g)
            return node_error(r, e, v, "a scale-up switch joins %u GPUs, but the first one joins %u; every "
                              "server has the same number", deg, g);
        /* its GPUs must be hosts k g + 1 .. (k + 1) g */
        for (size_t i = 0; i < r->ne; i++) {
            const gedge *d = &r->edges[i];
            if (d->a != v && d->b != v)
                continue;
            const gnode *o = &r->nodes[d->a == v ? d->b : d->a];
            if (o->index < k * g || o->index >= (k + 1) * g)
                return node_error(r, e, v, "scale-up switch %zu (in file order) must join hosts %zu to %zu, the "
                                  "GPUs of server %zu (hosts are numbered server by server), not '%s' (host %u)",
                                  k + 1, k * g + 1, (k + 1) * g, k + 1, o->name, o->index + 1);
        }
        k++;
    }
    if (g && k * g != nhosts)
        return ns_errorf(e, NS_EINVAL, "graph '%s': %zu scale-up switches of %u GPUs join %zu hosts, but the graph "
                         "has %zu; every host is a GPU of one server", s->display, k, g, k * g, nhosts);
    if (!g && s->common.server.pxn)
        return ns_errorf(e, NS_EINVAL, "graph '%s': pxn = true needs servers (switches of tier \"nvswitch\")",
                         s->display);
    *gpus = g;
    return NS_OK;
}

/* the fabric from the parsed arrays */
static int
build(greader *r, const ns_graph_spec *s, ns_fabric **out, ns_err *e)
{
    /* hosts first (file order), then switches (file order), scale-up
     * switches last (file order: server by server) */
    uint32_t next = 0;
    for (size_t v = 0; v < r->nv; v++)
        if (r->nodes[v].kind == NS_NODE_HOST)
            r->nodes[v].index = next++;
    for (int pass = 0; pass < 2; pass++)
        for (size_t v = 0; v < r->nv; v++)
            if (r->nodes[v].kind == NS_NODE_SWITCH && (r->nodes[v].tier == NS_TIER_SCALEUP) == pass)
                r->nodes[v].index = next++;
    uint32_t gpus = 0;
    int rc0 = check_servers(r, s, &gpus, e);
    if (rc0)
        return rc0;
    /* hosts without groups take their switch's; default tiers */
    for (size_t v = 0; v < r->nv; v++) {
        gnode *n = &r->nodes[v];
        if (n->kind != NS_NODE_HOST || !n->has_nic)
            continue;
        gnode *sw = &r->nodes[n->attach];
        if (sw->kind != NS_NODE_SWITCH)
            continue;
        sw->has_hosts = 1;
        if (!n->dc) n->dc = sw->dc;
        if (!n->pod) n->pod = sw->pod;
        if (!n->leaf) n->leaf = sw->leaf;
    }
    uint64_t hosts = 0;
    for (size_t v = 0; v < r->nv; v++)
        hosts += r->nodes[v].kind == NS_NODE_HOST;
    uint64_t switches = r->nv - hosts;
    char what[600];
    snprintf(what, sizeof what, "graph '%s': this fabric", s->display);
    int mrc = ns_mem_fabric_check(r->nv, hosts, r->ne, hosts < switches ? hosts : switches, what, e);
    if (mrc)
        return mrc;
    ns_fabric *f = ns_topo_begin("graph", &s->common);
    if (!f)
        return ns_enomem(e, "a graph");
    int nvl_cfg = 0;
    if (gpus && (nvl_cfg = ns_servers_scaleup_cfg(f)) < 0) {
        ns_fabric_free(f);
        return ns_enomem(e, "a graph");
    }
    f->pxn = (uint8_t)(gpus && s->common.server.pxn);
    int rc = NS_EINVAL;
    for (int pass = 0; pass < 3; pass++) {
        for (size_t v = 0; v < r->nv; v++) {
            gnode *n = &r->nodes[v];
            if (n->kind != (pass ? NS_NODE_SWITCH : NS_NODE_HOST) ||
                (pass && (n->tier == NS_TIER_SCALEUP) != (pass == 2)))
                continue;
            if (pass == 2 && !f->gpus_per_server)
                f->nvs0 = (uint32_t)f->nnodes;
            int tier = n->tier >= 0 ? n->tier
                     : n->kind == NS_NODE_HOST ? NS_TIER_HOST
                     : n->has_hosts ? NS_TIER_LEAF : NS_TIER_SPINE;
            if (ns_fabric_add_node(f, n->kind, tier, pass == 2 ? nvl_cfg : 0, n->name, n->dc, n->pod, n->leaf, e) < 0)
                goto fail;
            if (pass == 2)
                f->gpus_per_server = gpus;
            if (n->dc > f->ndcs) f->ndcs = n->dc;
            if (n->pod > f->npods) f->npods = n->pod;
            if (n->leaf > f->nleaves) f->nleaves = n->leaf;
        }
    }
    for (size_t i = 0; i < r->ne; i++) {
        const gedge *d = &r->edges[i];
        if (ns_fabric_add_cable(f, r->nodes[d->a].index, r->nodes[d->b].index, d->rate_bps, d->latency_ps, e) < 0)
            goto fail;
    }
    if ((rc = ns_fabric_finish(f, e))) {
        /* the fabric's messages start with its kind: name the file instead */
        if (strncmp(e->msg, "graph: ", 7) == 0) {
            char msg[NS_ERRMSG_MAX];
            snprintf(msg, sizeof msg, "%s", e->msg + 7);
            ns_errorf(e, rc, "graph '%s': %s", s->display, msg);
        }
        goto fail;
    }
    *out = f;
    return NS_OK;
fail:
    ns_fabric_free(f);
    return e->code ? e->code : rc;
}

int
ns_topo_graph(const ns_graph_spec *s, ns_fabric **out, ns_err *e)
{
    *out = NULL;
    greader r;
    memset(&r, 0, sizeof r);
    r.file = s->display;
    int rc = read_file(&r, s, e);
    if (!rc)
        rc = build(&r, s, out, e);
    ns_free(r.nodes);
    ns_free(r.edges);
    return rc;
}
