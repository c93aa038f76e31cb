/*
 * error.h - error codes and the error record of netsim.
 *
 * Fallible functions return an int: NS_OK or one of the codes below, and
 * leave a message in an ns_err (lower case, no final period, naming the
 * object and the offending value, in the manner of luaL_argerror).
 */
#ifndef NS_ERROR_H
#define NS_ERROR_H

#include <stddef.h>

enum {
    NS_OK = 0,
    NS_ENOMEM,      /* an allocation failed */
    NS_EINVAL,      /* bad input: scenario, parameter, file content */
    NS_EIO,         /* a file could not be read or written */
    NS_ESCRIPT,     /* a Lua error */
    NS_EINTR,       /* interrupted by a signal */
    NS_ESIM         /* the simulation itself failed (e.g. a transfer never completed) */
};

#define NS_ERRMSG_MAX 1024

typedef struct ns_err {
    int  code;
    char msg[NS_ERRMSG_MAX];
} ns_err;

/* record a message and return `code`; a NULL `e` only returns the code */
int ns_errorf(ns_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* the standard out-of-memory error, naming what was being built */
int ns_enomem(ns_err *e, const char *what);
void ns_err_clear(ns_err *e);

#endif
