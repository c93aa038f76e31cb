/*
 * param.h - the param() registry: the NAME=VALUE pairs of the command line,
 * and every name the scenario asked for with param(NAME, DEFAULT) with the
 * value it got. main.c fills the pairs; param() (param.c) marks them used
 * and records the asked names; netsim.run writes those to the HDF5 file.
 */
#ifndef NS_PARAM_H
#define NS_PARAM_H

#include <stddef.h>

typedef struct ns_param {
    char *name;
    char *value;
    int   used;       /* the scenario asked for it with param() */
} ns_param;

typedef struct ns_params {
    ns_param  *given;                        /* NAME=VALUE pairs of the command line */
    size_t     ngiven;
    char     **asked_names, **asked_values;  /* every param() call, once per name, with its effective value */
    size_t     nasked, asked_cap;
} ns_params;

/* the pair named name[0 .. len), or NULL */
const ns_param *ns_params_find(const ns_params *p, const char *name, size_t len);
/* add the pair name[0 .. len) = value; 0, or -1 out of memory (what was
 * made is freed by ns_params_free) */
int ns_params_add(ns_params *p, const char *name, size_t len, const char *value);
/* after the script: pairs never asked for are an error; 0, or -1 with a
 * message written to `buf` */
int ns_params_check_unused(const ns_params *p, char *buf, size_t n);
/* free everything; p may be zeroed (never filled) */
void ns_params_free(ns_params *p);

#endif
