/*
 * fileset.c - a set of files by device and inode (see fileset.h).
 */
#include <config.h>
#include "fileset.h"

#include <string.h>
#include <sys/stat.h>
#include "alloc.h"

struct ns_file_entry {
    uint64_t dev, ino;
    char    *path;   /* the name it was added under */
};

int
ns_file_set_add(ns_file_set *s, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (ns_file_set_find(s, (uint64_t)st.st_dev, (uint64_t)st.st_ino))
        return 0;
    size_t cap = s->n;
    char *copy = ns_strdup(path);
    if (!copy || ns_grow((void **)&s->v, &cap, s->n + 1, sizeof *s->v)) {
        ns_free(copy);
        return -1;
    }
    s->v[s->n].dev = (uint64_t)st.st_dev;
    s->v[s->n].ino = (uint64_t)st.st_ino;
    s->v[s->n].path = copy;
    s->n++;
    return 0;
}

const char *
ns_file_set_find(const ns_file_set *s, uint64_t dev, uint64_t ino)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].dev == dev && s->v[i].ino == ino)
            return s->v[i].path;
    return NULL;
}

void
ns_file_set_free(ns_file_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        ns_free(s->v[i].path);
    ns_free(s->v);
    memset(s, 0, sizeof *s);
}
