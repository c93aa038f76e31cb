/*
 * lua_util.c - checked fields and shared handles for the bindings (see lua_util.h).
 */
#include <config.h>
#include "lua_util.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/error.h"
#include "sim/fileset.h"
#include "sim/taskgraph.h"
#include "sim/units.h"

/* registry key: a light userdata, the int that records simulator failures */
#define FAILURE_FLAG_KEY "netsim.sim_failed"

void
ns_lua_set_failure_flag(lua_State *L, int *flag)
{
    lua_pushlightuserdata(L, flag);
    lua_setfield(L, LUA_REGISTRYINDEX, FAILURE_FLAG_KEY);
}

/* registry key: a light userdata, the ns_file_set of the files read */
#define INPUT_SET_KEY "netsim.inputs"

void
ns_lua_set_input_set(lua_State *L, ns_file_set *set)
{
    lua_pushlightuserdata(L, set);
    lua_setfield(L, LUA_REGISTRYINDEX, INPUT_SET_KEY);
}

void
ns_lua_note_input(lua_State *L, const char *path)
{
    lua_getfield(L, LUA_REGISTRYINDEX, INPUT_SET_KEY);
    ns_file_set *set = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (set && ns_file_set_add(set, path)) {
        ns_err e;
        ns_errorf(&e, NS_ENOMEM, "out of memory noting the input file '%s'", path);
        ns_lua_raise(L, &e);
    }
}

int
ns_lua_raise(lua_State *L, const ns_err *e)
{
    if (e->code == NS_ENOMEM) {
        lua_getfield(L, LUA_REGISTRYINDEX, FAILURE_FLAG_KEY);   /* an existing key: allocates nothing */
        int *flag = lua_touserdata(L, -1);
        lua_pop(L, 1);
        if (flag)
            *flag = 1;
    }
    return luaL_error(L, "%s", e->msg);
}

void
ns_lua_warn(lua_State *L, const char *ctor, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    luaL_where(L, 1);
    fprintf(stderr, "netsim: %swarning: %s: %s\n", lua_tostring(L, -1), ctor, msg);
    lua_pop(L, 1);
}

void
ns_lua_warn_unused(lua_State *L, int t, const char *ctor, const char *field, const char *applies,
                   const char *in_use)
{
    if (ns_lua_has(L, t, field))
        ns_lua_warn(L, ctor, "field '%s' only applies with %s; ignored with %s", field, applies, in_use);
}

int
ns_lua_fail(lua_State *L, const char *ctor, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s: %s", ctor, msg);
}

/* the place of key k in allowed (NULL-ended), or -1 */
static int
field_index(const char *k, const char *const *allowed)
{
    for (int i = 0; allowed[i]; i++)
        if (allowed[i][0] == k[0] && strcmp(allowed[i], k) == 0)
            return i;
    return -1;
}

/* the key at the top of the stack (lua_next's) is not a field of `allowed`:
 * raise, naming it */
static void
bad_key(lua_State *L, const char *ctor, const char *const *allowed)
{
    if (lua_type(L, -1) != LUA_TSTRING)
        ns_lua_fail(L, ctor, "unexpected positional value (fields are written name = value)");
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (const char *const *a = allowed; *a && len < sizeof list; a++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", *a);
    ns_lua_fail(L, ctor, "unknown field '%s' (expected one of: %s)", lua_tostring(L, -1), list);
}

void
ns_lua_check_fields(lua_State *L, int t, const char *ctor, const char *const *allowed)
{
    t = lua_absindex(L, t);
    if (!lua_istable(L, t))
        ns_lua_fail(L, ctor, "expected a table of fields, got %s", luaL_typename(L, t));
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || field_index(lua_tostring(L, -1), allowed) < 0)
            bad_key(L, ctor, allowed);
    }
}

/* constructor argument `arg` must be a table */
static void
need_table(lua_State *L, int arg, const char *ctor)
{
    if (!lua_istable(L, arg))
        ns_lua_fail(L, ctor, "expected a table of fields, as in %s{...}, got %s", ctor, luaL_typename(L, arg));
}

