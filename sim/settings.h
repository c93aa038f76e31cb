/*
 * settings.h - a neutral reader of a table of named settings, such as a
 * transport's run{dctcp = {...}}. A transport parses its settings through it
 * without knowing where they come from: the Lua bindings implement it over
 * a Lua table (sim/lua/sim_lua.c), a test over a C array.
 *
 * Errors: a reader reports a bad value (a wrong type, out of range, a field
 * not in the allowed list) with the table's name, "run: dctcp: field 'g'
 * must be <= 1 (got 2)". The Lua reader raises and does not return; a
 * reader that cannot raise records the first error and returns `def`, and
 * its caller looks at the record once the parser has returned. fail()
 * reports a bad combination of values the same way and returns NS_EINVAL if
 * it returns.
 */
#ifndef NS_SETTINGS_H
#define NS_SETTINGS_H

#include <stdint.h>
#include "time.h"

typedef struct ns_settings ns_settings;

struct ns_settings {
    void       *ctx;         /* the reader's own: a Lua state and a table index */
    const char *what;        /* names the table in messages: "run: dctcp" */
    /* only the fields in `allowed` (NULL-ended) may be present */
    void    (*check_fields)(const ns_settings *s, const char *const *allowed);
    /* the value of `field`, or `def` when it is absent */
    int64_t (*integer)(const ns_settings *s, const char *field, int64_t def, int64_t min, int64_t max);
    double  (*number)(const ns_settings *s, const char *field, double def, double min, double max);
    ns_time (*time)(const ns_settings *s, const char *field, ns_time def);   /* "10us" or seconds */
    uint64_t (*rate)(const ns_settings *s, const char *field, uint64_t def);  /* "40Mbps" or bits/s */
    uint64_t (*size)(const ns_settings *s, const char *field, uint64_t def);  /* "10MB" or bytes */
    int     (*boolean)(const ns_settings *s, const char *field, int def);     /* 0 or 1 */
    /* one of names[] (NULL-ended): its index */
    int     (*option)(const ns_settings *s, const char *field, const char *const *names, int def);
    /* "what: msg" */
    int     (*fail)(const ns_settings *s, const char *msg);
};

#endif
