/*
 * moe_lua.c - Lua side of Mixture-of-Experts layers: w:moe{...}
 * (workloads/moe.c).
 */
#include <config.h>
#include "moe.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include "sim/fabric.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

#define CTOR "moe"

/* skew = "uniform" | { zipf = s } | { dirichlet = alpha }: field 'skew' of
 * the table at index t, errors naming ctx (w:moe, and w:training's model.moe) */
void
ns_lua_moe_skew(lua_State *L, int t0, const char *ctx, ns_moe_spec *s)
{
    static const char *const fields[] = {"zipf", "dirichlet", NULL};
    char sub[64];
    snprintf(sub, sizeof sub, "%s: skew", ctx);
    int ty = ns_lua_rawfield(L, t0, "skew");
    int t = lua_gettop(L);
    s->skew = NS_SKEW_UNIFORM;
    if (ty == LUA_TNIL || (ty == LUA_TSTRING && strcmp(lua_tostring(L, t), "uniform") == 0)) {
        lua_pop(L, 1);
        return;
    }
    if (ty != LUA_TTABLE)
        ns_lua_fail(L, ctx, "field 'skew' must be \"uniform\", { zipf = s } or { dirichlet = alpha } (got %s%s%s)",
                    ty == LUA_TSTRING ? "\"" : "", ty == LUA_TSTRING ? lua_tostring(L, t) : luaL_typename(L, t),
                    ty == LUA_TSTRING ? "\"" : "");
    ns_lua_check_fields(L, t, sub, fields);
    int z = ns_lua_has(L, t, "zipf"), d = ns_lua_has(L, t, "dirichlet");
    if (z == d)
        ns_lua_fail(L, ctx, "field 'skew' must hold one of zipf = s or dirichlet = alpha");
    if (z) {
        s->skew = NS_SKEW_ZIPF;
        s->skew_param = ns_lua_num(L, t, sub, "zipf", 1, 0, 0, 1e6);
    } else {
        s->skew = NS_SKEW_DIRICHLET;
        s->skew_param = ns_lua_num(L, t, sub, "dirichlet", 1, 0, 0, 1e12);
        if (!(s->skew_param > 0))
            ns_lua_fail(L, ctx, "skew: field 'dirichlet' must be > 0 (got %g)", s->skew_param);
    }
    lua_pop(L, 1);
}

/* placement = "round_robin" | { host of expert 1, host of expert 2, ... };
 * a table's ids are left in a userdata on the stack */
static void
read_placement(lua_State *L, ns_moe_spec *s)
{
    int ty = ns_lua_rawfield(L, 2, "placement");
    int t = lua_gettop(L);
    if (ty == LUA_TNIL || (ty == LUA_TSTRING && strcmp(lua_tostring(L, t), "round_robin") == 0)) {
        lua_pop(L, 1);
        return;
    }
    if (ty != LUA_TTABLE)
        ns_lua_fail(L, CTOR, "field 'placement' must be \"round_robin\" or a list of host ids, one per expert "
                    "(got %s%s%s)", ty == LUA_TSTRING ? "\"" : "",
                    ty == LUA_TSTRING ? lua_tostring(L, t) : luaL_typename(L, t), ty == LUA_TSTRING ? "\"" : "");
    lua_Integer len = (lua_Integer)lua_rawlen(L, t);
    if (len != (lua_Integer)s->experts)
        ns_lua_fail(L, CTOR, "field 'placement' must name one host per expert (%u), got %lld entries",
                    s->experts, (long long)len);
    uint32_t *p = lua_newuserdatauv(L, (size_t)len * sizeof *p, 0);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, t, i);
        int isint;
        lua_Integer h = lua_tointegerx(L, -1, &isint);
        lua_pop(L, 1);
        size_t k = 0;
        while (isint && k < s->n && s->hosts[k] != (uint64_t)h)
            k++;
        if (!isint || k == s->n)
            ns_lua_fail(L, CTOR, "field 'placement': entry %lld (expert %lld) is not one of 'hosts'",
                        (long long)i, (long long)i);
        p[i - 1] = (uint32_t)h;
    }
    lua_remove(L, t);   /* leave p on the stack */
    s->placement = p;
}

