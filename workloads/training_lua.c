/*
 * training_lua.c - Lua binding of w:training{...}: training steps layer by
 * layer with tensor, pipeline and data parallelism (workloads/training.c).
 * Returns the handle of its done marker; `after` holds back its start.
 */
#include <config.h>
#include "training.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <string.h>
#include "collectives.h"
#include "moe.h"
#include "sim/fabric.h"
#include "sim/lua/lua_util.h"
#include "wl_lua.h"

#define CTOR "training"

/* model.moe = { experts, top_k, every, skew, capacity_factor } of the model
 * table at index m: into s (experts 0 without it) */
static void
read_moe(lua_State *L, int m, ns_training_spec *s)
{
    static const char *const fields[] = {"experts", "top_k", "every", "skew", "capacity_factor", NULL};
    const char *c = CTOR ": model.moe";
    int ty = ns_lua_rawfield(L, m, "moe");
    if (ty == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (ty != LUA_TTABLE)
        ns_lua_fail(L, CTOR, "model.moe must be a table {experts =, top_k =, ...} (got %s)", luaL_typename(L, -1));
    int t = lua_gettop(L);
    ns_lua_check_fields(L, t, c, fields);
    s->experts = (uint32_t)ns_lua_int(L, t, c, "experts", 1, 0, 1, 1 << 20);
    s->top_k = (uint32_t)ns_lua_int(L, t, c, "top_k", 0, 2 < s->experts ? 2 : s->experts, 1, 1 << 20);
    s->moe_every = (uint32_t)ns_lua_int(L, t, c, "every", 0, 1, 1, 1 << 20);
    ns_moe_spec ms;
    memset(&ms, 0, sizeof ms);
    ns_lua_moe_skew(L, t, c, &ms);
    s->skew = ms.skew;
    s->skew_param = ms.skew_param;
    if (ns_lua_has(L, t, "capacity_factor")) {
        s->capacity_factor = ns_lua_num(L, t, c, "capacity_factor", 1, 0, 0, 1e9);
        if (!(s->capacity_factor > 0))
            ns_lua_fail(L, c, "field 'capacity_factor' must be > 0 (got %g)", s->capacity_factor);
    }
    lua_pop(L, 1);
}

/* model = { layers, hidden, seq, params, batch, dtype_bytes, moe }: into s */
static void
read_model(lua_State *L, int t, ns_training_spec *s)
{
    static const char *const fields[] = {"layers", "hidden", "seq", "params", "batch", "dtype_bytes", "moe", NULL};
    if (ns_lua_rawfield(L, t, "model") != LUA_TTABLE)
        ns_lua_fail(L, CTOR, "field 'model' is required: a table {layers =, hidden =, seq =, params =}");
    int m = lua_gettop(L);
    ns_lua_check_fields(L, m, CTOR ": model", fields);
    read_moe(L, m, s);
    s->layers = (uint32_t)ns_lua_int(L, m, CTOR ": model", "layers", 1, 0, 1, 1 << 20);
    s->hidden = (uint64_t)ns_lua_int(L, m, CTOR ": model", "hidden", 1, 0, 1, 1 << 24);
    s->seq = (uint64_t)ns_lua_int(L, m, CTOR ": model", "seq", 1, 0, 1, 1 << 24);
    /* a transformer layer's weights: 12 h^2 (attention 4 h^2, MLP 8 h^2) */
    double def = 12.0 * (double)s->hidden * (double)s->hidden * s->layers;
    s->params = (uint64_t)ns_lua_num(L, m, CTOR ": model", "params", 0, def, 1, 1e15);
    s->batch = (uint64_t)ns_lua_int(L, m, CTOR ": model", "batch", 0, 1, 1, 1 << 20);
    s->dtype_bytes = (uint32_t)ns_lua_int(L, m, CTOR ": model", "dtype_bytes", 0, 2, 1, 16);
    lua_pop(L, 1);
}

/* gpu = { flops =, efficiency = } */
static void
read_gpu(lua_State *L, int t, ns_training_spec *s)
{
    static const char *const fields[] = {"flops", "efficiency", NULL};
    if (ns_lua_rawfield(L, t, "gpu") != LUA_TTABLE)
        ns_lua_fail(L, CTOR, "field 'gpu' is required: a table {flops = peak FLOP/s, efficiency = share reached}");
    int g = lua_gettop(L);
    ns_lua_check_fields(L, g, CTOR ": gpu", fields);
    s->flops = ns_lua_num(L, g, CTOR ": gpu", "flops", 1, 0, 1e6, 1e21);
    s->efficiency = ns_lua_num(L, g, CTOR ": gpu", "efficiency", 0, 0.5, 1e-6, 1);
    lua_pop(L, 1);
}

/* tp_comm = "simulated" (default) | "analytic" (needs fabric = a fabric of
 * servers, no PXN, every tensor-parallel group inside one server, one
 * NVLink rate and latency): into s */
static void
read_tp_comm(lua_State *L, ns_training_spec *s, size_t n)
{
    static const char *const modes[] = {"simulated", "analytic", NULL};
    s->tp_analytic = ns_lua_option(L, 2, CTOR, "tp_comm", modes, 0);
    if (!s->tp_analytic) {
        ns_lua_warn_unused(L, 2, CTOR, "fabric", "tp_comm = \"analytic\"", "tp_comm = \"simulated\"");
        return;
    }
    if (s->tp == 1)
        ns_lua_warn_unused(L, 2, CTOR, "tp_comm", "tp > 1", "tp = 1");
    if (ns_lua_rawfield(L, 2, "fabric") == LUA_TNIL)
        ns_lua_fail(L, CTOR, "tp_comm = \"analytic\" needs fabric = the fabric (its NVLink rate and latency)");
    const ns_fabric *f = ns_lua_check_fabric(L, -1);
    lua_pop(L, 1);
    if (!f->gpus_per_server)
        ns_lua_fail(L, CTOR, "tp_comm = \"analytic\" needs a fabric of servers (server = { gpus = }): the "
                    "tensor-parallel allreduces are timed on NVLink");
    if (f->pxn)
        ns_lua_fail(L, CTOR, "tp_comm = \"analytic\" with pxn = true: other traffic crosses NVLink there, so an "
                    "allreduce is not alone on it; use tp_comm = \"simulated\"");
    const ns_flink *l0 = NULL;
    ns_time lat = 0;   /* NVLink up plus down */
    for (size_t r = 0; r < n; r++) {
        uint32_t h = s->hosts[r] - 1, h0 = s->hosts[r - r % s->tp] - 1;
        if (h >= f->nhosts || ns_fabric_server_of(f, h) != ns_fabric_server_of(f, h0))
            ns_lua_fail(L, CTOR, "tp_comm = \"analytic\": host %u is not in the server of host %u, the first of "
                        "its tensor-parallel group (groups of tp = %u consecutive hosts must be GPUs of one server)",
                        s->hosts[r], h0 + 1, s->tp);
        const ns_flink *up = &f->links[f->host_nvlink[h]], *down = &f->links[up->reverse];
        if (!l0) {
            l0 = up;
            lat = up->latency_ps + down->latency_ps;
        }
        if (up->rate_bps != l0->rate_bps || down->rate_bps != l0->rate_bps ||
            up->latency_ps + down->latency_ps != lat)
            ns_lua_fail(L, CTOR, "tp_comm = \"analytic\": the NVLink of host %u differs from host %u's (one rate "
                        "and latency for all)", s->hosts[r], s->hosts[0]);
    }
    s->nvl_rate_bps = l0->rate_bps;
    s->nvl_lat_ps = lat;
    s->mss = f->mtu - f->header;
    s->header = f->header;
}

static int
w_training(lua_State *L)
{
    static const char *const fields[] = {
        "hosts", "model", "gpu", "tp", "pp", "dp", "ep", "microbatches", "schedule", "zero", "steps",
        "bucket", "algorithm", "tp_comm", "fabric", "after", "label", NULL
    };
    static const char *const algs[] = {"ring", "halving_doubling", "direct", NULL};
    ns_workload *w = ns_lua_begin_builder(L, CTOR, fields);
    ns_training_spec s;
    memset(&s, 0, sizeof s);
    size_t n;
    s.hosts = ns_lua_hosts(L, 2, CTOR, "hosts", &n);
    read_model(L, 2, &s);
    read_gpu(L, 2, &s);
    s.tp = (uint32_t)ns_lua_int(L, 2, CTOR, "tp", 0, 1, 1, 1 << 16);
    s.pp = (uint32_t)ns_lua_int(L, 2, CTOR, "pp", 0, 1, 1, 1 << 16);
    s.dp = (uint32_t)ns_lua_int(L, 2, CTOR, "dp", 0, 1, 1, 1 << 20);
    s.ep = (uint32_t)ns_lua_int(L, 2, CTOR, "ep", 0, 1, 1, 1 << 16);
    if (s.ep > 1 && !s.experts)
        ns_lua_fail(L, CTOR, "field 'ep' (%u) needs an MoE model: model.moe = { experts =, top_k = }", s.ep);
    if (s.dp % s.ep)
        ns_lua_fail(L, CTOR, "field 'ep' (%u) must divide dp (%u): an expert-parallel group is ep data-parallel "
                    "replicas", s.ep, s.dp);
    s.zero = (int)ns_lua_int(L, 2, CTOR, "zero", 0, 0, 0, 3);
    if ((uint64_t)s.tp * s.pp * s.dp != n)
        ns_lua_fail(L, CTOR, "tp x pp x dp = %u x %u x %u = %llu ranks, but 'hosts' lists %zu", s.tp, s.pp, s.dp,
                    (unsigned long long)s.tp * s.pp * s.dp, n);
    if (s.layers % s.pp)
        ns_lua_fail(L, CTOR, "model.layers (%u) must be a multiple of pp (%u): each stage holds layers / pp "
                    "of them", s.layers, s.pp);
    s.microbatches = (uint32_t)ns_lua_int(L, 2, CTOR, "microbatches", 0, 1, 1, 1 << 16);
    s.schedule = ns_lua_option(L, 2, CTOR, "schedule", ns_pipe_schedule_names, NS_PIPE_1F1B);
    s.steps = (uint32_t)ns_lua_int(L, 2, CTOR, "steps", 0, 1, 1, 1 << 20);
    s.bucket_bytes = ns_lua_size(L, 2, CTOR, "bucket", 0, 25u << 20);   /* PyTorch DDP: 25 MiB */
    if (s.bucket_bytes == 0)
        ns_lua_fail(L, CTOR, "field 'bucket' must be at least 1 byte");
    s.algorithm = ns_lua_option(L, 2, CTOR, "algorithm", algs, NS_ALG_RING);
    s.label = ns_lua_str(L, 2, CTOR, "label", 0, NULL);
    if (s.pp == 1)
        ns_lua_warn_unused(L, 2, CTOR, "schedule", "pp > 1", "pp = 1");
    if (s.dp == 1) {
        ns_lua_warn_unused(L, 2, CTOR, "bucket", "dp > 1", "dp = 1");
        ns_lua_warn_unused(L, 2, CTOR, "zero", "dp > 1", "dp = 1");
        s.zero = 0;             /* nothing to shard over one replica */
    }
    read_tp_comm(L, &s, n);
    uint32_t start, done;
    ns_err e = {0};
    if (ns_wl_training(w, &s, &start, &done, &e))
        return ns_lua_raise(L, &e);
    ns_lua_apply_after(L, 2, w, start, CTOR);
    ns_lua_push_op(L, 1, done);
    return 1;
}

const luaL_Reg ns_training_methods[] = {
    {"training", w_training},
    {NULL, NULL}
};
