/*
 * fuzz_lua.c - the Lua sandbox of the fuzz targets that run scenario text
 * (fuzz_scenario, fuzz_failures): a Lua state with the base, string,
 * table, math, utf8 and coroutine libraries (no io, os, package or debug;
 * no dofile or loadfile; print prints nothing), within bounds that keep
 * each input short: 200,000 Lua instructions, 64 MB of memory (the netsim
 * allocator's ceiling, which Lua's allocations share), and runs of at most
 * 5,000 events that write no file. netsim.graph{} may only name the GraphML
 * files of the tests (file = ".../NAME.graphml", from tests/data or
 * tests/fuzz/seeds/graphml).
 */
#include <config.h>
#include "fuzz.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim/alloc.h"
#include "sim/lua/netsimlib.h"
#include "sim/lua/param.h"
#include "sim/lua/sim_lua.h"

/* where netsim.graph{} finds its files, in the source tree */
static const char *const graph_dirs[] = {"tests/data", "tests/fuzz/seeds/graphml", NULL};

#define MAX_HOOKS   200        /* count hooks of 1,000 instructions each */
#define MAX_MEMORY  ((size_t)64 << 20)
#define MAX_EVENTS  5000

static volatile sig_atomic_t never;

/* the run context of one input: no NAME=VALUE pairs */
typedef struct fuzz_run {
    ns_cmdline  cmd;
    ns_params   params;
    ns_runlog   log;
    const char *arg;            /* the chunk's argument (...), or NULL */
    const char *input;          /* what fuzz_require prints */
} fuzz_run;

/* fuzz_require(cond, what): a property of the trusted chunk (upvalue 1: the run) */
static int
l_require(lua_State *L)
{
    fuzz_run *run = lua_touserdata(L, lua_upvalueindex(1));
    ns_fuzz_require(lua_toboolean(L, 1), luaL_optstring(L, 2, "fuzz_require"), run->input);
    return 0;
}

static void *
fuzz_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        ns_free(ptr);
        return NULL;
    }
    return ns_realloc(ptr, nsize);
}

static void
count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    int *n;
    lua_getfield(L, LUA_REGISTRYINDEX, "fuzz.hooks");
    n = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (n && ++*n > MAX_HOOKS)
        luaL_error(L, "fuzz: instruction limit");
}

static int
l_silent(lua_State *L)
{
    (void)L;
    return 0;
}

/* netsim.graph{file = ".../NAME.graphml", ...}: NAME.graphml of the graph folder only */
static int
l_graph_guard(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE && lua_getfield(L, 1, "file") == LUA_TSTRING) {
        const char *f = lua_tostring(L, -1);
        const char *base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
        size_t n = strlen(base);
        if (n < 9 || strcmp(base + n - 8, ".graphml") != 0)
            return luaL_error(L, "fuzz: graph files are NAME.graphml of the graph folder");
        int found = 0;
        for (int i = 0; graph_dirs[i] && !found; i++) {
            lua_pushfstring(L, "%s/%s/%s", ns_fuzz_srcdir(), graph_dirs[i], base);
            found = access(lua_tostring(L, -1), R_OK) == 0;
            if (!found)
                lua_pop(L, 1);
        }
        if (!found)
            return luaL_error(L, "fuzz: no graph file '%s' in the graph folders", base);
        lua_setfield(L, 1, "file");
    }
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

static int
pmain(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
        {NULL, NULL}
    };
    fuzz_run *run = lua_touserdata(L, 1);
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    ns_lua_open_netsim(L, &run->cmd, &run->params, &run->log);
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_pushcfunction(L, l_silent);
    lua_setglobal(L, "print");
    lua_getglobal(L, "netsim");
    lua_getfield(L, -1, "graph");
    lua_pushcclosure(L, l_graph_guard, 1);
    lua_setfield(L, -2, "graph");
    lua_pop(L, 1);
    if (run->arg) {
        lua_pushlightuserdata(L, run);
        lua_pushcclosure(L, l_require, 1);
        lua_setglobal(L, "fuzz_require");
    }
    if (luaL_loadbufferx(L, run->cmd.source, strlen(run->cmd.source), "@fuzz.lua", "t") != LUA_OK)
        return lua_error(L);
    if (run->arg)
        lua_pushstring(L, run->arg);
    lua_call(L, run->arg ? 1 : 0, 0);
    return 0;
}

void
ns_fuzz_lua(const char *target, const char *source, const char *arg)
{
    ns_alloc_set_limit(MAX_MEMORY);
    fuzz_run run;
    memset(&run, 0, sizeof run);
    run.cmd.script = "fuzz.lua";
    run.cmd.source = source;
    run.cmd.model = -1;
    run.cmd.quiet = 1;
    run.cmd.no_output = 1;
    run.cmd.max_events = MAX_EVENTS;
    run.cmd.stop = &never;
    run.arg = arg;
    run.input = arg ? arg : source;
    lua_State *L = lua_newstate(fuzz_alloc, NULL);
    if (L) {
        int hooks = 0;
        lua_pushlightuserdata(L, &hooks);
        lua_setfield(L, LUA_REGISTRYINDEX, "fuzz.hooks");
        lua_sethook(L, count_hook, LUA_MASKCOUNT, 1000);
        lua_pushcfunction(L, pmain);
        lua_pushlightuserdata(L, &run);
        /* an error is a normal outcome: any Lua value */
        if (lua_pcall(L, 1, 0, 0) != LUA_OK && getenv("NETSIM_FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_%s: %s\n", target,
                    lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
        lua_close(L);
    }
    /* what main() frees after the state */
    ns_params_free(&run.params);
    ns_runlog_free(&run.log);
    ns_alloc_set_limit(0);
    ns_fuzz_no_leak(target);
}

