/*
 * lua_util.h - helpers for the Lua bindings: checked constructor fields with
 * units, host lists, and the handles shared between binding files.
 *
 * Every checker raises a Lua error that starts with the scenario's
 * file:line and names the constructor, the field and the value, e.g.
 * "x.lua:3: leafspine: field 'spines' must be >= 1 (got 0)".
 * Only the bindings (sim/lua/, *_lua.c) include this header (it needs lua.h).
 */
#ifndef NS_LUA_UTIL_H
#define NS_LUA_UTIL_H

#include <lua.h>
#include <stdint.h>
#include "sim/time.h"

typedef struct ns_err ns_err;
typedef struct ns_file_set ns_file_set;
typedef struct ns_fabric ns_fabric;
typedef struct ns_workload ns_workload;

#define NS_FABRIC_MT   "netsim.Fabric"
#define NS_WORKLOAD_MT "netsim.Workload"
#define NS_OP_MT       "netsim.Op"

/* raise "ctor: message" at the scenario's current line */
/* "netsim: FILE:LINE: warning: CTOR: MESSAGE" on stderr, and go on: for a
 * setting that does not apply to the choices made (one scenario sweeps over
 * transports and policies; the setting is ignored, not an error) */
void ns_lua_warn(lua_State *L, const char *ctor, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* the one rule for a setting of a mode, transport or policy not in use: if
 * table t has `field`, warn "field 'FIELD' only applies with APPLIES;
 * ignored with IN_USE" (e.g. applies = "mode = \"dp\"") and go on */
void ns_lua_warn_unused(lua_State *L, int t, const char *ctor, const char *field, const char *applies,
                        const char *in_use);
