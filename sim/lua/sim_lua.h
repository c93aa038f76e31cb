/*
 * sim_lua.h - the run context of a scenario, in the parts each user needs:
 * what the command line gives (ns_cmdline: main.c or the fuzz harness
 * fills it, the bindings read it) and what the runs did (ns_runlog:
 * netsim.run fills it, main.c reads it for the exit status). The third
 * part, the param() registry, is sim/lua/param.h. The core library that
 * uses them (netsim.run, sim_lua.c) is opened through sim/lua/netsimlib.h.
 */
#ifndef NS_SIM_LUA_H
#define NS_SIM_LUA_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* what the command line gives a scenario; read only for the bindings */
typedef struct ns_cmdline {
    const char   *script;         /* scenario path */
    const char   *source;         /* its text */
    const char   *command_line;   /* the command, quoted for a shell (recorded in the output) */
    const char   *output;         /* -o, or NULL */
    int           seed_set;
    uint64_t      seed;           /* -s */
    int           model;          /* --model, or -1 */
    int           quiet, json, check, progress;
    int           no_output;      /* simulate but write no file (the fuzz harness) */
    uint64_t      max_events;     /* stop each run after this many events, 0 = no limit (the fuzz harness) */
    volatile sig_atomic_t *stop;  /* set by a signal: a run in progress stops at its next event */
} ns_cmdline;

/* what the runs of a scenario did */
typedef struct ns_runlog {
    char        **outputs;        /* outputs written so far, each once */
    size_t        noutputs;
    int           runs;           /* netsim.run calls past their argument checks */
    int           sim_failed;     /* the last error came from the simulator, not the scenario
                                   * (also set by the bindings: ns_lua_raise, lua_util.h) */
    int           interrupted;    /* a run was stopped by a signal */
} ns_runlog;

/* free the outputs' names; log may be zeroed (never filled) */
void ns_runlog_free(ns_runlog *log);

#endif
