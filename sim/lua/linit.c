/*
 * linit.c - opens every netsim library, as Lua's linit.c opens the standard
 * ones: the table below is the one place that lists the core, topology and
 * workload bindings. Adding a library is a row here and its declaration in
 * netsimlib.h.
 */
#include <config.h>
#include "netsimlib.h"

#include <lauxlib.h>
#include "lua_util.h"
#include "sim_lua.h"

/* in the order they are opened; each gets the netsim table (netsimlib.h) */
static const luaL_Reg netsim_libs[] = {
    {"core", ns_luaopen_core},
    {"topologies", ns_luaopen_topologies},
    {"workloads", ns_luaopen_workloads},
    {"param", ns_luaopen_param},
    {"textload", ns_luaopen_textload},
    {"strict", ns_luaopen_strict},       /* the globals so far are declared, later ones as assigned */
    {"sandbox", ns_luaopen_sandbox},     /* last: it removes what the others may have used */
    {NULL, NULL}
};

void
ns_lua_open_netsim(lua_State *L, const ns_cmdline *cmd, ns_params *params, ns_runlog *log)
{
    ns_lua_set_failure_flag(L, &log->sim_failed);
    ns_lua_set_input_set(L, &log->inputs);
    lua_newtable(L);
    int t = lua_gettop(L);
    for (const luaL_Reg *lib = netsim_libs; lib->func; lib++) {
        lua_pushlightuserdata(L, (void *)cmd);   /* read only, for all that the type says */
        lua_pushlightuserdata(L, params);
        lua_pushlightuserdata(L, log);
        lua_pushcclosure(L, lib->func, 3);
        lua_pushvalue(L, t);
        lua_call(L, 1, 0);
    }
    lua_pushvalue(L, t);
    lua_setglobal(L, "netsim");
    /* require("netsim") works too */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "netsim");
    lua_pop(L, 2);
}
