/*
 * topo_lua.c - Lua constructors of fabrics (netsim.pair, netsim.star, ...)
 * and the methods of a fabric handle (fab:hosts{...}).
 */
#include <config.h>
#include "topo.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include "sim/lua_util.h"

/* a new fabric handle, empty until a builder fills it: if the builder
 * fails, the handle holds NULL and __gc has nothing to free */
static ns_fabric **
new_box(lua_State *L)
{
    ns_fabric **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, NS_FABRIC_MT);
    return box;
}

/* build with `fn` into a new handle, raising the builder's message at the
 * scenario line */
#define BUILD(L, fn, spec)                                  \
    do {                                                    \
        ns_fabric **box_ = new_box(L);                      \
        ns_err e_ = {0};                                    \
        if (fn(spec, box_, &e_))                            \
            return luaL_error(L, "%s", e_.msg);             \
        return 1;                                           \
    } while (0)

static void
read_switch(lua_State *L, int t, const char *ctor, ns_switch_cfg *sw)
{
    static const char *const fields[] = {"buffer", "shared", "alpha", "ecn", NULL};
    static const char *const ecn_fields[] = {"kmin", "kmax", "pmax", NULL};
    if (lua_getfield(L, t, "switch") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    char c[64];
    snprintf(c, sizeof c, "%s: switch", ctor);
    int st = lua_gettop(L);
    ns_lua_check_fields(L, st, c, fields);
    sw->buffer_bytes = ns_lua_size(L, st, c, "buffer", 0, 0);
    sw->shared = ns_lua_bool(L, st, c, "shared", 0);
    sw->dt_alpha = ns_lua_num(L, st, c, "alpha", 0, 1.0, 1e-6, 1e6);
    if (sw->shared && !sw->buffer_bytes)
        ns_lua_fail(L, c, "a shared buffer needs a size (field 'buffer')");
    if (lua_getfield(L, st, "ecn") != LUA_TNIL) {
        char ce[80];
        snprintf(ce, sizeof ce, "%s.ecn", c);
        int et = lua_gettop(L);
        ns_lua_check_fields(L, et, ce, ecn_fields);
        sw->ecn = 1;
        sw->ecn_kmin = ns_lua_size(L, et, ce, "kmin", 1, 0);
        sw->ecn_kmax = ns_lua_size(L, et, ce, "kmax", 1, 0);
        sw->ecn_pmax = ns_lua_num(L, et, ce, "pmax", 0, 1.0, 0, 1);
        if (sw->ecn_kmax <= sw->ecn_kmin)
            ns_lua_fail(L, ce, "kmax (%llu bytes) must exceed kmin (%llu bytes)",
                        (unsigned long long)sw->ecn_kmax, (unsigned long long)sw->ecn_kmin);
    }
    lua_pop(L, 2);
}

static void
read_common(lua_State *L, int t, const char *ctor, ns_fabric_common *c)
{
    ns_fabric_common_defaults(c);
    c->mtu = (uint32_t)ns_lua_size(L, t, ctor, "mtu", 0, c->mtu);
    c->header = (uint32_t)ns_lua_size(L, t, ctor, "header", 0, c->header);
    if (c->mtu > 1u << 20)
        ns_lua_fail(L, ctor, "field 'mtu' must be at most 1 MiB (got %u)", c->mtu);
    if (c->header >= c->mtu)
        ns_lua_fail(L, ctor, "field 'header' (%u bytes) must be smaller than 'mtu' (%u bytes)", c->header, c->mtu);
    read_switch(L, t, ctor, &c->sw);
}

/* a {rate=, latency=} table in field `field` (or the constructor's own fields) */
static void
read_link(lua_State *L, int t, const char *ctor, const char *field, ns_link_spec *l)
{
    static const char *const fields[] = {"rate", "latency", NULL};
    int lt = t;
    char c[64];
    snprintf(c, sizeof c, "%s%s%s", ctor, field ? ": " : "", field ? field : "");
    if (field) {
        if (lua_getfield(L, t, field) == LUA_TNIL)
            ns_lua_fail(L, ctor, "field '%s' is required ({rate = ..., latency = ...})", field);
        lt = lua_gettop(L);
        ns_lua_check_fields(L, lt, c, fields);
    }
    l->rate_bps = ns_lua_rate(L, lt, c, "rate", 1, 0);
    l->latency_ps = ns_lua_time(L, lt, c, "latency", 0, 0);
    if (field)
        lua_pop(L, 1);
}

static int
l_pair(lua_State *L)
{
    static const char *const fields[] = {"rate", "latency", "mtu", "header", NULL};
    ns_lua_check_args(L, 1, "pair", fields);
    ns_pair_spec s;
    read_common(L, 1, "pair", &s.common);
    read_link(L, 1, "pair", NULL, &s.link);
    BUILD(L, ns_topo_pair, &s);
}

static int
l_star(lua_State *L)
{
    static const char *const fields[] = {"hosts", "rate", "latency", "mtu", "header", "switch", NULL};
    ns_lua_check_args(L, 1, "star", fields);
    ns_star_spec s;
    read_common(L, 1, "star", &s.common);
    s.hosts = (uint32_t)ns_lua_int(L, 1, "star", "hosts", 1, 0, 1, 1 << 24);
    read_link(L, 1, "star", NULL, &s.link);
    BUILD(L, ns_topo_star, &s);
}

/* --- fabric methods --------------------------------------------------------- */

static int
f_gc(lua_State *L)
{
    ns_fabric **box = luaL_checkudata(L, 1, NS_FABRIC_MT);
    ns_fabric_free(*box);
    *box = NULL;
    return 0;
}

static int
f_hosts(lua_State *L)
{
    static const char *const fields[] = {"leaf", "pod", "dc", NULL};
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    int leaf = 0, pod = 0, dc = 0;
    if (!lua_isnoneornil(L, 2)) {
        ns_lua_check_args(L, 2, "hosts", fields);
        leaf = (int)ns_lua_int(L, 2, "hosts", "leaf", 0, 0, 1, INT32_MAX);
        pod = (int)ns_lua_int(L, 2, "hosts", "pod", 0, 0, 1, INT32_MAX);
        dc = (int)ns_lua_int(L, 2, "hosts", "dc", 0, 0, 1, INT32_MAX);
        if (leaf > f->nleaves && f->nleaves > 0)
            ns_lua_fail(L, "hosts", "leaf %d does not exist (the fabric has %d leaves)", leaf, f->nleaves);
        if (pod > f->npods)
            ns_lua_fail(L, "hosts", "pod %d does not exist (the fabric has %d pods)", pod, f->npods);
        if (dc > f->ndcs)
            ns_lua_fail(L, "hosts", "dc %d does not exist (the fabric has %d datacenters)", dc, f->ndcs);
    }
    lua_createtable(L, (int)f->nhosts, 0);
    lua_Integer k = 0;
    for (size_t h = 0; h < f->nhosts; h++) {
        const ns_fnode *n = &f->nodes[h];
        if ((leaf && n->leaf != leaf) || (pod && n->pod != pod) || (dc && n->dc != dc))
            continue;
        lua_pushinteger(L, (lua_Integer)h + 1);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

static int
f_index(lua_State *L)
{
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "nhosts") == 0)
        lua_pushinteger(L, (lua_Integer)f->nhosts);
    else if (strcmp(k, "nswitches") == 0)
        lua_pushinteger(L, (lua_Integer)(f->nnodes - f->nhosts));
    else if (strcmp(k, "nlinks") == 0)
        lua_pushinteger(L, (lua_Integer)f->nlinks);
    else if (strcmp(k, "kind") == 0)
        lua_pushstring(L, f->kind);
    else if (strcmp(k, "mtu") == 0)
        lua_pushinteger(L, f->mtu);
    else if (strcmp(k, "hosts") == 0)
        lua_pushcfunction(L, f_hosts);
    else if (strcmp(k, "paths") == 0) {
        lua_getmetatable(L, 1);
        lua_getfield(L, -1, "paths");
    } else
        return luaL_error(L, "fabric has no field '%s' (it has nhosts, nswitches, nlinks, kind, mtu, hosts, paths)", k);
    return 1;
}

/* fab:paths(a, b): number of equal-cost shortest paths between two hosts */
static int
f_paths(lua_State *L)
{
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    lua_Integer a = luaL_checkinteger(L, 2), b = luaL_checkinteger(L, 3);
    if (a < 1 || b < 1 || (size_t)a > f->nhosts || (size_t)b > f->nhosts)
        return luaL_error(L, "paths: hosts are 1..%d", (int)f->nhosts);
    lua_pushinteger(L, (lua_Integer)ns_fabric_path_count(f, (uint32_t)a, (uint32_t)b));
    return 1;
}

static int
f_tostring(lua_State *L)
{
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    lua_pushfstring(L, "netsim.Fabric(%s: %d hosts, %d switches, %d links)", f->kind, (int)f->nhosts,
                    (int)(f->nnodes - f->nhosts), (int)f->nlinks);
    return 1;
}

void
ns_lua_open_topologies(lua_State *L, int netsim_idx)
{
    static const luaL_Reg ctors[] = {
        {"pair", l_pair}, {"star", l_star}, {NULL, NULL}
    };
    static const luaL_Reg meta[] = {
        {"__gc", f_gc}, {"__index", f_index}, {"__tostring", f_tostring}, {"paths", f_paths}, {NULL, NULL}
    };
    netsim_idx = lua_absindex(L, netsim_idx);
    luaL_newmetatable(L, NS_FABRIC_MT);
    luaL_setfuncs(L, meta, 0);
    lua_pop(L, 1);
    lua_pushvalue(L, netsim_idx);
    luaL_setfuncs(L, ctors, 0);
    lua_pop(L, 1);
}
