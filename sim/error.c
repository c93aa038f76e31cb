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
