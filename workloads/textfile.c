/*
 * textfile.c - read a whole text file into memory (see textfile.h).
 */
#include <config.h>
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sim/alloc.h"

int
ns_read_text_file(const char *path, const char *what, char **text, ns_err *e)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ns_errorf(e, NS_EIO, "cannot open %s '%s': %s", what, path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = ns_alloc(cap);
    int rc = NS_OK;
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (ferror(f)) {
            rc = ns_errorf(e, NS_EIO, "cannot read %s '%s'", what, path);
            break;
        }
        if (feof(f))
            break;
        if (len + 1 == cap && ns_grow((void **)&buf, &cap, cap + 1, 1)) {
            ns_free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    if (!buf)
        return ns_enomem(e, what);
    buf[len] = '\0';
    if (rc == NS_OK && memchr(buf, '\0', len))
        rc = ns_errorf(e, NS_EINVAL, "%s: not a text file (it holds a NUL byte)", path);
    if (rc) {
        ns_free(buf);
        return rc;
    }
    *text = buf;
    return NS_OK;
}
