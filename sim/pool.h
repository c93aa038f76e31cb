/*
 * pool.h - fixed-size object pool for the hot path (packets, timers).
 *
 * Objects are carved from slabs of many objects and recycled through an
 * intrusive free list: after warm-up, getting and putting an object never
 * calls the allocator. All slabs are released at once by ns_pool_destroy.
 * Memory grows with the number of objects alive at once, never with the
 * number ever used.
 */
#ifndef NS_POOL_H
#define NS_POOL_H

#include <stddef.h>
#ifdef NS_DEBUG
#include <string.h>
#endif

typedef struct ns_pool_slab ns_pool_slab;

typedef struct ns_pool {
    size_t        obj_size;     /* bytes per object, rounded up to pointer alignment */
    size_t        per_slab;     /* objects per slab */
    void         *free_list;    /* recycled objects, linked through their first word */
    ns_pool_slab *slabs;
    size_t        live, peak;   /* objects handed out now, and the most ever at once */
    size_t        slab_count;
} ns_pool;

void ns_pool_init(ns_pool *p, size_t obj_size, size_t per_slab);
void ns_pool_destroy(ns_pool *p);
/* a new slab's objects onto the free list: 0, or -1 when out of memory */
int ns_pool_grow(ns_pool *p);

/* an uninitialised object, or NULL when out of memory (inline: a packet's
 * birth and death on the hot path) */
static inline void *
ns_pool_get(ns_pool *p)
{
    if (!p->free_list && ns_pool_grow(p))
        return NULL;
    void *obj = p->free_list;
    p->free_list = *(void **)obj;
    if (++p->live > p->peak)
        p->peak = p->live;
    return obj;
}

static inline void
ns_pool_put(ns_pool *p, void *obj)
{
#ifdef NS_DEBUG
    memset(obj, 0xa5, p->obj_size);   /* catch use after free */
#endif
    *(void **)obj = p->free_list;
    p->free_list = obj;
    p->live--;
}
static inline size_t ns_pool_bytes(const ns_pool *p) { return p->slab_count * p->per_slab * p->obj_size; }

#endif
