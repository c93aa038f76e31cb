/*
 * wl_lua.c - Lua side of workloads: netsim.workload{}, the basic task-graph
 * builders w:transfer, w:compute, w:marker, w:delay, and op handles
 * (h:after(...)).
 * Builders of collectives and schedules register their methods through
 * ns_lua_workload_methods (workloads/wl_methods.c).
 */
#include <config.h>
#include "sim/taskgraph.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include "sim/lua/lua_util.h"
#include "sim/lua/netsimlib.h"
#include "wl_lua.h"
#include "wl_results.h"

ns_workload *
ns_lua_begin_builder(lua_State *L, const char *ctor, const char *const *fields)
{
    ns_workload *w = ns_lua_check_workload(L, 1);
    ns_lua_check_args(L, 2, ctor, fields);
    ns_lua_stamp_line(L, w);
    return w;
}

long
ns_lua_checked(lua_State *L, long rc, const ns_err *e)
{
    if (rc < 0)
        ns_lua_raise(L, e);
    return rc;
}

static int
l_workload(lua_State *L)
{
    static const char *const fields[] = {"seed", "name", "start", NULL};
    lua_Integer seed = 1;
    const char *name = NULL;
    ns_time start = 0;
    lua_settop(L, 1);
    /* the default seed: netsim.seed (--seed, else 1) */
    if (lua_getglobal(L, "netsim") == LUA_TTABLE && ns_lua_rawfield(L, -1, "seed") == LUA_TNUMBER)
        seed = lua_tointeger(L, -1);
    lua_settop(L, 1);
    if (!lua_isnoneornil(L, 1)) {
        ns_lua_check_args(L, 1, "workload", fields);
        seed = ns_lua_int(L, 1, "workload", "seed", 0, seed, 0, INT64_MAX);
        name = ns_lua_str(L, 1, "workload", "name", 0, NULL);
        start = ns_lua_time(L, 1, "workload", "start", 0, 0);
        if (name && (!*name || strlen(name) >= NS_JOB_NAME_MAX))
            ns_lua_fail(L, "workload", "field 'name' must be 1 to %d bytes (got %zu)", NS_JOB_NAME_MAX - 1,
                        strlen(name));
    }
    ns_workload **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, NS_WORKLOAD_MT);
    *box = ns_wl_new((uint64_t)seed);
    if (!*box)
        return luaL_error(L, "workload: out of memory");
    ns_wl_results_init(*box);   /* every output has the builders' tables */
    if (name)
        snprintf((*box)->name, sizeof (*box)->name, "%s", name);
    (*box)->start_ps = start;
    ns_lua_stamp_line(L, *box);
    return 1;
}

static const char *
opt_label(lua_State *L, const char *ctor)
{
    return ns_lua_str(L, 2, ctor, "label", 0, NULL);
}

/* w:transfer and w:compute are called a million times from scenario loops:
 * their fields are read in one pass over the table (ns_lua_fields) */
static int
w_transfer(lua_State *L)
{
    static const char *const fields[] = {"src", "dst", "bytes", "after", "label", NULL};
    enum { SRC, DST, BYTES, AFTER, LABEL };
    ns_workload *w = ns_lua_check_workload(L, 1);
    int f = ns_lua_fields(L, 2, "transfer", fields);
    ns_lua_stamp_line(L, w);
    lua_Integer src = ns_lua_int_at(L, f + SRC, "transfer", "src", 1, 0, 1, UINT32_MAX);
    lua_Integer dst = ns_lua_int_at(L, f + DST, "transfer", "dst", 1, 0, 1, UINT32_MAX);
    uint64_t bytes = ns_lua_size_at(L, f + BYTES, "transfer", "bytes", 1, 0);
    const char *label = ns_lua_str_at(L, f + LABEL, "transfer", "label", 0, NULL);
    ns_err e = {0};
    long op = ns_lua_checked(L, ns_wl_transfer(w, (uint32_t)src, (uint32_t)dst, bytes, label, &e), &e);
    ns_lua_after_at(L, f + AFTER, w, (uint32_t)op, "transfer");
    ns_lua_push_op(L, 1, (uint32_t)op);
    return 1;
}

