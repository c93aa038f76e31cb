/*
 * fuzz_util.c - helpers shared by the fuzz targets (see fuzz.h).
 */
#include <config.h>
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim/alloc.h"
#include "sim/lib.h"

void
ns_fuzz_init(size_t alloc_limit)
{
    static int done;
    if (done)
        return;
    ns_lib_init();
    if (alloc_limit)
        ns_alloc_set_limit(alloc_limit);
    done = 1;
}

char *
ns_fuzz_cstring(const uint8_t *data, size_t size, int allow_nul)
{
    if (!allow_nul && memchr(data, 0, size))
        return NULL;
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static char temp_path[512];

static void
remove_temp_file(void)
{
    unlink(temp_path);
}

const char *
ns_fuzz_temp_file(const uint8_t *data, size_t size, const char *suffix)
{
    if (!temp_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(temp_path, sizeof temp_path, "%s/netsim-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(),
                 suffix);
        atexit(remove_temp_file);   /* a crash leaves it; the input is in fuzz-findings anyway */
    }
    const char *path = temp_path;
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t n = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || n != size)
        return NULL;
    return path;
}

void
ns_fuzz_require(int cond, const char *what, const char *input)
{
    if (cond)
        return;
    fprintf(stderr, "fuzz: property violated: %s\n", what);
    if (input)
        fprintf(stderr, "fuzz: input: %.300s\n", input);
    abort();
}

const char *
ns_fuzz_srcdir(void)
{
    const char *top = getenv("SRCDIR");
    return top && *top ? top : NS_FUZZ_SRCDIR;
}

void
ns_fuzz_no_leak(const char *target)
{
    if (ns_alloc_live_blocks() == 0)
        return;
    fprintf(stderr, "fuzz_%s: %zu netsim blocks (%zu bytes) leaked by this input\n", target,
            ns_alloc_live_blocks(), ns_alloc_live_bytes());
    abort();
}
