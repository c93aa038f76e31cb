/*
 * sim_lua.c - the core of the netsim module: netsim.run{} and small helpers
 * (netsim.rate, netsim.size, netsim.time, netsim.version, netsim.seed).
 * netsim.run reads its options, checks the memory the run would need,
 * builds the simulation, runs it, writes the HDF5 file (under a temporary
 * name, renamed when complete) and returns the summary as a table.
 *
 * A run holds C pointers into Lua values (the fabric, the workload, the
 * output's name) only while they are anchored: the fabric and the workload
 * stay on the stack, the name is copied; the run table is read raw, so no
 * code of the scenario runs while they are held (lua_util.h).
 */
#include <config.h>
#include "sim_lua.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "lua_util.h"
#include "netsimlib.h"
#include "param.h"
#include "sim/alloc.h"
#include "sim/estimate.h"
#include "sim/eta.h"
#include "sim/jobs.h"
#include "sim/output/h5out.h"
#include "sim/output/summary.h"
#include "sim/settings.h"
#include "sim/sim.h"
#include "sim/units.h"

void
ns_runlog_free(ns_runlog *log)
{
    for (size_t i = 0; i < log->noutputs; i++)
        ns_free(log->outputs[i]);
    ns_free(log->outputs);
    ns_file_set_free(&log->inputs);
    ns_free(log->json);
    memset(log, 0, sizeof *log);
}