static int
w_compute(lua_State *L)
{
    static const char *const fields[] = {"node", "duration", "after", "label", NULL};
    enum { NODE, DURATION, AFTER, LABEL };
    ns_workload *w = ns_lua_check_workload(L, 1);
    int f = ns_lua_fields(L, 2, "compute", fields);
    ns_lua_stamp_line(L, w);
    lua_Integer node = ns_lua_int_at(L, f + NODE, "compute", "node", 1, 0, 1, UINT32_MAX);
    ns_time d = ns_lua_time_at(L, f + DURATION, "compute", "duration", 1, 0);
    const char *label = ns_lua_str_at(L, f + LABEL, "compute", "label", 0, NULL);
    ns_err e = {0};
    long op = ns_lua_checked(L, ns_wl_compute(w, (uint32_t)node, d, label, &e), &e);
    ns_lua_after_at(L, f + AFTER, w, (uint32_t)op, "compute");
    ns_lua_push_op(L, 1, (uint32_t)op);
    return 1;
}

static int
w_marker(lua_State *L)
{
    static const char *const fields[] = {"after", "label", NULL};
    ns_workload *w = ns_lua_check_workload(L, 1);
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        lua_newtable(L);
    }
    ns_lua_check_args(L, 2, "marker", fields);
    ns_lua_stamp_line(L, w);
    ns_err e = {0};
    long op = ns_lua_checked(L, ns_wl_marker(w, opt_label(L, "marker"), &e), &e);
    ns_lua_apply_after(L, 2, w, (uint32_t)op, "marker");
    ns_lua_push_op(L, 1, (uint32_t)op);
    return 1;
}

static int
w_delay(lua_State *L)
{
    static const char *const fields[] = {"duration", "after", "label", NULL};
    ns_workload *w = ns_lua_begin_builder(L, "delay", fields);
    ns_time d = ns_lua_time(L, 2, "delay", "duration", 1, 0);
    ns_err e = {0};
    long op = ns_lua_checked(L, ns_wl_delay(w, d, opt_label(L, "delay"), &e), &e);
    ns_lua_apply_after(L, 2, w, (uint32_t)op, "delay");
    ns_lua_push_op(L, 1, (uint32_t)op);
    return 1;
}

static int
w_gc(lua_State *L)
{
    ns_workload **box = luaL_checkudata(L, 1, NS_WORKLOAD_MT);
    ns_wl_free(*box);
    *box = NULL;
    return 0;
}

static int
w_tostring(lua_State *L)
{
    ns_workload *w = ns_lua_check_workload(L, 1);
    lua_pushfstring(L, "netsim.Workload(%d ops, %d dependencies)", (int)w->nops, (int)w->ndeps);
    return 1;
}

static int
w_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ns_lua_check_workload(L, 1)->nops);
    return 1;
}

/* --- op handles ------------------------------------------------------------ */

/* h:after(a, b, ...): h also waits for a, b, ... */
static int
op_after(lua_State *L)
{
    ns_workload *w;
    ns_op_handle *h = ns_lua_op_handle(L, 1, &w);
    int n = lua_gettop(L);
    ns_err e = {0};
    for (int i = 2; i <= n; i++) {
        uint32_t dep = ns_lua_check_op(L, i, w, "after");
        if (ns_wl_after(w, h->op, dep, &e))
            return luaL_error(L, "%s", e.msg);
    }
    lua_settop(L, 1);
    return 1;
}

static int
op_index(lua_State *L)
{
    ns_op_handle *h = luaL_checkudata(L, 1, NS_OP_MT);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "id") == 0)
        lua_pushinteger(L, h->op);
    else if (strcmp(k, "after") == 0)
        lua_pushcfunction(L, op_after);
    else
        return luaL_error(L, "op handle has no field '%s' (it has id, after)", k);
    return 1;
}

static int
op_tostring(lua_State *L)
{
    ns_workload *w;
    ns_op_handle *h = ns_lua_op_handle(L, 1, &w);
    char d[400];
    ns_wl_describe(w, h->op, d, sizeof d);
    lua_pushfstring(L, "netsim.Op(%s)", d);
    return 1;
}

/* netsim.workload into the netsim table (argument 1), and the metatables
 * of workload and op handles, with every builder's methods
 * (sim/lua/netsimlib.h) */
int
ns_luaopen_workloads(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"transfer", w_transfer}, {"compute", w_compute}, {"marker", w_marker},
        {"delay", w_delay}, {NULL, NULL}
    };
    static const luaL_Reg meta[] = {
        {"__gc", w_gc}, {"__tostring", w_tostring}, {"__len", w_len}, {NULL, NULL}
    };
    static const luaL_Reg opmeta[] = {
        {"__index", op_index}, {"__tostring", op_tostring}, {NULL, NULL}
    };
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_newmetatable(L, NS_WORKLOAD_MT);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    ns_lua_workload_methods(L, lua_gettop(L));
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, NS_OP_MT);
    luaL_setfuncs(L, opmeta, 0);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_workload);
    lua_setfield(L, 1, "workload");
    return 0;
}
