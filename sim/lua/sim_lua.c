/*
 * sim_lua.c - the netsim module: param(), netsim.run{}, and small helpers
 * (netsim.rate, netsim.size, netsim.time). netsim.run builds the
 * simulation, runs it, writes the HDF5 file (under a temporary name, renamed
 * when complete) and returns the summary as a table.
 */
#include <config.h>
#include "sim_lua.h"

#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "sim/alloc.h"
#include "sim/output/h5out.h"
#include "sim/estimate.h"
#include "sim/settings.h"
#include "lua_util.h"
#include "sim/sim.h"
#include "sim/output/summary.h"
#include "sim/units.h"

#define CLI_KEY "netsim.cli"

static ns_cli *
get_cli(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, CLI_KEY);
    ns_cli *cli = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return cli;
}

void
ns_lua_sim_failed(lua_State *L)
{
    ns_cli *cli = get_cli(L);
    if (cli)
        cli->sim_failed = 1;
}

static double
wall_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* --- param() ----------------------------------------------------------------- */

static int
remember_param(ns_cli *cli, const char *name, const char *value)
{
    for (size_t i = 0; i < cli->nasked; i++)
        if (strcmp(cli->asked_names[i], name) == 0)
            return 0;
    size_t cap = cli->asked_cap;
    if (ns_grow((void **)&cli->asked_names, &cap, cli->nasked + 1, sizeof(char *)))
        return -1;
    cap = cli->asked_cap;
    if (ns_grow((void **)&cli->asked_values, &cap, cli->nasked + 1, sizeof(char *)))
        return -1;
    cli->asked_cap = cap;
    char *n = ns_strdup(name), *v = ns_strdup(value);
    if (!n || !v) {
        ns_free(n);
        ns_free(v);
        return -1;
    }
    cli->asked_names[cli->nasked] = n;
    cli->asked_values[cli->nasked] = v;
    cli->nasked++;
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

/* param(NAME, DEFAULT): the command line's NAME=VALUE converted to DEFAULT's type */
static int
l_param(lua_State *L)
{
    ns_cli *cli = get_cli(L);
    const char *name = luaL_checkstring(L, 1);
    int dt = lua_type(L, 2);
    if (dt != LUA_TNUMBER && dt != LUA_TSTRING && dt != LUA_TBOOLEAN && dt != LUA_TNIL && dt != LUA_TNONE)
        return luaL_error(L, "param '%s': the default must be a number, a string or a boolean (got %s)",
                          name, luaL_typename(L, 2));
    ns_param *p = NULL;
    for (size_t i = 0; i < cli->nparams; i++)
        if (strcmp(cli->params[i].name, name) == 0)
            p = &cli->params[i];
    if (!p) {
        lua_settop(L, 2);
        if (dt == LUA_TNONE || dt == LUA_TNIL) {
            lua_pushnil(L);
            if (remember_param(cli, name, ""))
                return luaL_error(L, "out of memory");
            return 1;
        }
        const char *txt = dt == LUA_TBOOLEAN ? (lua_toboolean(L, 2) ? "true" : "false") : luaL_tolstring(L, 2, NULL);
        if (remember_param(cli, name, txt))
            return luaL_error(L, "out of memory");
        lua_settop(L, 2);
        return 1;
    }
    p->used = 1;
    if (remember_param(cli, name, p->value))
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
ns_cli_check_unused(ns_cli *cli, char *buf, size_t n)
{
    for (size_t i = 0; i < cli->nparams; i++) {
        if (!cli->params[i].used) {
            size_t len = (size_t)snprintf(buf, n, "parameter '%s' was given on the command line but the scenario "
                                          "never asks for it", cli->params[i].name);
            if (cli->nasked && len < n) {
                len += (size_t)snprintf(buf + len, n - len, " (it asks for:");
                for (size_t k = 0; k < cli->nasked && len < n; k++)
                    len += (size_t)snprintf(buf + len, n - len, " %s", cli->asked_names[k]);
                if (len < n)
                    snprintf(buf + len, n - len, ")");
            }
            return -1;
        }
    }
    return 0;
}

/* --- units ------------------------------------------------------------------- */

static int
l_rate(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)ns_lua_to_rate(L, 1, "netsim.rate"));
    return 1;
}

static int
l_size(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ns_lua_to_size(L, 1, "netsim.size"));
    return 1;
}

static int
l_time(lua_State *L)
{
    lua_pushnumber(L, ns_time_to_s(ns_lua_to_time(L, 1, "netsim.time")));
    return 1;
}

