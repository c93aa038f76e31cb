/*
 * strict.c - globals as Lua's strict.lua has them: reading a global
 * variable that was never assigned is an error that names it and the
 * scenario's file and line, instead of a silent nil (`after =
 * undefined_var` would otherwise drop a dependency without a word).
 * Assigning a new global is allowed anywhere; a global assigned nil stays
 * declared, and so do the globals there when the library is opened (the
 * standard libraries, even if --sandbox takes some away). rawget(_G, name)
 * tests for a global without the error.
 */
#include <config.h>
#include "netsimlib.h"

#include <lauxlib.h>

#define DECLARED_KEY "netsim.declared_globals"

/* __newindex of _G: remember the name, then assign */
static int
declare(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, DECLARED_KEY);
    lua_pushvalue(L, 2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_rawset(L, 1);
    return 0;
}

/* __index of _G: a name never assigned is an error at the reader's line */
static int
undefined(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, DECLARED_KEY);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL)
        return 0;                              /* declared, now nil: nil */
    luaL_where(L, 1);                          /* the Lua code that read it */
    if (lua_type(L, 2) == LUA_TSTRING)
        lua_pushfstring(L, "undefined global variable '%s' (to test for a global, use rawget(_G, \"%s\"))",
                        lua_tostring(L, 2), lua_tostring(L, 2));
    else
        lua_pushfstring(L, "undefined global variable (a key of type %s)", luaL_typename(L, 2));
    lua_concat(L, 2);
    return lua_error(L);
}

int
ns_luaopen_strict(lua_State *L)
{
    /* the globals there now are declared: a library that is later taken
     * away (--sandbox removes os, io, debug) reads as nil, not as an error */
    lua_newtable(L);
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushboolean(L, 1);
        lua_rawset(L, -5);
    }
    lua_pop(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, DECLARED_KEY);
    lua_pushglobaltable(L);
    luaL_newmetatable(L, "netsim.strict_globals");
    lua_pushcfunction(L, undefined);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, declare);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    return 0;
}
