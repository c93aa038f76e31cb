/*
 * chakra.c - read Chakra execution traces into a workload (chakra.h).
 *
 * Three passes: read every file into compact node records (protobuf-c
 * decodes one record at a time, through netsim's allocator); check each
 * rank's dependencies (every id named exists, no cycle); then add the ops,
 * pair sends with receives and ranks' collective nodes with each other, and
 * add the dependencies.
 */
#include <config.h>
#include "chakra.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <protobuf-c/protobuf-c.h>
#include "collectives.h"
#include "sim/alloc.h"
#include "wl_build.h"
#include "workloads/chakra.pb-c.h"

#define NONE UINT32_MAX

/* one node of a trace, as netsim needs it */
typedef struct cnode {
    uint64_t id;
    uint64_t off;          /* byte offset of its record (the length prefix) in its file */
    uint64_t dur_us;
    uint64_t num_ops;      /* FLOPs of a compute node, 0 if not given */
    uint64_t comm_size;
    int64_t  comm_type, comm_src, comm_dst, comm_tag;
    int64_t  root;         /* a collective's root, a rank of its group ("root" or "root_rank") */
    uint32_t deps_off, ndeps;   /* its dependencies: trace deps[deps_off .. + ndeps) */
    int32_t  pg;           /* its process group: an index into the trace's pgn[], -1: none */
    uint8_t  type, is_cpu, has_size, has_type, has_src, has_dst, has_root;
} cnode;

/* a process group as a process_group:init node defines it */
typedef struct pgdef {
    char     *name;
    uint32_t *ranks;   /* global ranks, in group-rank order; n == 0: every rank */
    size_t    n;
} pgdef;

/* one file */
typedef struct trace {
    const char *path;
    cnode      *n;
    size_t      nn, ncap;
    uint64_t   *deps;      /* node ids as read */
    uint32_t   *dep_idx;   /* the same, as node indices (NONE: dropped) */
    size_t      nd, dcap;
    char      **pgn;       /* the pg_name values its nodes carry, each once */
    size_t      npgn, pgncap;
    pgdef      *defs;      /* the process groups its process_group:init nodes define */
    size_t      ndefs, defcap;
} trace;

static void
trace_free(trace *t)
{
    ns_free(t->n);
    ns_free(t->deps);
    ns_free(t->dep_idx);
    for (size_t i = 0; i < t->npgn; i++)
        ns_free(t->pgn[i]);
    ns_free(t->pgn);
    for (size_t i = 0; i < t->ndefs; i++) {
        ns_free(t->defs[i].name);
        ns_free(t->defs[i].ranks);
    }
    ns_free(t->defs);
}

static char *
dup_str(const char *s, size_t len)
{
    char *d = ns_alloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = 0;
    }
    return d;
}

/* the index of pg_name `name` in t->pgn, added if new; -1: out of memory */
static int32_t
intern_pg(trace *t, const char *name)
{
    for (size_t i = 0; i < t->npgn; i++)
        if (strcmp(t->pgn[i], name) == 0)
            return (int32_t)i;
    if (t->npgn >= INT32_MAX || ns_grow((void **)&t->pgn, &t->pgncap, t->npgn + 1, sizeof *t->pgn))
        return -1;
    if (!(t->pgn[t->npgn] = dup_str(name, strlen(name))))
        return -1;
    return (int32_t)t->npgn++;
}

/*
 * The process groups of a process_group:init node's inputs.values, as
 * PyTorch's execution trace records them and Chakra's converter keeps them
 * (the repr of a Python list holding a JSON list):
 *   ['[{"pg_name": "0", ..., "ranks": [], "group_size": 4, ...}, {"pg_name": "1", ..., "ranks": [0, 1], ...}]']
 * Read tolerantly: each "pg_name" (its value a string or a number) takes the
 * first "ranks" list after it and before the next "pg_name"; an empty list
 * is every rank (PyTorch's default group). A name defined twice keeps its
 * first definition. Returns NS_OK or NS_ENOMEM.
 */
static int
parse_pgs(trace *t, const char *s)
{
    static const char key[] = "pg_name";
    const char *p = s;
    while ((p = strstr(p, key))) {
        p += sizeof key - 1;
        while (*p && strchr("\\\"' :", *p))
            p++;
        size_t len = strcspn(p, "\\\"',}");
        const char *name = p;
        p += len;
        const char *next = strstr(p, key), *rk = strstr(p, "\"ranks");
        if (!rk)
            rk = strstr(p, "'ranks");
        if (len == 0 || !rk || (next && rk > next))
            continue;
        const char *q = strchr(rk, '[');
        if (!q || (next && q > next))
            continue;
        int dup = 0;
        for (size_t i = 0; i < t->ndefs && !dup; i++)
            dup = strlen(t->defs[i].name) == len && memcmp(t->defs[i].name, name, len) == 0;
        if (dup)
            continue;
        if (ns_grow((void **)&t->defs, &t->defcap, t->ndefs + 1, sizeof *t->defs))
            return NS_ENOMEM;
        pgdef *d = &t->defs[t->ndefs];
        memset(d, 0, sizeof *d);
        if (!(d->name = dup_str(name, len)))
            return NS_ENOMEM;
        t->ndefs++;
        size_t cap = 0;
        for (q++; *q && *q != ']';) {
            char *end;
            unsigned long long v = strtoull(q, &end, 10);
            if (end == q) {   /* a separator */
                q++;
                continue;
            }
            q = end;
            if (ns_grow((void **)&d->ranks, &cap, d->n + 1, sizeof *d->ranks))
                return NS_ENOMEM;
            d->ranks[d->n++] = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        }
        p = q;
    }
    return NS_OK;
}

