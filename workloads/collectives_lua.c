/*
 * collectives_lua.c - Lua bindings of the collectives: w:allreduce,
 * w:reducescatter, w:allgather, w:broadcast, w:reduce, w:gather, w:scatter,
 * w:alltoall and w:permutation. Each returns
 * one handle, the collective's done marker; `after` applies to its start
 * marker. The builders themselves are in collectives.c.
 */
#include <config.h>
#include "collectives.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>
#include "sim/fabric.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

typedef int reduce_fn(ns_workload *, const uint32_t *, size_t, uint64_t, int, uint32_t,
                      const char *, ns_coll_ops *, ns_err *);

/* finish a builder call: raise its error, or apply `after` and push the done handle */
static int
push_result(lua_State *L, ns_workload *w, int rc, const ns_coll_ops *out, const ns_err *e, const char *ctor)
{
    if (rc && (rc == NS_ENOMEM || strncmp(e->msg, ctor, strlen(ctor)) == 0))
        return ns_lua_raise(L, e);
    if (rc)
        return ns_lua_fail(L, ctor, "%s", e->msg);
    ns_lua_apply_after(L, 2, w, out->start_op, ctor);
    ns_lua_push_op(L, 1, out->done_op);
    return 1;
}

static int
cmp_host(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* the servers of a hierarchical collective: `fabric = fab` (its servers) or
 * `gpus_per_server = G` (host h in server (h - 1) / G). Orders hosts[] in
 * place server by server (servers in the order of their first host in the
 * list, a server's hosts by id, so GPU l of every server plays rank l
 * of its server and the rings across join one rail) and returns the ranks per server,
 * which must be the same for every server */
static uint32_t
server_order(lua_State *L, const char *ctor, uint32_t *hosts, size_t n, uint32_t *perm)
{
    uint32_t g = 0;
    if (ns_lua_has(L, 2, "fabric")) {
        ns_lua_rawfield(L, 2, "fabric");
        const ns_fabric *fab = ns_lua_check_fabric(L, -1);
        lua_pop(L, 1);
        g = fab->gpus_per_server;
        if (!g)
            ns_lua_fail(L, ctor, "algorithm \"hierarchical\": the fabric has no servers (build it with "
                        "server = { gpus = ... }), or give gpus_per_server");
        if (ns_lua_has(L, 2, "gpus_per_server"))
            ns_lua_fail(L, ctor, "give 'fabric' or 'gpus_per_server', not both");
        for (size_t i = 0; i < n; i++)
            if (hosts[i] > fab->nhosts)
                ns_lua_fail(L, ctor, "field 'hosts': %u is not a host of the fabric (hosts are 1..%zu)", hosts[i],
                            fab->nhosts);
    } else if (ns_lua_has(L, 2, "gpus_per_server")) {
        g = (uint32_t)ns_lua_int(L, 2, ctor, "gpus_per_server", 1, 0, 1, 1 << 20);
    } else {
        ns_lua_fail(L, ctor, "algorithm \"hierarchical\" needs the servers: fabric = fab (a fabric built with "
                    "server = {...}) or gpus_per_server = G");
    }
    /* stable grouping: key = (rank of the server's first appearance, position) */
    uint64_t *key = lua_newuserdatauv(L, n * sizeof *key, 0);
    uint32_t *copy = lua_newuserdatauv(L, n * sizeof *copy, 0);
    uint32_t *sid = lua_newuserdatauv(L, n * sizeof *sid, 0);   /* server of each group, 0-based */
    size_t nserv = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t sv = (hosts[i] - 1) / g;
        size_t first = i;
        for (size_t j = 0; j < i; j++)
            if ((hosts[j] - 1) / g == sv) {
                first = (size_t)(key[j] >> 32);
                break;
            }
        if (first == i) {
            sid[nserv] = sv;
            first = nserv++;
        }
        key[i] = (uint64_t)first << 32 | i;   /* i only counts; the order within a server is by host id */
        copy[i] = hosts[i];
    }
    /* counting by server */
    size_t *count = lua_newuserdatauv(L, (nserv + 1) * sizeof *count, 0);
    memset(count, 0, (nserv + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(key[i] >> 32) + 1]++;
    for (size_t k = 1; k <= nserv; k++)
        if (count[k] != count[1])
            ns_lua_fail(L, ctor, "algorithm \"hierarchical\" needs the same number of hosts in every server: "
                        "server %u has %zu of the hosts, server %u has %zu", sid[0] + 1, count[1],
                        sid[k - 1] + 1, count[k]);
    size_t per = count[1];
    for (size_t k = 1; k <= nserv; k++)
        count[k] += count[k - 1];
    for (size_t i = 0; i < n; i++)
        hosts[count[key[i] >> 32]++] = copy[i];
    /* inside a server by host id: GPU index order, so the rings across the
     * servers join the GPUs of one rail */
    for (size_t k = 0; k < nserv; k++)
        qsort(hosts + k * per, per, sizeof *hosts, cmp_host);
    if (perm)   /* perm[new rank] = its index in the list as given */
        for (size_t r = 0; r < n; r++)
            for (size_t i = 0; i < n; i++)
                if (copy[i] == hosts[r]) {
                    perm[r] = (uint32_t)i;
                    break;
                }
    lua_pop(L, 4);
    return (uint32_t)per;
}

static int
reduce(lua_State *L, const char *ctor, reduce_fn *fn, int which)
{
    static const char *const fields[] = {"hosts", "bytes", "algorithm", "chunks", "fabric", "gpus_per_server",
                                         "after", "label", NULL};
    static const char *const algs[] = {"ring", "halving_doubling", "direct", "hierarchical", NULL};
    ns_workload *w = ns_lua_begin_builder(L, ctor, fields);
    size_t n;
    uint32_t *hosts = ns_lua_hosts(L, 2, ctor, "hosts", &n);
    uint64_t bytes = ns_lua_size(L, 2, ctor, "bytes", 1, 0);
    int alg = ns_lua_option(L, 2, ctor, "algorithm", algs, NS_ALG_RING);
    if (alg == 3)
        alg = NS_ALG_HIERARCHICAL;   /* the list skips the alltoall's "pairwise" */
    lua_Integer chunks = ns_lua_int(L, 2, ctor, "chunks", 0, 1, 1, 1 << 20);
    const char *label = ns_lua_str(L, 2, ctor, "label", 0, NULL);
    ns_coll_ops out;
    ns_err e = {0};
    int rc;
    if (alg == NS_ALG_HIERARCHICAL) {
        uint32_t local = server_order(L, ctor, hosts, n, NULL);
        rc = ns_wl_hierarchical(w, which, hosts, n, local, bytes, (uint32_t)chunks, label, &out, &e);
    } else {
        ns_lua_warn_unused(L, 2, ctor, "fabric", "algorithm = \"hierarchical\"", "this algorithm");
        ns_lua_warn_unused(L, 2, ctor, "gpus_per_server", "algorithm = \"hierarchical\"", "this algorithm");
        rc = fn(w, hosts, n, bytes, alg, (uint32_t)chunks, label, &out, &e);
    }
    return push_result(L, w, rc, &out, &e, ctor);
}

static int w_allreduce(lua_State *L) { return reduce(L, "allreduce", ns_wl_allreduce, 0); }
static int w_reducescatter(lua_State *L) { return reduce(L, "reducescatter", ns_wl_reducescatter, 1); }
static int w_allgather(lua_State *L) { return reduce(L, "allgather", ns_wl_allgather, 2); }

typedef int rooted_fn(ns_workload *, const uint32_t *, size_t, uint64_t, uint32_t, int, uint32_t,
                      const char *, ns_coll_ops *, ns_err *);

/* broadcast, reduce, gather, scatter: `root` is a host of `hosts` (default
 * the first), passed on as its rank */
static int
rooted(lua_State *L, const char *ctor, rooted_fn *fn)
{
    static const char *const fields[] = {"hosts", "bytes", "root", "algorithm", "chunks", "after", "label", NULL};
    static const char *const algs[] = {"ring", "direct", NULL};
    ns_workload *w = ns_lua_begin_builder(L, ctor, fields);
    size_t n;
    const uint32_t *hosts = ns_lua_hosts(L, 2, ctor, "hosts", &n);
    uint64_t bytes = ns_lua_size(L, 2, ctor, "bytes", 1, 0);
    lua_Integer root = ns_lua_int(L, 2, ctor, "root", 0, hosts[0], 1, UINT32_MAX);
    size_t r = 0;
    while (r < n && hosts[r] != (uint32_t)root)
        r++;
    if (r == n)
        ns_lua_fail(L, ctor, "field 'root' must be one of the hosts of field 'hosts' (got %lld)", (long long)root);
    /* NCCL: broadcast and reduce run on a ring, gather and scatter are grouped send/recv */
    int def = strcmp(ctor, "gather") == 0 || strcmp(ctor, "scatter") == 0;
    int alg = ns_lua_option(L, 2, ctor, "algorithm", algs, def) == 0 ? NS_ALG_RING : NS_ALG_DIRECT;
    lua_Integer chunks = ns_lua_int(L, 2, ctor, "chunks", 0, 1, 1, 1 << 20);
    const char *label = ns_lua_str(L, 2, ctor, "label", 0, NULL);
    ns_coll_ops out;
    ns_err e = {0};
    int rc = fn(w, hosts, n, bytes, (uint32_t)r, alg, (uint32_t)chunks, label, &out, &e);
    return push_result(L, w, rc, &out, &e, ctor);
}

static int w_broadcast(lua_State *L) { return rooted(L, "broadcast", ns_wl_broadcast); }
static int w_reduce(lua_State *L) { return rooted(L, "reduce", ns_wl_reduce); }
static int w_gather(lua_State *L) { return rooted(L, "gather", ns_wl_gather); }
static int w_scatter(lua_State *L) { return rooted(L, "scatter", ns_wl_scatter); }

/* field `matrix`: a Lua table of n rows of n sizes; returns n * n entries
 * in a userdata left on the stack top */
static uint64_t *
read_matrix(lua_State *L, int t, size_t n)
{
    const char *ctor = "alltoall";
    if (ns_lua_rawfield(L, t, "matrix") != LUA_TTABLE)
        ns_lua_fail(L, ctor, "field 'matrix' must be a table of %zu rows (got %s)", n, luaL_typename(L, -1));
    int mt = lua_gettop(L);
    lua_Integer rows = (lua_Integer)lua_rawlen(L, mt);
    if ((size_t)rows != n)
        ns_lua_fail(L, ctor, "field 'matrix' must have %zu rows, one per host (got %lld)", n, (long long)rows);
    uint64_t *m = lua_newuserdatauv(L, n * n * sizeof *m, 0);
    for (size_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, mt, (lua_Integer)i + 1) != LUA_TTABLE)
            ns_lua_fail(L, ctor, "field 'matrix': row %zu must be a table of %zu sizes (got %s)", i + 1, n,
                        luaL_typename(L, -1));
        int rt = lua_gettop(L);
        lua_Integer cols = (lua_Integer)lua_rawlen(L, rt);
        if ((size_t)cols != n)
            ns_lua_fail(L, ctor, "field 'matrix': row %zu must have %zu entries, one per host (got %lld)",
                        i + 1, n, (long long)cols);
        for (size_t j = 0; j < n; j++) {
            char what[96];
            snprintf(what, sizeof what, "%s: field 'matrix': entry [%zu][%zu]", ctor, i + 1, j + 1);
            if (lua_rawgeti(L, rt, (lua_Integer)j + 1) == LUA_TNIL)
                ns_lua_fail(L, ctor, "field 'matrix': entry [%zu][%zu] is missing", i + 1, j + 1);
            m[i * n + j] = i == j ? 0 : ns_lua_to_size(L, -1, what);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_remove(L, mt);
    return m;
}

static int
w_alltoall(lua_State *L)
{
    static const char *const fields[] = {"hosts", "bytes", "matrix", "algorithm", "fabric", "gpus_per_server",
                                         "after", "label", NULL};
    static const char *const algs[] = {"direct", "pairwise", "hierarchical", NULL};
    const char *ctor = "alltoall";
    ns_workload *w = ns_lua_begin_builder(L, ctor, fields);
    size_t n;
    uint32_t *hosts = ns_lua_hosts(L, 2, ctor, "hosts", &n);
    int has_bytes = ns_lua_has(L, 2, "bytes"), has_matrix = ns_lua_has(L, 2, "matrix");
    if (has_bytes == has_matrix)
        ns_lua_fail(L, ctor, has_bytes ? "give either 'bytes' or 'matrix', not both"
                                       : "field 'bytes' (per pair) or 'matrix' is required");
    ns_err e = {0};
    if (ns_wl_alltoall_reserve(w, n, &e))
        return push_result(L, w, e.code, NULL, &e, ctor);
    uint64_t *m;
    if (has_matrix) {
        m = read_matrix(L, 2, n);
    } else {
        uint64_t b = ns_lua_size(L, 2, ctor, "bytes", 1, 0);
        m = lua_newuserdatauv(L, n * n * sizeof *m, 0);
        for (size_t i = 0; i < n * n; i++)
            m[i] = i / n == i % n ? 0 : b;
    }
    int opt = ns_lua_option(L, 2, ctor, "algorithm", algs, 0);
    const char *label = ns_lua_str(L, 2, ctor, "label", 0, NULL);
    ns_coll_ops out;
    int rc;
    if (opt == 2) {   /* hierarchical: ranks server by server, the matrix with them */
        uint32_t *perm = lua_newuserdatauv(L, n * sizeof *perm, 0);
        uint32_t local = server_order(L, ctor, hosts, n, perm);
        uint64_t *pm = lua_newuserdatauv(L, n * n * sizeof *pm, 0);
        for (size_t r = 0; r < n; r++)
            for (size_t q = 0; q < n; q++)
                pm[r * n + q] = m[(size_t)perm[r] * n + perm[q]];
        rc = ns_wl_alltoall_hier(w, hosts, n, local, pm, label, &out, &e);
    } else {
        ns_lua_warn_unused(L, 2, ctor, "fabric", "algorithm = \"hierarchical\"", "this algorithm");
        ns_lua_warn_unused(L, 2, ctor, "gpus_per_server", "algorithm = \"hierarchical\"", "this algorithm");
        rc = ns_wl_alltoallv(w, hosts, n, m, opt == 0 ? NS_ALG_DIRECT : NS_ALG_PAIRWISE, label, &out, &e);
    }
    return push_result(L, w, rc, &out, &e, ctor);
}

static int
w_permutation(lua_State *L)
{
    static const char *const fields[] = {"hosts", "bytes", "after", "label", NULL};
    const char *ctor = "permutation";
    ns_workload *w = ns_lua_begin_builder(L, ctor, fields);
    size_t n;
    const uint32_t *hosts = ns_lua_hosts(L, 2, ctor, "hosts", &n);
    if (n < 2)
        ns_lua_fail(L, ctor, "field 'hosts' must list at least 2 hosts (got %zu)", n);
    uint64_t bytes = ns_lua_size(L, 2, ctor, "bytes", 1, 0);
    const char *label = ns_lua_str(L, 2, ctor, "label", 0, NULL);
    ns_coll_ops out;
    ns_err e = {0};
    int rc = ns_wl_permutation(w, hosts, n, bytes, label, &out, &e);
    return push_result(L, w, rc, &out, &e, ctor);
}

const luaL_Reg ns_collectives_methods[] = {
    {"allreduce", w_allreduce},
    {"reducescatter", w_reducescatter},
    {"allgather", w_allgather},
    {"broadcast", w_broadcast},
    {"reduce", w_reduce},
    {"gather", w_gather},
    {"scatter", w_scatter},
    {"alltoall", w_alltoall},
    {"permutation", w_permutation},
    {NULL, NULL}
};
