/*
 * wl_lua.h - helpers for workload builders' Lua bindings.
 */
#ifndef NS_WL_LUA_H
#define NS_WL_LUA_H

#include <lauxlib.h>
#include <lua.h>
#include "sim/error.h"
#include "sim/taskgraph.h"

/* a builder method w:name{...}: check that arg 1 is a workload and arg 2 a
 * table with only `fields`, stamp the scenario line, return the workload */
ns_workload *ns_lua_begin_builder(lua_State *L, const char *ctor, const char *const *fields);
/* raise e's message if rc < 0 (ns_lua_raise of sim/lua/lua_util.h: out of
 * memory makes the run fail with exit status 1), else return rc */
long ns_lua_checked(lua_State *L, long rc, const ns_err *e);
/* add the methods of every builder (collectives, schedules, ...) to the
 * table at index methods_idx: workloads/wl_methods.c */
void ns_lua_workload_methods(lua_State *L, int methods_idx);

/* field 'skew' of the table at index t (moe_lua.c): into s->skew and
 * s->skew_param; errors name ctx */
struct ns_moe_spec;
void ns_lua_moe_skew(lua_State *L, int t, const char *ctx, struct ns_moe_spec *s);

/* the methods of each builder file */
extern const luaL_Reg ns_collectives_methods[];   /* collectives_lua.c */
extern const luaL_Reg ns_diloco_methods[];        /* diloco_lua.c */
extern const luaL_Reg ns_training_methods[];      /* training_lua.c */
extern const luaL_Reg ns_lua_traffic_methods[];   /* background, replay: traffic_lua.c */
extern const luaL_Reg ns_lua_moe_methods[];       /* moe: moe_lua.c */
extern const luaL_Reg ns_lua_chakra_methods[];    /* chakra: chakra_lua.c */

#endif