static void *
pb_alloc(void *data, size_t size)
{
    (void)data;
    return ns_alloc(size ? size : 1);
}

static void
pb_free(void *data, void *p)
{
    (void)data;
    ns_free(p);
}

static ProtobufCAllocator pb_allocator = { pb_alloc, pb_free, NULL };

/* a varint at buf[*pos .. len): 0 and the value, 1 truncated, 2 too long */
static int
read_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 10; i++) {
        if (*pos >= len)
            return 1;
        uint8_t b = buf[(*pos)++];
        if (i == 9 && b > 1)
            return 2;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return 2;
}

/* the integer value of an attribute; 0 if it holds none */
static int
attr_int(const ChakraProtoMsg__AttributeProto *a, int64_t *v)
{
    switch (a->value_case) {
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_INT32_VAL: *v = a->int32_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_INT64_VAL: *v = a->int64_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_UINT32_VAL: *v = a->uint32_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_UINT64_VAL: *v = (int64_t)a->uint64_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_SINT32_VAL: *v = a->sint32_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_SINT64_VAL: *v = a->sint64_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_FIXED32_VAL: *v = a->fixed32_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_FIXED64_VAL: *v = (int64_t)a->fixed64_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_SFIXED32_VAL: *v = a->sfixed32_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_SFIXED64_VAL: *v = a->sfixed64_val; return 1;
    case CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_BOOL_VAL: *v = a->bool_val; return 1;
    default: return 0;
    }
}

/* attributes that Chakra's converters write and that do not change the
 * simulation: known, read past without a warning */
static const char *const ignored_attrs[] = {
    "fw_parent", "fw_tid", "op_schema", "rf_id", "scope", "seq_id", "tid", "involved_dim",
    "comm_priority", "tensor_size", "is_recv", "stream", NULL
};

static int
is_ignored(const char *name)
{
    for (const char *const *p = ignored_attrs; *p; p++)
        if (strcmp(*p, name) == 0)
            return 1;
    return 0;
}

/* the node's attributes into c (pg_name interned in t); counts those
 * netsim does not know in *unknown; NS_OK or NS_ENOMEM */
static int
read_attrs(const ChakraProtoMsg__Node *m, cnode *c, trace *t, uint64_t *unknown)
{
    c->pg = -1;
    for (size_t i = 0; i < m->n_attr; i++) {
        const ChakraProtoMsg__AttributeProto *a = m->attr[i];
        int64_t v = 0;
        int has = attr_int(a, &v);
        const char *name = a->name ? a->name : "";
        if (strcmp(name, "is_cpu_op") == 0 && has)
            c->is_cpu = v != 0;
        else if (strcmp(name, "comm_type") == 0 && has)
            c->comm_type = v, c->has_type = 1;
        else if (strcmp(name, "comm_size") == 0 && has && v >= 0)
            c->comm_size = (uint64_t)v, c->has_size = 1;
        else if (strcmp(name, "comm_src") == 0 && has)
            c->comm_src = v, c->has_src = 1;
        else if (strcmp(name, "comm_dst") == 0 && has)
            c->comm_dst = v, c->has_dst = 1;
        else if (strcmp(name, "comm_tag") == 0 && has)
            c->comm_tag = v;
        else if (strcmp(name, "num_ops") == 0 && has && v >= 0)
            c->num_ops = (uint64_t)v;
        else if ((strcmp(name, "root") == 0 || strcmp(name, "root_rank") == 0) && has)
            c->root = v, c->has_root = 1;
        else if (strcmp(name, "pg_name") == 0) {
            if (a->value_case == CHAKRA_PROTO_MSG__ATTRIBUTE_PROTO__VALUE_STRING_VAL && a->string_val &&
                a->string_val[0] && (c->pg = intern_pg(t, a->string_val)) < 0)
                return NS_ENOMEM;
        } else if (!is_ignored(name))
            (*unknown)++;
    }
    return NS_OK;
}

