/* test_pool.c - the object pool recycles and frees wholesale */
#include <config.h>
#include "sim/alloc.h"
#include "sim/pool.h"
#include "tests/tap.h"

int
main(void)
{
    ns_pool p;
    void *objs[100];
    plan(6);
    ns_pool_init(&p, 40, 16);
    for (int i = 0; i < 100; i++)
        objs[i] = ns_pool_get(&p);
    is_int(p.live, 100, "100 objects live");
    is_int(p.slab_count, 7, "in ceil(100/16) = 7 slabs");
    for (int i = 0; i < 100; i++)
        ns_pool_put(&p, objs[i]);
    size_t calls = ns_alloc_calls();
    for (int i = 0; i < 100; i++)
        objs[i] = ns_pool_get(&p);
    is_int(ns_alloc_calls() - calls, 0, "recycled objects need no allocation");
    is_int(p.peak, 100, "peak is the most alive at once");
    ns_pool_destroy(&p);
    is_int(ns_alloc_live_blocks(), 0, "destroy frees every slab");
#ifdef NS_FAULT_INJECTION
    ns_alloc_fail_after(1);
    ns_pool_init(&p, 40, 16);
    ok(ns_pool_get(&p) == NULL, "an allocation failure gives NULL, not a crash");
    ns_alloc_fail_after(0);
    ns_pool_destroy(&p);
#else
    ok(1, "# SKIP fault injection not compiled in (configure --enable-fault-injection; make check-fault does)");
#endif
    return done_testing();
}