/* --- run ------------------------------------------------------------------------ */

typedef struct progress_ctx {
    ns_cli *cli;
    double  t0, last;
    int     shown;
} progress_ctx;

static void
show_progress(void *ctxp, ns_sim *sim)
{
    progress_ctx *p = ctxp;
    double now = wall_now();
    if (now - p->last < 0.25)
        return;
    p->last = now;
    double el = now - p->t0;
    double frac = sim->wl->nops ? (double)sim->ops_done / (double)sim->wl->nops : 0;
    char t[32], eta[32] = "?";
    ns_format_time(sim->now, t, sizeof t);
    if (frac > 0.001)
        snprintf(eta, sizeof eta, "%.0f s", el * (1 - frac) / frac);
    fprintf(stderr, "\r\033[K[netsim] t = %s  %.1f%% of ops  %.3g events/s  about %s left",
            t, 100 * frac, el > 0 ? (double)sim->events / el : 0, eta);
    fflush(stderr);
    p->shown = 1;
}

typedef struct run_opts {
    ns_run_cfg cfg;
    const char *output;
} run_opts;

/* one of the rows of a table of descriptors (`name` gives their names) */
static int
read_row(lua_State *L, const char *field, const char *(*name)(int), int def)
{
    const char *names[32];
    int k = 0;
    while (k < 31 && (names[k] = name(k)))
        k++;
    names[k] = NULL;
    return ns_lua_option(L, 1, "run", field, names, def);
}

/* the settings reader (sim/settings.h) over the Lua table at the top of
 * the stack: its checks raise with "run: <transport>: ..." */
static void
lua_settings_check(const ns_settings *s, const char *const *allowed)
{
    ns_lua_check_fields(s->ctx, -1, s->what, allowed);
}

static int64_t
lua_settings_integer(const ns_settings *s, const char *field, int64_t def, int64_t min, int64_t max)
{
    lua_State *L = s->ctx;
    return ns_lua_int(L, lua_gettop(L), s->what, field, 0, def, min, max);
}

static double
lua_settings_number(const ns_settings *s, const char *field, double def, double min, double max)
{
    lua_State *L = s->ctx;
    return ns_lua_num(L, lua_gettop(L), s->what, field, 0, def, min, max);
}

static ns_time
lua_settings_time(const ns_settings *s, const char *field, ns_time def)
{
    lua_State *L = s->ctx;
    return ns_lua_time(L, lua_gettop(L), s->what, field, 0, def);
}

static int
lua_settings_fail(const ns_settings *s, const char *msg)
{
    return ns_lua_fail(s->ctx, s->what, "%s", msg);
}

/* the settings tables of the transports (run{dctcp = {...}}) */
static void
read_transport_settings(lua_State *L, ns_run_cfg *c)
{
    for (int row = 0; ns_transport_name(row); row++) {
        const char *name = ns_transport_name(row);
        if (!ns_transport_has_settings(row))
            continue;
        if (lua_getfield(L, 1, name) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "run: %s", name);
        ns_settings r = {L, what, lua_settings_check, lua_settings_integer, lua_settings_number,
                         lua_settings_time, lua_settings_fail};
        ns_transport_settings(row, &r, c);   /* raises on a bad value */
        lua_pop(L, 1);
    }
}

/* the fields of run{}: `fields`, with the settings tables of the
 * transports (dctcp = {...}) after "transport"; in buf[n] */
static const char *const *
run_fields(const char *const *fields, const char **buf, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; fields[i] && k + 1 < n; i++) {
        buf[k++] = fields[i];
        if (strcmp(fields[i], "transport") == 0)
            for (int row = 0; ns_transport_name(row) && k + 1 < n; row++)
                if (ns_transport_has_settings(row))
                    buf[k++] = ns_transport_name(row);
    }
    buf[k] = NULL;
    return buf;
}

/* a transport's settings table given with another transport */
static void
check_transport_settings(lua_State *L, const ns_run_cfg *c)
{
    for (int row = 0; ns_transport_name(row); row++) {
        const char *name = ns_transport_name(row);
        if (row != c->transport && ns_transport_has_settings(row) && ns_lua_has(L, 1, name))
            ns_lua_fail(L, "run", "field '%s' only applies with transport = \"%s\"", name, name);
    }
}