/* read one file into t; counts go to out */
static int
read_trace(const char *path, trace *t, ns_chakra_info *out, ns_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ns_errorf(e, NS_EIO, "chakra: cannot open '%s': %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = NS_OK;
    for (;;) {
        if (ns_grow((void **)&buf, &cap, len + 65536, 1)) {
            fclose(f);
            ns_free(buf);
            return ns_enomem(e, "a Chakra trace");
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        ns_free(buf);
        return ns_errorf(e, NS_EIO, "chakra: cannot read '%s'", path);
    }
    size_t pos = 0;
    int first = 1;
    while (rc == NS_OK && pos < len) {
        size_t at = pos;
        uint64_t n;
        int vr = read_varint(buf, len, &pos, &n);
        const char *what = first ? "GlobalMetadata" : "Node";
        if (vr == 1) {
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: truncated length prefix (expected a varint "
                           "giving the length of a %s record)", path, at, what);
            break;
        }
        if (vr == 2) {
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: bad varint length prefix (more than 64 bits; "
                           "expected the length of a %s record)", path, at, what);
            break;
        }
        if (n > len - pos) {
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: truncated %s record (expected %llu bytes, "
                           "the file has %zu left)", path, at, what, (unsigned long long)n, len - pos);
            break;
        }
        if (first) {
            ChakraProtoMsg__GlobalMetadata *g =
                chakra_proto_msg__global_metadata__unpack(&pb_allocator, (size_t)n, buf + pos);
            if (!g) {
                rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: expected a GlobalMetadata record of %llu "
                               "bytes, which does not decode", path, at, (unsigned long long)n);
                break;
            }
            chakra_proto_msg__global_metadata__free_unpacked(g, &pb_allocator);
            first = 0;
            pos += (size_t)n;
            continue;
        }
        ChakraProtoMsg__Node *m = chakra_proto_msg__node__unpack(&pb_allocator, (size_t)n, buf + pos);
        if (!m) {
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: expected a Node record of %llu bytes, which "
                           "does not decode", path, at, (unsigned long long)n);
            break;
        }
        size_t nd = m->n_ctrl_deps + m->n_data_deps;
        if (t->nn >= UINT32_MAX - 1 || t->nd + nd >= UINT32_MAX) {
            chakra_proto_msg__node__free_unpacked(m, &pb_allocator);
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %zu: too many nodes or dependencies", path, at);
            break;
        }
        if (ns_grow((void **)&t->n, &t->ncap, t->nn + 1, sizeof *t->n) ||
            ns_grow((void **)&t->deps, &t->dcap, t->nd + nd, sizeof *t->deps)) {
            chakra_proto_msg__node__free_unpacked(m, &pb_allocator);
            rc = ns_enomem(e, "a Chakra trace");
            break;
        }
        cnode *c = &t->n[t->nn++];
        memset(c, 0, sizeof *c);
        c->id = m->id;
        c->off = at;
        c->type = m->type >= 0 && m->type <= 255 ? (uint8_t)m->type : 255;
        c->dur_us = m->duration_micros;
        c->deps_off = (uint32_t)t->nd;
        c->ndeps = (uint32_t)nd;
        if (m->n_ctrl_deps)
            memcpy(t->deps + t->nd, m->ctrl_deps, m->n_ctrl_deps * sizeof *t->deps);
        if (m->n_data_deps)
            memcpy(t->deps + t->nd + m->n_ctrl_deps, m->data_deps, m->n_data_deps * sizeof *t->deps);
        t->nd += nd;
        rc = read_attrs(m, c, t, &out->unknown_attrs);
        if (rc == NS_OK && m->type == CHAKRA_PROTO_MSG__NODE_TYPE__METADATA_NODE && m->name &&
            strstr(m->name, "process_group:init") && m->inputs && m->inputs->values)
            rc = parse_pgs(t, m->inputs->values);
        chakra_proto_msg__node__free_unpacked(m, &pb_allocator);
        if (rc) {
            rc = ns_enomem(e, "a Chakra trace");
            break;
        }
        pos += (size_t)n;
    }
    if (rc == NS_OK && first)
        rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte 0: empty file (expected a GlobalMetadata record)", path);
    ns_free(buf);
    return rc;
}

typedef struct idpos { uint64_t id; uint32_t idx; } idpos;

static int
cmp_idpos(const void *a, const void *b)
{
    const idpos *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* resolve dependency ids to node indices and check for cycles */
static int
check_trace(trace *t, int repair, ns_chakra_info *out, ns_err *e)
{
    int rc = NS_OK;
    idpos *ix = ns_alloc((t->nn + 1) * sizeof *ix);
    uint32_t *indeg = ns_calloc(t->nn + 1, sizeof *indeg);
    uint32_t *start = ns_calloc(t->nn + 2, sizeof *start);
    uint32_t *succ = ns_alloc((t->nd + 1) * sizeof *succ);
    uint32_t *queue = ns_alloc((t->nn + 1) * sizeof *queue);
    t->dep_idx = ns_alloc((t->nd + 1) * sizeof *t->dep_idx);
    if (!ix || !indeg || !start || !succ || !queue || !t->dep_idx) {
        rc = ns_enomem(e, "a Chakra trace");
        goto out;
    }
    for (size_t i = 0; i < t->nn; i++)
        ix[i] = (idpos){ t->n[i].id, (uint32_t)i };
    qsort(ix, t->nn, sizeof *ix, cmp_idpos);
    for (size_t i = 1; i < t->nn; i++)
        if (ix[i].id == ix[i - 1].id) {
            const cnode *c = &t->n[ix[i].idx];
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: node id %llu appears twice (expected unique "
                           "node ids)", t->path, (unsigned long long)c->off, (unsigned long long)c->id);
            goto out;
        }
    for (size_t i = 0; i < t->nn; i++) {
        const cnode *c = &t->n[i];
        for (uint32_t k = 0; k < c->ndeps; k++) {
            idpos key = { t->deps[c->deps_off + k], 0 };
            size_t lo = 0, hi = t->nn;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (ix[mid].id < key.id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            uint32_t d = lo < t->nn && ix[lo].id == key.id ? ix[lo].idx : NONE;
            if (d == NONE && !repair) {
                rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: node %llu depends on node %llu, which the "
                               "file does not hold (expected the id of one of its nodes; repair = true "
                               "drops such dependencies)", t->path, (unsigned long long)c->off,
                               (unsigned long long)c->id, (unsigned long long)key.id);
                goto out;
            }
            if (repair && d != NONE && d >= i)
                d = NONE;   /* on itself or on a later record: what closes the cycles of raw traces */
            if (d == NONE)
                out->dropped_deps++;
            t->dep_idx[c->deps_off + k] = d;
            if (d != NONE) {
                indeg[i]++;
                start[d + 1]++;
            }
        }
    }
    /* Kahn's algorithm over successor lists */
    for (size_t i = 0; i < t->nn; i++)
        start[i + 1] += start[i];
    {
        uint32_t *fill = queue;   /* borrowed as a cursor per node before the queue is used */
        for (size_t i = 0; i < t->nn; i++)
            fill[i] = start[i];
        for (size_t i = 0; i < t->nn; i++) {
            const cnode *c = &t->n[i];
            for (uint32_t k = 0; k < c->ndeps; k++) {
                uint32_t d = t->dep_idx[c->deps_off + k];
                if (d != NONE)
                    succ[fill[d]++] = (uint32_t)i;
            }
        }
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < t->nn; i++)
        if (!indeg[i])
            queue[tail++] = (uint32_t)i;
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint32_t k = start[v]; k < start[v + 1]; k++)
            if (--indeg[succ[k]] == 0)
                queue[tail++] = succ[k];
    }
    if (tail < t->nn) {
        for (size_t i = 0; i < t->nn; i++)
            if (indeg[i]) {
                const cnode *c = &t->n[i];
                rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: node %llu is on a dependency cycle "
                               "(expected the dependencies to form a DAG; repair = true drops dependencies on "
                               "the node itself and on later records)", t->path,
                               (unsigned long long)c->off, (unsigned long long)c->id);
                break;
            }
    }