static void
read_compute(lua_State *L, ns_moe_spec *s)
{
    static const char *const fields[] = {"attention", "per_token", NULL};
    int ty = ns_lua_rawfield(L, 2, "compute");
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    int t = lua_gettop(L);
    ns_lua_check_fields(L, t, CTOR ": compute", fields);
    s->attention_ps = ns_lua_time(L, t, CTOR ": compute", "attention", 0, 0);
    s->per_token_ps = ns_lua_time(L, t, CTOR ": compute", "per_token", 0, 0);
    lua_pop(L, 1);
}

/* the info table: one entry per layer and pass */
static void
push_info(lua_State *L, const ns_workload *w, const ns_moe_spec *s, const ns_moe_ops *o)
{
    size_t nrows;
    const ns_moe_layer *rows = ns_moe_layers(w, &nrows);
    lua_newtable(L);
    lua_newtable(L);
    for (size_t r = 0; r < o->nrows; r++) {
        const ns_moe_layer *m = &rows[o->first_row + r];
        lua_newtable(L);
        lua_pushinteger(L, m->layer);
        lua_setfield(L, -2, "layer");
        lua_pushstring(L, m->backward ? "backward" : "forward");
        lua_setfield(L, -2, "pass");
        lua_pushinteger(L, (lua_Integer)m->dropped);
        lua_setfield(L, -2, "dropped");
        lua_pushinteger(L, (lua_Integer)m->tokens_max);
        lua_setfield(L, -2, "tokens_max");
        lua_pushnumber(L, m->tokens_mean);
        lua_setfield(L, -2, "tokens_mean");
        lua_pushnumber(L, m->tokens_mean > 0 ? (double)m->tokens_max / m->tokens_mean : 0);
        lua_setfield(L, -2, "imbalance");
        lua_pushnumber(L, m->hosts_per_token);
        lua_setfield(L, -2, "hosts_per_token");
        lua_pushinteger(L, (lua_Integer)m->dispatch_bytes);
        lua_setfield(L, -2, "dispatch_bytes");
        lua_createtable(L, (int)s->n, 0);
        for (size_t h = 0; h < s->n; h++) {
            lua_pushinteger(L, (lua_Integer)s->tokens_out[(size_t)(m->layer - 1) * s->n + h]);
            lua_rawseti(L, -2, (lua_Integer)h + 1);
        }
        lua_setfield(L, -2, "tokens");
        lua_rawseti(L, -2, (lua_Integer)r + 1);
    }
    lua_setfield(L, -2, "layers");
    if (s->capacity_factor > 0) {
        double cap = s->capacity_factor * (double)s->n * (double)s->tokens * s->top_k / s->experts;
        lua_pushinteger(L, (lua_Integer)cap);
        lua_setfield(L, -2, "capacity");
    }
}

