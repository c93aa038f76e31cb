/*
 * traffic_lua.c - Lua side of open-loop traffic: w:background{...} and
 * w:replay{...} (workloads/background.c, replay.c). Data files named by a
 * relative path are found next to the scenario that names them.
 */
#include <config.h>
#include "traffic.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include "flowdist.h"
#include "sim/fabric.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

/* `path` as seen from the folder of the scenario calling the builder */
static void
resolve_path(lua_State *L, const char *ctor, const char *field, const char *path, char *buf, size_t n)
{
    lua_Debug ar;
    size_t dirlen = 0;
    const char *src = NULL;
    if (path[0] != '/' && lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
        src = ar.source + 1;
        const char *slash = strrchr(src, '/');
        dirlen = slash ? (size_t)(slash - src) + 1 : 0;
    }
    if ((size_t)snprintf(buf, n, "%.*s%s", (int)dirlen, src ? src : "", path) >= n)
        ns_lua_fail(L, ctor, "field '%s': path too long", field);
}

/* the info table returned next to a traffic builder's handle */
static void
push_info(lua_State *L, const ns_traffic_ops *o)
{
    lua_newtable(L);
    lua_pushinteger(L, (lua_Integer)o->flows);
    lua_setfield(L, -2, "flows");
    lua_pushinteger(L, (lua_Integer)o->bytes);
    lua_setfield(L, -2, "bytes");
}

/* read `sizes` of table 2 into *c: a name, or { cdf = "file" } */
static void
read_sizes(lua_State *L, ns_cdf *c)
{
    static const char *const fields[] = {"cdf", NULL};
    char path[4096];
    ns_err e = {0};
    int rc, ty = ns_lua_rawfield(L, 2, "sizes");
    if (ty == LUA_TNIL)
        ns_lua_fail(L, "background", "field 'sizes' is required (\"websearch\", \"datamining\" or "
                    "{ cdf = \"file\" })");
    if (ty == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        rc = ns_cdf_named(c, name, &e);
        if (rc == NS_EINVAL && !strstr(e.msg, ".cdf:"))
            ns_lua_fail(L, "background", "field 'sizes': %s; or sizes = { cdf = \"file\" }", e.msg);
    } else if (ty == LUA_TTABLE) {
        ns_lua_check_fields(L, -1, "background: sizes", fields);
        const char *file = ns_lua_str(L, lua_gettop(L), "background: sizes", "cdf", 1, NULL);
        resolve_path(L, "background", "sizes", file, path, sizeof path);
        ns_lua_note_input(L, path);   /* no output may overwrite it; raises before c holds anything */
        rc = ns_cdf_load(c, path, &e);
    } else {
        ns_lua_fail(L, "background", "field 'sizes' must be a distribution name or { cdf = \"file\" } (got %s)",
                    luaL_typename(L, -1));
        return;
    }
    lua_pop(L, 1);
    if (rc)
        ns_lua_fail(L, "background", "field 'sizes': %s", e.msg);
}

static int
w_background(lua_State *L)
{
    static const char *const fields[] = {
        "hosts", "load", "sizes", "until", "duration", "fabric", "rate", "after", "label", NULL
    };
    ns_workload *w = ns_lua_begin_builder(L, "background", fields);
    ns_background_spec s;
    memset(&s, 0, sizeof s);
    s.hosts = ns_lua_hosts(L, 2, "background", "hosts", &s.n);   /* userdata left on the stack */
    if (s.n < 2)
        ns_lua_fail(L, "background", "field 'hosts' must list at least 2 hosts (got %zu)", s.n);
    s.load = ns_lua_num(L, 2, "background", "load", 1, 0, -1e300, 1e300);
    if (!(s.load > 0 && s.load < 1))
        ns_lua_fail(L, "background", "field 'load' must be > 0 and < 1 (got %g)", s.load);
    /* `until` is a Lua keyword (written ["until"] = ...): `duration` is the same field */
    const char *until = ns_lua_has(L, 2, "until") ? "until" : "duration";
    if (ns_lua_has(L, 2, "until") && ns_lua_has(L, 2, "duration"))
        ns_lua_fail(L, "background", "give 'duration' or [\"until\"], not both");
    if (!ns_lua_has(L, 2, until))
        ns_lua_fail(L, "background", "field 'duration' (or [\"until\"]) is required: arrivals stop then");
    s.until_ps = ns_lua_time(L, 2, "background", until, 1, 0);
    if (s.until_ps <= 0)
        ns_lua_fail(L, "background", "field '%s' must be positive", until);
    s.label = ns_lua_str_keep(L, 2, "background", "label", 0, NULL);   /* kept on the stack: allocations follow */
    int has_fab = ns_lua_has(L, 2, "fabric"), has_rate = ns_lua_has(L, 2, "rate");
    if (has_fab == has_rate)
        ns_lua_fail(L, "background", "give either 'fabric' (the load is relative to each host's NIC rate) "
                    "or 'rate' (the NIC rate of every host)%s", has_fab ? ", not both" : "");
    uint64_t *rates = lua_newuserdatauv(L, s.n * sizeof *rates, 0);
    if (has_fab) {
        ns_lua_rawfield(L, 2, "fabric");
        const ns_fabric *fab = ns_lua_check_fabric(L, -1);
        lua_pop(L, 1);
        for (size_t i = 0; i < s.n; i++) {
            if (s.hosts[i] > fab->nhosts)
                ns_lua_fail(L, "background", "field 'hosts': %u is not a host of the fabric (hosts are 1..%zu)",
                            s.hosts[i], fab->nhosts);
            rates[i] = fab->links[fab->host_link[s.hosts[i] - 1]].rate_bps;
        }
    } else {
        uint64_t r = ns_lua_rate(L, 2, "background", "rate", 1, 0);
        for (size_t i = 0; i < s.n; i++)
            rates[i] = r;
    }
    s.rate_bps = rates;
    ns_cdf sizes;
    read_sizes(L, &sizes);   /* last: nothing below raises before sizes is freed */
    s.sizes = &sizes;
    double mean = ns_cdf_mean(&sizes);
    ns_traffic_ops o;
    ns_err e = {0};
    int rc = ns_wl_background(w, &s, &o, &e);
    ns_cdf_destroy(&sizes);
    if (rc)
        ns_lua_raise(L, &e);
    ns_lua_apply_after(L, 2, w, o.start_op, "background");
    ns_lua_push_op(L, 1, o.done_op);
    push_info(L, &o);
    lua_pushnumber(L, mean);
    lua_setfield(L, -2, "mean_size");
    return 2;
}

static int
w_replay(lua_State *L)
{
    static const char *const fields[] = {"file", "after", "label", NULL};
    ns_workload *w = ns_lua_begin_builder(L, "replay", fields);
    const char *file = ns_lua_str(L, 2, "replay", "file", 1, NULL);
    const char *label = ns_lua_str(L, 2, "replay", "label", 0, NULL);
    char path[4096];
    resolve_path(L, "replay", "file", file, path, sizeof path);
    ns_traffic_ops o;
    ns_err e = {0};
    if (ns_wl_replay_file(w, path, label, &o, &e))
        ns_lua_raise(L, &e);
    ns_lua_note_input(L, path);   /* no output may overwrite it */
    ns_lua_apply_after(L, 2, w, o.start_op, "replay");
    ns_lua_push_op(L, 1, o.done_op);
    push_info(L, &o);
    return 2;
}

const luaL_Reg ns_lua_traffic_methods[] = {
    {"background", w_background}, {"replay", w_replay}, {NULL, NULL}
};
