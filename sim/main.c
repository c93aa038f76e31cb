/*
 * main.c - the netsim command: netsim [OPTIONS] SCENARIO.lua [NAME=VALUE ...]
 *
 * Runs the scenario in a fresh Lua state with the netsim module, in the
 * manner of lua.c: a protected main, one error message, one exit status
 * (0 ok, 1 the simulation failed, 2 bad usage or bad scenario, 130/143
 * interrupted by SIGINT/SIGTERM).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim/alloc.h"
#include "sim/budget.h"
#include "sim/fileset.h"
#include "sim/lib.h"
#include "sim/lua/netsimlib.h"
#include "sim/lua/param.h"
#include "sim/lua/sim_lua.h"
#include "sim/sim.h"
#include "sim/units.h"

enum { EXIT_SIMFAIL = 1, EXIT_USAGE = 2 };

/* a scenario's run context (sim/lua/sim_lua.h, param.h) and the strings
 * main owns in it */
typedef struct scenario {
    ns_cmdline cmd;
    ns_params  params;
    ns_runlog  log;
    char      *source;         /* cmd.source */
    char      *command_line;   /* cmd.command_line */
} scenario;

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signal;
static lua_State *volatile running_state;   /* the scenario's state, for the signal handler */

/* a Lua hook set by the signal handler: the scenario's Lua code stops at
 * its next instruction (a run in progress stops at its next event) */
static void
stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted by %s while running the scenario's Lua code",
               stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
}

static void
on_signal(int sig)
{
    if (stop_requested) {
        /* a second signal: leave at once */
        signal(sig, SIG_DFL);
        raise(sig);
        _exit(128 + sig);
    }
    stop_requested = 1;
    stop_signal = sig;
    if (running_state)   /* lua_sethook may be called from a signal handler (lua.c does) */
        lua_sethook(running_state, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static void
usage(FILE *out)
{
    fputs("usage: netsim [OPTIONS] SCENARIO.lua [NAME=VALUE ...]\n"
          "Simulate a network and cluster scenario written in Lua; write the results to HDF5.\n"
          "\n"
          "  -o, --output FILE   HDF5 output (default: the scenario's output, else SCENARIO.h5)\n"
          "  -s, --seed N        override the scenario's seed\n"
          "      --model M       packet or flow (overrides the scenario)\n"
          "  -q, --quiet         no progress line, no summary\n"
          "      --json          print the end-of-run summary as one JSON object\n"
          "                      (the scenario's own output goes to standard error)\n"
          "      --sandbox       no os, io, debug or C modules for the scenario\n"
          "      --isolation     in a run of several jobs, also run each job alone on the\n"
          "                      fabric and report its slowdown\n"
          "      --check         load and build everything, report sizes and the memory\n"
          "                      estimate, do not simulate\n"
          "      --max-memory SIZE  refuse runs estimated to need more, fail allocations past it\n"
          "                      (default: this machine's memory)\n"
          "      --progress-log FILE  append a line per progress sample (4 a second) to FILE\n"
          "  -h, --help          this help\n"
          "  -V, --version       print the version\n"
          "\n"
          "NAME=VALUE pairs are read by the scenario with param(NAME, DEFAULT).\n"
          "Exit status: 0 ok, 1 the simulation failed, 2 bad usage or bad scenario,\n"
          "130/143 interrupted by SIGINT/SIGTERM (what was simulated is in OUTPUT.partial).\n"
          "See netsim(1) and netsim-lua(5).\n", out);
}

static void *
lua_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        ns_free(ptr);
        return NULL;
    }
    return ns_realloc(ptr, nsize);
}

static char *
read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open scenario '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = ns_alloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (len + 1 < cap)
            break;
        char *nb = ns_realloc(buf, cap * 2);
        if (!nb) {
            ns_free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        return NULL;
    }
    if (bad) {
        snprintf(err, errlen, "cannot read scenario '%s'", path);
        ns_free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static char *
join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) * 4 + 3;
    char *s = ns_alloc(len);
    if (!s)
        return NULL;
    char *p = s;
    for (int i = 0; i < argc; i++) {
        int quote = strpbrk(argv[i], " \t'\"$\\") != NULL || !*argv[i];
        if (i)
            *p++ = ' ';
        if (quote)
            *p++ = '\'';
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\'' && quote) {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        if (quote)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}