int
ns_lua_fields(lua_State *L, int arg, const char *ctor, const char *const *allowed)
{
    need_table(L, arg, ctor);
    arg = lua_absindex(L, arg);
    int n = 0;
    while (allowed[n])
        n++;
    luaL_checkstack(L, n + 2, ctor);
    int base = lua_gettop(L) + 1;
    for (int i = 0; i < n; i++)
        lua_pushnil(L);
    lua_pushnil(L);
    while (lua_next(L, arg)) {
        int i = lua_type(L, -2) == LUA_TSTRING ? field_index(lua_tostring(L, -2), allowed) : -1;
        if (i < 0) {
            lua_pop(L, 1);
            bad_key(L, ctor, allowed);
        }
        lua_replace(L, base + i);   /* the value to its slot; the key stays for lua_next */
    }
    return base;
}

void
ns_lua_check_args(lua_State *L, int arg, const char *ctor, const char *const *allowed)
{
    need_table(L, arg, ctor);
    ns_lua_check_fields(L, arg, ctor, allowed);
}

int
ns_lua_rawfield(lua_State *L, int t, const char *field)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, field);
    return lua_rawget(L, t);
}

int
ns_lua_has(lua_State *L, int t, const char *field)
{
    int ty = ns_lua_rawfield(L, t, field);
    lua_pop(L, 1);
    return ty != LUA_TNIL;
}

/* push field (raw: no metamethod runs); returns 0 (and pushes nothing) if
 * missing and not required */
static int
get(lua_State *L, int t, const char *ctor, const char *field, int required)
{
    if (ns_lua_rawfield(L, t, field) == LUA_TNIL) {
        lua_pop(L, 1);
        if (required)
            ns_lua_fail(L, ctor, "field '%s' is required", field);
        return 0;
    }
    return 1;
}

typedef int parse_fn(const char *, void *, char *, size_t);

static void
value_text(lua_State *L, int idx, char *buf, size_t n)
{
    if (lua_type(L, idx) == LUA_TSTRING)
        snprintf(buf, n, "\"%s\"", lua_tostring(L, idx));
    else if (lua_isinteger(L, idx))
        snprintf(buf, n, "%lld", (long long)lua_tointeger(L, idx));
    else if (lua_type(L, idx) == LUA_TNUMBER)
        ns_format_number(lua_tonumber(L, idx), buf, n);   /* exact: 2^63, not 9.2233720368548e+18 */
    else
        snprintf(buf, n, "a %s", luaL_typename(L, idx));
}

enum { Q_RATE, Q_SIZE, Q_TIME };

/* a quantity at idx: a bare number in base units, or a string with a unit;
 * raises "what: why" otherwise. out is a uint64_t (rate, size) or ns_time. */
/* the last text of each kind parsed well, and its value: a scenario that
 * builds a million transfers of "1MB" in a loop parses it once (a parse is
 * a pure function of the text; both values are 8 bytes) */
static struct {
    char     text[32];
    size_t   len;          /* 0: none */
    uint64_t value;
} last_parsed[3];

static void
to_quantity(lua_State *L, int idx, const char *what, const char *field, int kind, void *out)
{
    static const char *const example[] = {
        "a rate such as \"100Gbps\"", "a size such as \"4MB\"", "a time such as \"10us\""
    };
    _Static_assert(sizeof(uint64_t) == sizeof(ns_time), "a quantity is 8 bytes");
    char why[256];
    int bad = 1;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        double v = lua_tonumber(L, idx);
        bad = kind == Q_RATE ? ns_rate_from_number(v, out, why, sizeof why)
            : kind == Q_SIZE ? ns_size_from_number(v, out, why, sizeof why)
            : ns_time_from_number(v, out, why, sizeof why);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *t = lua_tolstring(L, idx, &len);
        if (len > 0 && len == last_parsed[kind].len && memcmp(t, last_parsed[kind].text, len) == 0) {
            memcpy(out, &last_parsed[kind].value, sizeof last_parsed[kind].value);
            return;
        }
        bad = kind == Q_RATE ? ns_parse_rate(t, out, why, sizeof why)
            : kind == Q_SIZE ? ns_parse_size(t, out, why, sizeof why)
            : ns_parse_time(t, out, why, sizeof why);
        if (!bad && len < sizeof last_parsed[kind].text && strlen(t) == len) {
            memcpy(last_parsed[kind].text, t, len);
            last_parsed[kind].len = len;
            memcpy(&last_parsed[kind].value, out, sizeof last_parsed[kind].value);
        }
    } else {
        char t[64];
        value_text(L, idx, t, sizeof t);
        snprintf(why, sizeof why, "expected %s, got %s", example[kind], t);
    }
    if (bad && field)   /* what names the builder, field its field */
        luaL_error(L, "%s: field '%s': %s", what, field, why);
    if (bad)
        luaL_error(L, "%s: %s", what, why);
}