out:
    ns_free(ix);
    ns_free(indeg);
    ns_free(start);
    ns_free(succ);
    ns_free(queue);
    return rc;
}

enum { K_COMPUTE, K_MEMORY, K_SEND, K_RECV, K_COLL, K_MARKER };

static int
kind_of(const cnode *c)
{
    switch (c->type) {
    case CHAKRA_PROTO_MSG__NODE_TYPE__COMP_NODE: return K_COMPUTE;
    case CHAKRA_PROTO_MSG__NODE_TYPE__MEM_LOAD_NODE:
    case CHAKRA_PROTO_MSG__NODE_TYPE__MEM_STORE_NODE: return K_MEMORY;
    case CHAKRA_PROTO_MSG__NODE_TYPE__COMM_SEND_NODE: return K_SEND;
    case CHAKRA_PROTO_MSG__NODE_TYPE__COMM_RECV_NODE: return K_RECV;
    case CHAKRA_PROTO_MSG__NODE_TYPE__COMM_COLL_NODE: return K_COLL;
    default: return K_MARKER;
    }
}

/* a collective netsim builds: comm_type of a modelled collective */
static int
modelled_coll(const cnode *c)
{
    if (!c->has_size)
        return 0;
    if (!c->has_type)
        return 1;   /* comm_type absent is 0, ALL_REDUCE, in proto3 */
    switch (c->comm_type) {
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_REDUCE:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_GATHER:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE_SCATTER:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_TO_ALL:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__BROADCAST:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__GATHER:
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__SCATTER: return 1;
    default: return 0;
    }
}

static ns_time
compute_ps(const ns_chakra_spec *s, const cnode *c)
{
    if (s->gpu_flops > 0 && c->num_ops > 0) {
        double eff = s->gpu_efficiency > 0 ? s->gpu_efficiency : 1.0;
        double ps = (double)c->num_ops / (s->gpu_flops * eff) * 1e12;
        return ps < 9e18 ? (ns_time)(ps + 0.5) : INT64_MAX / 4;
    }
    return c->dur_us < (uint64_t)(INT64_MAX / 4 / NS_PS_PER_US) ? ns_time_from_us((int64_t)c->dur_us)
                                                                 : INT64_MAX / 4;
}

/* build the collective of node c (every member's alike) over hosts[0..n),
 * the hosts of its group's ranks, root the group rank of a rooted one */
