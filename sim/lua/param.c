/*
 * param.c - param(NAME, DEFAULT): the command line's NAME=VALUE converted to
 * DEFAULT's type, and the registry of pairs given and names asked for (see
 * param.h).
 */
#include <config.h>
#include "param.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netsimlib.h"
#include "sim/alloc.h"

const ns_param *
ns_params_find(const ns_params *p, const char *name, size_t len)
{
    for (size_t k = 0; k < p->ngiven; k++)
        if (strncmp(p->given[k].name, name, len) == 0 && p->given[k].name[len] == '\0')
            return &p->given[k];
    return NULL;
}

int
ns_params_add(ns_params *p, const char *name, size_t len, const char *value)
{
    size_t cap = p->ngiven;
    if (ns_grow((void **)&p->given, &cap, p->ngiven + 1, sizeof *p->given))
        return -1;
    ns_param *np = &p->given[p->ngiven++];
    np->name = ns_alloc(len + 1);
    np->value = ns_strdup(value);
    np->used = 0;
    if (np->name) {
        memcpy(np->name, name, len);
        np->name[len] = '\0';
    }
    return np->name && np->value ? 0 : -1;
}

int
ns_params_check_unused(const ns_params *p, char *buf, size_t n)
{
    for (size_t i = 0; i < p->ngiven; i++) {
        if (!p->given[i].used) {
            size_t len = (size_t)snprintf(buf, n, "parameter '%s' was given on the command line but the scenario "
                                          "never asks for it", p->given[i].name);
            if (p->nasked && len < n) {
                len += (size_t)snprintf(buf + len, n - len, " (it asks for:");
                for (size_t k = 0; k < p->nasked && len < n; k++)
                    len += (size_t)snprintf(buf + len, n - len, " %s", p->asked_names[k]);
                if (len < n)
                    snprintf(buf + len, n - len, ")");
            }
            return -1;
        }
    }
    return 0;
}

void
ns_params_free(ns_params *p)
{
    for (size_t i = 0; i < p->ngiven; i++) {
        ns_free(p->given[i].name);
        ns_free(p->given[i].value);
    }
    ns_free(p->given);
    for (size_t i = 0; i < p->nasked; i++) {
        ns_free(p->asked_names[i]);
        ns_free(p->asked_values[i]);
    }
    ns_free(p->asked_names);
    ns_free(p->asked_values);
    memset(p, 0, sizeof *p);
}

/* record that the scenario asked for `name` and got `value` (the first time only) */
static int
remember_param(ns_params *p, const char *name, const char *value)
{
    for (size_t i = 0; i < p->nasked; i++)
        if (strcmp(p->asked_names[i], name) == 0)
            return 0;
    size_t cap = p->asked_cap;
    if (ns_grow((void **)&p->asked_names, &cap, p->nasked + 1, sizeof(char *)))
        return -1;
    cap = p->asked_cap;
    if (ns_grow((void **)&p->asked_values, &cap, p->nasked + 1, sizeof(char *)))
        return -1;
    p->asked_cap = cap;
    char *n = ns_strdup(name), *v = ns_strdup(value);
    if (!n || !v) {
        ns_free(n);
        ns_free(v);
        return -1;
    }
    p->asked_names[p->nasked] = n;
    p->asked_values[p->nasked] = v;
    p->nasked++;
    return 0;
}

static int
parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1", NULL};
    static const char *const no[] = {"false", "no", "off", "0", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(s, yes[i]) == 0)
            return *out = 1, 0;
    for (int i = 0; no[i]; i++)
        if (strcmp(s, no[i]) == 0)
            return *out = 0, 0;
    return -1;
}

/* param(NAME, DEFAULT): the command line's NAME=VALUE converted to DEFAULT's
 * type; upvalue 1 is the registry */
static int
l_param(lua_State *L)
{
    ns_params *params = lua_touserdata(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 1);
    int dt = lua_type(L, 2);
    if (dt != LUA_TNUMBER && dt != LUA_TSTRING && dt != LUA_TBOOLEAN && dt != LUA_TNIL && dt != LUA_TNONE)
        return luaL_error(L, "param '%s': the default must be a number, a string or a boolean (got %s)",
                          name, luaL_typename(L, 2));
    ns_param *p = NULL;
    for (size_t i = 0; i < params->ngiven; i++)
        if (strcmp(params->given[i].name, name) == 0)
            p = &params->given[i];
    if (!p) {
        lua_settop(L, 2);
        if (dt == LUA_TNONE || dt == LUA_TNIL) {
            lua_pushnil(L);
            if (remember_param(params, name, ""))
                return luaL_error(L, "out of memory");
            return 1;
        }
        const char *txt = dt == LUA_TBOOLEAN ? (lua_toboolean(L, 2) ? "true" : "false") : luaL_tolstring(L, 2, NULL);
        if (remember_param(params, name, txt))
            return luaL_error(L, "out of memory");
        lua_settop(L, 2);
        return 1;
    }
    p->used = 1;
    if (remember_param(params, name, p->value))
        return luaL_error(L, "out of memory");
    const char *v = p->value;
    if (dt == LUA_TNUMBER) {
        if (lua_isinteger(L, 2)) {
            char *end;
            errno = 0;
            long long x = strtoll(v, &end, 10);
            if (*v && !*end && !errno) {
                lua_pushinteger(L, x);
                return 1;
            }
            return luaL_error(L, "param '%s': expected an integer (the default is %I), got '%s'",
                              name, lua_tointeger(L, 2), v);
        }
        if (lua_stringtonumber(L, v) == 0)
            return luaL_error(L, "param '%s': expected a number (the default is %f), got '%s'",
                              name, lua_tonumber(L, 2), v);
        lua_pushnumber(L, lua_tonumber(L, -1));
        return 1;
    }
    if (dt == LUA_TBOOLEAN) {
        int b;
        if (parse_bool(v, &b))
            return luaL_error(L, "param '%s': expected true or false, got '%s'", name, v);
        lua_pushboolean(L, b);
        return 1;
    }
    lua_pushstring(L, v);
    return 1;
}

int
ns_luaopen_param(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(NS_LUA_UV_PARAMS));
    lua_pushcclosure(L, l_param, 1);
    lua_setglobal(L, "param");
    return 0;
}
