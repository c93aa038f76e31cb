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
#include <stdio.h>
#include <stdint.h>
#include "sim/fileset.h"

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
    const char   *progress_log;   /* --progress-log: a line per progress sample to this file, or NULL */
    int           isolation;      /* --isolation: each job of a run of several also runs alone */
    int           sandbox;        /* --sandbox: no os, io, debug or C modules (sim/lua/sandbox.c) */
    int           no_output;      /* simulate but write no file (the fuzz harness) */
    uint64_t      max_events;     /* stop each run after this many events, 0 = no limit (the fuzz harness) */
    volatile sig_atomic_t *stop;  /* set by a signal: a run in progress stops within 1,024 events */
} ns_cmdline;

/* what the runs of a scenario did */
typedef struct ns_runlog {
    char        **outputs;        /* outputs written so far, each once */
    size_t        noutputs;
    int           runs;           /* netsim.run calls past their argument checks */
    int           sim_failed;     /* the last error came from the simulator, not the scenario
                                   * (also set by the bindings: ns_lua_raise, lua_util.h) */
    int           interrupted;    /* a run was stopped by a signal */
    int           closed;         /* the scenario has ended: a finalizer run by lua_close may start
                                   * no run and may not exit (sim/lua/sandbox.c) */
    ns_file_set   inputs;         /* the files the scenario read: no output may replace one */
    char         *json;           /* --json: the summary objects of the runs so far, one a line */
    size_t        json_len;
    int           json_runs;
} ns_runlog;

/* --json: what goes to standard output once the scenario has succeeded:
 * exactly one JSON object, the summary of its one run, or {"runs": [...]}
 * with one summary per run when it made none or several. Returns 0, or -1
 * if it could not be written. */
int ns_runlog_print_json(const ns_runlog *log, FILE *out);

/* free the outputs' names; log may be zeroed (never filled) */
void ns_runlog_free(ns_runlog *log);

#endif
