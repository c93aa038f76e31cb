/*
 * driver.c - main() of every fuzz target (tests/fuzz/README).
 *
 *   fuzz_NAME                  replay the target's regression inputs and seeds
 *                              as a TAP test (what `make check` runs)
 *   fuzz_NAME FILE|DIR ...     run the target once on each file (a folder
 *                              stands for its files), as a reproducer
 *   fuzz_NAME -OPTION ... DIR  fuzz with libFuzzer (builds configured with
 *                              --enable-fuzzing), e.g. -max_total_time=60
 *   fuzz_NAME --dirs           print the folders of regression inputs and seeds
 *
 * The target's name and folders come from the build (NS_FUZZ_NAME,
 * NS_FUZZ_DIRS: folders relative to the source tree, separated by spaces,
 * NS_FUZZ_SUFFIX: only files ending so are inputs, "" for all).
 */
#include <config.h>
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef NS_FUZZING
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t));
#endif

typedef struct inputs {
    char  **paths;
    size_t  n, cap;
} inputs;

static void
add_input(inputs *in, const char *path)
{
    if (in->n == in->cap) {
        in->cap = in->cap ? 2 * in->cap : 64;
        in->paths = realloc(in->paths, in->cap * sizeof *in->paths);
        if (!in->paths)
            abort();
    }
    in->paths[in->n++] = strdup(path);
}

static void
free_inputs(inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
    in->paths = NULL;
    in->n = in->cap = 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* the files under `path` (sorted), or `path` itself; 0 or -1 if missing */
static int
collect(inputs *in, const char *path, const char *suffix)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        add_input(in, path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return -1;
    inputs here = {0};
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.' && has_suffix(de->d_name, suffix))
            add_input(&here, de->d_name);
    closedir(d);
    if (here.n)
        qsort(here.paths, here.n, sizeof *here.paths, cmp_str);
    for (size_t i = 0; i < here.n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, here.paths[i]);
        add_input(in, p);
        free(here.paths[i]);
    }
    free(here.paths);
    return 0;
}

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        abort();
    /* a block of exactly `len` bytes, so that a read past the end is caught */
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

/* the folders of regression inputs and seeds, absolute */
static void
target_dirs(inputs *dirs)
{
    char list[] = NS_FUZZ_DIRS;
    const char *top = ns_fuzz_srcdir();
    for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", top, tok);
        add_input(dirs, p);
    }
}

int
main(int argc, char **argv)
{
    inputs in = {0}, dirs = {0};
    if (argc == 2 && strcmp(argv[1], "--dirs") == 0) {
        target_dirs(&dirs);
        for (size_t i = 0; i < dirs.n; i++)
            puts(dirs.paths[i]);
        free_inputs(&dirs);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') {
#ifdef NS_FUZZING
            return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
#else
            fprintf(stderr, "fuzz_%s: built without libFuzzer (configure with CC=clang --enable-fuzzing); "
                    "give files or folders to replay\n", NS_FUZZ_NAME);
            return 2;
#endif
        }
    }
    if (argc > 1) {
        /* reproducer mode */
        for (int i = 1; i < argc; i++)
            if (collect(&in, argv[i], "") != 0) {
                fprintf(stderr, "fuzz_%s: no such file or folder: %s\n", NS_FUZZ_NAME, argv[i]);
                free_inputs(&in);
                return 2;
            }
        for (size_t i = 0; i < in.n; i++) {
            fprintf(stderr, "fuzz_%s: running %s\n", NS_FUZZ_NAME, in.paths[i]);
            run_file(in.paths[i]);
        }
        fprintf(stderr, "fuzz_%s: %zu inputs ran\n", NS_FUZZ_NAME, in.n);
        free_inputs(&in);
        return 0;
    }
    /* the TAP test: every regression input and seed */
    target_dirs(&dirs);
    for (size_t i = 0; i < dirs.n; i++)
        collect(&in, dirs.paths[i], NS_FUZZ_SUFFIX);
    printf("1..%zu\n", in.n + 1);
    fflush(stdout);
    for (size_t i = 0; i < in.n; i++) {
        int rc = run_file(in.paths[i]);
        size_t k = strlen(ns_fuzz_srcdir());
        const char *shown = strncmp(in.paths[i], ns_fuzz_srcdir(), k) == 0 ? in.paths[i] + k + 1 : in.paths[i];
        printf("%sok %zu - fuzz_%s survives %s\n", rc ? "not " : "", i + 1, NS_FUZZ_NAME, shown);
        fflush(stdout);
    }
    printf("%sok %zu - fuzz_%s: %zu inputs in %zu folders\n", in.n ? "" : "not ", in.n + 1, NS_FUZZ_NAME,
           in.n, dirs.n);
    free_inputs(&in);
    free_inputs(&dirs);
    return 0;
}