static int
w_moe(lua_State *L)
{
    static const char *const fields[] = {
        "hosts", "experts", "top_k", "tokens", "hidden", "dtype_bytes", "layers", "skew", "capacity_factor",
        "placement", "max_nodes_per_token", "dispatch", "compute", "backward", "fabric", "gpus_per_server",
        "after", "label", NULL
    };
    ns_workload *w = ns_lua_begin_builder(L, CTOR, fields);
    ns_moe_spec s;
    memset(&s, 0, sizeof s);
    s.hosts = ns_lua_hosts(L, 2, CTOR, "hosts", &s.n);   /* userdata left on the stack */
    s.experts = (uint32_t)ns_lua_int(L, 2, CTOR, "experts", 1, 0, 1, 1 << 20);
    s.top_k = (uint32_t)ns_lua_int(L, 2, CTOR, "top_k", 1, 0, 1, 1 << 20);
    if (s.top_k > s.experts)
        ns_lua_fail(L, CTOR, "field 'top_k' must be <= experts = %u (got %u)", s.experts, s.top_k);
    s.tokens = (uint64_t)ns_lua_int(L, 2, CTOR, "tokens", 1, 0, 1, (lua_Integer)1 << 40);
    s.hidden = (uint64_t)ns_lua_int(L, 2, CTOR, "hidden", 1, 0, 1, (lua_Integer)1 << 32);
    s.dtype_bytes = (uint64_t)ns_lua_int(L, 2, CTOR, "dtype_bytes", 0, 2, 1, 64);
    s.layers = (uint32_t)ns_lua_int(L, 2, CTOR, "layers", 0, 1, 1, 1 << 20);
    ns_lua_moe_skew(L, 2, CTOR, &s);
    if (ns_lua_has(L, 2, "capacity_factor")) {
        s.capacity_factor = ns_lua_num(L, 2, CTOR, "capacity_factor", 1, 0, 0, 1e9);
        if (!(s.capacity_factor > 0))
            ns_lua_fail(L, CTOR, "field 'capacity_factor' must be > 0 (got %g)", s.capacity_factor);
    }
    read_placement(L, &s);
    read_compute(L, &s);
    static const char *const dispatches[] = {"per_expert", "per_host", "two_stage", NULL};
    s.dispatch = ns_lua_option(L, 2, CTOR, "dispatch", dispatches, NS_MOE_PER_EXPERT);
    if (s.dispatch == NS_MOE_TWO_STAGE) {
        /* the servers: fabric = fab (its servers) or gpus_per_server = G */
        if (ns_lua_has(L, 2, "fabric") && ns_lua_has(L, 2, "gpus_per_server"))
            ns_lua_fail(L, CTOR, "give 'fabric' or 'gpus_per_server', not both");
        if (ns_lua_has(L, 2, "fabric")) {
            ns_lua_rawfield(L, 2, "fabric");
            const ns_fabric *fab = ns_lua_check_fabric(L, -1);
            lua_pop(L, 1);
            s.gpus_per_server = fab->gpus_per_server;
            if (!s.gpus_per_server)
                ns_lua_fail(L, CTOR, "dispatch = \"two_stage\": the fabric has no servers (build it with "
                            "server = { gpus = ... }), or give gpus_per_server");
            for (size_t i = 0; i < s.n; i++)
                if (s.hosts[i] > fab->nhosts)
                    ns_lua_fail(L, CTOR, "field 'hosts': %u is not a host of the fabric (hosts are 1..%zu)",
                                s.hosts[i], fab->nhosts);
        } else if (ns_lua_has(L, 2, "gpus_per_server")) {
            s.gpus_per_server = (uint32_t)ns_lua_int(L, 2, CTOR, "gpus_per_server", 1, 0, 1, 1 << 20);
        } else {
            ns_lua_fail(L, CTOR, "dispatch = \"two_stage\" needs the servers: fabric = fab (a fabric built with "
                        "server = {...}) or gpus_per_server = G");
        }
    } else {
        ns_lua_warn_unused(L, 2, CTOR, "fabric", "dispatch = \"two_stage\"", "this dispatch");
        ns_lua_warn_unused(L, 2, CTOR, "gpus_per_server", "dispatch = \"two_stage\"", "this dispatch");
    }
    /* under two_stage it counts servers (checked against them when built) */
    s.max_nodes = (uint32_t)ns_lua_int(L, 2, CTOR, "max_nodes_per_token", 0, 0, 1, (lua_Integer)s.n);
    s.backward = ns_lua_bool(L, 2, CTOR, "backward", 0);
    s.label = ns_lua_str_keep(L, 2, CTOR, "label", 0, NULL);   /* kept on the stack: allocations follow */
    if ((double)s.layers * (double)s.n > 1e9)
        ns_lua_fail(L, CTOR, "layers x hosts is too large");
    s.tokens_out = lua_newuserdatauv(L, (size_t)s.layers * s.n * sizeof *s.tokens_out, 0);
    ns_moe_ops o;
    ns_err e = {0};
    if (ns_wl_moe(w, &s, &o, &e))
        return ns_lua_raise(L, &e);
    ns_lua_apply_after(L, 2, w, o.start_op, CTOR);
    ns_lua_push_op(L, 1, o.done_op);
    push_info(L, w, &s, &o);
    return 2;
}

const luaL_Reg ns_lua_moe_methods[] = {
    {"moe", w_moe}, {NULL, NULL}
};
