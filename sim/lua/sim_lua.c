/*
 * sim_lua.c - the core of the netsim module: netsim.run{} and small helpers
 * (netsim.rate, netsim.size, netsim.time, netsim.version, netsim.seed).
 * netsim.run reads its options, checks the memory the run would need,
 * builds the simulation, runs it, writes the HDF5 file (under a temporary
 * name, renamed when complete) and returns the summary as a table.
 */
#include <config.h>
#include "sim_lua.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "lua_util.h"
#include "netsimlib.h"
#include "param.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/output/h5out.h"
#include "sim/output/summary.h"
#include "sim/sim.h"
#include "sim/units.h"

void
ns_runlog_free(ns_runlog *log)
{
    for (size_t i = 0; i < log->noutputs; i++)
        ns_free(log->outputs[i]);
    ns_free(log->outputs);
    memset(log, 0, sizeof *log);
}

static double
wall_now(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
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

/* --- run: the options ------------------------------------------------------------ */

/* the fabric and the workload of run{...} (argument 1); both stay referenced
 * by the argument table */
static void
read_run_specs(lua_State *L, ns_fabric **fab, ns_workload **wl)
{
    static const char *const fields[] = {
        "fabric", "workload", "model", "lb", "spray", "flowlet_gap", "subflows", "transport", "dctcp",
        "seed", "until", "duration", "output", "sample", "flow_solver", NULL
    };
    ns_lua_check_args(L, 1, "run", fields);
    lua_getfield(L, 1, "fabric");
    if (lua_isnil(L, -1))
        ns_lua_fail(L, "run", "field 'fabric' is required");
    *fab = ns_lua_check_fabric(L, -1);
    lua_getfield(L, 1, "workload");
    if (lua_isnil(L, -1))
        ns_lua_fail(L, "run", "field 'workload' is required");
    *wl = ns_lua_check_workload(L, -1);
    lua_pop(L, 2);
}

static void
read_dctcp(lua_State *L, ns_dctcp_cfg *d)
{
    static const char *const fields[] = {"init_window", "min_rto", "g", "reorder_window", NULL};
    if (lua_getfield(L, 1, "dctcp") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    int t = lua_gettop(L);
    ns_lua_check_fields(L, t, "run: dctcp", fields);
    d->init_window = (uint32_t)ns_lua_int(L, t, "run: dctcp", "init_window", 0, d->init_window, 1, 1 << 20);
    d->min_rto_ps = ns_lua_time(L, t, "run: dctcp", "min_rto", 0, d->min_rto_ps);
    d->g = ns_lua_num(L, t, "run: dctcp", "g", 0, d->g, 1e-6, 1);
    d->reorder_ps = ns_lua_time(L, t, "run: dctcp", "reorder_window", 0, d->reorder_ps);
    if (d->min_rto_ps <= 0)
        ns_lua_fail(L, "run: dctcp", "field 'min_rto' must be positive");
    lua_pop(L, 1);
}

/* the run options of run{...} (argument 1) into cfg, with the command
 * line's --model and --seed over the scenario's; raises on a bad option */
static void
read_run_options(lua_State *L, const ns_cmdline *cmd, const ns_workload *wl, ns_run_cfg *cfg)
{
    ns_run_cfg_defaults(cfg);
    cfg->model = ns_lua_option(L, 1, "run", "model", ns_model_names, NS_MODEL_PACKET);
    if (cmd->model >= 0)
        cfg->model = cmd->model;
    cfg->lb = ns_lua_option(L, 1, "run", "lb", ns_lb_names, NS_LB_ECMP);
    cfg->spray = ns_lua_option(L, 1, "run", "spray", ns_spray_names, NS_SPRAY_RANDOM);
    cfg->flowlet_gap_ps = ns_lua_time(L, 1, "run", "flowlet_gap", 0, cfg->flowlet_gap_ps);
    cfg->subflows = (uint32_t)ns_lua_int(L, 1, "run", "subflows", 0, 1, 1, 65535);
    cfg->transport = ns_lua_option(L, 1, "run", "transport", ns_transport_names, NS_TP_IDEAL);
    read_dctcp(L, &cfg->dctcp);
    cfg->seed = (uint64_t)ns_lua_int(L, 1, "run", "seed", 0, (lua_Integer)wl->seed, 0, INT64_MAX);
    if (cmd->seed_set)
        cfg->seed = cmd->seed;
    /* `until` is a Lua keyword (["until"] = ...): `duration` says the same */
    if (ns_lua_has(L, 1, "until") && ns_lua_has(L, 1, "duration"))
        ns_lua_fail(L, "run", "give 'until' or 'duration', not both (they are the same)");
    cfg->until_ps = ns_lua_time(L, 1, "run", "until", 0, 0);
    cfg->until_ps = ns_lua_time(L, 1, "run", "duration", 0, cfg->until_ps);
    cfg->sample_ps = ns_lua_time(L, 1, "run", "sample", 0, 0);
    cfg->flow_solver = ns_lua_option(L, 1, "run", "flow_solver", ns_flow_solver_names, 0);
    if (ns_lua_has(L, 1, "spray") && cfg->lb != NS_LB_SPRAY)
        ns_lua_fail(L, "run", "field 'spray' only applies with lb = \"spray\"");
    if (ns_lua_has(L, 1, "flowlet_gap") && cfg->lb != NS_LB_FLOWLET)
        ns_lua_fail(L, "run", "field 'flowlet_gap' only applies with lb = \"flowlet\"");
    if (ns_lua_has(L, 1, "dctcp") && cfg->transport != NS_TP_DCTCP)
        ns_lua_fail(L, "run", "field 'dctcp' only applies with transport = \"dctcp\"");
    if (cfg->flowlet_gap_ps <= 0)
        ns_lua_fail(L, "run", "field 'flowlet_gap' must be positive");
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

/* the output of this run: -o, else run{output = ...}, else the default
 * (written into buf); valid while argument 1 is on the stack */
static const char *
read_run_output(lua_State *L, const ns_cmdline *cmd, char *buf, size_t n)
{
    const char *output = cmd->output;
    if (!output)
        output = ns_lua_str(L, 1, "run", "output", 0, NULL);
    if (!output) {
        default_output(cmd->script, buf, n);
        output = buf;
    }
    return output;
}

/* a run may start: the first one checks that every NAME=VALUE was asked
 * for, and no run writes an output an earlier one wrote; counts the run */
static void
admit_run(lua_State *L, const ns_cmdline *cmd, const ns_params *params, ns_runlog *log, const char *output)
{
    char why[1024];
    if (log->runs == 0 && ns_params_check_unused(params, why, sizeof why))
        luaL_error(L, "%s", why);
    for (size_t i = 0; i < log->noutputs; i++)
        if (strcmp(log->outputs[i], output) == 0)
            ns_lua_fail(L, "run", "output '%s' was already written by an earlier netsim.run in this "
                        "scenario; give each run its own output = \"...\"%s", output,
                        cmd->output ? " (and do not use -o)" : "");
    log->runs++;
}

/* a run that failed with rc failed through the simulator's fault unless
 * it was refused as invalid; raise e's message at the scenario line */
static int
run_failed(lua_State *L, ns_runlog *log, int rc, const ns_err *e)
{
    log->sim_failed = rc != NS_EINVAL;
    return luaL_error(L, "%s", e->msg);
}

/* --- run: memory ------------------------------------------------------------------- */

/* what the run would need, before anything is built for it: with --check,
 * report it; refuse a run over the budget (a failure of the simulator) */
static void
check_memory(lua_State *L, const ns_cmdline *cmd, ns_runlog *log, const ns_fabric *fab, const ns_workload *wl,
             const ns_run_cfg *cfg, const char *output)
{
    ns_mem_est est;
    char detail[400], need[32], have[32];
    ns_mem_estimate(fab, wl, cfg, &est);
    ns_mem_describe(&est, cfg->model, detail, sizeof detail);
    ns_format_size(est.total, need, sizeof need);
    ns_format_size(ns_mem_budget(), have, sizeof have);
    if (cmd->check && !cmd->quiet) {
        printf("check: %s fabric with %zu hosts, %zu switches, %zu links; workload of %zu ops "
               "(%zu dependencies); output would be %s\n", fab->kind, fab->nhosts, fab->nnodes - fab->nhosts,
               fab->nlinks, wl->nops, wl->ndeps, output);
        printf("check: memory estimate %s (%s), of %s netsim may use\n", need, detail, have);
    }
    ns_err e = {0};
    int rc = ns_mem_check(est.total, "run: this run", detail, &e);
    if (rc)
        run_failed(L, log, rc, &e);
}

/* --- run: the output file ------------------------------------------------------------ */

/* the HDF5 file of a run: written under a temporary name (path.part-PID),
 * renamed to its path when complete, or to path.partial when the run was
 * interrupted; never left behind otherwise */
typedef struct out_file {
    const char *path;
    char        tmp[4200];
    ns_h5out   *h5;         /* open, or NULL */
    int         have_tmp;   /* tmp exists on disk */
} out_file;

static void
out_init(out_file *of, const char *path)
{
    of->path = path;
    snprintf(of->tmp, sizeof of->tmp, "%s.part-%ld", path, (long)getpid());
    of->h5 = NULL;
    of->have_tmp = 0;
}

static int
out_open(out_file *of, size_t nlinks, ns_err *e)
{
    int rc = ns_h5out_open(&of->h5, of->tmp, nlinks, e);
    if (rc == NS_OK)
        of->have_tmp = 1;
    return rc;
}

/* write the run's results and close the file (still under its temporary name) */
static int
out_finish(out_file *of, ns_sim *sim, const ns_summary *s, const ns_h5meta *meta, ns_err *e)
{
    int rc = ns_h5out_finish(of->h5, sim, s, meta, e);
    ns_h5out_close(of->h5);
    of->h5 = NULL;
    return rc;
}

/* keep an interrupted run's file as path.partial (into buf): a name no
 * sweep takes for complete; 0, or -1 if there is no such file */
static int
out_keep_partial(out_file *of, char *buf, size_t n)
{
    snprintf(buf, n, "%s.partial", of->path);
    if (of->have_tmp && rename(of->tmp, buf) == 0)
        of->have_tmp = 0;
    return of->have_tmp ? -1 : 0;
}

/* give the complete file its name */
static int
out_commit(out_file *of, ns_err *e)
{
    if (!of->have_tmp)
        return NS_OK;
    if (rename(of->tmp, of->path) != 0)
        return ns_errorf(e, NS_EIO, "cannot rename %s to %s: %s", of->tmp, of->path, strerror(errno));
    of->have_tmp = 0;
    return NS_OK;
}

/* close and remove what is left of the file; nothing once committed */
static void
out_discard(out_file *of)
{
    ns_h5out_close(of->h5);
    of->h5 = NULL;
    if (of->have_tmp)
        unlink(of->tmp);
    of->have_tmp = 0;
}

/* --- run: the simulation -------------------------------------------------------------- */

typedef struct progress_ctx {
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

/* run sim to its end (or its limit, or a signal), with a progress line on
 * a terminal, and compute its summary into s */
static int
run_sim(const ns_cmdline *cmd, ns_sim *sim, ns_summary *s, ns_err *e)
{
    progress_ctx pc = { wall_now(), wall_now(), 0 };
    if (cmd->progress && !cmd->quiet)
        ns_sim_set_progress(sim, show_progress, &pc, 1 << 16);
    sim->stop_flag = (volatile int *)cmd->stop;
    sim->max_events = cmd->max_events;
    int rc = ns_sim_run(sim);
    if (cmd->progress && !cmd->quiet)
        ns_sim_set_progress(sim, NULL, NULL, 0);   /* pc ends with this function */
    if (pc.shown)
        fprintf(stderr, "\r\033[K");
    if (rc)
        return ns_errorf(e, rc, "%s", ns_sim_errmsg(sim));
    if (ns_summary_compute(s, sim, wall_now() - pc.t0))
        return ns_enomem(e, "the summary");
    return NS_OK;
}

/*
 * Build the simulation, run it and write the output. Frees everything it
 * made before returning; NS_OK with *s filled, or an error code with a
 * message in e (NS_EINTR when a signal stopped the run: log->interrupted).
 */
static int
simulate(const ns_cmdline *cmd, const ns_params *params, ns_runlog *log, const ns_fabric *fab,
         const ns_workload *wl, const ns_run_cfg *cfg, const char *output, ns_summary *s, ns_err *e)
{
    ns_sim *sim = NULL;
    out_file of;
    out_init(&of, output);
    int rc = ns_sim_new(fab, wl, cfg, &sim, e);
    if (rc)
        return rc;
    if (!cmd->no_output) {
        rc = out_open(&of, fab->nlinks, e);
        if (rc)
            goto out;
        if (cfg->sample_ps > 0)
            ns_sim_set_sampler(sim, ns_h5out_sample, of.h5);
    }
    rc = run_sim(cmd, sim, s, e);
    if (rc)
        goto out;
    if (of.h5) {
        const ns_h5meta meta = {
            cmd->source, (const char *const *)params->asked_names, (const char *const *)params->asked_values,
            params->nasked, cmd->command_line, cmd->script
        };
        rc = out_finish(&of, sim, s, &meta, e);
        if (rc)
            goto out;
    }
    if (sim->stopped == 1) {
        char partial[4300];
        int kept = out_keep_partial(&of, partial, sizeof partial) == 0 && !cmd->no_output;
        log->interrupted = 1;
        rc = ns_errorf(e, NS_EINTR, "interrupted at simulated time %.9g s after %llu events; "
                       "what was simulated is in %s", ns_time_to_s(sim->now),
                       (unsigned long long)sim->events, kept ? partial : "no file");
        goto out;
    }
    rc = out_commit(&of, e);
out:
    out_discard(&of);
    ns_sim_free(sim);
    return rc;
}

/* --check: build the simulation and free it; the summary has only the ops */
static int
check_only(lua_State *L, ns_runlog *log, const ns_fabric *fab, const ns_workload *wl, const ns_run_cfg *cfg,
           ns_summary *s)
{
    ns_err e = {0};
    ns_sim *sim = NULL;
    int rc = ns_sim_new(fab, wl, cfg, &sim, &e);
    ns_sim_free(sim);
    if (rc)
        return run_failed(L, log, rc, &e);
    s->ops = wl->nops;
    return NS_OK;
}

/* --- run: the summary ---------------------------------------------------------------- */

/* remember that output was written (no later run may write it again) */
static void
record_output(lua_State *L, ns_runlog *log, const char *output)
{
    char *copy = ns_strdup(output);
    size_t cap = log->noutputs;
    if (!copy || ns_grow((void **)&log->outputs, &cap, log->noutputs + 1, sizeof(char *))) {
        ns_free(copy);
        luaL_error(L, "out of memory");
    }
    log->outputs[log->noutputs++] = copy;
}

/* the summary on stdout: JSON with --json (even with -q), else the text
 * form unless -q */
static void
print_summary(const ns_cmdline *cmd, const ns_fabric *fab, const ns_run_cfg *cfg, const char *output,
              const ns_summary *s)
{
    if (cmd->json) {
        ns_summary_print_json(s, stdout);   /* machine output: printed even with -q */
        fflush(stdout);
    } else if (!cmd->quiet) {
        printf("netsim: %s on %s (%zu hosts), model %s, lb %s, transport %s, subflows %u, seed %llu -> %s\n",
               cmd->script, fab->kind, fab->nhosts, ns_model_names[cfg->model], ns_lb_names[cfg->lb],
               ns_transport_names[cfg->transport], cfg->subflows, (unsigned long long)cfg->seed, output);
        ns_summary_print(s, stdout);
        fflush(stdout);
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

/* --- run ------------------------------------------------------------------------------ */

/* netsim.run{...}: the summary as a table; upvalues are the run context
 * (netsimlib.h) */
static int
l_run(lua_State *L)
{
    const ns_cmdline *cmd = lua_touserdata(L, lua_upvalueindex(NS_LUA_UV_CMDLINE));
    const ns_params *params = lua_touserdata(L, lua_upvalueindex(NS_LUA_UV_PARAMS));
    ns_runlog *log = lua_touserdata(L, lua_upvalueindex(NS_LUA_UV_RUNLOG));
    ns_fabric *fab;
    ns_workload *wl;
    ns_run_cfg cfg;
    char outbuf[4096];
    read_run_specs(L, &fab, &wl);
    read_run_options(L, cmd, wl, &cfg);
    const char *output = read_run_output(L, cmd, outbuf, sizeof outbuf);
    admit_run(L, cmd, params, log, output);

    ns_summary s;
    memset(&s, 0, sizeof s);
    check_memory(L, cmd, log, fab, wl, &cfg, output);
    if (cmd->check) {
        check_only(L, log, fab, wl, &cfg, &s);
        push_summary_table(L, &s);
        return 1;
    }
    ns_err e = {0};
    int rc = simulate(cmd, params, log, fab, wl, &cfg, output, &s, &e);
    if (rc) {
        log->sim_failed = rc != NS_EINVAL;
        lua_pushstring(L, e.msg);
        return lua_error(L);   /* the message names its own place */
    }
    record_output(L, log, output);
    print_summary(cmd, fab, &cfg, output, &s);
    push_summary_table(L, &s);
    return 1;
}

int
ns_luaopen_core(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"rate", l_rate}, {"size", l_size}, {"time", l_time}, {NULL, NULL}
    };
    const ns_cmdline *cmd = lua_touserdata(L, lua_upvalueindex(NS_LUA_UV_CMDLINE));
    lua_settop(L, 1);
    for (int i = NS_LUA_UV_CMDLINE; i <= NS_LUA_UV_RUNLOG; i++)
        lua_pushvalue(L, lua_upvalueindex(i));
    lua_pushcclosure(L, l_run, 3);
    lua_setfield(L, 1, "run");
    luaL_setfuncs(L, funcs, 0);
    lua_pushstring(L, PACKAGE_VERSION);
    lua_setfield(L, 1, "version");
    lua_pushinteger(L, cmd->seed_set ? (lua_Integer)cmd->seed : 1);
    lua_setfield(L, 1, "seed");
    return 0;
}