static int
valid_name(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/* what is wrong with `arg`, the command-line word getopt refused, named as
 * the user wrote it: "--json=1" is a value given to an option that takes
 * none, "--output" at the end lacks its value, "-x" is unknown */
static void
bad_option(const char *arg, const struct option *longopts)
{
    if (arg[0] == '-' && arg[1] == '-') {
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct option *hit = NULL;
        int matches = 0;
        for (const struct option *o = longopts; o->name; o++) {
            if (strncmp(o->name, name, len) != 0)
                continue;
            if (strlen(o->name) == len) {   /* exact: no abbreviation is ambiguous with it */
                hit = o;
                matches = 1;
                break;
            }
            hit = o;
            matches++;
        }
        if (matches > 1)
            fprintf(stderr, "netsim: option '--%.*s' is ambiguous (write it out in full)\n", (int)len, name);
        else if (!hit)
            fprintf(stderr, "netsim: unknown option '--%.*s'\n", (int)len, name);
        else if (eq && hit->has_arg == no_argument)
            fprintf(stderr, "netsim: option '--%s' takes no value (got '%s')\n", hit->name, arg);
        else
            fprintf(stderr, "netsim: option '--%s' needs a value\n", hit->name);
        return;
    }
    if (optopt && strchr("os", optopt))
        fprintf(stderr, "netsim: option '-%c' needs a value\n", optopt);
    else if (optopt)
        fprintf(stderr, "netsim: unknown option '-%c'\n", optopt);
    else
        fprintf(stderr, "netsim: unknown option '%s'\n", arg);
}

static void
scenario_free(scenario *sc)
{
    ns_params_free(&sc->params);
    ns_runlog_free(&sc->log);
    ns_free(sc->source);
    ns_free(sc->command_line);
}

/* a Lua error object as text */
static const char *
errtext(lua_State *L)
{
    const char *m = lua_tostring(L, -1);
    return m ? m : "(error object is not a string)";
}

/* the text Lua compiles: past a UTF-8 byte order mark, and past a first
 * line that starts with '#' (#!/usr/bin/env netsim) but not its newline,
 * so that line numbers stay right; as lua's loadfile does */
static const char *
chunk_text(const char *source)
{
    if (memcmp(source, "\xEF\xBB\xBF", 3) == 0)
        source += 3;
    if (source[0] == '#') {
        const char *nl = strchr(source, '\n');
        source = nl ? nl : source + strlen(source);
    }
    return source;
}

/* runs in protected mode: load and run the scenario */
static int
pmain(lua_State *L)
{
    scenario *sc = lua_touserdata(L, 1);
    luaL_openlibs(L);
    ns_lua_open_netsim(L, &sc->cmd, &sc->params, &sc->log);
    char chunk[4200];
    snprintf(chunk, sizeof chunk, "@%s", sc->cmd.script);
    const char *text = chunk_text(sc->cmd.source);
    if (luaL_loadbufferx(L, text, strlen(text), chunk, "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 0);
    char why[1024];
    if (sc->log.runs == 0 && ns_params_check_unused(&sc->params, why, sizeof why))
        return luaL_error(L, "%s", why);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"seed", required_argument, NULL, 's'},
        {"model", required_argument, NULL, 'm'}, {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'}, {"check", no_argument, NULL, 'c'},
        {"max-memory", required_argument, NULL, 'M'}, {"sandbox", no_argument, NULL, 'S'},
        {"progress-log", required_argument, NULL, 'P'},
        {"isolation", no_argument, NULL, 'I'},
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}
    };
    scenario sc;
    memset(&sc, 0, sizeof sc);
    ns_cmdline *cmd = &sc.cmd;
    cmd->model = -1;
    int status = EXIT_SUCCESS, c;
    uint64_t max_memory = 0;
    const char *env = getenv("NETSIM_FAIL_ALLOC");
    ns_lib_init();
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:s:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            cmd->output = optarg;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-') {
                fprintf(stderr, "netsim: --seed expects a non-negative integer, got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            cmd->seed = v;
            cmd->seed_set = 1;
            break;
        }
        case 'm':
            cmd->model = ns_model_find(optarg);
            if (cmd->model < 0) {
                fprintf(stderr, "netsim: --model expects packet or flow, got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'M': {
            char why[256] = "";
            if (ns_parse_size(optarg, &max_memory, why, sizeof why) || max_memory == 0) {
                fprintf(stderr, "netsim: --max-memory expects a size such as 16GB, got '%s'%s%s\n", optarg,
                        why[0] ? ": " : "", why);
                return EXIT_USAGE;
            }
            break;
        }
        case 'q': cmd->quiet = 1; break;
        case 'j': cmd->json = 1; break;
        case 'c': cmd->check = 1; break;
        case 'S': cmd->sandbox = 1; break;
        case 'P': cmd->progress_log = optarg; break;
        case 'I': cmd->isolation = 1; break;
        case 'h': usage(stdout); return EXIT_SUCCESS;
        case 'V': printf("netsim %s\n", PACKAGE_VERSION); return EXIT_SUCCESS;
        default:
            bad_option(argv[optind - 1], longopts);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "netsim: no scenario given\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    cmd->script = argv[optind++];
    char err[1024];
    for (int i = optind; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!eq || !valid_name(argv[i], (size_t)(eq - argv[i]))) {
            fprintf(stderr, "netsim: expected NAME=VALUE after the scenario, got '%s'\n", argv[i]);
            scenario_free(&sc);
            return EXIT_USAGE;
        }
        const ns_param *twice = ns_params_find(&sc.params, argv[i], (size_t)(eq - argv[i]));
        if (twice) {
            fprintf(stderr, "netsim: parameter '%s' is given twice\n", twice->name);
            scenario_free(&sc);
            return EXIT_USAGE;
        }
        if (ns_params_add(&sc.params, argv[i], (size_t)(eq - argv[i]), eq + 1)) {
            fprintf(stderr, "netsim: out of memory\n");
            scenario_free(&sc);
            return EXIT_SIMFAIL;
        }
    }
    sc.source = read_file(cmd->script, err, sizeof err);
    if (!sc.source) {
        fprintf(stderr, "netsim: %s\n", err);
        scenario_free(&sc);
        return EXIT_USAGE;
    }
    cmd->source = sc.source;
    if (ns_file_set_add(&sc.log.inputs, cmd->script)) {   /* no output may overwrite the scenario */
        fprintf(stderr, "netsim: out of memory\n");
        scenario_free(&sc);
        return EXIT_SIMFAIL;
    }
    /* --json: standard output carries the one JSON object and nothing else;
     * what the scenario prints (print, io.write, --check) goes to stderr */
    FILE *json_out = NULL;
    if (cmd->json) {
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        if (fd < 0 || !(json_out = fdopen(fd, "w")) || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "netsim: --json: cannot set up standard output: %s\n", strerror(errno));
            scenario_free(&sc);
            return EXIT_SIMFAIL;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);   /* now stderr: keep the scenario's lines in order with ours */
    }
    sc.command_line = join_args(argc, argv);
    cmd->command_line = sc.command_line;
    cmd->progress = isatty(2);
    cmd->stop = &stop_requested;
    ns_set_interrupt_flag(&stop_requested);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    /* allocations past what the machine has fail cleanly (see estimate.h) */
    if (!max_memory)
        max_memory = ns_mem_machine();
    ns_alloc_set_limit(max_memory < SIZE_MAX ? (size_t)max_memory : SIZE_MAX - 1);
    if (env && *env)
        ns_alloc_fail_after(strtoull(env, NULL, 10));   /* tests: fail the Nth allocation */

    lua_State *L = lua_newstate(lua_alloc_fn, NULL);
    if (!L) {
        fprintf(stderr, "netsim: cannot create the Lua state: out of memory\n");
        scenario_free(&sc);
        return EXIT_SIMFAIL;
    }
    running_state = L;
    if (stop_requested)   /* a signal before the state existed */
        lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
    lua_pushcfunction(L, pmain);
    lua_pushlightuserdata(L, &sc);
    int prc = lua_pcall(L, 1, 0, 0);
    if (prc != LUA_OK) {
        fflush(stdout);
        fprintf(stderr, "netsim: %s\n", errtext(L));
        if (prc == LUA_ERRMEM && ns_alloc_limit_hit()) {
            char lim[32];
            ns_format_size(ns_alloc_limit(), lim, sizeof lim);
            fprintf(stderr, "netsim: the %s netsim may use (this machine's memory, or --max-memory) ran out\n", lim);
        }
        if (sc.log.interrupted || stop_requested)
            status = 128 + (int)stop_signal;
        else if (sc.log.sim_failed || prc == LUA_ERRMEM || ns_alloc_failed() || ns_alloc_limit_hit())
            status = EXIT_SIMFAIL;
        else
            status = EXIT_USAGE;
    }
    if (stop_requested && status == EXIT_SUCCESS)
        status = 128 + (int)stop_signal;   /* a signal after the last run: the scenario did not finish */
    running_state = NULL;
    sc.log.closed = 1;   /* finalizers run by lua_close may start no run and may not exit */
    fflush(stdout);
    lua_close(L);
    fflush(stdout);
    if (json_out) {
        if (status == EXIT_SUCCESS && ns_runlog_print_json(&sc.log, json_out)) {
            fprintf(stderr, "netsim: --json: cannot write standard output: %s\n", strerror(errno));
            status = EXIT_SIMFAIL;
        }
        fclose(json_out);
    }
    scenario_free(&sc);
    if (getenv("NETSIM_ALLOC_STATS"))
        fprintf(stderr, "netsim: %llu allocations, peak %zu bytes\n", (unsigned long long)ns_alloc_calls(),
                ns_alloc_peak_bytes());
    if (ns_alloc_live_blocks() != 0 && getenv("NETSIM_CHECK_LEAKS")) {
        fprintf(stderr, "netsim: internal error: %zu blocks (%zu bytes) not freed\n",
                ns_alloc_live_blocks(), ns_alloc_live_bytes());
        status = EXIT_SIMFAIL;
    }
    ns_lib_close();
    if (ns_h5out_left_open()) {
        /* HDF5 was left half-open after a failed close (ns_h5out_lib_close): end
         * without the exit handlers, which have nothing of ours to do and would
         * only walk (or, under LeakSanitizer, report) the memory it still holds */
        fflush(NULL);
        _exit(status);
    }
    return status;
}
