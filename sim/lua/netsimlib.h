/*
 * netsimlib.h - the netsim libraries of a Lua state, as Lua's lualib.h
 * declares the standard ones: one opener per library, and
 * ns_lua_open_netsim (sim/lua/linit.c), which opens them all.
 *
 * An opener is a lua_CFunction called with the netsim table as its one
 * argument and the run context as its upvalues (NS_LUA_UV_CMDLINE,
 * NS_LUA_UV_PARAMS, NS_LUA_UV_RUNLOG: light userdata); it fills the table
 * (param and textload change globals instead) and returns nothing. The
 * libraries of topologies/ and workloads/ are declared here, not in their
 * folders, so that nothing under sim/ includes a header of theirs.
 * Only files that include lua.h include this header.
 */
#ifndef NS_NETSIMLIB_H
#define NS_NETSIMLIB_H

#include <lua.h>

typedef struct ns_cmdline ns_cmdline;
typedef struct ns_params ns_params;
typedef struct ns_runlog ns_runlog;

/* the upvalues of every opener */
#define NS_LUA_UV_CMDLINE 1   /* const ns_cmdline *: what the command line gives (sim/lua/sim_lua.h) */
#define NS_LUA_UV_PARAMS  2   /* ns_params *: the param() registry (sim/lua/param.h) */
#define NS_LUA_UV_RUNLOG  3   /* ns_runlog *: what the runs did (sim/lua/sim_lua.h) */

int ns_luaopen_core(lua_State *L);         /* run, rate, size, time, version, seed: sim/lua/sim_lua.c */
int ns_luaopen_param(lua_State *L);        /* the global param(NAME, DEFAULT): sim/lua/param.c */
int ns_luaopen_textload(lua_State *L);     /* load, loadfile, dofile of source text only: sim/lua/textload.c */
int ns_luaopen_sandbox(lua_State *L);      /* --sandbox, and os.exit after the end: sim/lua/sandbox.c */
int ns_luaopen_topologies(lua_State *L);   /* pair, star, leafspine, fattree, multidc, graph: topologies/topo_lua.c */
int ns_luaopen_workloads(lua_State *L);    /* workload() and its builders: workloads/wl_lua.c */
int ns_luaopen_strict(lua_State *L);       /* reading an undefined global is an error: sim/lua/strict.c */

/* Open every netsim library in L (after the standard ones, whose load,
 * loadfile and dofile it makes accept source text only): the global netsim
 * (also require("netsim")) and param(), bound to the run context. The three
 * structures must outlive L. Raises a Lua error (out of memory): call it in
 * protected mode. */
void ns_lua_open_netsim(lua_State *L, const ns_cmdline *cmd, ns_params *params, ns_runlog *log);

#endif