int
ns_runlog_print_json(const ns_runlog *log, FILE *out)
{
    if (log->json_runs == 1) {
        fwrite(log->json, 1, log->json_len, out);
    } else {
        /* the objects, one a line, joined into a list */
        fputs("{\"runs\":[", out);
        for (size_t i = 0; i < log->json_len; i++)
            if (log->json[i] != '\n')
                fputc(log->json[i], out);
            else if (i + 1 < log->json_len)
                fputc(',', out);
        fputs("]}\n", out);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
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

static uint64_t
lua_settings_rate(const ns_settings *s, const char *field, uint64_t def)
{
    lua_State *L = s->ctx;
    return ns_lua_rate(L, lua_gettop(L), s->what, field, 0, def);
}

static uint64_t
lua_settings_size(const ns_settings *s, const char *field, uint64_t def)
{
    lua_State *L = s->ctx;
    return ns_lua_size(L, lua_gettop(L), s->what, field, 0, def);
}

static int
lua_settings_boolean(const ns_settings *s, const char *field, int def)
{
    lua_State *L = s->ctx;
    return ns_lua_bool(L, lua_gettop(L), s->what, field, def);
}

static int
lua_settings_option(const ns_settings *s, const char *field, const char *const *names, int def)
{
    lua_State *L = s->ctx;
    return ns_lua_option(L, lua_gettop(L), s->what, field, names, def);
}

static int
lua_settings_fail(const ns_settings *s, const char *msg)
{
    return ns_lua_fail(s->ctx, s->what, "%s", msg);
}

/* the settings tables of the transports (run{dctcp = {...}}), read raw */
static void
read_transport_settings(lua_State *L, ns_run_cfg *c)
{
    for (int row = 0; ns_transport_name(row); row++) {
        const char *name = ns_transport_name(row);
        if (!ns_transport_has_settings(row))
            continue;
        if (ns_lua_rawfield(L, 1, name) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "run: %s", name);
        ns_settings r = {L, what, lua_settings_check, lua_settings_integer, lua_settings_number,
                         lua_settings_time, lua_settings_rate, lua_settings_size, lua_settings_boolean,
                         lua_settings_option, lua_settings_fail};
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

/* a transport's settings table given with another transport, or any
 * transport setting under a model without transports (the flow model);
 * flow_solver under the packet model */
static void
check_transport_settings(lua_State *L, const ns_run_cfg *c)
{
    char applies[64], in_use[64];
    if (c->model != NS_MODEL_PACKET) {
        snprintf(in_use, sizeof in_use, "model = \"%s\"", ns_model_name(c->model));
        ns_lua_warn_unused(L, 1, "run", "transport", "model = \"packet\"", in_use);
    } else {
        snprintf(in_use, sizeof in_use, "transport = \"%s\"", ns_transport_name(c->transport));
        ns_lua_warn_unused(L, 1, "run", "flow_solver", "model = \"flow\"", "model = \"packet\"");
        ns_lua_warn_unused(L, 1, "run", "flow_quantum", "model = \"flow\"", "model = \"packet\"");
    }
    for (int row = 0; ns_transport_name(row); row++) {
        const char *name = ns_transport_name(row);
        if (!ns_transport_has_settings(row) || (row == c->transport && c->model == NS_MODEL_PACKET))
            continue;
        if (c->model == NS_MODEL_PACKET)
            snprintf(applies, sizeof applies, "transport = \"%s\"", name);
        else
            snprintf(applies, sizeof applies, "model = \"packet\" and transport = \"%s\"", name);
        ns_lua_warn_unused(L, 1, "run", name, applies, in_use);
    }
}

/*
 * The jobs of run{workload = {w1, w2, ...}} (or of one workload that has a
 * name or a start), the list at index idx: their merged workload, boxed as
 * a workload (freed by the collector) in a table with the jobs' workloads,
 * left on the stack so that all of them stay anchored for the whole run.
 */
static ns_workload *
read_jobs(lua_State *L, int idx)
{
    size_t n = lua_istable(L, idx) ? lua_rawlen(L, idx) : 1;
    if (n == 0)
        ns_lua_fail(L, "run", "field 'workload' is an empty list (give one workload, or a list of workloads)");
    if (n > NS_JOBS_MAX)
        ns_lua_fail(L, "run", "field 'workload' lists %zu jobs, at most %d in one run", n, NS_JOBS_MAX);
    lua_createtable(L, (int)n + 1, 0);
    int anchor = lua_gettop(L);
    const ns_workload **ws = lua_newuserdatauv(L, n * sizeof *ws, 0);
    lua_rawseti(L, anchor, (lua_Integer)n + 1);
    for (size_t i = 0; i < n; i++) {
        if (lua_istable(L, idx))
            lua_rawgeti(L, idx, (lua_Integer)i + 1);
        else
            lua_pushvalue(L, idx);
        if (!luaL_testudata(L, -1, NS_WORKLOAD_MT))
            ns_lua_fail(L, "run", "workload[%zu] must be a workload (from netsim.workload()), got %s", i + 1,
                        luaL_typename(L, -1));
        ws[i] = ns_lua_check_workload(L, -1);
        lua_rawseti(L, anchor, (lua_Integer)i + 1);
    }
    ns_workload **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, NS_WORKLOAD_MT);
    lua_rawsetp(L, anchor, box);   /* the anchor holds the box too */
    ns_err e = {0};
    ns_jobs_overlap ov;
    if (ns_jobs_merge(ws, n, box, &ov, &e))
        ns_lua_fail(L, "run", "%s", e.msg);
    if (ov.host)
        ns_lua_warn(L, "run", "jobs '%s' and '%s' both use host %u (and perhaps more): they share its NIC "
                    "and its compute", ns_job_name(*box, ov.job_a), ns_job_name(*box, ov.job_b), ov.host);
    return *box;
}

/* the fabric and the workload of run{...} (argument 1), read raw; both
 * handles are left on the stack, which anchors them for the whole run */
static void
read_run_specs(lua_State *L, ns_fabric **fab, ns_workload **wl)
{
    static const char *const fields[] = {
        "fabric", "workload", "model", "lb", "spray", "entropies", "flowlet_gap", "subflows", "connections", "transport",
        "seed", "until", "duration", "output", "sample", "flow_solver", "flow_quantum", "failures", "reroute", "reps",
        NULL
    };
    const char *all[48];
    ns_lua_check_args(L, 1, "run", run_fields(fields, all, 48));
    if (ns_lua_rawfield(L, 1, "fabric") == LUA_TNIL)
        ns_lua_fail(L, "run", "field 'fabric' is required");
    *fab = ns_lua_check_fabric(L, -1);
    int t = ns_lua_rawfield(L, 1, "workload");
    if (t == LUA_TNIL)
        ns_lua_fail(L, "run", "field 'workload' is required");
    if (t != LUA_TTABLE) {
        *wl = ns_lua_check_workload(L, -1);
        if (!(*wl)->name[0] && (*wl)->start_ps == 0)
            return;             /* one workload, no job of its own: run as it is */
    }
    *wl = read_jobs(L, lua_gettop(L));
}

/* the run options of run{...} (argument 1) into cfg, with the command
 * line's --model and --seed over the scenario's; raises on a bad option */
static void
read_run_options(lua_State *L, const ns_cmdline *cmd, const ns_workload *wl, ns_run_cfg *cfg)
{
    ns_run_cfg_defaults(cfg);
    cfg->model = read_row(L, "model", ns_model_name, NS_MODEL_PACKET);
    if (cmd->model >= 0)
        cfg->model = cmd->model;
    cfg->lb = ns_lua_option(L, 1, "run", "lb", ns_lb_names, NS_LB_ECMP);
    cfg->spray = ns_lua_option(L, 1, "run", "spray", ns_spray_names, NS_SPRAY_RANDOM);
    cfg->spray_entropies = (uint32_t)ns_lua_int(L, 1, "run", "entropies", 0, 64, 1, 65536);
    cfg->flowlet_gap_ps = ns_lua_time(L, 1, "run", "flowlet_gap", 0, cfg->flowlet_gap_ps);
    cfg->subflows = (uint32_t)ns_lua_int(L, 1, "run", "subflows", 0, 1, 1, NS_MAX_SUBFLOWS);
    cfg->connections = ns_lua_option(L, 1, "run", "connections", ns_connections_names, NS_CONN_PER_TRANSFER);
    cfg->transport = read_row(L, "transport", ns_transport_name, NS_TP_IDEAL);
    read_transport_settings(L, cfg);
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
    cfg->flow_quantum_ps = ns_lua_time(L, 1, "run", "flow_quantum", 0, 0);
    char lb[48];
    snprintf(lb, sizeof lb, "lb = \"%s\"", ns_lb_names[cfg->lb]);
    if (cfg->lb != NS_LB_REPS) {
        ns_lua_warn_unused(L, 1, "run", "reps", "lb = \"reps\"", lb);
    } else if (ns_lua_rawfield(L, 1, "reps") != LUA_TNIL) {
        static const char *const rf[] = {"buffer", "freeze", "freeze_time", NULL};
        int r = lua_gettop(L);
        if (!lua_istable(L, r))
            ns_lua_fail(L, "run", "field 'reps' must be a table { buffer =, freeze =, freeze_time = } (got %s)",
                        luaL_typename(L, r));
        ns_lua_check_fields(L, r, "run: reps", rf);
        cfg->reps_buffer = (uint32_t)ns_lua_int(L, r, "run: reps", "buffer", 0, NS_REPS_BUFFER, 1, NS_REPS_BUFFER_MAX);
        cfg->reps_freeze = ns_lua_bool(L, r, "run: reps", "freeze", 1);
        cfg->reps_freeze_ps = ns_lua_time(L, r, "run: reps", "freeze_time", 0, NS_REPS_FREEZE_PS);
        if (cfg->reps_freeze_ps <= 0)
            ns_lua_fail(L, "run: reps", "field 'freeze_time' must be positive");
        if (!cfg->reps_freeze)
            ns_lua_warn_unused(L, r, "run: reps", "freeze_time", "freeze = true", "freeze = false");
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
    }
    if (cfg->lb != NS_LB_SPRAY)
        ns_lua_warn_unused(L, 1, "run", "spray", "lb = \"spray\"", lb);
    if (cfg->lb != NS_LB_SPRAY || cfg->spray != NS_SPRAY_OBLIVIOUS)
        ns_lua_warn_unused(L, 1, "run", "entropies", "lb = \"spray\" and spray = \"oblivious\"",
                           cfg->lb != NS_LB_SPRAY ? lb : "another spray");
    if (cfg->lb == NS_LB_SPRAY && cfg->spray == NS_SPRAY_OBLIVIOUS && cfg->model != NS_MODEL_PACKET)
        ns_lua_fail(L, "run", "spray = \"oblivious\" needs model = \"packet\": the flow model has only the fluid "
                    "ideal of spraying (spray = \"random\")");
    if (cfg->lb != NS_LB_FLOWLET)
        ns_lua_warn_unused(L, 1, "run", "flowlet_gap", "lb = \"flowlet\"", lb);
    if (cfg->lb == NS_LB_ETHEREAL && cfg->subflows != 1)
        ns_lua_fail(L, "run", "field 'subflows' must be 1 with lb = \"ethereal\", which cuts transfers itself "
                    "(got %u)", (unsigned)cfg->subflows);
    if (cfg->connections == NS_CONN_PERSISTENT && (cfg->model != NS_MODEL_PACKET ||
                                                   !ns_transport_carries(cfg->transport)))
        ns_lua_warn(L, "run", "field 'connections': %s%s%s carries no congestion state from one transfer to "
                    "the next; \"persistent\" runs as \"per_transfer\"",
                    cfg->model == NS_MODEL_PACKET ? "transport \"" : "the ",
                    cfg->model == NS_MODEL_PACKET ? ns_transport_name(cfg->transport) : ns_model_name(cfg->model),
                    cfg->model == NS_MODEL_PACKET ? "\"" : " model");
    check_transport_settings(L, cfg);
    if (cfg->flowlet_gap_ps <= 0)
        ns_lua_fail(L, "run", "field 'flowlet_gap' must be positive");
}

/* run{ failures = { {link =, at =, duration =, rate =}, ... }, reroute = }
 * into cfg; the arrays are userdata left on the stack for the run */
static void
read_failures(lua_State *L, const ns_fabric *fab, ns_run_cfg *cfg)
{
    static const char *const fields[] = {"link", "at", "duration", "rate", NULL};
    int ty = ns_lua_rawfield(L, 1, "failures");
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        ns_lua_warn_unused(L, 1, "run", "reroute", "failures", "a run without failures");
        return;
    }
    int t = lua_gettop(L);
    if (ty != LUA_TTABLE || lua_rawlen(L, t) == 0)
        ns_lua_fail(L, "run", "field 'failures' must be a list of { link = fab:link(a, b), at = time, "
                    "duration = time, rate = rate } (got %s)", ty == LUA_TTABLE ? "an empty table" : luaL_typename(L, t));
    size_t n = lua_rawlen(L, t);
    if (n > 100000)
        ns_lua_fail(L, "run", "field 'failures' lists %zu failures, at most 100000", n);
    ns_failure *fl = lua_newuserdatauv(L, n * sizeof *fl, 0);
    uint64_t *lost = lua_newuserdatauv(L, n * sizeof *lost, 0);
    memset(lost, 0, n * sizeof *lost);
    for (size_t i = 0; i < n; i++) {
        char c[48];
        snprintf(c, sizeof c, "run: failures[%zu]", i + 1);
        if (lua_rawgeti(L, t, (lua_Integer)i + 1) != LUA_TTABLE)
            ns_lua_fail(L, "run", "failures[%zu] must be a table { link =, at =, duration =, rate = }", i + 1);
        int e = lua_gettop(L);
        ns_lua_check_fields(L, e, c, fields);
        fl[i].link = (uint32_t)ns_lua_int(L, e, c, "link", 1, 0, 0, (lua_Integer)fab->nlinks - 1);
        fl[i].at_ps = ns_lua_time(L, e, c, "at", 1, 0);
        ns_time d = ns_lua_time(L, e, c, "duration", 0, 0);
        if (ns_lua_has(L, e, "duration") && d <= 0)
            ns_lua_fail(L, c, "field 'duration' must be positive (leave it out: for good)");
        fl[i].until_ps = ns_lua_has(L, e, "duration") ? ns_time_add(fl[i].at_ps, d) : NS_TIME_MAX;
        fl[i].rate_bps = ns_lua_rate(L, e, c, "rate", 0, 0);
        uint64_t full = fab->links[fl[i].link].rate_bps;
        if (ns_lua_has(L, e, "rate") && fl[i].rate_bps >= full)
            ns_lua_fail(L, c, "field 'rate' must be below the cable's %llu bit/s (a failure slows a cable; "
                        "leave it out: down)", (unsigned long long)full);
        /* two failures of one cable must not overlap */
        uint32_t rev = fab->links[fl[i].link].reverse;
        for (size_t j = 0; j < i; j++)
            if ((fl[j].link == fl[i].link || fl[j].link == rev) && fl[j].at_ps < fl[i].until_ps &&
                fl[i].at_ps < fl[j].until_ps)
                ns_lua_fail(L, c, "it overlaps failures[%zu] of the same cable", j + 1);
        lua_pop(L, 1);
    }
    cfg->failures = fl;
    cfg->failure_lost = lost;
    cfg->nfailures = (uint32_t)n;
    cfg->reroute_given = ns_lua_has(L, 1, "reroute");
    cfg->reroute_ps = ns_lua_time(L, 1, "run", "reroute", 0, NS_REROUTE_DEFAULT_PS);
    /* the list and the arrays stay on the stack while the run lasts */
}

/* the most a lossy port of a switch of config c can hold: its buffer, or
 * alpha / (1 + alpha) of its switch's pool (the dynamic threshold, the
 * port alone); 0 when the switch's buffer is not the scenario's */
static uint64_t
port_holds_at_most(const ns_switch_cfg *c)
{
    if (c->buffer_auto || !c->buffer_bytes)
        return 0;
    return c->shared ? (uint64_t)((double)c->buffer_bytes * c->dt_alpha / (1 + c->dt_alpha)) : c->buffer_bytes;
}

/* a warning when the run's result hinges on something it can tell is an
 * artefact: buffers and marking given to a transport that ignores them, a
 * transport that reacts to ECN on a fabric where no switch marks */
static void
warn_artefacts(lua_State *L, const ns_fabric *fab, const ns_run_cfg *cfg)
{
    int set = 0, marks = 0, pfc = 0, given = 0, trims = 0;
    const ns_switch_cfg *unmarkable = NULL;   /* marks above what a port can hold */
    for (size_t i = fab->nhosts; i < fab->nnodes; i++) {
        if (fab->nodes[i].tier == NS_TIER_SCALEUP)
            continue;   /* NVLink: lossless by construction, not the scenario's switch settings */
        const ns_switch_cfg *c = &fab->cfgs[fab->nodes[i].cfg];
        set |= (!c->buffer_auto && c->buffer_bytes) || (c->ecn && !c->ecn_auto);
        given |= !c->buffer_auto || !c->ecn || !c->ecn_auto || c->pfc != NS_PFC_AUTO ||
                 c->dt_alpha != NS_BUFFER_DT_ALPHA || c->trim;
        marks |= c->ecn;
        trims |= c->trim;
        int lossless = cfg->model == NS_MODEL_PACKET && ns_pfc_on(fab, fab->nodes[i].cfg, cfg->transport);
        pfc |= lossless;
        /* a lossless port may hold more (PFC bounds the ingresses, not the port) */
        if (!unmarkable && c->ecn && !c->ecn_auto && !lossless && port_holds_at_most(c) &&
            c->ecn_kmin >= port_holds_at_most(c))
            unmarkable = c;
    }
    if (cfg->model != NS_MODEL_PACKET) {
        /* the flow model has no queues: the same rule as a transport's settings */
        if (given)
            ns_lua_warn(L, "run", "the fabric's switch settings (buffer, ecn, pfc, trim) only apply with model = "
                        "\"packet\"; ignored with model = \"%s\"", ns_model_name(cfg->model));
        return;
    }
    const char *tp = ns_transport_name(cfg->transport);
    int ignores = ns_transport_ignores_buffers(cfg->transport);
    if (ignores && set)
        ns_lua_warn(L, "run", "transport \"%s\" ignores switch buffers and ECN marking: the switch's buffer and "
                    "ecn have no effect on this run (a transport that reacts to them: dctcp, dcqcn)", tp);
    if (ignores && trims)
        ns_lua_warn(L, "run", "transport \"%s\" never fills a buffer: trim = true has no effect on this run "
                    "(a transport that takes trimmed packets: dctcp, uec)", tp);
    if (ns_transport_reacts_to_ecn(cfg->transport) && !marks && fab->nnodes > fab->nhosts)
        ns_lua_warn(L, "run", "transport \"%s\" reacts to ECN marks, but no switch marks (ecn = false): it sees "
                    "congestion as %s", tp, pfc ? "PFC pauses (and losses, if any)" : "losses");
    if (unmarkable && !ignores) {
        char k[32], b[32];
        ns_format_size(unmarkable->ecn_kmin, k, sizeof k);
        ns_format_size(port_holds_at_most(unmarkable), b, sizeof b);
        ns_lua_warn(L, "run", "a switch marks ECN above %s queued (ecn.kmin), but a port of it holds at most %s "
                    "(%s): no packet will be marked", k, b,
                    unmarkable->shared ? "alpha / (1 + alpha) of its shared buffer" : "its buffer");
    }
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

/* the output of this run: -o, else run{output = ...}, else the default;
 * copied into buf, which is returned (nothing of Lua's is held). With
 * --sandbox, a name the scenario gives must end in .h5. */
static const char *
read_run_output(lua_State *L, const ns_cmdline *cmd, char *buf, size_t n)
{
    const char *output = cmd->output;
    if (!output) {
        output = ns_lua_str(L, 1, "run", "output", 0, NULL);
        size_t len = output ? strlen(output) : 0;
        if (output && cmd->sandbox && (len < 3 || strcmp(output + len - 3, ".h5") != 0))
            ns_lua_fail(L, "run", "with --sandbox, field 'output' must name a .h5 file (got \"%s\")", output);
    }
    if (!output)
        default_output(cmd->script, buf, n);
    else if ((size_t)snprintf(buf, n, "%s", output) >= n)
        ns_lua_fail(L, "run", "the output's name is too long (%zu bytes, at most %zu)", strlen(output), n - 1);
    return buf;
}

/* raise "run: message" as a fault of the scenario or of its command line
 * (exit status 2), or, for a lack of resources (err), of the simulator */
static int output_error(lua_State *L, ns_runlog *log, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
output_error(lua_State *L, ns_runlog *log, int err, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log->sim_failed = err == ENOSPC || err == EDQUOT || err == EIO || err == EMFILE || err == ENFILE ||
                      err == ENOMEM;
    return ns_lua_fail(L, "run", "%s", msg);
}

/* the kind of a file that is not regular, for messages */
static const char *
file_kind(mode_t m)
{
    return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/*
 * Before anything is built or simulated: the output must be a name a file
 * can be created under, in an existing folder, and if it exists a regular
 * file (never a device, such as /dev/null, a FIFO or a folder, nor a
 * symbolic link, which the rename would replace: /dev/stdout) that is not
 * one of the scenario's inputs (the scenario, a file it loaded, a trace, a
 * CDF, a GraphML file: the same device and inode, whatever the name).
 * Raises naming the output as given and the system's reason.
 */
static void
check_output(lua_State *L, ns_runlog *log, const char *output)
{
    struct stat st;
    if (!*output)
        output_error(L, log, ENOENT, "cannot write output '%s': %s (the output's name is empty)", output,
                     strerror(ENOENT));
    if (stat(output, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            output_error(L, log, EISDIR, "cannot write output '%s': %s", output, strerror(EISDIR));
        if (!S_ISREG(st.st_mode))
            output_error(L, log, 0, "output '%s' exists and is %s; netsim replaces only regular files "
                         "(to write no file, leave out -o and output)", output, file_kind(st.st_mode));
        const char *in = ns_file_set_find(&log->inputs, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        if (in)
            output_error(L, log, 0, "output '%s' is the same file as '%s', which this scenario read; "
                         "netsim never writes over its inputs", output, in);
    } else if (errno != ENOENT) {
        output_error(L, log, errno, "cannot write output '%s': %s", output, strerror(errno));
    }
    if (lstat(output, &st) == 0 && S_ISLNK(st.st_mode))
        output_error(L, log, 0, "output '%s' is a symbolic link: netsim would replace the link, not the file "
                     "it names; give the file's own path", output);
    /* its folder */
    char dir[4096];
    const char *slash = strrchr(output, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == output ? 1 : (int)(slash - output), output);
    if (stat(dir, &st) != 0)
        output_error(L, log, errno, "cannot write output '%s': folder '%s': %s", output, dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        output_error(L, log, ENOTDIR, "cannot write output '%s': '%s' is not a folder", output, dir);
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
    ns_err e = {0};
    /* the estimate reads the fabric at the ops' hosts: a bad host first */
    int rc = ns_sim_check_hosts(fab, wl, &e);
    if (rc) {
        lua_pushstring(L, e.msg);
        lua_error(L);   /* the message names its own place */
    }
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
    rc = ns_mem_check(est.total, "run: this run", detail, &e);
    if (rc)
        run_failed(L, log, rc, &e);
}

/* --- run: the output file ------------------------------------------------------------ */

/* the HDF5 file of a run: written under a temporary name in the output's
 * folder (path.part-PID-XXXXXXXX, created exclusively: a name nobody can
 * guess nor plant a link at), renamed to its path when complete, or to
 * path.partial when the run was interrupted; never left behind otherwise */
typedef struct out_file {
    const char *path;
    char        tmp[4200];
    ns_h5out   *h5;         /* open, or NULL */
    int         have_tmp;   /* tmp exists on disk, and is ours */
    uint64_t    dev, ino;   /* of tmp, as created */
} out_file;

static void
out_init(out_file *of, const char *path)
{
    of->path = path;
    of->tmp[0] = '\0';
    of->h5 = NULL;
    of->have_tmp = 0;
    of->dev = of->ino = 0;
}

/* 8 letters no other process can predict (the kernel's random numbers;
 * the clock and the process id if there are none) */
static void
random_suffix(char *out)
{
    static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    unsigned char r[8];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 12) ^ ++counter;
        for (size_t i = 0; i < sizeof r; i++, x >>= 8)
            r[i] = (unsigned char)(x * 2654435761u >> 7);
    }
    for (size_t i = 0; i < sizeof r; i++)
        out[i] = abc[r[i] % (sizeof abc - 1)];
    out[sizeof r] = '\0';
}

/* is tmp still the file we created (not replaced, not a link)? */
static int
out_is_ours(const out_file *of)
{
    struct stat st;
    return lstat(of->tmp, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_dev == of->dev &&
           (uint64_t)st.st_ino == of->ino;
}

/* create the temporary file, empty, with O_EXCL (which follows no link):
 * 0, or an errno. Its name keeps the output's and fits NAME_MAX. */
static int
out_create(out_file *of)
{
    const char *slash = strrchr(of->path, '/');
    size_t dirlen = slash ? (size_t)(slash - of->path) + 1 : 0;
    size_t baselen = strlen(of->path + dirlen);
    if (baselen > 200)
        baselen = 200;   /* room for .part-PID-XXXXXXXX in NAME_MAX (255) */
    for (int attempt = 0; attempt < 100; attempt++) {
        char rnd[9];
        random_suffix(rnd);
        snprintf(of->tmp, sizeof of->tmp, "%.*s%.*s.part-%ld-%s", (int)dirlen, of->path, (int)baselen,
                 of->path + dirlen, (long)getpid(), rnd);
        int fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;   /* taken (or a planted link): another name */
            return errno;
        }
        struct stat st;
        int rc = fstat(fd, &st) == 0 ? 0 : errno;
        close(fd);
        if (rc) {
            unlink(of->tmp);
            return rc;
        }
        of->dev = (uint64_t)st.st_dev;
        of->ino = (uint64_t)st.st_ino;
        of->have_tmp = 1;
        return 0;
    }
    return EEXIST;
}

/* open the created file for HDF5 (which truncates it), making sure it is
 * still the file we created */
static int
out_open(out_file *of, size_t nlinks, ns_err *e)
{
    if (!out_is_ours(of))
        return ns_errorf(e, NS_EIO, "output '%s': the temporary file '%s' was replaced before the run; "
                         "nothing was written", of->path, of->tmp);
    int rc = ns_h5out_open(&of->h5, of->tmp, nlinks, e);
    if (rc == NS_OK && !out_is_ours(of))
        return ns_errorf(e, NS_EIO, "output '%s': the temporary file '%s' was replaced while it was created",
                         of->path, of->tmp);
    return rc;
}

/* write the run's results and close the file (still under its temporary name) */
static int
out_finish(out_file *of, ns_sim *sim, const ns_summary *s, const ns_h5meta *meta, ns_err *e)
{
    int rc = ns_h5out_finish(of->h5, sim, s, meta, e);
    ns_h5out_close(of->h5);
    of->h5 = NULL;
    if (rc == NS_EIO) {
        char why[NS_ERRMSG_MAX];
        snprintf(why, sizeof why, "%s", e->msg);
        rc = ns_errorf(e, rc, "%s: %s; nothing was written there%s", of->path, why,
                       access(of->path, F_OK) == 0 ? " (the file that was there is unchanged)" : "");
    }
    return rc;
}

/* keep an interrupted run's file as path.partial (into buf): a name no
 * sweep takes for complete; 0, or -1 if there is no such file */
static int
out_keep_partial(out_file *of, char *buf, size_t n)
{
    snprintf(buf, n, "%s.partial", of->path);
    if (of->have_tmp && out_is_ours(of) && rename(of->tmp, buf) == 0)
        of->have_tmp = 0;
    return of->have_tmp ? -1 : 0;
}

/* give the complete file its name: only our own file, and only over a
 * regular file (what check_output found may have changed during the run);
 * otherwise the file is kept under its temporary name, which the message
 * gives */
static int
out_commit(out_file *of, ns_err *e)
{
    struct stat st;
    if (!of->have_tmp)
        return NS_OK;
    if (!out_is_ours(of)) {
        of->have_tmp = 0;   /* not ours any more: leave it alone */
        return ns_errorf(e, NS_EIO, "output '%s': the temporary file '%s' was replaced during the run; "
                         "nothing was written", of->path, of->tmp);
    }
    if (lstat(of->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        of->have_tmp = 0;
        return ns_errorf(e, NS_EIO, "output '%s' became %s during the run: the results are in '%s'",
                         of->path, S_ISDIR(st.st_mode) ? "a folder" : S_ISLNK(st.st_mode) ? "a symbolic link"
                         : file_kind(st.st_mode), of->tmp);
    }
    if (rename(of->tmp, of->path) != 0) {
        int err = errno;
        of->have_tmp = 0;
        return ns_errorf(e, NS_EIO, "cannot write output '%s': %s (the results are in '%s')", of->path,
                         strerror(err), of->tmp);
    }
    of->have_tmp = 0;
    return NS_OK;
}

/* close and remove what is left of the file; nothing once committed */
static void
out_discard(out_file *of)
{
    ns_h5out_close(of->h5);
    of->h5 = NULL;
    if (of->have_tmp && out_is_ours(of))
        unlink(of->tmp);
    of->have_tmp = 0;
}

/* --- run: the simulation -------------------------------------------------------------- */

typedef struct progress_ctx {
    double  t0, last, cpu0;    /* wall seconds at the start and at the last sample; CPU seconds at the start */
    int     shown, line;       /* shown: the line is on the terminal; line: show it */
    FILE   *log;               /* --progress-log, or NULL */
    ns_eta  eta;
} progress_ctx;

/* a progress sample: the line on a terminal (every quarter second), a row
 * of the log; `end`: the run's last row, after its last event */
static void
progress_sample(progress_ctx *p, ns_sim *sim, double now, int end)
{
    double el = now - p->t0;
    ns_progress pr;
    ns_sim_progress(sim, &pr);
    double ops = (double)sim->wl->nops, done = (double)sim->ops_done;
    double left = ns_eta_update(&p->eta, el, ns_eta_work(&pr, done, ops));
    if (p->log)
        fprintf(p->log, "%.3f %.3f %.9g %llu %.0f %.0f %.17g %.17g %.17g %.17g %.17g %.3f\n", el,
                (double)clock() / CLOCKS_PER_SEC - p->cpu0,
                ns_time_to_s(sim->now), (unsigned long long)sim->events, done, ops, pr.sent_bytes,
                pr.delivered_bytes, pr.total_bytes, pr.link_bytes, pr.link_bytes_total, end ? 0.0 : left);
    if (!p->line || end)
        return;
    char t[32], eta[32] = "?";
    ns_format_time(sim->now, t, sizeof t);
    if (left >= 0)
        snprintf(eta, sizeof eta, "%.0f s", left);
    fprintf(stderr, "\r\033[K[netsim] t = %s  %.1f%% of bytes  %.1f%% of ops  %.3g events/s  %.0f s, about %s left",
            t, pr.total_bytes > 0 ? 100 * pr.delivered_bytes / pr.total_bytes : 100.0, ops > 0 ? 100 * done / ops : 0,
            el > 0 ? (double)sim->events / el : 0, el, eta);
    fflush(stderr);
    p->shown = 1;
}

static void
show_progress(void *ctxp, ns_sim *sim)
{
    progress_ctx *p = ctxp;
    double now = wall_now();
    if (now - p->last < 0.25)
        return;
    p->last = now;
    progress_sample(p, sim, now, 0);
}

/* run sim to its end (or its limit, or a signal), with a progress line on
 * a terminal, and compute its summary into s */
static int
run_sim(const ns_cmdline *cmd, ns_sim *sim, ns_summary *s, ns_err *e)
{
    progress_ctx pc;
    memset(&pc, 0, sizeof pc);
    pc.t0 = pc.last = wall_now();
    pc.cpu0 = (double)clock() / CLOCKS_PER_SEC;
    pc.line = cmd->progress && !cmd->quiet;
    ns_eta_init(&pc.eta);
    if (cmd->progress_log && !(pc.log = fopen(cmd->progress_log, "a")))
        return ns_errorf(e, NS_EIO, "cannot open the progress log '%s': %s", cmd->progress_log, strerror(errno));
    if (pc.log)
        fprintf(pc.log, "# %s: wall_s cpu_s sim_s events ops_done ops sent_bytes delivered_bytes total_bytes "
                "link_bytes link_bytes_total left_s\n", cmd->script);
    if (pc.line || pc.log)
        ns_sim_set_progress(sim, show_progress, &pc, 1 << 16);
    sim->stop_flag = (volatile int *)cmd->stop;
    sim->max_events = cmd->max_events;
    int rc = ns_sim_run(sim);
    if (rc == NS_OK)
        ns_sim_finish(sim);   /* the summary and the file need less than the run */
    if (pc.line || pc.log)
        ns_sim_set_progress(sim, NULL, NULL, 0);   /* pc ends with this function */
    if (pc.log) {
        progress_sample(&pc, sim, wall_now(), 1);
        fclose(pc.log);
    }
    if (pc.shown)
        fprintf(stderr, "\r\033[K");
    if (rc)
        return ns_errorf(e, rc, "%s", ns_sim_errmsg(sim));
    if (ns_summary_compute(s, sim, wall_now() - pc.t0))
        return ns_enomem(e, "the summary");
    return NS_OK;
}

/*
 * Build the simulation, run it and write the output into of (created, or
 * not with no_output). Frees everything it made, and of unless committed,
 * before returning; NS_OK with *s filled, or an error code with a message
 * in e (NS_EINTR when a signal stopped the run: log->interrupted).
 */
static int
simulate(const ns_cmdline *cmd, const ns_params *params, ns_runlog *log, const ns_fabric *fab,
         const ns_workload *wl, const ns_run_cfg *cfg, out_file *of_, ns_summary *s, ns_err *e)
{
    ns_sim *sim = NULL;
    out_file of = *of_;
    int rc = ns_sim_new(fab, wl, cfg, &sim, e);
    if (rc)
        goto out;
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

/*
 * --isolation: each job of a run of several, simulated alone on the fabric
 * with the run's options (from time 0; its arrival time shifts nothing
 * alone), its makespan into wl->jobs[j].alone_ps for the slowdowns.
 */
static int
run_alone(const ns_cmdline *cmd, const ns_fabric *fab, ns_workload *wl, const ns_run_cfg *cfg, ns_err *e)
{
    for (size_t j = 0; j < wl->njobs; j++) {
        ns_sim *sim = NULL;
        int rc = ns_sim_new(fab, wl->jobs[j].src, cfg, &sim, e);
        if (rc == NS_OK) {
            sim->stop_flag = (volatile int *)cmd->stop;
            rc = ns_sim_run(sim);
            if (rc == NS_OK && sim->stopped == 1)
                rc = ns_errorf(e, NS_EINTR, "interrupted while running job '%s' alone (--isolation)",
                               wl->jobs[j].name);
            else if (rc)
                ns_errorf(e, rc, "job '%s' alone (--isolation): %s", wl->jobs[j].name, ns_sim_errmsg(sim));
        }
        if (rc == NS_OK && sim->ops_done == sim->wl->nops) {
            ns_time end = 0;
            for (size_t i = 0; i < sim->wl->nops; i++)
                if (sim->op_finish[i] > end)
                    end = sim->op_finish[i];
            wl->jobs[j].alone_ps = end;
        }
        ns_sim_free(sim);
        if (rc)
            return rc;
    }
    return NS_OK;
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
    ns_summary_unrun(s, wl);
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

/* The exact flow solver recomputed each rate a hundred times or more: many
 * unequal flows share links and every departure moves most rates (a skewed
 * MoE all-to-all, say), where the packet model can even be faster. Say so,
 * and what the approximation costs (counts, not wall time: the same run
 * always gives the same advice). */
#define HINT_MIN_RATES 10000000ULL
#define HINT_PER_FLOW  100

static void
hint_flow_quantum(lua_State *L, const ns_summary *s)
{
    const ns_solver_stats *st = &s->solver;
    if (!s->has_solver || s->flow_quantum_ps > 0 || st->rates < HINT_MIN_RATES ||
        st->rates < HINT_PER_FLOW * st->peak_flows)
        return;
    char q[32];
    ns_format_time(s->makespan_ps / 1000 > 0 ? s->makespan_ps / 1000 : 1, q, sizeof q);
    ns_lua_warn(L, "run", "the exact flow solver recomputed %llu rates in %llu solves, %.0f times the most "
                "flows alive at once (%llu): every departure moved most rates. flow_quantum = \"%s\" (a "
                "thousandth of the makespan) would solve the departures of each quantum together; "
                "completions can only come later, measured within about 1 %% for a few thousandths "
                "(netsim-lua(5), flow_quantum)",
                (unsigned long long)st->rates, (unsigned long long)st->solves,
                (double)st->rates / (double)st->peak_flows, (unsigned long long)st->peak_flows, q);
}

/* the summary: with --json (even with -q) kept in the run log, which
 * main prints once the scenario has ended (ns_runlog_print_json); else the
 * text form on stdout unless -q; then, unless -q, the flow_quantum hint */
static void
print_summary(lua_State *L, const ns_cmdline *cmd, ns_runlog *log, const ns_fabric *fab, const ns_run_cfg *cfg,
              const char *output, const ns_summary *s)
{
    if (cmd->json) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (f) {
            ns_summary_print_json(s, f);
            if (fclose(f) != 0)
                len = 0;
        }
        size_t cap = log->json_len;
        if (!f || !text || !len || ns_grow((void **)&log->json, &cap, log->json_len + len + 1, 1)) {
            free(text);
            ns_err e;
            ns_errorf(&e, NS_ENOMEM, "out of memory keeping the JSON summary");
            ns_lua_raise(L, &e);
        }
        memcpy(log->json + log->json_len, text, len);
        log->json_len += len;
        log->json[log->json_len] = '\0';
        log->json_runs++;
        free(text);
    } else if (!cmd->quiet) {
        ns_summary_print(s, stdout);
        fflush(stdout);
    }
    if (!cmd->quiet)
        hint_flow_quantum(L, s);
}

/* the run's header, printed when it starts (not with -q or --json): what
 * runs, on what, with which model, policy, transport and connections, into
 * which file */
static void
print_header(const ns_cmdline *cmd, const ns_fabric *fab, const ns_run_cfg *cfg, const char *output)
{
    if (cmd->quiet || cmd->json)
        return;
    printf("netsim: %s on %s (%zu hosts), model %s, lb %s, transport %s, subflows %u, connections %s, "
           "seed %llu -> %s\n", cmd->script, fab->kind, fab->nhosts, ns_model_name(cfg->model),
           ns_lb_names[cfg->lb], ns_transport_name(cfg->transport), cfg->subflows,
           ns_connections_names[cfg->connections], (unsigned long long)cfg->seed, output);
    if (cfg->lb == NS_LB_SPRAY && cfg->spray == NS_SPRAY_OBLIVIOUS)
        printf("netsim: spraying: oblivious, %u entropies a subflow, hashed by the switches\n", cfg->spray_entropies);
    if (cfg->nfailures) {
        char r[32];
        ns_format_time(cfg->reroute_ps, r, sizeof r);
        printf("netsim: failures: %u cable%s; forwarding avoids a cable down %s after it fails (reroute%s)\n",
               cfg->nfailures, cfg->nfailures > 1 ? "s" : "", r,
               cfg->reroute_given ? "" : ", the default: hardware fast failover; BGP takes 100ms or more");
    }
    if (cfg->model == NS_MODEL_FLOW && cfg->flow_quantum_ps > 0) {
        char q[32];
        ns_format_time(cfg->flow_quantum_ps, q, sizeof q);
        printf("netsim: flow model approximate: departures re-solved at multiples of %s (flow_quantum)\n", q);
    }
    if (fab->gpus_per_server) {
        /* what the scenario left to the defaults of an HGX server */
        const ns_flink *nvl = &fab->links[fab->host_nvlink[0]];
        char r[32], l[32];
        ns_format_rate(nvl->rate_bps, r, sizeof r);
        ns_format_time(nvl->latency_ps, l, sizeof l);
        printf("netsim: servers: %zu x %u GPUs, NVLink %s and %s per hop (lossless), rails %s, PXN %s\n",
               fab->nhosts / fab->gpus_per_server, fab->gpus_per_server, r, l, fab->rails ? "on" : "off",
               fab->pxn ? "on" : "off");
    }
    if (cfg->model == NS_MODEL_PACKET) {
        /* what the scenario left to the defaults of a real switch */
        char sw[1024];
        int pfc = 0;
        for (uint32_t c = 0; c < fab->ncfgs; c++)
            pfc |= ns_pfc_on(fab, c, cfg->transport);
        if (ns_transport_ignores_buffers(cfg->transport))
            snprintf(sw, sizeof sw, "switch: unlimited buffers, no ECN (transport %s)", ns_transport_name(cfg->transport));
        else
            ns_fabric_describe_switches(fab, sw, sizeof sw);
        printf("netsim: %s; PFC %s\n", sw, pfc ? "on (lossless)" : "off");
        char tp[512];
        int how = ns_transport_describe(cfg->transport, cfg, tp, sizeof tp);
        if (how)
            printf("netsim: transport %s%s: %s\n", ns_transport_name(cfg->transport),
                   how == 1 ? " (its defaults)" : "", tp);
    }
    fflush(stdout);
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
    if (s->transfers_done == 0)
        return;                     /* no fct table when no transfer finished */
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
    if (log->closed) {
        /* a finalizer that lua_close runs: the scenario is over, its exit status decided */
        fputs("netsim: netsim.run called after the scenario ended (in a finalizer): not run\n", stderr);
        return luaL_error(L, "netsim.run called after the scenario ended (in a finalizer): not run");
    }
    read_run_specs(L, &fab, &wl);
    {
        /* runs borrow its successor lists; if it cannot be sealed (a cycle,
         * no memory) the run makes its own and reports what is wrong */
        ns_err se = {0};
        (void)ns_wl_seal(wl, &se);
    }
    read_run_options(L, cmd, wl, &cfg);
    read_failures(L, fab, &cfg);
    {
        ns_err se = {0};
        if (ns_check_sample(fab, &cfg, &se))
            ns_lua_fail(L, "run", "%s", se.msg);
    }
    warn_artefacts(L, fab, &cfg);
    const char *output = read_run_output(L, cmd, outbuf, sizeof outbuf);
    admit_run(L, cmd, params, log, output);
    if (!cmd->no_output)
        check_output(L, log, output);

    ns_summary s;
    memset(&s, 0, sizeof s);
    check_memory(L, cmd, log, fab, wl, &cfg, output);
    if (cmd->check) {
        check_only(L, log, fab, wl, &cfg, &s);
        push_summary_table(L, &s);
        return 1;
    }
    print_header(cmd, fab, &cfg, output);
    /* from here to simulate() nothing raises: simulate removes the file */
    out_file of;
    out_init(&of, output);
    int err = cmd->no_output ? 0 : out_create(&of);
    if (err)
        output_error(L, log, err, "cannot write output '%s': %s", output, strerror(err));
    ns_err e = {0};
    int rc = NS_OK;
    if (cmd->isolation && wl->njobs)
        rc = run_alone(cmd, fab, wl, &cfg, &e);
    else if (cmd->isolation)
        ns_lua_warn(L, "run", "--isolation compares the jobs of a run of several (workload = {w1, w2, ...}); "
                    "this run has one workload: nothing to compare");
    if (rc == NS_OK) {
        rc = simulate(cmd, params, log, fab, wl, &cfg, &of, &s, &e);
    } else {
        out_discard(&of);
        log->interrupted = rc == NS_EINTR;
    }
    if (rc) {
        log->sim_failed = rc != NS_EINVAL;
        lua_pushstring(L, e.msg);
        return lua_error(L);   /* the message names its own place */
    }
    record_output(L, log, output);
    print_summary(L, cmd, log, fab, &cfg, output, &s);
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
