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
    static const luaL_Reg *const tables[] = {
        ns_collectives_methods, ns_diloco_methods, ns_lua_traffic_methods, ns_lua_moe_methods, ns_lua_chakra_methods, ns_training_methods, NULL
    };
    for (const luaL_Reg *const *t = tables; *t; t++) {
        lua_pushvalue(L, methods_idx);
        luaL_setfuncs(L, *t, 0);
        lua_pop(L, 1);
    }
}
