/*
 * textload.c - load, loadfile and dofile of Lua source text only.
 *
 * Lua does not verify precompiled chunks, and a malformed one can crash the
 * interpreter: scenarios load source text only. load(chunk, name, mode, env)
 * and loadfile(file, mode, env) get mode "t" whatever they were given;
 * dofile(file) loads its file as text. Opened after the base library; a
 * function the state lacks stays absent. Every file these (and require's
 * searcher of Lua files) load is noted as an input of the scenario, which no
 * run may write its output over (lua_util.h).
 */
#include <config.h>
#include "netsimlib.h"

#include <lauxlib.h>
#include <lualib.h>
#include "lua_util.h"

/* the wrapped loader (upvalue 1) with its mode argument (its position is
 * upvalue 2) replaced by "t"; upvalue 3 true: argument 1 names a file */
static int
text_only(lua_State *L)
{
    int mode_arg = (int)lua_tointeger(L, lua_upvalueindex(2));
    if (lua_toboolean(L, lua_upvalueindex(3)) && lua_type(L, 1) == LUA_TSTRING)
        ns_lua_note_input(L, lua_tostring(L, 1));
    if (lua_gettop(L) < mode_arg)
        lua_settop(L, mode_arg);       /* an absent env stays absent */
    lua_pushliteral(L, "t");
    lua_replace(L, mode_arg);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int
dofile_text(lua_State *L)
{
    const char *fname = luaL_optstring(L, 1, NULL);
    lua_settop(L, 1);
    if (fname)
        ns_lua_note_input(L, fname);
    if (luaL_loadfilex(L, fname, "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, LUA_MULTRET);
    return lua_gettop(L) - 1;
}

static void
wrap_loader(lua_State *L, const char *name, int mode_arg, int file_arg)
{
    if (lua_getglobal(L, name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, mode_arg);
    lua_pushboolean(L, file_arg);
    lua_pushcclosure(L, text_only, 3);
    lua_setglobal(L, name);
}

/* require's searcher of Lua files (upvalue 1): the file it found is an input */
static int
noting_searcher(lua_State *L)
{
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 1, 2);
    if (lua_type(L, -2) == LUA_TFUNCTION && lua_type(L, -1) == LUA_TSTRING)
        ns_lua_note_input(L, lua_tostring(L, -1));
    return 2;
}

static void
wrap_searcher(lua_State *L)
{
    if (lua_getglobal(L, LUA_LOADLIBNAME) == LUA_TTABLE && lua_getfield(L, -1, "searchers") == LUA_TTABLE &&
        lua_rawgeti(L, -1, 2) == LUA_TFUNCTION) {
        lua_pushcclosure(L, noting_searcher, 1);
        lua_rawseti(L, -2, 2);
    }
    lua_settop(L, 1);
}

int
ns_luaopen_textload(lua_State *L)
{
    wrap_loader(L, "load", 3, 0);
    wrap_loader(L, "loadfile", 2, 1);
    wrap_searcher(L);
    if (lua_getglobal(L, "dofile") == LUA_TFUNCTION) {
        lua_pushcfunction(L, dofile_text);
        lua_setglobal(L, "dofile");
    }
    lua_pop(L, 1);
    return 0;
}