int ns_lua_fail(lua_State *L, const char *ctor, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* table at index t must be a table with only the `allowed` keys (NULL-ended) */
void ns_lua_check_fields(lua_State *L, int t, const char *ctor, const char *const *allowed);
/* table argument `arg` of a constructor, checked against `allowed` */
void ns_lua_check_args(lua_State *L, int arg, const char *ctor, const char *const *allowed);
/* ns_lua_check_args and the fields' values in one pass over the table (for
 * builders called a million times from a loop): pushes one slot per name
 * of `allowed`, in order, holding its value (nil when absent), and returns
 * the index of the first; the *_at getters read them */
int  ns_lua_fields(lua_State *L, int arg, const char *ctor, const char *const *allowed);

/*
 * Option tables are read raw (lua_rawget, lua_rawlen, lua_rawgeti): no
 * metamethod of the scenario runs while a binding reads them, so nothing can
 * collect or change what the binding holds, and a field that a metatable's
 * __index would give counts as absent. A binding holds every C pointer it
 * takes from a Lua value only while that value is anchored: on the stack, or
 * in a table on the stack that only raw access touches.
 */
/* push t[field], read raw; returns its type, as lua_getfield does */
int         ns_lua_rawfield(lua_State *L, int t, const char *field);
/* field getters: `required` raises if missing; else `def` is returned */
int         ns_lua_has(lua_State *L, int t, const char *field);
uint64_t    ns_lua_rate(lua_State *L, int t, const char *ctor, const char *field, int required, uint64_t def);
uint64_t    ns_lua_size(lua_State *L, int t, const char *ctor, const char *field, int required, uint64_t def);
ns_time     ns_lua_time(lua_State *L, int t, const char *ctor, const char *field, int required, ns_time def);
lua_Integer ns_lua_int(lua_State *L, int t, const char *ctor, const char *field, int required,
                       lua_Integer def, lua_Integer min, lua_Integer max);
double      ns_lua_num(lua_State *L, int t, const char *ctor, const char *field, int required,
                       double def, double min, double max);
int         ns_lua_bool(lua_State *L, int t, const char *ctor, const char *field, int def);
/* the same conversions of a field's value at stack index idx (nil: absent) */
uint64_t    ns_lua_size_at(lua_State *L, int idx, const char *ctor, const char *field, int required, uint64_t def);
ns_time     ns_lua_time_at(lua_State *L, int idx, const char *ctor, const char *field, int required, ns_time def);
lua_Integer ns_lua_int_at(lua_State *L, int idx, const char *ctor, const char *field, int required,
                          lua_Integer def, lua_Integer min, lua_Integer max);
/* the string stays valid while its slot holds it */
const char *ns_lua_str_at(lua_State *L, int idx, const char *ctor, const char *field, int required,
                          const char *def);
/* string field; the result stays valid while the table is on the stack and
 * keeps the string: take it right before its use, with no Lua allocation in
 * between (an allocation may run a finalizer, which may change the table) */
const char *ns_lua_str(lua_State *L, int t, const char *ctor, const char *field, int required, const char *def);
/* the same, with the value left on the stack (nil when absent), which keeps
 * the string whatever happens to the table */
const char *ns_lua_str_keep(lua_State *L, int t, const char *ctor, const char *field, int required,
                            const char *def);
/* one of names[] (NULL-ended); returns its index */
int         ns_lua_option(lua_State *L, int t, const char *ctor, const char *field,
                          const char *const *names, int def);
/* the most hosts a list may hold: as many as the largest fabric */
#define NS_LUA_MAX_HOSTS (1 << 24)
/* a list of distinct host ids >= 1 (a Lua array of integers). Returns a
 * buffer owned by a userdata left on the stack top (so nothing leaks if a
 * later check raises); *n is the count. */
uint32_t   *ns_lua_hosts(lua_State *L, int t, const char *ctor, const char *field, size_t *n);

/* parse values (not fields): strings with units or bare numbers */
uint64_t    ns_lua_to_rate(lua_State *L, int idx, const char *what);
uint64_t    ns_lua_to_size(lua_State *L, int idx, const char *what);
ns_time     ns_lua_to_time(lua_State *L, int idx, const char *what);

/* handles shared across binding files; a handle whose object was freed (its
 * __gc ran: a finalizer of the scenario may still reach it, at the latest
 * when the state closes) raises an error */
ns_fabric   *ns_lua_check_fabric(lua_State *L, int idx);
ns_workload *ns_lua_check_workload(lua_State *L, int idx);
/* an op handle (netsim.Op): the block of its workload's handle, which the op
 * handle keeps alive, and the op's index */
typedef struct ns_op_handle {
    ns_workload **wbox;   /* NULL inside once the workload was freed */
    uint32_t      op;
} ns_op_handle;
/* the op handle at idx, or an error; *w gets its (live) workload */
ns_op_handle *ns_lua_op_handle(lua_State *L, int idx, ns_workload **w);
/* push a handle to op `op` of the workload userdata at index wl_idx (which
 * the caller checked: ns_lua_check_workload) */
void         ns_lua_push_op(lua_State *L, int wl_idx, uint32_t op);
/* the op index of handle at idx, which must belong to workload w */
uint32_t     ns_lua_check_op(lua_State *L, int idx, const ns_workload *w, const char *ctor);
/* read field `after` of table t (a handle or a list of handles) and add the
 * dependencies of op `op` */
void         ns_lua_apply_after(lua_State *L, int t, ns_workload *w, uint32_t op, const char *ctor);
/* the same, with the field's value at stack index idx (nil: none) */
void         ns_lua_after_at(lua_State *L, int idx, ns_workload *w, uint32_t op, const char *ctor);
/* stamp new ops with the scenario line calling the current C function */
void         ns_lua_stamp_line(lua_State *L, ns_workload *w);

/*
 * Failures of the simulator. An error of the simulator (out of memory, a
 * limit of the machine) is not a fault of the scenario: netsim then exits
 * with status 1, not 2. Whoever runs a scenario registers the int that
 * records it (the run log's sim_failed, see sim/lua/linit.c); a binding
 * raises a core error through ns_lua_raise, which sets that flag first when
 * the error is the simulator's. Nothing here knows who reads the flag.
 */
/* register `flag` (NULL: none) as the state's record of simulator failures */
void ns_lua_set_failure_flag(lua_State *L, int *flag);
/* raise a core error: e's message at the scenario line; NS_ENOMEM is
 * recorded as a failure of the simulator first */
int ns_lua_raise(lua_State *L, const ns_err *e);

/*
 * The files a scenario read. No run may write its output over one of them
 * (sim/fileset.h): whoever runs a scenario registers the set; every binding
 * that reads a file (GraphML, traces, CDFs, Lua source) notes it there once
 * it has read it.
 */
/* register `set` (NULL: none) as the state's record of the files read */
void ns_lua_set_input_set(lua_State *L, ns_file_set *set);
/* note that the scenario read the file at `path`; raises out of memory */
void ns_lua_note_input(lua_State *L, const char *path);

#endif