static int
build_coll(ns_workload *w, const ns_chakra_spec *s, const cnode *c, const uint32_t *hosts, size_t n,
           uint32_t root, const char *label, ns_coll_ops *o, ns_err *e)
{
    int alg = s->algorithm;
    /* rooted collectives: the pipelined chain of NCCL's broadcast and reduce
     * for "ring" (and halving_doubling, which they lack), else direct */
    int ralg = alg == NS_ALG_DIRECT ? NS_ALG_DIRECT : NS_ALG_RING;
    switch (c->has_type ? c->comm_type : 0) {
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_REDUCE:
        return ns_wl_allreduce(w, hosts, n, c->comm_size, alg, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__ALL_GATHER:
        return ns_wl_allgather(w, hosts, n, c->comm_size, alg, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE_SCATTER:
        return ns_wl_reducescatter(w, hosts, n, c->comm_size, alg, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__BROADCAST:
        return ns_wl_broadcast(w, hosts, n, c->comm_size, root, ralg, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__REDUCE:
        return ns_wl_reduce(w, hosts, n, c->comm_size, root, ralg, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__GATHER:   /* gather and scatter: direct, as NCCL */
        return ns_wl_gather(w, hosts, n, c->comm_size, root, NS_ALG_DIRECT, 1, label, o, e);
    case CHAKRA_PROTO_MSG__COLLECTIVE_COMM_TYPE__SCATTER:
        return ns_wl_scatter(w, hosts, n, c->comm_size, root, NS_ALG_DIRECT, 1, label, o, e);
    default: {   /* ALL_TO_ALL: comm_size per rank, split evenly over the ranks */
        int rc = ns_wl_alltoall_reserve(w, n, e);
        if (rc)
            return rc;
        uint64_t *m = ns_alloc(n * n * sizeof *m);
        if (!m)
            return ns_enomem(e, "a Chakra alltoall");
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                m[i * n + j] = i == j ? 0 : c->comm_size / n;
        rc = ns_wl_alltoallv(w, hosts, n, m, NS_ALG_DIRECT, label, o, e);
        ns_free(m);
        return rc;
    }
    }
}

static const char *
coll_name(int64_t t)
{
    switch (t) {
    case 0: return "ALL_REDUCE";
    case 1: return "REDUCE";
    case 2: return "ALL_GATHER";
    case 3: return "GATHER";
    case 4: return "SCATTER";
    case 5: return "BROADCAST";
    case 6: return "ALL_TO_ALL";
    case 7: return "REDUCE_SCATTER";
    default: return "another collective";
    }
}

/* the process groups the collective nodes run over: group 0 is every rank */
typedef struct groups {
    size_t     n, cap;
    char     **name;      /* [g]: borrowed from a trace's defs; NULL for group 0 */
    uint32_t **ranks;     /* [g]: borrowed, or NULL for group 0 */
    size_t    *size;      /* [g] */
    uint32_t **of;        /* of[r][i]: the group of node i of rank r (collective nodes) */
} groups;

static void
groups_free(groups *g, size_t R)
{
    for (size_t r = 0; g->of && r < R; r++)
        ns_free(g->of[r]);
    ns_free(g->of);
    ns_free(g->name);
    ns_free(g->ranks);
    ns_free(g->size);
}

/*
 * Resolve every modelled collective node's pg_name to a group: the first
 * definition of that name in any rank's process_group:init node. A node
 * without pg_name, with an undefined one (counted in out->pg_colls), or
 * whose group holds every rank runs over every rank (group 0). Errors: a
 * group naming a rank outside 0..R-1 or twice, a node whose group does not
 * hold its own rank.
 */
static int
resolve_groups(const ns_chakra_spec *s, trace *const *tr, groups *g, ns_chakra_info *out, ns_err *e)
{
    size_t R = s->ranks;
    size_t nt = s->replicate ? 1 : R;
    memset(g, 0, sizeof *g);
    if (!(g->of = ns_calloc(R, sizeof *g->of)))
        return ns_enomem(e, "a Chakra workload");
    if (ns_grow((void **)&g->name, &g->cap, 1, sizeof *g->name))
        return ns_enomem(e, "a Chakra workload");
    size_t cap2 = 0, cap3 = 0;
    if (ns_grow((void **)&g->ranks, &cap2, 1, sizeof *g->ranks) || ns_grow((void **)&g->size, &cap3, 1, sizeof *g->size))
        return ns_enomem(e, "a Chakra workload");
    g->name[0] = NULL;
    g->ranks[0] = NULL;
    g->size[0] = R;
    g->n = 1;
    uint8_t *seen = ns_calloc(R, 1);
    if (!seen)
        return ns_enomem(e, "a Chakra workload");
    int rc = NS_OK;
    for (size_t r = 0; r < R && rc == NS_OK; r++) {
        const trace *t = tr[r];
        if (!(g->of[r] = ns_alloc((t->nn + 1) * sizeof *g->of[r]))) {
            rc = ns_enomem(e, "a Chakra workload");
            break;
        }
        for (size_t i = 0; i < t->nn && rc == NS_OK; i++) {
            const cnode *c = &t->n[i];
            g->of[r][i] = 0;
            if (kind_of(c) != K_COLL || !modelled_coll(c) || c->pg < 0)
                continue;
            const char *name = t->pgn[c->pg];
            const pgdef *d = NULL;
            for (size_t k = 0; k < nt && !d; k++)
                for (size_t m = 0; m < tr[k]->ndefs && !d; m++)
                    if (strcmp(tr[k]->defs[m].name, name) == 0)
                        d = &tr[k]->defs[m];
            if (!d) {
                out->pg_colls++;
                continue;
            }
            out->pg_resolved++;
            int world = d->n == 0 || d->n == R;   /* every rank, in rank order: group 0 */
            for (size_t k = 0; k < d->n && world; k++)
                world = d->ranks[k] == k;
            if (world)
                continue;
            size_t gi = 1;
            while (gi < g->n && g->ranks[gi] != d->ranks)
                gi++;
            if (gi == g->n) {   /* a group seen for the first time: check it */
                memset(seen, 0, R);
                for (size_t k = 0; k < d->n; k++) {
                    if (d->ranks[k] >= R || seen[d->ranks[k]]) {
                        rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: collective node %llu: process group "
                                       "'%s' %s rank %u (expected distinct ranks 0..%zu)", t->path,
                                       (unsigned long long)c->off, (unsigned long long)c->id, name,
                                       d->ranks[k] >= R ? "names" : "names twice", d->ranks[k], R - 1);
                        break;
                    }
                    seen[d->ranks[k]] = 1;
                }
                if (rc)
                    break;
                if (ns_grow((void **)&g->name, &g->cap, g->n + 1, sizeof *g->name) ||
                    ns_grow((void **)&g->ranks, &cap2, g->n + 1, sizeof *g->ranks) ||
                    ns_grow((void **)&g->size, &cap3, g->n + 1, sizeof *g->size)) {
                    rc = ns_enomem(e, "a Chakra workload");
                    break;
                }
                g->name[g->n] = d->name;
                g->ranks[g->n] = d->ranks;
                g->size[g->n] = d->n;
                g->n++;
            }
            int member = 0;
            for (size_t k = 0; k < d->n && !member; k++)
                member = d->ranks[k] == r;
            if (!member) {
                rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: collective node %llu: process group '%s' "
                               "does not hold rank %zu, whose trace this is (expected a group of the rank)",
                               t->path, (unsigned long long)c->off, (unsigned long long)c->id, name, r);
                break;
            }
            g->of[r][i] = (uint32_t)gi;
        }
    }
    ns_free(seen);
    return rc;
}

/* a send or a receive, for pairing: (src, dst, tag), then file order */
typedef struct p2p {
    uint64_t src, dst;
    int64_t  tag;
    uint32_t idx;     /* node index in its rank's trace */
} p2p;

static int
cmp_p2p(const void *a, const void *b)
{
    const p2p *x = a, *y = b;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    if (x->dst != y->dst)
        return x->dst < y->dst ? -1 : 1;
    if (x->tag != y->tag)
        return x->tag < y->tag ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* the k-th receive of rank r from rank q with tag t waits for the transfer
 * of the k-th send of q to r with tag t; O(n log n) */
static int
pair_p2p(ns_workload *w, const ns_chakra_spec *s, trace *const *tr, uint32_t *const *op, ns_err *e)
{
    size_t R = s->ranks, ns = 0, nr = 0, is = 0, ir = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t i = 0; i < tr[r]->nn; i++) {
            ns += kind_of(&tr[r]->n[i]) == K_SEND;
            nr += kind_of(&tr[r]->n[i]) == K_RECV;
        }
    if (nr == 0)
        return NS_OK;
    p2p *sd = ns_alloc((ns + 1) * sizeof *sd), *rv = ns_alloc(nr * sizeof *rv);
    int rc = NS_OK;
    if (!sd || !rv) {
        rc = ns_enomem(e, "a Chakra workload");
        goto out;
    }
    for (size_t r = 0; r < R; r++) {
        const trace *t = tr[r];
        for (size_t i = 0; i < t->nn; i++) {
            const cnode *c = &t->n[i];
            int k = kind_of(c);
            if (k == K_SEND) {   /* comm_dst was checked when its transfer was made */
                sd[is++] = (p2p){ r, (uint64_t)c->comm_dst, c->comm_tag, (uint32_t)i };
            } else if (k == K_RECV) {
                if (!c->has_src || c->comm_src < 0 || (uint64_t)c->comm_src >= R || (size_t)c->comm_src == r) {
                    rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: recv node %llu: comm_src must name "
                                   "another rank, 0..%zu (got %s%lld)", t->path, (unsigned long long)c->off,
                                   (unsigned long long)c->id, R - 1, c->has_src ? "" : "none, ",
                                   (long long)c->comm_src);
                    goto out;
                }
                rv[ir++] = (p2p){ (uint64_t)c->comm_src, r, c->comm_tag, (uint32_t)i };
            }
        }
    }
    qsort(sd, ns, sizeof *sd, cmp_p2p);
    qsort(rv, nr, sizeof *rv, cmp_p2p);
    /* walk both lists by (src, dst, tag) group: the k-th of each pair up */
    is = 0;
    size_t k = 0;   /* x is the k-th receive of its group */
    for (ir = 0; ir < nr; ir++) {
        const p2p *x = &rv[ir];
        while (is < ns && (sd[is].src < x->src || (sd[is].src == x->src && (sd[is].dst < x->dst ||
               (sd[is].dst == x->dst && sd[is].tag < x->tag)))))
            is++;
        k = ir > 0 && rv[ir - 1].src == x->src && rv[ir - 1].dst == x->dst && rv[ir - 1].tag == x->tag ? k + 1 : 0;
        size_t j = is + k;
        if (j >= ns || sd[j].src != x->src || sd[j].dst != x->dst || sd[j].tag != x->tag) {
            const trace *t = tr[x->dst];
            const cnode *c = &t->n[x->idx];
            rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: recv node %llu (from rank %llu, tag %lld) has no "
                           "matching send (expected a send node to rank %llu with that tag in %s)", t->path,
                           (unsigned long long)c->off, (unsigned long long)c->id, (unsigned long long)x->src,
                           (long long)x->tag, (unsigned long long)x->dst, tr[x->src]->path);
            goto out;
        }
        if ((rc = ns_wl_after(w, op[x->dst][x->idx], op[x->src][sd[j].idx], e)))
            goto out;
    }
out:
    ns_free(sd);
    ns_free(rv);
    return rc;
}

/* pass 3: ops and dependencies; tr[r] is rank r's trace */
static int
build(ns_workload *w, const ns_chakra_spec *s, trace *const *tr, ns_chakra_info *out, ns_err *e)
{
    size_t R = s->ranks;
    const char *label = s->label ? s->label : "chakra";
    int rc = NS_OK;
    uint32_t **op = ns_calloc(R, sizeof *op);          /* op[r][i]: the op of node i of rank r */
    uint32_t **cstart = ns_calloc(R, sizeof *cstart);  /* collective nodes: the start marker */
    size_t *ncoll = ns_calloc(R, sizeof *ncoll);
    groups gr = {0};
    uint32_t *ghosts = NULL, *members = NULL;   /* a group's hosts and ranks */
    if (!op || !cstart || !ncoll) {
        rc = ns_enomem(e, "a Chakra workload");
        goto out;
    }
    long st = ns_wl_marker(w, label, e);
    if (st < 0) {
        rc = e->code;
        goto out;
    }
    out->start_op = (uint32_t)st;
    for (size_t r = 0; r < R; r++) {
        const trace *t = tr[r];
        op[r] = ns_alloc((t->nn + 1) * sizeof **op);
        cstart[r] = ns_alloc((t->nn + 1) * sizeof **cstart);
        if (!op[r] || !cstart[r]) {
            rc = ns_enomem(e, "a Chakra workload");
            goto out;
        }
        for (size_t i = 0; i < t->nn; i++) {
            const cnode *c = &t->n[i];
            long o = -1;
            cstart[r][i] = NONE;
            out->nodes++;
            out->deps += c->ndeps;
            switch (kind_of(c)) {
            case K_COMPUTE:
                out->compute++;
                o = c->is_cpu ? ns_wl_delay(w, compute_ps(s, c), label, e)
                              : ns_wl_compute(w, s->hosts[r], compute_ps(s, c), label, e);
                break;
            case K_MEMORY:
                out->memory++;
                o = ns_wl_compute(w, s->hosts[r], compute_ps(s, c), label, e);
                break;
            case K_SEND:
                out->sends++;
                out->comm_bytes += c->comm_size;
                if (!c->has_dst || c->comm_dst < 0 || (uint64_t)c->comm_dst >= R || (size_t)c->comm_dst == r) {
                    rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: send node %llu: comm_dst must name "
                                   "another rank, 0..%zu (got %s%lld)", t->path, (unsigned long long)c->off,
                                   (unsigned long long)c->id, R - 1, c->has_dst ? "" : "none, ",
                                   (long long)c->comm_dst);
                    goto out;
                }
                o = ns_wl_transfer(w, s->hosts[r], s->hosts[c->comm_dst], c->comm_size, label, e);
                break;
            case K_RECV:
                out->recvs++;
                o = ns_wl_marker(w, label, e);
                break;
            case K_COLL:
                out->colls++;
                out->comm_bytes += c->comm_size;
                if (modelled_coll(c)) {
                    op[r][i] = NONE;   /* filled below, when every rank's k-th collective is known */
                    continue;
                }
                out->unmodelled_colls++;
                o = ns_wl_marker(w, label, e);
                break;
            default:
                if (c->type != CHAKRA_PROTO_MSG__NODE_TYPE__METADATA_NODE)
                    out->unknown_types++;
                o = ns_wl_marker(w, label, e);
                break;
            }
            if (o < 0) {
                rc = e->code;
                goto out;
            }
            op[r][i] = (uint32_t)o;
        }
    }
    /* collectives: the k-th modelled collective node of a group on every
     * member rank is one collective over the group's ranks */
    if ((rc = resolve_groups(s, tr, &gr, out, e)))
        goto out;
    if (!(ghosts = ns_alloc((R + 1) * sizeof *ghosts)) || !(members = ns_alloc((R + 1) * sizeof *members))) {
        rc = ns_enomem(e, "a Chakra workload");
        goto out;
    }
    for (size_t g = 0; g < gr.n; g++) {
        size_t p = gr.size[g];
        for (size_t k = 0; k < p; k++) {
            members[k] = gr.ranks[g] ? gr.ranks[g][k] : (uint32_t)k;
            ghosts[k] = s->hosts[members[k]];
            ncoll[members[k]] = 0;   /* the cursor of the member */
        }
        size_t *cur = ncoll;
        for (;;) {
            size_t have = 0;
            for (size_t k = 0; k < p; k++) {
                size_t r = members[k];
                const trace *t = tr[r];
                while (cur[r] < t->nn && !(kind_of(&t->n[cur[r]]) == K_COLL && modelled_coll(&t->n[cur[r]]) &&
                                           gr.of[r][cur[r]] == g))
                    cur[r]++;
                have += cur[r] < t->nn;
            }
            if (have == 0)
                break;
            size_t r0 = members[0];
            const cnode *c0 = cur[r0] < tr[r0]->nn ? &tr[r0]->n[cur[r0]] : NULL;
            for (size_t k = 0; k < p; k++) {
                size_t r = members[k];
                const cnode *c = cur[r] < tr[r]->nn ? &tr[r]->n[cur[r]] : NULL;
                if (c && c0 && c->comm_size == c0->comm_size && c->comm_type == c0->comm_type)
                    continue;
                const cnode *ref = c0 ? c0 : c;     /* the node that has no match */
                const trace *tref = c0 ? tr[r0] : tr[r];
                if (c && c0)
                    rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: collective node %llu (%s, %llu bytes) "
                                   "does not match rank %zu's (%s, %llu bytes; expected every rank's collective "
                                   "nodes in the same order, with the same type and size)", tr[r]->path,
                                   (unsigned long long)c->off, (unsigned long long)c->id, coll_name(c->comm_type),
                                   (unsigned long long)c->comm_size, r0, coll_name(c0->comm_type),
                                   (unsigned long long)c0->comm_size);
                else
                    rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: collective node %llu (%s, %llu bytes) "
                                   "has no counterpart in rank %zu (expected every rank of %s to take part in "
                                   "every collective)", tref->path, (unsigned long long)ref->off,
                                   (unsigned long long)ref->id, coll_name(ref->comm_type),
                                   (unsigned long long)ref->comm_size, c ? r0 : r,
                                   g ? "the process group" : "the trace");
                goto out;
            }
            if (c0->has_root && (c0->root < 0 || (uint64_t)c0->root >= p)) {
                rc = ns_errorf(e, NS_EINVAL, "chakra: %s: byte %llu: collective node %llu (%s): root %lld is not a "
                               "rank of its group (expected 0..%zu)", tr[r0]->path, (unsigned long long)c0->off,
                               (unsigned long long)c0->id, coll_name(c0->comm_type), (long long)c0->root, p - 1);
                goto out;
            }
            if (p < 2) {   /* a collective over one rank moves nothing */
                long m = ns_wl_marker(w, label, e);
                if (m < 0) {
                    rc = e->code;
                    goto out;
                }
                op[r0][cur[r0]] = cstart[r0][cur[r0]] = (uint32_t)m;
            } else {
                ns_coll_ops co;
                rc = build_coll(w, s, c0, ghosts, p, c0->has_root ? (uint32_t)c0->root : 0, label, &co, e);
                if (rc)
                    goto out;
                for (size_t k = 0; k < p; k++) {
                    op[members[k]][cur[members[k]]] = co.done_op;
                    cstart[members[k]][cur[members[k]]] = co.start_op;
                }
            }
            for (size_t k = 0; k < p; k++)
                cur[members[k]]++;
        }
    }
    /* sends and receives pair by (src, dst, tag), in file order */
    if ((rc = pair_p2p(w, s, tr, op, e)))
        goto out;
    /* dependencies; a node without any waits for the start marker */
    for (size_t r = 0; r < R; r++) {
        const trace *t = tr[r];
        for (size_t i = 0; i < t->nn; i++) {
            const cnode *c = &t->n[i];
            uint32_t me = cstart[r][i] != NONE ? cstart[r][i] : op[r][i];
            int any = 0;
            for (uint32_t k = 0; k < c->ndeps; k++) {
                uint32_t d = t->dep_idx[c->deps_off + k];
                if (d == NONE)
                    continue;
                any = 1;
                if ((rc = ns_wl_after(w, me, op[r][d], e)))
                    goto out;
            }
            if (!any && (rc = ns_wl_after(w, me, out->start_op, e)))
                goto out;
        }
    }
    {
        long d = ns_wl_marker(w, label, e);
        if (d < 0) {
            rc = e->code;
            goto out;
        }
        out->done_op = (uint32_t)d;
        for (size_t r = 0; r < R; r++)
            for (size_t i = 0; i < tr[r]->nn; i++)
                if ((rc = ns_wl_after(w, out->done_op, op[r][i], e)))
                    goto out;
        if (!out->nodes && (rc = ns_wl_after(w, out->done_op, out->start_op, e)))
            goto out;
    }