uint64_t
ns_lua_to_rate(lua_State *L, int idx, const char *what)
{
    uint64_t v = 0;
    to_quantity(L, idx, what, NULL, Q_RATE, &v);
    return v;
}

uint64_t
ns_lua_to_size(lua_State *L, int idx, const char *what)
{
    uint64_t v = 0;
    to_quantity(L, idx, what, NULL, Q_SIZE, &v);
    return v;
}

ns_time
ns_lua_to_time(lua_State *L, int idx, const char *what)
{
    ns_time v = 0;
    to_quantity(L, idx, what, NULL, Q_TIME, &v);
    return v;
}

/* a field's value at idx is absent (nil): raise when it is required */
static int
absent(lua_State *L, int idx, const char *ctor, const char *field, int required)
{
    if (!lua_isnil(L, idx))
        return 0;
    if (required)
        ns_lua_fail(L, ctor, "field '%s' is required", field);
    return 1;
}

/* a quantity field's value at idx into *out (a uint64_t or an ns_time),
 * which keeps its default when the field is absent */
static void
quantity_at(lua_State *L, int idx, const char *ctor, const char *field, int required, int kind, void *out)
{
    if (!absent(L, idx, ctor, field, required))
        to_quantity(L, idx, ctor, field, kind, out);
}

uint64_t
ns_lua_rate(lua_State *L, int t, const char *ctor, const char *field, int required, uint64_t def)
{
    if (!get(L, t, ctor, field, required))
        return def;
    quantity_at(L, -1, ctor, field, required, Q_RATE, &def);
    lua_pop(L, 1);
    return def;
}

uint64_t
ns_lua_size_at(lua_State *L, int idx, const char *ctor, const char *field, int required, uint64_t def)
{
    quantity_at(L, idx, ctor, field, required, Q_SIZE, &def);
    return def;
}

uint64_t
ns_lua_size(lua_State *L, int t, const char *ctor, const char *field, int required, uint64_t def)
{
    if (!get(L, t, ctor, field, required))
        return def;
    uint64_t v = ns_lua_size_at(L, -1, ctor, field, required, def);
    lua_pop(L, 1);
    return v;
}

ns_time
ns_lua_time_at(lua_State *L, int idx, const char *ctor, const char *field, int required, ns_time def)
{
    quantity_at(L, idx, ctor, field, required, Q_TIME, &def);
    return def;
}

ns_time
ns_lua_time(lua_State *L, int t, const char *ctor, const char *field, int required, ns_time def)
{
    if (!get(L, t, ctor, field, required))
        return def;
    ns_time v = ns_lua_time_at(L, -1, ctor, field, required, def);
    lua_pop(L, 1);
    return v;
}

lua_Integer
ns_lua_int(lua_State *L, int t, const char *ctor, const char *field, int required,
           lua_Integer def, lua_Integer min, lua_Integer max)
{
    if (!get(L, t, ctor, field, required))
        return def;
    lua_Integer v = ns_lua_int_at(L, -1, ctor, field, required, def, min, max);
    lua_pop(L, 1);
    return v;
}

lua_Integer
ns_lua_int_at(lua_State *L, int idx, const char *ctor, const char *field, int required,
              lua_Integer def, lua_Integer min, lua_Integer max)
{
    if (absent(L, idx, ctor, field, required))
        return def;
    int isint;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint) {
        char txt[64];
        value_text(L, idx, txt, sizeof txt);
        ns_lua_fail(L, ctor, "field '%s' must be an integer (got %s)", field, txt);
    }
    if (v < min)
        ns_lua_fail(L, ctor, "field '%s' must be >= %lld (got %lld)", field, (long long)min, (long long)v);
    if (v > max)
        ns_lua_fail(L, ctor, "field '%s' must be <= %lld (got %lld)", field, (long long)max, (long long)v);
    return v;
}

double
ns_lua_num(lua_State *L, int t, const char *ctor, const char *field, int required,
           double def, double min, double max)
{
    if (!get(L, t, ctor, field, required))
        return def;
    if (lua_type(L, -1) != LUA_TNUMBER) {
        char txt[64];
        value_text(L, -1, txt, sizeof txt);
        ns_lua_fail(L, ctor, "field '%s' must be a number (got %s)", field, txt);
    }
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    if (isnan(v))
        ns_lua_fail(L, ctor, "field '%s' must be a number (got nan)", field);
    if (!(v >= min) || !(v <= max)) {
        char lo[40], hi[40], got[40];
        ns_format_number(min, lo, sizeof lo);
        ns_format_number(max, hi, sizeof hi);
        ns_format_number(v, got, sizeof got);
        ns_lua_fail(L, ctor, "field '%s' must be between %s and %s (got %s)", field, lo, hi, got);
    }
    return v;
}