/* the visitor that fills a Lua table */
static void
lua_field(void *ctx, const char *name, double v, int integral)
{
    lua_State *L = ctx;
    if (integral)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

static void
push_summary_table(lua_State *L, const ns_summary *s)
{
    lua_newtable(L);
    ns_summary_visit(s, lua_field, L);
    lua_newtable(L);
    lua_pushnumber(L, ns_time_to_s(s->fct_p50_ps));
    lua_setfield(L, -2, "p50");
    lua_pushnumber(L, ns_time_to_s(s->fct_p99_ps));
    lua_setfield(L, -2, "p99");
    lua_pushnumber(L, ns_time_to_s(s->fct_max_ps));
    lua_setfield(L, -2, "max");
    lua_pushnumber(L, s->fct_mean_ps * 1e-12);
    lua_setfield(L, -2, "mean");
    lua_setfield(L, -2, "fct");
}

/* the default output: the scenario's name with .h5, in the current folder */
static void
default_output(const char *script, char *buf, size_t n)
{
    const char *base = strrchr(script, '/');
    base = base ? base + 1 : script;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".lua") == 0)
        len -= 4;
    snprintf(buf, n, "%.*s.h5", (int)len, base);
}

/*
 * Simulate and write the output. Frees everything it made before returning;
 * NS_OK with *s filled, or an error code with a message in e.
 */
static int
simulate(ns_cli *cli, const ns_fabric *fab, const ns_workload *wl, const run_opts *o,
         const char *output, ns_summary *s, ns_err *e)
{
    ns_sim *sim = NULL;
    ns_h5out *h5 = NULL;
    char tmp[4200];
    int rc, have_tmp = 0;
    snprintf(tmp, sizeof tmp, "%s.part-%ld", output, (long)getpid());
    rc = ns_sim_new(fab, wl, &o->cfg, &sim, e);
    if (rc)
        return rc;
    if (!cli->no_output) {
        rc = ns_h5out_open(&h5, tmp, fab->nlinks, e);
        if (rc)
            goto out;
        have_tmp = 1;
        if (o->cfg.sample_ps > 0)
            ns_sim_set_sampler(sim, ns_h5out_sample, h5);
    }
    progress_ctx pc = { cli, wall_now(), wall_now(), 0 };
    if (cli->progress && !cli->quiet)
        ns_sim_set_progress(sim, show_progress, &pc, 1 << 16);
    sim->stop_flag = (volatile int *)cli->stop;
    sim->max_events = cli->max_events;
    rc = ns_sim_run(sim);
    if (pc.shown)
        fprintf(stderr, "\r\033[K");
    if (rc) {
        ns_errorf(e, rc, "%s", ns_sim_errmsg(sim));
        goto out;
    }
    if (ns_summary_compute(s, sim, wall_now() - pc.t0)) {
        rc = ns_enomem(e, "the summary");
        goto out;
    }
    if (h5) {
        const ns_h5meta meta = {
            cli->source, (const char *const *)cli->asked_names, (const char *const *)cli->asked_values,
            cli->nasked, cli->command_line, cli->script
        };
        rc = ns_h5out_finish(h5, sim, s, &meta, e);
        ns_h5out_close(h5);
        h5 = NULL;
        if (rc)
            goto out;
    }
    if (sim->stopped == 1) {
        /* interrupted: keep what we have, under a name no sweep takes for complete */
        char partial[4300];
        snprintf(partial, sizeof partial, "%s.partial", output);
        if (have_tmp && rename(tmp, partial) == 0)
            have_tmp = 0;
        cli->interrupted = 1;
        rc = ns_errorf(e, NS_EINTR, "interrupted at simulated time %.9g s after %llu events; "
                       "what was simulated is in %s", ns_time_to_s(sim->now),
                       (unsigned long long)sim->events, have_tmp || cli->no_output ? "no file" : partial);
        goto out;
    }
    if (have_tmp) {
        if (rename(tmp, output) != 0) {
            rc = ns_errorf(e, NS_EIO, "cannot rename %s to %s: %s", tmp, output, strerror(errno));
            goto out;
        }
        have_tmp = 0;
    }
out:
    ns_h5out_close(h5);
    if (have_tmp)
        unlink(tmp);
    ns_sim_free(sim);
    return rc;
}

