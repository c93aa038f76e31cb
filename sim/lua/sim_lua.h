/*
 * sim_lua.h - the netsim Lua module and the command-line context it runs in.
 */
#ifndef NS_SIM_LUA_H
#define NS_SIM_LUA_H

#include <lua.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ns_param {
    char *name;
    char *value;
    int   used;       /* the scenario asked for it with param() */
} ns_param;

/* what main() knows, shared with the bindings (registry key "netsim.cli") */
typedef struct ns_cli {
    const char   *script;         /* scenario path */
    char         *source;         /* its text */
    const char   *output;         /* -o, or NULL */
    int           seed_set;
    uint64_t      seed;           /* -s */
    int           model;          /* --model, or -1 */
    int           quiet, json, check, progress;
    ns_param     *params;         /* NAME=VALUE pairs */
    size_t        nparams;
    char        **asked_names, **asked_values;   /* every param() call, with its effective value */
    size_t        nasked, asked_cap;
    char         *command_line;
    char        **outputs;        /* outputs written so far */
    size_t        noutputs;
    int           runs;
    int           sim_failed;     /* the last error came from a simulation, not the scenario */
    int           interrupted;    /* a run was stopped by a signal */
    int           no_output;      /* simulate but write no file (the fuzz harness) */
    uint64_t      max_events;     /* stop each run after this many events, 0 = no limit (the fuzz harness) */
    volatile sig_atomic_t *stop;
} ns_cli;

/* install the netsim module and param() into L, bound to cli; after the
 * standard libraries, it makes load, loadfile and dofile accept source text only */
void ns_lua_open_netsim(lua_State *L, ns_cli *cli);
/* after the script: NAME=VALUE pairs never asked for are an error; 0 or -1
 * with a message written to `buf` */
int ns_cli_check_unused(ns_cli *cli, char *buf, size_t n);

#endif