int
ns_lua_bool(lua_State *L, int t, const char *ctor, const char *field, int def)
{
    if (!get(L, t, ctor, field, 0))
        return def;
    if (!lua_isboolean(L, -1)) {
        char txt[64];
        value_text(L, -1, txt, sizeof txt);
        ns_lua_fail(L, ctor, "field '%s' must be true or false (got %s)", field, txt);
    }
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

const char *
ns_lua_str_at(lua_State *L, int idx, const char *ctor, const char *field, int required, const char *def)
{
    if (absent(L, idx, ctor, field, required))
        return def;
    if (lua_type(L, idx) != LUA_TSTRING) {
        char txt[64];
        value_text(L, idx, txt, sizeof txt);
        ns_lua_fail(L, ctor, "field '%s' must be a string (got %s)", field, txt);
    }
    return lua_tostring(L, idx);
}

const char *
ns_lua_str(lua_State *L, int t, const char *ctor, const char *field, int required, const char *def)
{
    if (!get(L, t, ctor, field, required))
        return def;
    const char *s = ns_lua_str_at(L, -1, ctor, field, required, def);
    lua_pop(L, 1);   /* the table still holds the string */
    return s;
}

const char *
ns_lua_str_keep(lua_State *L, int t, const char *ctor, const char *field, int required, const char *def)
{
    int ty = ns_lua_rawfield(L, t, field);   /* the value is on the stack from here on */
    if (ty == LUA_TNIL) {
        if (required)
            ns_lua_fail(L, ctor, "field '%s' is required", field);
        return def;
    }
    if (ty != LUA_TSTRING) {
        char txt[64];
        value_text(L, -1, txt, sizeof txt);
        ns_lua_fail(L, ctor, "field '%s' must be a string (got %s)", field, txt);
    }
    return lua_tostring(L, -1);
}

int
ns_lua_option(lua_State *L, int t, const char *ctor, const char *field,
              const char *const *names, int def)
{
    const char *s = ns_lua_str(L, t, ctor, field, 0, NULL);
    if (!s)
        return def;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    char list[256];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; names[i] && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"", len ? ", " : "", names[i]);
    ns_lua_fail(L, ctor, "field '%s' must be one of %s (got \"%s\")", field, list, s);
    return def;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

uint32_t *
ns_lua_hosts(lua_State *L, int t, const char *ctor, const char *field, size_t *n)
{
    t = lua_absindex(L, t);
    if (ns_lua_rawfield(L, t, field) != LUA_TTABLE) {
        int missing = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (missing)
            ns_lua_fail(L, ctor, "field '%s' is required (a list of host ids)", field);
        ns_lua_fail(L, ctor, "field '%s' must be a list of host ids", field);
    }
    int list = lua_gettop(L);
    lua_Integer len = (lua_Integer)lua_rawlen(L, list);   /* raw: no __len runs */
    if (len < 1)
        ns_lua_fail(L, ctor, "field '%s' is an empty list", field);
    if (len > NS_LUA_MAX_HOSTS)
        ns_lua_fail(L, ctor, "field '%s' lists %lld hosts, more than a fabric has (at most %d)", field,
                    (long long)len, NS_LUA_MAX_HOSTS);
    uint32_t *ids = lua_newuserdatauv(L, (size_t)len * sizeof *ids, 0);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, list, i);
        int isint;
        lua_Integer h = lua_tointegerx(L, -1, &isint);
        if (!isint || h < 1 || h > UINT32_MAX)
            ns_lua_fail(L, ctor, "field '%s': entry %lld is not a host id >= 1", field, (long long)i);
        lua_pop(L, 1);
        ids[i - 1] = (uint32_t)h;
    }
    /* duplicates: sort a copy */
    uint32_t *tmp = lua_newuserdatauv(L, (size_t)len * sizeof *tmp, 0);
    memcpy(tmp, ids, (size_t)len * sizeof *tmp);
    qsort(tmp, (size_t)len, sizeof *tmp, cmp_u32);
    for (lua_Integer i = 1; i < len; i++)
        if (tmp[i] == tmp[i - 1])
            ns_lua_fail(L, ctor, "field '%s': host %u appears more than once", field, tmp[i]);
    lua_pop(L, 1);          /* tmp */
    lua_remove(L, list);    /* leave ids on top */
    *n = (size_t)len;
    return ids;
}

