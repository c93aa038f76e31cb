/*
 * chakra_lua.c - Lua side of Chakra execution traces: w:chakra{...}
 * (workloads/chakra.c). Returns the handle of a marker done when every
 * node of every rank is, and a table of counts; `after` applies to a marker
 * that every node without dependencies waits for. Nodes and attributes
 * netsim does not model are counted in a warning on stderr.
 */
#include <config.h>
#include "chakra.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include "collectives.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

#define CTOR "chakra"

/* `path` as seen from the folder of the scenario calling the builder, pushed */
static const char *
push_resolved(lua_State *L, const char *path)
{
    lua_Debug ar;
    size_t dirlen = 0;
    const char *src = "";
    if (path[0] != '/' && lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
        src = ar.source + 1;
        const char *slash = strrchr(src, '/');
        dirlen = slash ? (size_t)(slash - src) + 1 : 0;
    }
    lua_pushlstring(L, src, dirlen);
    lua_pushstring(L, path);
    lua_concat(L, 2);
    return lua_tostring(L, -1);
}

/* a pattern with exactly one %d (and %% for a percent sign) */
static void
check_pattern(lua_State *L, const char *pat)
{
    int nd = 0;
    for (const char *p = pat; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (p[1] != 'd')
            ns_lua_fail(L, CTOR, "field 'files': \"%s\": only %%d (the rank) and %%%% may follow %%", pat);
        nd++;
        p++;
    }
    if (nd != 1)
        ns_lua_fail(L, CTOR, "field 'files': \"%s\" must hold one %%d, the rank (or give a list of files)", pat);
}

/* the trace paths: a table of paths left on the stack; returns its count */
static size_t
read_files(lua_State *L, size_t ranks, int replicate)
{
    int ty = lua_getfield(L, 2, "files");
    lua_newtable(L);
    int out = lua_gettop(L);
    size_t n = 0;
    if (ty == LUA_TSTRING) {
        const char *pat = lua_tostring(L, out - 1);
        if (replicate && !strstr(pat, "%d")) {
            push_resolved(L, pat);
            lua_rawseti(L, out, (lua_Integer)++n);
        } else {
            check_pattern(L, pat);
            for (size_t r = 0; r < (replicate ? 1 : ranks); r++) {
                char buf[4096];
                if ((size_t)snprintf(buf, sizeof buf, pat, (int)r) >= sizeof buf)   /* checked: one %d */
                    ns_lua_fail(L, CTOR, "field 'files': path too long");
                push_resolved(L, buf);
                lua_rawseti(L, out, (lua_Integer)++n);
            }
        }
    } else if (ty == LUA_TTABLE) {
        lua_Integer len = luaL_len(L, out - 1);
        for (lua_Integer i = 1; i <= len; i++) {
            if (lua_geti(L, out - 1, i) != LUA_TSTRING)
                ns_lua_fail(L, CTOR, "field 'files': entry %lld must be a path (got %s)", (long long)i,
                            luaL_typename(L, -1));
            push_resolved(L, lua_tostring(L, -1));
            lua_rawseti(L, out, (lua_Integer)++n);
            lua_pop(L, 1);
        }
    } else {
        ns_lua_fail(L, CTOR, "field 'files' is required: \"trace.%%d.et\" or a list of paths (got %s)",
                    luaL_typename(L, out - 1));
    }
    lua_remove(L, out - 1);
    return n;
}

static void
warn(lua_State *L, const char *fmt, unsigned long long n, const char *what)
{
    luaL_where(L, 1);
    fprintf(stderr, "netsim: warning: %s" CTOR ": ", lua_tostring(L, -1));
    fprintf(stderr, fmt, n, what);
    fputc('\n', stderr);
    lua_pop(L, 1);
}

