/*
 * pool.c - slab-backed free-list pool (see pool.h).
 */
#include <config.h>
#include "pool.h"

#include <stdint.h>
#include "alloc.h"

struct ns_pool_slab {
    ns_pool_slab *next;
    /* objects follow, from the first cache line after it */
};

#define SLAB_HDR ((sizeof(ns_pool_slab) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * _Alignof(max_align_t))
/* objects start on a cache line: one of 64 bytes (a packet) fills one line
 * instead of straddling two, a miss fewer per packet-hop */
#define LINE 64

void
ns_pool_init(ns_pool *p, size_t obj_size, size_t per_slab)
{
    size_t a = _Alignof(max_align_t);
    if (obj_size < sizeof(void *))
        obj_size = sizeof(void *);
    p->obj_size = (obj_size + a - 1) / a * a;
    p->per_slab = per_slab ? per_slab : 1024;
    p->free_list = NULL;
    p->slabs = NULL;
    p->live = p->peak = 0;
    p->slab_count = 0;
}

void
ns_pool_destroy(ns_pool *p)
{
    ns_pool_slab *s = p->slabs;
    while (s) {
        ns_pool_slab *next = s->next;
        ns_free(s);
        s = next;
    }
    p->slabs = NULL;
    p->free_list = NULL;
    p->live = 0;
    p->slab_count = 0;
}

int
ns_pool_grow(ns_pool *p)
{
    ns_pool_slab *s = ns_alloc(SLAB_HDR + LINE - 1 + p->per_slab * p->obj_size);
    if (!s)
        return -1;
    s->next = p->slabs;
    p->slabs = s;
    p->slab_count++;
    char *base = (char *)(((uintptr_t)s + SLAB_HDR + LINE - 1) & ~(uintptr_t)(LINE - 1));
    /* thread the new objects onto the free list, lowest address first */
    for (size_t i = p->per_slab; i-- > 0;) {
        void *obj = base + i * p->obj_size;
        *(void **)obj = p->free_list;
        p->free_list = obj;
    }
    return 0;
}