/* --- handles -------------------------------------------------------------- */

ns_fabric *
ns_lua_check_fabric(lua_State *L, int idx)
{
    ns_fabric **box = luaL_testudata(L, idx, NS_FABRIC_MT);
    if (!box)
        luaL_error(L, "expected a fabric (from netsim.star, netsim.leafspine, ...), got %s", luaL_typename(L, idx));
    if (!*box)
        luaL_error(L, "attempt to use a fabric that was freed (in a finalizer, __gc)");
    return *box;
}

ns_workload *
ns_lua_check_workload(lua_State *L, int idx)
{
    ns_workload **box = luaL_testudata(L, idx, NS_WORKLOAD_MT);
    if (!box)
        luaL_error(L, "expected a workload (from netsim.workload()), got %s", luaL_typename(L, idx));
    if (!*box)
        luaL_error(L, "attempt to use a workload that was freed (in a finalizer, __gc)");
    return *box;
}

ns_op_handle *
ns_lua_op_handle(lua_State *L, int idx, ns_workload **w)
{
    ns_op_handle *h = luaL_checkudata(L, idx, NS_OP_MT);
    if (!*h->wbox)
        luaL_error(L, "attempt to use an op of a workload that was freed (in a finalizer, __gc)");
    *w = *h->wbox;
    return h;
}

void
ns_lua_push_op(lua_State *L, int wl_idx, uint32_t op)
{
    wl_idx = lua_absindex(L, wl_idx);
    ns_op_handle *h = lua_newuserdatauv(L, sizeof *h, 1);
    h->wbox = lua_touserdata(L, wl_idx);
    h->op = op;
    luaL_setmetatable(L, NS_OP_MT);
    lua_pushvalue(L, wl_idx);
    lua_setiuservalue(L, -2, 1);   /* the handle keeps its workload alive */
}

uint32_t
ns_lua_check_op(lua_State *L, int idx, const ns_workload *w, const char *ctor)
{
    ns_op_handle *h = luaL_testudata(L, idx, NS_OP_MT);
    if (!h)
        ns_lua_fail(L, ctor, "expected an op handle (returned by w:transfer, w:compute, ...), got %s",
                    luaL_typename(L, idx));
    if (*h->wbox != w)
        ns_lua_fail(L, ctor, "op handle belongs to another workload");
    return h->op;
}

void
ns_lua_after_at(lua_State *L, int idx, ns_workload *w, uint32_t op, const char *ctor)
{
    idx = lua_absindex(L, idx);
    int ty = lua_type(L, idx);
    if (ty == LUA_TNIL)
        return;
    ns_err e;
    if (ty == LUA_TUSERDATA) {
        uint32_t dep = ns_lua_check_op(L, idx, w, ctor);
        if (ns_wl_after(w, op, dep, &e))
            ns_lua_fail(L, ctor, "%s", e.msg);
    } else if (ty == LUA_TTABLE) {
        lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
        for (lua_Integer i = 1; i <= len; i++) {
            lua_rawgeti(L, idx, i);
            uint32_t dep = ns_lua_check_op(L, -1, w, ctor);
            lua_pop(L, 1);
            if (ns_wl_after(w, op, dep, &e))
                ns_lua_fail(L, ctor, "%s", e.msg);
        }
    } else {
        ns_lua_fail(L, ctor, "field 'after' must be an op handle or a list of them (got %s)",
                    luaL_typename(L, idx));
    }
}

void
ns_lua_apply_after(lua_State *L, int t, ns_workload *w, uint32_t op, const char *ctor)
{
    t = lua_absindex(L, t);
    ns_lua_rawfield(L, t, "after");
    ns_lua_after_at(L, -1, w, op, ctor);
    lua_pop(L, 1);
}

void
ns_lua_stamp_line(lua_State *L, ns_workload *w)
{
    lua_Debug ar;
    w->cur_line = 0;
    /* the source ("S") only until the chunk's name is known: it formats the name every time */
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, w->chunk[0] ? "l" : "Sl", &ar)) {
        w->cur_line = ar.currentline > 0 ? ar.currentline : 0;
        if (!w->chunk[0] && ar.source[0] == '@')
            snprintf(w->chunk, sizeof w->chunk, "%s", ar.short_src);
    }
}
