/* test_event.c - the event heap: time order, FIFO ties, cancel, reschedule */
#include <config.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/event.h"
#include "tests/tap.h"

typedef struct item {
    ns_event ev;
    int      id;
} item;

static void nop(void *s, ns_event *e) { (void)s; (void)e; }

int
main(void)
{
    ns_evq q;
    item it[1000];
    plan(8);
    ns_evq_init(&q);
    for (int i = 0; i < 10; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, 100);   /* all at the same time */
    }
    int fifo = 1;
    for (int i = 0; i < 10; i++) {
        item *x = (item *)ns_evq_pop(&q);
        fifo &= x->id == i;
    }
    ok(fifo, "equal times fire in insertion order");

    /* random times: non-decreasing, and FIFO within equal times */
    unsigned s = 12345;
    for (int i = 0; i < 1000; i++) {
        s = s * 1103515245u + 12345u;
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, (ns_time)((s >> 16) % 50));
    }
    ns_time last = -1;
    int last_id = -1, sorted = 1;
    while (ns_evq_size(&q)) {
        item *x = (item *)ns_evq_pop(&q);
        if (x->ev.when_ps < last || (x->ev.when_ps == last && x->id < last_id))
            sorted = 0;
        last = x->ev.when_ps;
        last_id = x->id;
    }
    ok(sorted, "1000 random events come out by (time, insertion)");

    for (int i = 0; i < 5; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, 10 * (i + 1));
    }
    ns_evq_cancel(&q, &it[2].ev);
    ok(!ns_event_pending(&it[2].ev), "a cancelled event is idle");
    ns_evq_push(&q, &it[4].ev, 5);   /* reschedule earlier */
    item *x = (item *)ns_evq_pop(&q);
    is_int(x->id, 4, "a rescheduled event moves");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 0, "then the earliest");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 1, "then the next");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 3, "the cancelled one never fires");
    ns_evq_destroy(&q);
    is_int(ns_alloc_live_blocks(), 0, "no block left after destroy");
    return done_testing();
}
