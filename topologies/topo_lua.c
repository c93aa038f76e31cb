/*
 * topo_lua.c - Lua constructors of fabrics (netsim.pair, netsim.star, ...)
 * and the methods of a fabric handle (fab:hosts{...}).
 */
#include <config.h>
#include "topo.h"
#include "allocate.h"

#include <lauxlib.h>
#include <lua.h>
#include <string.h>
#include "sim/lua/lua_util.h"
#include "sim/lua/netsimlib.h"

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
 * scenario line (out of memory: a failure of the simulator) */
#define BUILD(L, fn, spec)                                  \
    do {                                                    \
        ns_fabric **box_ = new_box(L);                      \
        ns_err e_ = {0};                                    \
        if (fn(spec, box_, &e_))                            \
            return ns_lua_raise(L, &e_);                    \
        return 1;                                           \
    } while (0)

/* switch = { buffer = size | "unlimited", shared =, alpha =, ecn = {...} | false,
 * pfc = { xoff =, xon = } | true | false }: what it does not say stays as
 * the defaults of a current datacenter switch (sim/switch_defaults.c) */
static void
read_switch(lua_State *L, int t, const char *ctor, ns_switch_cfg *sw)
{
    static const char *const fields[] = {"buffer", "shared", "alpha", "ecn", "pfc", "trim", NULL};
    static const char *const ecn_fields[] = {"kmin", "kmax", "pmax", NULL};
    static const char *const pfc_fields[] = {"xoff", "xon", NULL};
    if (ns_lua_rawfield(L, t, "switch") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    char c[64];
    snprintf(c, sizeof c, "%s: switch", ctor);
    int st = lua_gettop(L);
    ns_lua_check_fields(L, st, c, fields);
    int bt = ns_lua_rawfield(L, st, "buffer");
    int unlimited = bt == LUA_TSTRING && strcmp(lua_tostring(L, -1), "unlimited") == 0;
    lua_pop(L, 1);
    if (unlimited) {
        sw->buffer_auto = 0;
        sw->shared = 0;
        sw->buffer_bytes = 0;
    } else if (bt != LUA_TNIL) {
        sw->buffer_auto = 0;
        sw->buffer_bytes = ns_lua_size(L, st, c, "buffer", 1, 0);
        if (sw->buffer_bytes == 0)
            ns_lua_fail(L, c, "field 'buffer' must be positive, or \"unlimited\"");
        sw->shared = 0;
    }
    sw->shared = ns_lua_bool(L, st, c, "shared", sw->shared);
    sw->trim = (uint8_t)ns_lua_bool(L, st, c, "trim", sw->trim);
    if (sw->trim && unlimited)   /* no packet ever finds its port full */
        ns_lua_fail(L, c, "trim = true needs a finite buffer: with buffer = \"unlimited\" no packet "
                    "finds its port full, so nothing would be trimmed");
    sw->dt_alpha = ns_lua_num(L, st, c, "alpha", 0, sw->dt_alpha, 1e-6, 1e6);
    if (sw->shared && !sw->buffer_bytes && !sw->buffer_auto)
        ns_lua_fail(L, c, "a shared buffer needs a size (field 'buffer')");
    if (!sw->shared && !sw->buffer_auto)
        ns_lua_warn_unused(L, st, c, "alpha", "a shared buffer (shared = true, or the default buffer)",
                           unlimited ? "buffer = \"unlimited\"" : "a buffer per port (shared = false)");
    int et = ns_lua_rawfield(L, st, "ecn");
    if (et == LUA_TBOOLEAN) {
        sw->ecn = lua_toboolean(L, -1);   /* true: the defaults */
    } else if (et != LUA_TNIL) {
        char ce[80];
        snprintf(ce, sizeof ce, "%s.ecn", c);
        if (et != LUA_TTABLE)
            ns_lua_fail(L, c, "field 'ecn' must be a table {kmin=, kmax=, pmax=} or false (got %s)",
                        luaL_typename(L, -1));
        int e = lua_gettop(L);
        ns_lua_check_fields(L, e, ce, ecn_fields);
        sw->ecn = 1;
        sw->ecn_auto = 0;
        sw->ecn_kmin = ns_lua_size(L, e, ce, "kmin", 1, 0);
        sw->ecn_kmax = ns_lua_size(L, e, ce, "kmax", 1, 0);
        sw->ecn_pmax = ns_lua_num(L, e, ce, "pmax", 0, 1.0, 0, 1);
        if (sw->ecn_kmax < sw->ecn_kmin)
            ns_lua_fail(L, ce, "kmax (%llu bytes) must be at least kmin (%llu bytes; equal: a step)",
                        (unsigned long long)sw->ecn_kmax, (unsigned long long)sw->ecn_kmin);
    }
    lua_pop(L, 1);
    int pt = ns_lua_rawfield(L, st, "pfc");
    if (pt == LUA_TBOOLEAN) {
        sw->pfc = lua_toboolean(L, -1) ? NS_PFC_ON : NS_PFC_OFF;
    } else if (pt != LUA_TNIL) {
        char cp[80];
        snprintf(cp, sizeof cp, "%s.pfc", c);
        if (pt != LUA_TTABLE)
            ns_lua_fail(L, c, "field 'pfc' must be a table {xoff=, xon=}, true or false (got %s)",
                        luaL_typename(L, -1));
        int p = lua_gettop(L);
        ns_lua_check_fields(L, p, cp, pfc_fields);
        sw->pfc = NS_PFC_ON;
        sw->pfc_xoff = ns_lua_size(L, p, cp, "xoff", 0, 0);
        sw->pfc_xon = ns_lua_size(L, p, cp, "xon", 0, 0);
        if (ns_lua_has(L, p, "xon") && !ns_lua_has(L, p, "xoff"))
            ns_lua_fail(L, cp, "'xon' needs 'xoff'");
        if (sw->pfc_xoff && ns_lua_has(L, p, "xon") && sw->pfc_xon >= sw->pfc_xoff)
            ns_lua_fail(L, cp, "xon (%llu bytes) must be below xoff (%llu bytes)",
                        (unsigned long long)sw->pfc_xon, (unsigned long long)sw->pfc_xoff);
        if (ns_lua_has(L, p, "xoff") && sw->pfc_xoff == 0)
            ns_lua_fail(L, cp, "field 'xoff' must be positive");
        if (ns_lua_has(L, p, "xon") && sw->pfc_xon == 0)
            ns_lua_fail(L, cp, "field 'xon' must be positive");
    }
    lua_pop(L, 2);
}

/* server = { gpus =, nvlink = { rate =, latency = } }, rails =, pxn = (fields
 * of the constructor): servers of several GPUs (topologies/servers.c) */
static void
read_server(lua_State *L, int t, const char *ctor, ns_server_spec *sv)
{
    static const char *const fields[] = {"gpus", "nvlink", NULL};
    if (strcmp(ctor, "graph") == 0)
        return;   /* a graph's servers are in its file (l_graph) */
    if (ns_lua_rawfield(L, t, "server") == LUA_TNIL) {
        lua_pop(L, 1);
        if (ns_lua_has(L, t, "rails") || ns_lua_has(L, t, "pxn"))
            ns_lua_fail(L, ctor, "fields 'rails' and 'pxn' need 'server' (server = { gpus = ..., nvlink = {...} })");
        return;
    }
    char c[64];
    snprintf(c, sizeof c, "%s: server", ctor);
    if (lua_type(L, -1) != LUA_TTABLE)
        ns_lua_fail(L, ctor, "field 'server' must be a table { gpus = ..., nvlink = { rate = ..., latency = ... } } "
                    "(got %s)", luaL_typename(L, -1));
    int st = lua_gettop(L);
    ns_lua_check_fields(L, st, c, fields);
    sv->gpus = (uint32_t)ns_lua_int(L, st, c, "gpus", 0, NS_SERVER_GPUS, 1, 1024);
    ns_link_spec def = {NS_NVLINK_RATE_BPS, NS_NVLINK_LATENCY_PS};
    sv->nvlink = def;
    if (ns_lua_rawfield(L, st, "nvlink") != LUA_TNIL) {
        static const char *const lf[] = {"rate", "latency", NULL};
        char cl[80];
        snprintf(cl, sizeof cl, "%s.nvlink", c);
        if (lua_type(L, -1) != LUA_TTABLE)
            ns_lua_fail(L, c, "field 'nvlink' must be a table { rate = ..., latency = ... } (got %s)",
                        luaL_typename(L, -1));
        int lt = lua_gettop(L);
        ns_lua_check_fields(L, lt, cl, lf);
        sv->nvlink.rate_bps = ns_lua_rate(L, lt, cl, "rate", 0, def.rate_bps);
        sv->nvlink.latency_ps = ns_lua_time(L, lt, cl, "latency", 0, def.latency_ps);
    }
    lua_pop(L, 2);
    sv->rails = ns_lua_bool(L, t, ctor, "rails", 1);
    sv->pxn = ns_lua_bool(L, t, ctor, "pxn", 0);
}

static void
read_common(lua_State *L, int t, const char *ctor, ns_fabric_common *c)
{
    ns_fabric_common_defaults(c);
    /* checked as read, before narrowing: 2^32 + 1500 is not 1500 */
    uint64_t mtu = ns_lua_size(L, t, ctor, "mtu", 0, c->mtu);
    uint64_t header = ns_lua_size(L, t, ctor, "header", 0, c->header);
    if (mtu > 1u << 20)
        ns_lua_fail(L, ctor, "field 'mtu' must be at most 1 MiB (got %llu)", (unsigned long long)mtu);
    if (header >= mtu)
        ns_lua_fail(L, ctor, "field 'header' (%llu bytes) must be smaller than 'mtu' (%llu bytes)",
                    (unsigned long long)header, (unsigned long long)mtu);
    c->mtu = (uint32_t)mtu;
    c->header = (uint32_t)header;
    read_switch(L, t, ctor, &c->sw);
    read_server(L, t, ctor, &c->server);
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
        if (ns_lua_rawfield(L, t, field) == LUA_TNIL)
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

/* an optional {rate=, latency=} table in field `field`; `def` when absent */
static void
read_link_opt(lua_State *L, int t, const char *ctor, const char *field, ns_link_spec *l, const ns_link_spec *def)
{
    if (!ns_lua_has(L, t, field)) {
        *l = *def;
        return;
    }
    read_link(L, t, ctor, field, l);
}

/* the leaf-spine fields of table t (a leafspine, or one dc of a multidc) */
static void
read_shape(lua_State *L, int t, const char *ctor, ns_ls_shape *s)
{
    s->leaves = (uint32_t)ns_lua_int(L, t, ctor, "leaves", 1, 0, 1, 1 << 24);
    s->spines = (uint32_t)ns_lua_int(L, t, ctor, "spines", 1, 0, 1, 1 << 24);
    s->hosts_per_leaf = (uint32_t)ns_lua_int(L, t, ctor, "hosts_per_leaf", 1, 0, 1, 1 << 24);
    s->links_per_spine = (uint32_t)ns_lua_int(L, t, ctor, "links_per_spine", 0, 1, 1, 1 << 16);
    read_link(L, t, ctor, "host_link", &s->host_link);
    read_link_opt(L, t, ctor, "fabric_link", &s->fabric_link, &s->host_link);
}

/* how many cables field `field` (degraded or failed) of table t names:
 * absent 0, one {leaf=, ...} table 1, or a list of them */
static size_t
count_faults(lua_State *L, int t, const char *field)
{
    int ty = ns_lua_rawfield(L, t, field);
    size_t n = 0;
    if (ty == LUA_TTABLE)
        n = lua_rawlen(L, -1) > 0 ? (size_t)lua_rawlen(L, -1) : 1;
    else if (ty != LUA_TNIL)
        ns_lua_fail(L, "leafspine", "field '%s' must be a table {leaf = ..., spine = ...} or a list of them "
                    "(got a %s)", field, luaL_typename(L, -1));
    lua_pop(L, 1);
    return n;
}

/* read the cables of field `field` of table t into fl[]: degraded ones
 * (with a rate) or failed ones (rate 0) */
static void
read_faults(lua_State *L, int t, const char *field, const ns_ls_shape *shape, ns_ls_fault *fl, size_t n)
{
    static const char *const deg_fields[] = {"leaf", "spine", "cable", "rate", NULL};
    static const char *const fail_fields[] = {"leaf", "spine", "cable", NULL};
    int degraded = strcmp(field, "degraded") == 0;
    if (n == 0)
        return;
    ns_lua_rawfield(L, t, field);
    int ft = lua_gettop(L);
    int list = lua_rawlen(L, ft) > 0;
    for (size_t i = 0; i < n; i++) {
        char c[64];
        int et = ft;
        if (list) {
            snprintf(c, sizeof c, "leafspine: %s[%zu]", field, i + 1);
            if (lua_rawgeti(L, ft, (lua_Integer)i + 1) != LUA_TTABLE)
                ns_lua_fail(L, "leafspine", "entry %zu of field '%s' must be a table {leaf = ..., spine = ...}",
                            i + 1, field);
            et = lua_gettop(L);
        } else {
            snprintf(c, sizeof c, "leafspine: %s", field);
        }
        ns_lua_check_fields(L, et, c, degraded ? deg_fields : fail_fields);
        fl[i].leaf = (uint32_t)ns_lua_int(L, et, c, "leaf", 1, 0, 1, shape->leaves);
        fl[i].spine = (uint32_t)ns_lua_int(L, et, c, "spine", 1, 0, 1, shape->spines);
        fl[i].cable = (uint32_t)ns_lua_int(L, et, c, "cable", 0, 1, 1, shape->links_per_spine);
        fl[i].rate_bps = degraded ? ns_lua_rate(L, et, c, "rate", 1, 0) : 0;
        if (list)
            lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int
l_leafspine(lua_State *L)
{
    static const char *const fields[] = {"leaves", "spines", "hosts_per_leaf", "links_per_spine", "host_link",
                                         "fabric_link", "mtu", "header", "switch", "degraded", "failed",
                                         "server", "rails", "pxn", NULL};
    ns_lua_check_args(L, 1, "leafspine", fields);
    ns_leafspine_spec s;
    read_common(L, 1, "leafspine", &s.common);
    read_shape(L, 1, "leafspine", &s.shape);
    size_t ndeg = count_faults(L, 1, "degraded"), nfail = count_faults(L, 1, "failed");
    ns_ls_fault *fl = lua_newuserdatauv(L, (ndeg + nfail ? ndeg + nfail : 1) * sizeof *fl, 0);  /* freed by Lua */
    read_faults(L, 1, "degraded", &s.shape, fl, ndeg);
    read_faults(L, 1, "failed", &s.shape, fl + ndeg, nfail);
    s.faults = fl;
    s.nfaults = ndeg + nfail;
    BUILD(L, ns_topo_leafspine, &s);
}

static int
l_fattree(lua_State *L)
{
    static const char *const fields[] = {"k", "rate", "latency", "mtu", "header", "switch", "server", "rails",
                                         "pxn", NULL};
    ns_lua_check_args(L, 1, "fattree", fields);
    ns_fattree_spec s;
    read_common(L, 1, "fattree", &s.common);
    s.k = (uint32_t)ns_lua_int(L, 1, "fattree", "k", 1, 0, 2, 400);
    if (s.k % 2)
        ns_lua_fail(L, "fattree", "field 'k' must be even (got %u)", s.k);
    read_link(L, 1, "fattree", NULL, &s.link);
    BUILD(L, ns_topo_fattree, &s);
}

/* one datacenter: the table at index t */
static void
read_dc(lua_State *L, int t, const char *ctor, ns_dc_spec *dc)
{
    static const char *const fields[] = {"leaves", "spines", "hosts_per_leaf", "links_per_spine", "host_link",
                                         "fabric_link", "switch", NULL};
    ns_lua_check_fields(L, t, ctor, fields);
    read_shape(L, t, ctor, &dc->ls);
    ns_fabric_common c;
    ns_fabric_common_defaults(&c);
    dc->sw = c.sw;
    dc->own_switch = ns_lua_has(L, t, "switch");
    read_switch(L, t, ctor, &dc->sw);
}

static int
l_multidc(lua_State *L)
{
    static const char *const fields[] = {"dcs", "dc", "wan", "gateway_link", "mtu", "header", "switch",
                                         "server", "rails", "pxn", NULL};
    static const char *const wan_fields[] = {"rate", "latency", "links", NULL};
    ns_lua_check_args(L, 1, "multidc", fields);
    ns_multidc_spec s;
    memset(&s, 0, sizeof s);
    read_common(L, 1, "multidc", &s.common);
    if (ns_lua_rawfield(L, 1, "dc") != LUA_TTABLE)
        ns_lua_fail(L, "multidc", "field 'dc' is required: a table of leaf-spine fields, or a list of them "
                    "(one per datacenter)");
    int dt = lua_gettop(L);
    lua_Integer list = (lua_Integer)lua_rawlen(L, dt);
    if (list > 0) {
        s.dcs = (uint32_t)ns_lua_int(L, 1, "multidc", "dcs", 0, list, 1, 4096);
        if ((lua_Integer)s.dcs != list)
            ns_lua_fail(L, "multidc", "field 'dcs' is %u but field 'dc' lists %lld datacenters", s.dcs,
                        (long long)list);
        if (list > 4096)
            ns_lua_fail(L, "multidc", "field 'dc' lists %lld datacenters (at most 4096)", (long long)list);
    } else {
        s.dcs = (uint32_t)ns_lua_int(L, 1, "multidc", "dcs", 1, 0, 1, 4096);
    }
    ns_dc_spec *dc = lua_newuserdatauv(L, s.dcs * sizeof *dc, 0);   /* freed by Lua, even on error */
    if (list > 0) {
        for (uint32_t d = 0; d < s.dcs; d++) {
            char c[48];
            snprintf(c, sizeof c, "multidc: dc[%u]", d + 1);
            if (lua_rawgeti(L, dt, d + 1) != LUA_TTABLE)
                ns_lua_fail(L, "multidc", "entry %u of field 'dc' must be a table of leaf-spine fields", d + 1);
            read_dc(L, lua_gettop(L), c, &dc[d]);
            lua_pop(L, 1);
        }
    } else {
        read_dc(L, dt, "multidc: dc", &dc[0]);
        for (uint32_t d = 1; d < s.dcs; d++)
            dc[d] = dc[0];
    }
    s.dc = dc;
    if (ns_lua_rawfield(L, 1, "wan") != LUA_TNIL) {
        int wt = lua_gettop(L);
        ns_lua_check_fields(L, wt, "multidc: wan", wan_fields);
        s.wan.rate_bps = ns_lua_rate(L, wt, "multidc: wan", "rate", 1, 0);
        s.wan.latency_ps = ns_lua_time(L, wt, "multidc: wan", "latency", 0, 0);
        s.wan_links = (uint32_t)ns_lua_int(L, wt, "multidc: wan", "links", 0, 1, 1, 1 << 16);
    } else if (s.dcs > 1) {
        ns_lua_fail(L, "multidc", "field 'wan' is required ({rate = ..., latency = ..., links = ...})");
    }
    lua_pop(L, 1);
    ns_link_spec none = {0, 0};
    read_link_opt(L, 1, "multidc", "gateway_link", &s.gateway_link, &none);
    BUILD(L, ns_topo_multidc, &s);
}

/* `file` resolved against the folder of the scenario file that calls us */
static const char *
resolve_path(lua_State *L, const char *file)
{
    lua_Debug ar;
    if (file[0] != '/' && lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
        const char *src = ar.source + 1;
        const char *slash = strrchr(src, '/');
        if (slash)
            return lua_pushfstring(L, "%s/%s", lua_pushlstring(L, src, (size_t)(slash - src)), file);
    }
    return lua_pushstring(L, file);
}

static int
l_graph(lua_State *L)
{
    static const char *const fields[] = {"file", "mtu", "header", "switch", "pxn", NULL};
    if (lua_istable(L, 1) && (ns_lua_has(L, 1, "server") || ns_lua_has(L, 1, "rails")))
        ns_lua_fail(L, "graph", "a GraphML fabric describes its servers itself (switches of tier \"nvswitch\" "
                    "cabled to the GPUs of a server), not with fields 'server' and 'rails'");
    ns_lua_check_args(L, 1, "graph", fields);
    ns_graph_spec s;
    read_common(L, 1, "graph", &s.common);
    s.common.server.pxn = ns_lua_bool(L, 1, "graph", "pxn", 0);
    s.display = ns_lua_str_keep(L, 1, "graph", "file", 1, NULL);   /* on the stack while we build */
    if (!*s.display)
        ns_lua_fail(L, "graph", "field 'file' is empty");
    s.path = resolve_path(L, s.display);   /* stays on the stack while we build */
    ns_fabric **box = new_box(L);
    ns_err e = {0};
    if (ns_topo_graph(&s, box, &e))
        return ns_lua_raise(L, &e);
    ns_lua_note_input(L, s.path);   /* no output may overwrite it */
    return 1;
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
    static const char *const fields[] = {"leaf", "pod", "dc", "server", "rail", NULL};
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    int leaf = 0, pod = 0, dc = 0;
    uint32_t server = 0, rail = 0, g = f->gpus_per_server;
    if (!lua_isnoneornil(L, 2)) {
        ns_lua_check_args(L, 2, "hosts", fields);
        if (!g && (ns_lua_has(L, 2, "server") || ns_lua_has(L, 2, "rail")))
            ns_lua_fail(L, "hosts", "this fabric has no servers (build it with server = { gpus = ... })");
        if (g) {
            uint32_t nservers = (uint32_t)(f->nhosts / g);
            server = (uint32_t)ns_lua_int(L, 2, "hosts", "server", 0, 0, 1, nservers);
            rail = (uint32_t)ns_lua_int(L, 2, "hosts", "rail", 0, 0, 1, g);
        }
        leaf = (int)ns_lua_int(L, 2, "hosts", "leaf", 0, 0, 1, INT32_MAX);
        pod = (int)ns_lua_int(L, 2, "hosts", "pod", 0, 0, 1, INT32_MAX);
        dc = (int)ns_lua_int(L, 2, "hosts", "dc", 0, 0, 1, INT32_MAX);
        if (leaf > f->nleaves)
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
        if ((server && ns_fabric_server_of(f, (uint32_t)h) + 1 != server) ||
            (rail && ns_fabric_local_of(f, (uint32_t)h) + 1 != rail))
            continue;
        lua_pushinteger(L, (lua_Integer)h + 1);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* fab:allocate{hosts = n, policy = "packed" | "spread" | "random", seed = s}:
 * n hosts no earlier allocation holds (topologies/allocate.h) */
static int
f_allocate(lua_State *L)
{
    static const char *const fields[] = {"hosts", "policy", "seed", NULL};
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    ns_lua_check_args(L, 2, "allocate", fields);
    lua_Integer n = ns_lua_int(L, 2, "allocate", "hosts", 1, 0, 1, (lua_Integer)f->nhosts);
    int policy = ns_lua_option(L, 2, "allocate", "policy", ns_alloc_policy_names, NS_ALLOC_PACKED);
    lua_Integer seed = 1;
    if (lua_getglobal(L, "netsim") == LUA_TTABLE && ns_lua_rawfield(L, -1, "seed") == LUA_TNUMBER)
        seed = lua_tointeger(L, -1);
    seed = ns_lua_int(L, 2, "allocate", "seed", 0, seed, 0, INT64_MAX);
    uint32_t *out = lua_newuserdatauv(L, (size_t)n * sizeof *out, 0);
    ns_err e = {0};
    if (ns_fabric_allocate(f, (size_t)n, policy, (uint64_t)seed, out, &e))
        return ns_lua_raise(L, &e);
    lua_createtable(L, (int)n, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_pushinteger(L, out[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int f_link(lua_State *L);

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
    else if (strcmp(k, "nservers") == 0)
        lua_pushinteger(L, f->gpus_per_server ? (lua_Integer)(f->nhosts / f->gpus_per_server) : 0);
    else if (strcmp(k, "gpus_per_server") == 0)
        lua_pushinteger(L, f->gpus_per_server);
    else if (strcmp(k, "hosts") == 0)
        lua_pushcfunction(L, f_hosts);
    else if (strcmp(k, "allocate") == 0)
        lua_pushcfunction(L, f_allocate);
    else if (strcmp(k, "link") == 0)
        lua_pushcfunction(L, f_link);
    else if (strcmp(k, "paths") == 0) {
        lua_getmetatable(L, 1);
        lua_getfield(L, -1, "paths");
    } else
        return luaL_error(L, "fabric has no field '%s' (it has nhosts, nswitches, nlinks, kind, mtu, nservers, gpus_per_server, hosts, allocate, link, paths)", k);
    return 1;
}

/* the node named `name` (as in /topology/nodes), or raise */
static uint32_t
node_named(lua_State *L, const ns_fabric *f, const char *name)
{
    for (size_t v = 0; v < f->nnodes; v++)
        if (strcmp(f->nodes[v].name, name) == 0)
            return (uint32_t)v;
    return (uint32_t)ns_lua_fail(L, "link", "no node is named '%s' (names as in /topology/nodes: \"host3\", "
                                 "\"leaf1\", \"spine2\", ...)", name);
}

/* fab:link(a, b [, k]): the k-th cable (default 1) between the nodes named
 * a and b, as the id of its a->b link (/topology/links.id, 0-based): what
 * run{ failures = {...} } takes */
static int
f_link(lua_State *L)
{
    ns_fabric *f = ns_lua_check_fabric(L, 1);
    const char *an = luaL_checkstring(L, 2), *bn = luaL_checkstring(L, 3);
    lua_Integer k = luaL_optinteger(L, 4, 1);
    uint32_t a = node_named(L, f, an), b = node_named(L, f, bn);
    lua_Integer seen = 0;
    const ns_fnode *na = &f->nodes[a];
    for (uint32_t i = 0; i < na->nlinks; i++)
        if (f->links[na->first_link + i].dst == b && ++seen == k) {
            lua_pushinteger(L, (lua_Integer)(na->first_link + i));
            return 1;
        }
    if (seen == 0)
        return ns_lua_fail(L, "link", "there is no cable between '%s' and '%s'", an, bn);
    return ns_lua_fail(L, "link", "there %s %lld cable%s between '%s' and '%s', not %lld", seen > 1 ? "are" : "is",
                       (long long)seen, seen > 1 ? "s" : "", an, bn, (long long)k);
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

/* the fabric constructors into the netsim table (argument 1), and the
 * fabric handle's metatable (sim/lua/netsimlib.h) */
int
ns_luaopen_topologies(lua_State *L)
{
    static const luaL_Reg ctors[] = {
        {"pair", l_pair}, {"star", l_star}, {"leafspine", l_leafspine}, {"fattree", l_fattree},
        {"multidc", l_multidc}, {"graph", l_graph}, {NULL, NULL}
    };
    static const luaL_Reg meta[] = {
        {"__gc", f_gc}, {"__index", f_index}, {"__tostring", f_tostring}, {"paths", f_paths}, {NULL, NULL}
    };
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_newmetatable(L, NS_FABRIC_MT);
    luaL_setfuncs(L, meta, 0);
    lua_pop(L, 1);
    lua_pushvalue(L, 1);
    luaL_setfuncs(L, ctors, 0);
    lua_pop(L, 1);
    return 0;
}