static void
push_count(lua_State *L, const char *k, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

static int
w_chakra(lua_State *L)
{
    static const char *const fields[] = {
        "files", "ranks", "hosts", "replicate", "algorithm", "gpu", "repair", "after", "label", NULL
    };
    static const char *const algs[] = {"ring", "halving_doubling", "direct", NULL};
    static const char *const gpu_fields[] = {"flops", "efficiency", NULL};
    ns_workload *w = ns_lua_begin_builder(L, CTOR, fields);
    ns_chakra_spec s;
    memset(&s, 0, sizeof s);
    size_t nhosts;
    s.hosts = ns_lua_hosts(L, 2, CTOR, "hosts", &nhosts);   /* userdata left on the stack */
    s.replicate = ns_lua_bool(L, 2, CTOR, "replicate", 0);
    int files_table = lua_getfield(L, 2, "files") == LUA_TTABLE;
    lua_Integer nlisted = files_table ? (lua_Integer)luaL_len(L, -1) : 0;
    lua_pop(L, 1);
    lua_Integer def_ranks = files_table && !s.replicate ? nlisted : (lua_Integer)nhosts;
    s.ranks = (size_t)ns_lua_int(L, 2, CTOR, "ranks", 0, def_ranks, 1, NS_LUA_MAX_HOSTS);
    if (nhosts < s.ranks)
        ns_lua_fail(L, CTOR, "field 'hosts' must list a host per rank: %zu ranks, %zu hosts", s.ranks, nhosts);
    if (files_table && (size_t)nlisted != (s.replicate ? 1 : s.ranks))
        ns_lua_fail(L, CTOR, "field 'files' must list %s (got %lld)",
                    s.replicate ? "one file with replicate = true" : "a file per rank", (long long)nlisted);
    s.algorithm = ns_lua_option(L, 2, CTOR, "algorithm", algs, NS_ALG_RING);
    s.repair = ns_lua_bool(L, 2, CTOR, "repair", 0);
    s.label = ns_lua_str(L, 2, CTOR, "label", 0, NULL);
    if (lua_getfield(L, 2, "gpu") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            ns_lua_fail(L, CTOR, "field 'gpu' must be a table { flops = ..., efficiency = ... } (got %s)",
                        luaL_typename(L, -1));
        int g = lua_gettop(L);
        ns_lua_check_fields(L, g, CTOR ": gpu", gpu_fields);
        s.gpu_flops = ns_lua_num(L, g, CTOR ": gpu", "flops", 1, 0, 1, 1e30);
        s.gpu_efficiency = ns_lua_num(L, g, CTOR ": gpu", "efficiency", 0, 1, 1e-9, 1);
    }
    lua_pop(L, 1);
    s.nfiles = read_files(L, s.ranks, s.replicate);   /* table of paths on the stack top */
    int ft = lua_gettop(L);
    const char **files = lua_newuserdatauv(L, (s.nfiles + 1) * sizeof *files, 0);
    for (size_t i = 0; i < s.nfiles; i++) {
        lua_rawgeti(L, ft, (lua_Integer)i + 1);
        files[i] = lua_tostring(L, -1);   /* kept alive by the table */
        lua_pop(L, 1);
    }
    s.files = files;
    for (size_t i = 0; i < s.nfiles; i++)
        ns_lua_note_input(L, files[i]);   /* no run may write its output over a trace */
    ns_chakra_info o;
    ns_err e = {0};
    if (ns_wl_chakra(w, &s, &o, &e))
        return ns_lua_raise(L, &e);
    if (o.unknown_types)
        warn(L, "%llu %s of a type netsim does not model (storage, batch, checkpoint, ...) became markers",
             (unsigned long long)o.unknown_types, "nodes");
    if (o.unmodelled_colls)
        warn(L, "%llu %s without comm_size or of a type other than ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, "
             "ALL_TO_ALL, BROADCAST, REDUCE, GATHER, SCATTER became markers", (unsigned long long)o.unmodelled_colls,
             "collective nodes");
    if (o.unknown_attrs)
        warn(L, "%llu %s netsim does not know were ignored", (unsigned long long)o.unknown_attrs, "attributes");
    if (o.pg_colls)
        warn(L, "%llu %s a process group (pg_name) that no process_group:init node of the trace defines: they "
             "run over all ranks", (unsigned long long)o.pg_colls, "collective nodes name");
    if (o.dropped_deps)
        warn(L, "%llu %s on missing nodes, on the node itself or on later records were dropped (repair = true)",
             (unsigned long long)o.dropped_deps, "dependencies");
    ns_lua_apply_after(L, 2, w, o.start_op, CTOR);
    ns_lua_push_op(L, 1, o.done_op);
    lua_newtable(L);
    push_count(L, "nodes", o.nodes);
    push_count(L, "deps", o.deps);
    push_count(L, "bytes", o.comm_bytes);
    push_count(L, "compute", o.compute);
    push_count(L, "memory", o.memory);
    push_count(L, "sends", o.sends);
    push_count(L, "recvs", o.recvs);
    push_count(L, "collectives", o.colls);
    push_count(L, "grouped", o.pg_resolved);
    push_count(L, "unknown_types", o.unknown_types);
    push_count(L, "unknown_attrs", o.unknown_attrs);
    push_count(L, "dropped_deps", o.dropped_deps);
    return 2;
}

const luaL_Reg ns_lua_chakra_methods[] = {
    {"chakra", w_chakra}, {NULL, NULL}
};
