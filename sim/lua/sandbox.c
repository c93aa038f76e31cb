/*
 * sandbox.c - what a scenario may reach of the machine.
 *
 * Always: os.exit after the scenario has ended (in a finalizer that
 * lua_close runs) raises instead of exiting, so the exit status is the
 * scenario's. With --sandbox (ns_cmdline.sandbox) the scenario also loses
 * what reaches past netsim: the os, io and debug libraries (their globals
 * and their package.loaded entries), package.loadlib and the searchers of
 * C modules (package.cpath is emptied); require, dofile and loadfile still
 * load Lua source text (sim/lua/textload.c), and files are otherwise read
 * only by netsim's own readers (GraphML, traces, CDFs) and written only as
 * a run's output (sim_lua.c).
 */
#include <config.h>
#include "netsimlib.h"

#include <lauxlib.h>
#include <lualib.h>
#include "sim_lua.h"

/* os.exit (upvalue 1), refused once the scenario has ended (upvalue 2: the run log) */
static int
guarded_exit(lua_State *L)
{
    const ns_runlog *log = lua_touserdata(L, lua_upvalueindex(2));
    if (log->closed)
        return luaL_error(L, "os.exit called after the scenario ended (in a finalizer): ignored");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* push global `name`, read raw: strict.c (opened before) raises on a global
 * never declared, and a host program may not have opened the library
 * (the fuzz targets open no os, io or package); returns its type */
static int
raw_global(lua_State *L, const char *name)
{
    lua_pushglobaltable(L);
    lua_pushstring(L, name);
    int ty = lua_rawget(L, -2);
    lua_remove(L, -2);
    return ty;
}

/* remove global `name` and its package.loaded entry */
static void
drop_library(lua_State *L, const char *name)
{
    lua_pushnil(L);
    lua_setglobal(L, name);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushnil(L);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* package without loadlib, cpath or the C searchers (3: cpath, 4: all-in-one) */
static void
drop_c_modules(lua_State *L)
{
    if (raw_global(L, LUA_LOADLIBNAME) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pushnil(L);
    lua_setfield(L, -2, "loadlib");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    if (lua_getfield(L, -1, "searchers") == LUA_TTABLE) {
        lua_pushnil(L);
        lua_rawseti(L, -2, 4);
        lua_pushnil(L);
        lua_rawseti(L, -2, 3);
    }
    lua_pop(L, 2);
}

int
ns_luaopen_sandbox(lua_State *L)
{
    const ns_cmdline *cmd = lua_touserdata(L, lua_upvalueindex(NS_LUA_UV_CMDLINE));
    if (cmd->sandbox) {
        drop_library(L, LUA_OSLIBNAME);
        drop_library(L, LUA_IOLIBNAME);
        drop_library(L, LUA_DBLIBNAME);
        drop_c_modules(L);
        return 0;
    }
    if (raw_global(L, LUA_OSLIBNAME) == LUA_TTABLE) {
        if (lua_getfield(L, -1, "exit") == LUA_TFUNCTION) {
            lua_pushvalue(L, lua_upvalueindex(NS_LUA_UV_RUNLOG));
            lua_pushcclosure(L, guarded_exit, 2);
            lua_setfield(L, -2, "exit");
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return 0;
}
