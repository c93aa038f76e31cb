/*
 * wl_methods.c - the list of workload builder methods beyond the basic ops.
 * Each builder file exports a luaL_Reg table; this file adds them all.
 */
#include <config.h>
#include "wl_lua.h"

#include <lauxlib.h>

void
ns_lua_workload_methods(lua_State *L, int methods_idx)
{
    lua_pushvalue(L, methods_idx);
    luaL_setfuncs(L, ns_collectives_methods, 0);
    luaL_setfuncs(L, ns_diloco_methods, 0);
    lua_pop(L, 1);
}
