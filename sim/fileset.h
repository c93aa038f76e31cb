/*
 * fileset.h - a set of files by identity (device and inode), with the name
 * each was added under: the files a scenario read (the scenario itself, the
 * files it loaded, its traces, CDFs and GraphML files), which no run may
 * write its output over, whatever name the output is given (a hard link, a
 * symbolic link, "./x" for "x").
 */
#ifndef NS_FILESET_H
#define NS_FILESET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ns_file_entry ns_file_entry;

typedef struct ns_file_set {
    ns_file_entry *v;   /* n entries, each file once */
    size_t         n;
} ns_file_set;

/* add the file that `path` names (following symbolic links) under the name
 * `path`. 0 (also when it is in the set already, or when it does not
 * exist: nothing to protect), -1 out of memory. Costs O(n). */
int ns_file_set_add(ns_file_set *s, const char *path);
/* the name of the file with this device and inode, or NULL */
const char *ns_file_set_find(const ns_file_set *s, uint64_t dev, uint64_t ino);
/* free the set; s may be zeroed (never filled) */
void ns_file_set_free(ns_file_set *s);

#endif
