/* test_event.c - the event queue: time order, FIFO ties, cancel, reschedule,
 * and agreement with a sort over a long random run with growth, shrinking
 * and jumps in time. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/event.h"
#include "tests/tap.h"

typedef struct item {
    ns_event ev;
    int      id;
} item;

static void nop(void *s, ns_event *e) { (void)s; (void)e; }

static unsigned rs = 12345;
static unsigned rnd(void) { rs = rs * 1103515245u + 12345u; return rs >> 8; }

static item it[100000];

static void
check_queue(int kind, const char *name)
{
    ns_evq q;
    diag("%s", name);
    ns_evq_init(&q, kind);
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

    /* a simulation-like run: each popped event schedules 0..2 later ones at
     * mixed horizons (ns, us, ms) and sometimes jumps far ahead; the pop
     * order must be non-decreasing in (time, seq) */
    int next = 0;
    for (; next < 1000; next++) {
        ns_event_init(&it[next].ev, nop);
        it[next].id = next;
        ns_evq_push(&q, &it[next].ev, (ns_time)(rnd() % 1000000));
    }
    ns_time last = -1;
    uint64_t last_seq = 0;
    int sorted = 1, popped = 0;
    int due = 0, due_right = 1, due_seen = 0;   /* ns_evq_due_at(last) before each pop */
    while (ns_evq_size(&q)) {
        item *x = (item *)ns_evq_pop(&q);
        popped++;
        if (popped > 1)
            due_right &= due == (x->ev.when_ps == last);
        if (x->ev.when_ps < last || (x->ev.when_ps == last && x->ev.seq < last_seq))
            sorted = 0;
        last = x->ev.when_ps;
        last_seq = x->ev.seq;
        int kids = next < 90000 ? (int)(rnd() % 3) : 0;
        if (ns_evq_size(&q) < 50 && next < 90000)
            kids = 2;
        for (int k = 0; k < kids; k++) {
            unsigned r = rnd();
            ns_time d = r % 4 == 0 ? (ns_time)(r % 1000) : r % 4 == 1 ? (ns_time)(r % 1000000)
                      : r % 4 == 2 ? (ns_time)(r % 1000000000) : 0;
            if (r % 997 == 0)
                d = (ns_time)5e12;   /* a jump of seconds */
            ns_event_init(&it[next].ev, nop);
            it[next].id = next;
            ns_evq_push(&q, &it[next].ev, last + d);
            next++;
        }
        due = ns_evq_due_at(&q, last);
        due_seen += due;
    }
    ok(sorted, "%d events with growth, shrinking and jumps come out by (time, insertion)", popped);
    is_int(popped, next, "every event came out once");
    ok(due_right, "an event is due at the clock exactly when the next one popped is at it");
    ok(due_seen > 100 && due_seen < popped - 100, "  (due %d times of %d)", due_seen, popped);

    for (int i = 0; i < 5; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, last + 10 * (i + 1));
    }
    ns_evq_cancel(&q, &it[2].ev);
    ok(!ns_event_pending(&it[2].ev), "a cancelled event is idle");
    ns_evq_push(&q, &it[4].ev, last + 5);   /* reschedule earlier */
    item *x = (item *)ns_evq_pop(&q);
    is_int(x->id, 4, "a rescheduled event moves");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 0, "then the earliest");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 1, "then the next");
    x = (item *)ns_evq_pop(&q);
    is_int(x->id, 3, "the cancelled one never fires");
    ns_evq_pop(&q);
    ns_evq_destroy(&q);
    is_int(ns_alloc_live_blocks(), 0, "no block left after destroy");
}

int
main(void)
{
    plan(22);
    check_queue(NS_EVQ_CALENDAR, "calendar queue");
    rs = 12345;
    check_queue(NS_EVQ_HEAP, "4-ary heap");
    return done_testing();
}