static int
l_run(lua_State *L)
{
    static const char *const fields[] = {
        "fabric", "workload", "model", "lb", "spray", "flowlet_gap", "subflows", "transport",
        "seed", "until", "duration", "output", "sample", "flow_solver", NULL
    };
    const char *all[48];
    ns_cli *cli = get_cli(L);
    ns_lua_check_args(L, 1, "run", run_fields(fields, all, 48));
    lua_getfield(L, 1, "fabric");
    if (lua_isnil(L, -1))
        return ns_lua_fail(L, "run", "field 'fabric' is required");
    ns_fabric *fab = ns_lua_check_fabric(L, -1);
    lua_getfield(L, 1, "workload");
    if (lua_isnil(L, -1))
        return ns_lua_fail(L, "run", "field 'workload' is required");
    ns_workload *wl = ns_lua_check_workload(L, -1);
    lua_pop(L, 2);   /* both stay referenced by the argument table */

    run_opts o;
    ns_run_cfg_defaults(&o.cfg);
    o.cfg.model = read_row(L, "model", ns_model_name, NS_MODEL_PACKET);
    if (cli->model >= 0)
        o.cfg.model = cli->model;
    o.cfg.lb = ns_lua_option(L, 1, "run", "lb", ns_lb_names, NS_LB_ECMP);
    o.cfg.spray = ns_lua_option(L, 1, "run", "spray", ns_spray_names, NS_SPRAY_RANDOM);
    o.cfg.flowlet_gap_ps = ns_lua_time(L, 1, "run", "flowlet_gap", 0, o.cfg.flowlet_gap_ps);
    o.cfg.subflows = (uint32_t)ns_lua_int(L, 1, "run", "subflows", 0, 1, 1, 65535);
    o.cfg.transport = read_row(L, "transport", ns_transport_name, NS_TP_IDEAL);
    read_transport_settings(L, &o.cfg);
    o.cfg.seed = (uint64_t)ns_lua_int(L, 1, "run", "seed", 0, (lua_Integer)wl->seed, 0, INT64_MAX);
    if (cli->seed_set)
        o.cfg.seed = cli->seed;
    /* `until` is a Lua keyword (["until"] = ...): `duration` says the same */
    if (ns_lua_has(L, 1, "until") && ns_lua_has(L, 1, "duration"))
        ns_lua_fail(L, "run", "give 'until' or 'duration', not both (they are the same)");
    o.cfg.until_ps = ns_lua_time(L, 1, "run", "until", 0, 0);
    o.cfg.until_ps = ns_lua_time(L, 1, "run", "duration", 0, o.cfg.until_ps);
    o.cfg.sample_ps = ns_lua_time(L, 1, "run", "sample", 0, 0);
    o.cfg.flow_solver = ns_lua_option(L, 1, "run", "flow_solver", ns_flow_solver_names, 0);
    if (ns_lua_has(L, 1, "spray") && o.cfg.lb != NS_LB_SPRAY)
        ns_lua_fail(L, "run", "field 'spray' only applies with lb = \"spray\"");
    if (ns_lua_has(L, 1, "flowlet_gap") && o.cfg.lb != NS_LB_FLOWLET)
        ns_lua_fail(L, "run", "field 'flowlet_gap' only applies with lb = \"flowlet\"");
    check_transport_settings(L, &o.cfg);
    if (o.cfg.flowlet_gap_ps <= 0)
        ns_lua_fail(L, "run", "field 'flowlet_gap' must be positive");

    char outbuf[4096];
    const char *output = cli->output;
    if (!output)
        output = ns_lua_str(L, 1, "run", "output", 0, NULL);
    if (!output) {
        default_output(cli->script, outbuf, sizeof outbuf);
        output = outbuf;
    }
    char why[1024];
    if (cli->runs == 0 && ns_cli_check_unused(cli, why, sizeof why))
        return luaL_error(L, "%s", why);
    for (size_t i = 0; i < cli->noutputs; i++)
        if (strcmp(cli->outputs[i], output) == 0)
            return ns_lua_fail(L, "run", "output '%s' was already written by an earlier netsim.run in this "
                               "scenario; give each run its own output = \"...\"%s", output,
                               cli->output ? " (and do not use -o)" : "");
    cli->runs++;

    ns_summary s;
    memset(&s, 0, sizeof s);
    /* what the run would need, before anything is built for it */
    ns_mem_est est;
    char detail[400], need[32], have[32];
    ns_mem_estimate(fab, wl, &o.cfg, &est);
    ns_mem_describe(&est, o.cfg.model, detail, sizeof detail);
    ns_format_size(est.total, need, sizeof need);
    ns_format_size(ns_mem_budget(), have, sizeof have);
    if (cli->check) {
        if (!cli->quiet) {
            printf("check: %s fabric with %zu hosts, %zu switches, %zu links; workload of %zu ops "
                   "(%zu dependencies); output would be %s\n", fab->kind, fab->nhosts, fab->nnodes - fab->nhosts,
                   fab->nlinks, wl->nops, wl->ndeps, output);
            printf("check: memory estimate %s (%s), of %s netsim may use\n", need, detail, have);
        }
    }
    ns_err me = {0};
    if (ns_mem_check(est.total, "run: this run", detail, &me)) {
        cli->sim_failed = 1;
        return luaL_error(L, "%s", me.msg);
    }
    if (cli->check) {
        ns_err e = {0};
        ns_sim *sim = NULL;
        int rc = ns_sim_new(fab, wl, &o.cfg, &sim, &e);
        ns_sim_free(sim);
        if (rc) {
            cli->sim_failed = rc != NS_EINVAL;
            return luaL_error(L, "%s", e.msg);
        }
        s.ops = wl->nops;
        push_summary_table(L, &s);
        return 1;
    }
    ns_err e = {0};
    int rc = simulate(cli, fab, wl, &o, output, &s, &e);
    if (rc) {
        cli->sim_failed = rc != NS_EINVAL;
        lua_pushstring(L, e.msg);
        return lua_error(L);   /* the message names its own place */
    }
    char *copy = ns_strdup(output);
    size_t cap = cli->noutputs;
    if (!copy || ns_grow((void **)&cli->outputs, &cap, cli->noutputs + 1, sizeof(char *))) {
        ns_free(copy);
        return luaL_error(L, "out of memory");
    }
    cli->outputs[cli->noutputs++] = copy;
    if (cli->json) {
        ns_summary_print_json(&s, stdout);   /* machine output: printed even with -q */
        fflush(stdout);
    } else if (!cli->quiet) {
        {
            printf("netsim: %s on %s (%zu hosts), model %s, lb %s, transport %s, subflows %u, seed %llu -> %s\n",
                   cli->script, fab->kind, fab->nhosts, ns_model_name(o.cfg.model), ns_lb_names[o.cfg.lb],
                   ns_transport_name(o.cfg.transport), o.cfg.subflows, (unsigned long long)o.cfg.seed, output);
            ns_summary_print(&s, stdout);
        }
        fflush(stdout);
    }
    push_summary_table(L, &s);
    return 1;
}

