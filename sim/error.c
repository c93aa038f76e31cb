/*
 * error.c - recording error messages (see error.h).
 */
#include <config.h>
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include "alloc.h"
#include "units.h"

int
ns_errorf(ns_err *e, int code, const char *fmt, ...)
{
    if (!e)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
    return code;
}

int
ns_enomem(ns_err *e, const char *what)
{
    if (ns_alloc_limit_hit()) {
        char lim[32];
        ns_format_size(ns_alloc_limit(), lim, sizeof lim);
        return ns_errorf(e, NS_ENOMEM, "out of memory while building %s (the %s netsim may use, this machine's "
                         "memory or --max-memory, ran out)", what, lim);
    }
    return ns_errorf(e, NS_ENOMEM, "out of memory while building %s", what);
}

void
ns_err_clear(ns_err *e)
{
    e->code = NS_OK;
    e->msg[0] = '\0';
}

const char *
ns_strerror(int code)
{
    switch (code) {
    case NS_OK: return "ok";
    case NS_ENOMEM: return "out of memory";
    case NS_EINVAL: return "invalid input";
    case NS_EIO: return "input/output error";
    case NS_ESCRIPT: return "script error";
    case NS_EINTR: return "interrupted";
    case NS_ESIM: return "simulation failed";
    }
    return "unknown error";
}
