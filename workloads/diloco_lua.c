/*
 * diloco_lua.c - Lua binding of the training schedules: w:diloco{...}
 * (modes dp, diloco, streaming). Reads and checks the fields, then calls
 * ns_wl_diloco (diloco.c). Returns one handle, the schedule's done marker;
 * `after` holds back its start.
 */
#include <config.h>
#include "diloco.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>
#include "collectives.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

#define CTOR "diloco"

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* field `workers`: a list of W lists of n distinct host ids (the same n for
 * all). Returns W x n ids, worker by worker, in a userdata left on the top. */
static uint32_t *
read_workers(lua_State *L, int t, uint32_t *W, uint32_t *n)
{
    int ty = ns_lua_rawfield(L, t, "workers");
    if (ty == LUA_TNIL)
        ns_lua_fail(L, CTOR, "field 'workers' is required (a list of host lists, one per worker)");
    if (ty != LUA_TTABLE)
        ns_lua_fail(L, CTOR, "field 'workers' must be a list of host lists (got %s)", luaL_typename(L, -1));
    int wt = lua_gettop(L);
    lua_Integer nw = (lua_Integer)lua_rawlen(L, wt);
    if (nw < 1)
        ns_lua_fail(L, CTOR, "field 'workers' is an empty list");
    if (nw > 1 << 20)
        ns_lua_fail(L, CTOR, "field 'workers': too many workers (%lld)", (long long)nw);
    uint32_t *ids = NULL;
    lua_Integer per = 0;
    for (lua_Integer i = 1; i <= nw; i++) {
        if (lua_rawgeti(L, wt, i) != LUA_TTABLE)
            ns_lua_fail(L, CTOR, "field 'workers': worker %lld must be a list of host ids (got %s)",
                        (long long)i, luaL_typename(L, -1));
        int ht = lua_gettop(L);
        lua_Integer len = (lua_Integer)lua_rawlen(L, ht);
        if (len < 1)
            ns_lua_fail(L, CTOR, "field 'workers': worker %lld has no hosts", (long long)i);
        if (i == 1) {
            if (len > (1 << 24) || len * nw > (1 << 26))
                ns_lua_fail(L, CTOR, "field 'workers': too many hosts");
            per = len;
            ids = lua_newuserdatauv(L, (size_t)(nw * per) * sizeof *ids, 0);
            lua_insert(L, wt);   /* below the workers table: it stays after we pop */
            wt++;
            ht++;
        } else if (len != per) {
            ns_lua_fail(L, CTOR, "field 'workers': every worker must have the same number of hosts "
                        "(the sync is sharded over them): worker 1 has %lld, worker %lld has %lld",
                        (long long)per, (long long)i, (long long)len);
        }
        for (lua_Integer k = 1; k <= len; k++) {
            lua_rawgeti(L, ht, k);
            int isint;
            lua_Integer h = lua_tointegerx(L, -1, &isint);
            if (!isint || h < 1 || h > UINT32_MAX)
                ns_lua_fail(L, CTOR, "field 'workers': worker %lld, entry %lld is not a host id >= 1",
                            (long long)i, (long long)k);
            lua_pop(L, 1);
            ids[(i - 1) * per + (k - 1)] = (uint32_t)h;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);   /* the workers table; ids is on top */
    size_t total = (size_t)(nw * per);
    uint32_t *tmp = lua_newuserdatauv(L, total * sizeof *tmp, 0);
    memcpy(tmp, ids, total * sizeof *tmp);
    qsort(tmp, total, sizeof *tmp, cmp_u32);
    for (size_t i = 1; i < total; i++)
        if (tmp[i] == tmp[i - 1])
            ns_lua_fail(L, CTOR, "field 'workers': host %u appears more than once", tmp[i]);
    lua_pop(L, 1);
    *W = (uint32_t)nw;
    *n = (uint32_t)per;
    return ids;
}

/* field `step_time`: one time, or a list of one per worker; ns_time[W] in a
 * userdata left on the top */
static ns_time *
read_step_times(lua_State *L, int t, uint32_t W)
{
    ns_time *v = lua_newuserdatauv(L, W * sizeof *v, 0);
    int ty = ns_lua_rawfield(L, t, "step_time");
    if (ty == LUA_TNIL)
        ns_lua_fail(L, CTOR, "field 'step_time' is required (the compute time of one inner step)");
    if (ty == LUA_TTABLE) {
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        if (len != (lua_Integer)W)
            ns_lua_fail(L, CTOR, "field 'step_time' must list one time per worker (%u), got %lld",
                        W, (long long)len);
        for (uint32_t k = 0; k < W; k++) {
            char what[64];
            snprintf(what, sizeof what, CTOR ": field 'step_time' (worker %u)", k + 1);
            lua_rawgeti(L, -1, k + 1);
            v[k] = ns_lua_to_time(L, -1, what);
            lua_pop(L, 1);
        }
    } else {
        ns_time one = ns_lua_to_time(L, -1, CTOR ": field 'step_time'");
        for (uint32_t k = 0; k < W; k++)
            v[k] = one;
    }
    lua_pop(L, 1);
    for (uint32_t k = 0; k < W; k++)
        if (v[k] <= 0)
            ns_lua_fail(L, CTOR, "field 'step_time' must be positive (worker %u)", k + 1);
    return v;
}

static void
read_straggler(lua_State *L, int t, ns_diloco_spec *s)
{
    static const char *const fields[] = {"dist", "sigma", "mu", "shape", NULL};
    static const char *const dists[] = {"lognormal", "gamma", NULL};
    const char *c = CTOR ": straggler";
    if (ns_lua_rawfield(L, t, "straggler") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    int st = lua_gettop(L);
    ns_lua_check_fields(L, st, c, fields);
    if (!ns_lua_has(L, st, "dist"))
        ns_lua_fail(L, c, "field 'dist' is required (\"lognormal\" or \"gamma\")");
    int d = ns_lua_option(L, st, c, "dist", dists, 0);
    /* the other distribution's fields: checked, then ignored with a warning */
    double sigma = ns_lua_num(L, st, c, "sigma", d == 0, 0, 0, 10);
    double mu = ns_lua_num(L, st, c, "mu", 0, 0, -10, 10);
    double shape = ns_lua_num(L, st, c, "shape", d == 1, 1, 1e-3, 1e9);
    if (d == 0) {
        s->straggler = NS_STRAGGLER_LOGNORMAL;
        s->straggler_sigma = sigma;
        s->straggler_mu = mu;
        ns_lua_warn_unused(L, st, c, "shape", "dist = \"gamma\"", "dist = \"lognormal\"");
    } else {
        s->straggler = NS_STRAGGLER_GAMMA;
        s->straggler_shape = shape;
        ns_lua_warn_unused(L, st, c, "sigma", "dist = \"lognormal\"", "dist = \"gamma\"");
        ns_lua_warn_unused(L, st, c, "mu", "dist = \"lognormal\"", "dist = \"gamma\"");
    }
    lua_pop(L, 1);
}

static int
w_diloco(lua_State *L)
{
    static const char *const fields[] = {
        "workers", "params", "layers", "bytes_per_param", "step_time", "mode", "inner_steps",
        "outer_steps", "steps", "buckets", "backward_fraction", "fragments", "pattern", "overlap",
        "quant_bits", "inner_allreduce", "algorithm", "straggler", "granularity", "layer_syncs", "after",
        "label", NULL
    };
    static const char *const algs[] = {"ring", "halving_doubling", "direct", NULL};
    ns_workload *w = ns_lua_begin_builder(L, CTOR, fields);
    ns_diloco_spec s;
    memset(&s, 0, sizeof s);
    s.hosts = read_workers(L, 2, &s.nworkers, &s.hosts_per_worker);
    s.step_ps = read_step_times(L, 2, s.nworkers);
    s.mode = ns_lua_option(L, 2, CTOR, "mode", ns_train_mode_names, NS_TRAIN_DILOCO);
    s.params = (uint64_t)ns_lua_int(L, 2, CTOR, "params", 1, 0, 1, INT64_MAX / 64);
    s.layers = (uint32_t)ns_lua_int(L, 2, CTOR, "layers", 0, 1, 1, 1 << 20);
    s.bytes_per_param = (uint32_t)ns_lua_int(L, 2, CTOR, "bytes_per_param", 0, 4, 0, 64);
    int dp = s.mode == NS_TRAIN_DP;
    if (!dp && !ns_lua_has(L, 2, "inner_steps"))
        ns_lua_fail(L, CTOR, "field 'inner_steps' is required with mode = \"%s\"", ns_train_mode_names[s.mode]);
    s.inner_steps = (uint32_t)ns_lua_int(L, 2, CTOR, "inner_steps", 0, 1, 1, INT32_MAX);
    int has_outer = ns_lua_has(L, 2, "outer_steps"), has_steps = ns_lua_has(L, 2, "steps");
    if (has_outer == has_steps)
        ns_lua_fail(L, CTOR, has_outer ? "give either 'outer_steps' or 'steps', not both"
                                       : "field 'outer_steps' (or 'steps', inner steps in all) is required");
    uint32_t H = dp ? 1 : s.inner_steps;
    if (has_outer) {
        s.outer_steps = (uint32_t)ns_lua_int(L, 2, CTOR, "outer_steps", 1, 1, 1, INT32_MAX);
    } else {
        lua_Integer steps = ns_lua_int(L, 2, CTOR, "steps", 1, 1, 1, INT32_MAX);
        if (steps % H)
            ns_lua_fail(L, CTOR, "field 'steps' (%lld) must be a multiple of 'inner_steps' (%u)",
                        (long long)steps, H);
        s.outer_steps = (uint32_t)(steps / H);
    }
    s.buckets = (uint32_t)ns_lua_int(L, 2, CTOR, "buckets", 0, 1, 1, 1 << 16);
    s.backward_fraction = ns_lua_num(L, 2, CTOR, "backward_fraction", 0, 2.0 / 3.0, 0, 1);
    s.fragments = (uint32_t)ns_lua_int(L, 2, CTOR, "fragments", 0, 1, 1, 1 << 20);
    if (s.mode == NS_TRAIN_STREAMING && s.fragments > s.layers)
        ns_lua_fail(L, CTOR, "field 'fragments' (%u) must not exceed 'layers' (%u): fragments are made of layers",
                    s.fragments, s.layers);
    s.pattern = ns_lua_option(L, 2, CTOR, "pattern", ns_frag_pattern_names, NS_FRAG_STRIDED);
    s.overlap = (uint32_t)ns_lua_int(L, 2, CTOR, "overlap", 0, 0, 0, INT32_MAX);
    s.per_layer = ns_lua_option(L, 2, CTOR, "granularity", ns_train_granularity_names, NS_GRAN_STEP) == NS_GRAN_LAYER;
    s.layer_syncs = ns_lua_bool(L, 2, CTOR, "layer_syncs", 0);
    if (s.layer_syncs && !s.per_layer)
        ns_lua_fail(L, CTOR, "layer_syncs = true needs granularity = \"layer\" (syncs by layer need steps by layer)");
    if (dp && s.per_layer && ns_lua_has(L, 2, "buckets"))
        ns_lua_fail(L, CTOR, "field 'buckets' is for granularity = \"step\": by layer, dp syncs all its gradients "
                    "after the backward, or every layer on its own with layer_syncs = true");
    if (s.mode == NS_TRAIN_STREAMING && s.overlap >= s.inner_steps)
        ns_lua_fail(L, CTOR, "field 'overlap' (%u) must be smaller than 'inner_steps' (%u)",
                    s.overlap, s.inner_steps);
    s.quant_bits = (uint32_t)ns_lua_int(L, 2, CTOR, "quant_bits", 0, 0, 1, 64);
    s.inner_allreduce = ns_lua_bool(L, 2, CTOR, "inner_allreduce", 0);
    if (s.inner_allreduce && s.per_layer)
        ns_lua_fail(L, CTOR, "inner_allreduce with granularity = \"layer\" is not supported yet "
                    "(the inner allreduce is modelled per step): use granularity = \"step\"");
    s.algorithm = ns_lua_option(L, 2, CTOR, "algorithm", algs, NS_ALG_RING);
    read_straggler(L, 2, &s);
    s.label = ns_lua_str(L, 2, CTOR, "label", 0, NULL);
    /* the fields of the other modes: read and checked above, ignored here */
    char in_use[32];
    snprintf(in_use, sizeof in_use, "mode = \"%s\"", ns_train_mode_names[s.mode]);
    if (dp) {
        ns_lua_warn_unused(L, 2, CTOR, "inner_steps", "mode = \"diloco\" or \"streaming\"", in_use);
        ns_lua_warn_unused(L, 2, CTOR, "quant_bits", "mode = \"diloco\" or \"streaming\"", in_use);
    } else {
        ns_lua_warn_unused(L, 2, CTOR, "buckets", "mode = \"dp\"", in_use);
        if (!s.per_layer)
            ns_lua_warn_unused(L, 2, CTOR, "backward_fraction", "mode = \"dp\" or granularity = \"layer\"",
                               in_use);
    }
    if (s.mode != NS_TRAIN_STREAMING) {
        static const char *const streaming[] = {"fragments", "pattern", "overlap", NULL};
        for (int k = 0; streaming[k]; k++)
            ns_lua_warn_unused(L, 2, CTOR, streaming[k], "mode = \"streaming\"", in_use);
    }
    uint32_t start, done;
    ns_err e = {0};
    if (ns_wl_diloco(w, &s, &start, &done, &e))
        return ns_lua_raise(L, &e);
    ns_lua_apply_after(L, 2, w, start, CTOR);
    ns_lua_push_op(L, 1, done);
    return 1;
}

const luaL_Reg ns_diloco_methods[] = {
    {"diloco", w_diloco},
    {NULL, NULL}
};