/* --- loaders of Lua source only ----------------------------------------------- */

/* Lua does not verify precompiled chunks, and a malformed one can crash the
 * interpreter: scenarios load source text only. load(chunk, name, mode, env)
 * and loadfile(file, mode, env) get mode "t" whatever they were given;
 * dofile(file) loads its file as text. */
static int
text_only(lua_State *L)
{
    int mode_arg = (int)lua_tointeger(L, lua_upvalueindex(2));
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
    if (luaL_loadfilex(L, fname, "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, LUA_MULTRET);
    return lua_gettop(L) - 1;
}

static void
wrap_loader(lua_State *L, const char *name, int mode_arg)
{
    if (lua_getglobal(L, name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, mode_arg);
    lua_pushcclosure(L, text_only, 2);
    lua_setglobal(L, name);
}

void
ns_lua_open_netsim(lua_State *L, ns_cli *cli)
{
    static const luaL_Reg funcs[] = {
        {"run", l_run}, {"rate", l_rate}, {"size", l_size}, {"time", l_time}, {NULL, NULL}
    };
    lua_pushlightuserdata(L, cli);
    lua_setfield(L, LUA_REGISTRYINDEX, CLI_KEY);
    lua_newtable(L);
    int t = lua_gettop(L);
    luaL_setfuncs(L, funcs, 0);
    lua_pushstring(L, PACKAGE_VERSION);
    lua_setfield(L, t, "version");
    lua_pushinteger(L, cli->seed_set ? (lua_Integer)cli->seed : 1);
    lua_setfield(L, t, "seed");
    ns_lua_open_topologies(L, t);
    ns_lua_open_workloads(L, t);
    lua_pushvalue(L, t);
    lua_setglobal(L, "netsim");
    /* require("netsim") works too */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "netsim");
    lua_pop(L, 2);
    lua_pushcfunction(L, l_param);
    lua_setglobal(L, "param");
    wrap_loader(L, "load", 3);
    wrap_loader(L, "loadfile", 2);
    if (lua_getglobal(L, "dofile") == LUA_TFUNCTION) {
        lua_pushcfunction(L, dofile_text);
        lua_setglobal(L, "dofile");
    }
    lua_pop(L, 1);
}