out:
    for (size_t r = 0; op && r < R; r++)
        ns_free(op[r]);
    for (size_t r = 0; cstart && r < R; r++)
        ns_free(cstart[r]);
    ns_free(op);
    ns_free(cstart);
    ns_free(ncoll);
    groups_free(&gr, R);
    ns_free(ghosts);
    ns_free(members);
    return rc;
}

int
ns_wl_chakra(ns_workload *w, const ns_chakra_spec *s, ns_chakra_info *out, ns_err *e)
{
    ns_wl_mark mark = ns_wl_mark_take(w);
    size_t nt = s->replicate ? 1 : s->ranks;
    int rc = NS_OK;
    memset(out, 0, sizeof *out);
    if (s->ranks < 1)
        return ns_errorf(e, NS_EINVAL, "chakra: ranks must be >= 1");
    if (s->nfiles != nt)
        return ns_errorf(e, NS_EINVAL, "chakra: %zu trace files for %zu ranks (expected %zu)", s->nfiles,
                         s->ranks, nt);
    trace *ts = ns_calloc(nt, sizeof *ts);
    trace **tr = ns_calloc(s->ranks, sizeof *tr);
    if (!ts || !tr) {
        rc = ns_enomem(e, "a Chakra trace");
        goto out;
    }
    for (size_t i = 0; i < nt && rc == NS_OK; i++) {
        ts[i].path = s->files[i];
        rc = read_trace(s->files[i], &ts[i], out, e);
        if (rc == NS_OK)
            rc = check_trace(&ts[i], s->repair, out, e);
    }
    if (rc)
        goto out;
    if (s->replicate) {   /* counts below are per rank; attributes were read once */
        out->unknown_attrs *= s->ranks;
        out->dropped_deps *= s->ranks;
    }
    for (size_t r = 0; r < s->ranks; r++)
        tr[r] = &ts[s->replicate ? 0 : r];
    rc = build(w, s, tr, out, e);
out:
    for (size_t i = 0; ts && i < nt; i++)
        trace_free(&ts[i]);
    ns_free(ts);
    ns_free(tr);
    if (rc)
        ns_wl_rollback(w, &mark);
    return rc;
}
