/* test_event.c - the event queue: time order, FIFO ties, cancel, reschedule,
 * and agreement with a sort over a long random run with growth, shrinking
 * and jumps in time; and the calendar's shape under a packet-like load
 * (events in step, short ones among long ones, far timers); and the
 * look-ahead's view of the next events (ns_evq_peek), and the inline pop's
 * steps over empty buckets. */
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

/* against a reference: NREF events pushed, rescheduled (earlier or later)
 * and cancelled at random among crowded instants, each pop checked against
 * the earliest (time, seq) of the events pending, found by a scan. Cancels
 * and moves take events from the ends of buckets, so inserts meet buckets
 * whose bound on their last event's time is stale (event_calendar.c) */
#define NREF 400
static void
check_reference(int kind, const char *name)
{
    ns_evq q;
    ns_evq_init(&q, kind);
    for (int i = 0; i < NREF; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
    }
    ns_time now = 0;
    int agree = 1, pops = 0, moves = 0, cancels = 0;
    for (int op = 0; op < 60000; op++) {
        unsigned r = rnd();
        item *x = &it[r % NREF];
        unsigned what = (r >> 12) % 8;
        if (what < 4) {   /* push or move, to an instant of a crowded few, or anywhere near */
            ns_time d = what < 3 ? (ns_time)(rnd() % 8) * 300 : (ns_time)(rnd() % 100000);
            moves += ns_event_pending(&x->ev);
            ns_evq_push(&q, &x->ev, now + d);
        } else if (what == 4) {
            cancels += ns_event_pending(&x->ev);
            ns_evq_cancel(&q, &x->ev);
        } else if (ns_evq_size(&q)) {
            const item *want = NULL;
            for (int i = 0; i < NREF; i++)
                if (ns_event_pending(&it[i].ev) &&
                    (!want || it[i].ev.when_ps < want->ev.when_ps ||
                     (it[i].ev.when_ps == want->ev.when_ps && it[i].ev.seq < want->ev.seq)))
                    want = &it[i];
            item *got = (item *)ns_evq_pop(&q);
            agree &= got == want && !ns_event_pending(&got->ev);
            now = got->ev.when_ps;
            pops++;
        }
    }
    ok(agree, "%s: %d pops agree with a scan for the earliest, through %d moves and %d cancels",
       name, pops, moves, cancels);
    ns_evq_destroy(&q);
}

/* a packet-like load: NPORT ports in 16 groups in step (each pop schedules
 * its next arrival a serialization, a latency and up to 4 ns of jitter
 * later), one in eight a short packet; NTIMER timers tens of us out,
 * re-armed (moved) every so often */
#define NPORT  2000
#define NTIMER 500
static void
check_calendar_shape(void)
{
    ns_evq q;
    diag("calendar queue under a packet-like load");
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    for (int i = 0; i < NPORT + NTIMER; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
    }
    for (int i = 0; i < NPORT; i++)
        ns_evq_push(&q, &it[i].ev, (ns_time)(i % 16) * 327680);
    for (int i = 0; i < NTIMER; i++)
        ns_evq_push(&q, &it[NPORT + i].ev, 20000000 + (ns_time)i * 100000);
    ns_time last = -1;
    uint64_t last_seq = 0;
    int sorted = 1, timers_fired = 0, moved = 0, cancelled = 1;
    for (int k = 0; k < 400000; k++) {
        item *x = (item *)ns_evq_pop(&q);
        if (x->ev.when_ps < last || (x->ev.when_ps == last && x->ev.seq < last_seq))
            sorted = 0;
        last = x->ev.when_ps;
        last_seq = x->ev.seq;
        if (x->id >= NPORT) {   /* a timer fired: far out again */
            timers_fired++;
            ns_evq_push(&q, &x->ev, last + 50000000);
            continue;
        }
        unsigned r = rnd();
        ns_time d = (r % 8 == 0 ? 5120 + 1000000 : 327680 + 1000000) + (ns_time)(r >> 3) % 4096;
        ns_evq_push(&q, &x->ev, last + d);
        if (r % 64 == 0) {   /* a timer re-armed later (from the heap, or from a bucket) */
            item *t = &it[NPORT + (int)(rnd() % NTIMER)];
            ns_evq_push(&q, &t->ev, last + 40000000 + (ns_time)(rnd() % 1000));
            moved++;
        }
        if (r % 512 == 1) {   /* and one cancelled, then armed again */
            item *t = &it[NPORT + (int)(rnd() % NTIMER)];
            ns_evq_cancel(&q, &t->ev);
            cancelled &= !ns_event_pending(&t->ev);
            ns_evq_push(&q, &t->ev, last + 30000000);
        }
    }
    ok(sorted, "400,000 pops in step with far timers come out by (time, insertion)");
    is_int((long)ns_evq_size(&q), NPORT + NTIMER, "every port and timer is still queued once");
    ok(moved > 1000 && timers_fired > 0, "  (%d timers moved, %d fired)", moved, timers_fired);
    ok(cancelled, "a cancelled timer is idle, wherever it waited");
    /* the shape followed the load: 1 ns buckets made inserts walk past the
     * events crowding each bucket; the timers wait in the heap */
    ok(q.shift < 10, "the buckets narrowed from 1 ns to 2^%u ps", q.shift);
    ok(q.heap.n >= NTIMER / 2, "far timers wait in the heap (%zu)", q.heap.n);
    ns_evq_destroy(&q);
    is_int(ns_alloc_live_blocks(), 0, "no block left after destroy");
}

/* a small fabric's load: NSMALL events, each re-armed ten microseconds
 * and up to 4 ns later (packets crossing long links, few at a time). The
 * buckets may hold MAX_PER_EVENT (8) a queued event at most, and the
 * events waiting in the heap do not count: with few events in a short
 * year the count may not grow, pops find the buckets empty and jump to
 * the heap (no scan), and every push goes through the heap. Only wider
 * buckets make the year long enough (event_calendar.c) */
#define NSMALL 24
static void
check_calendar_small(void)
{
    ns_evq q;
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    for (int i = 0; i < NSMALL; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, (ns_time)i * 400000);
    }
    ns_time last = -1;
    int sorted = 1;
    for (int k = 0; k < 200000; k++) {
        item *x = (item *)ns_evq_pop(&q);
        sorted &= x->ev.when_ps >= last;
        last = x->ev.when_ps;
        ns_evq_push(&q, &x->ev, last + 10000000 + (ns_time)(rnd() % 4096));
    }
    uint64_t year = (uint64_t)q.nb << q.shift;
    ok(sorted, "a small fabric's 200,000 pops come out in time order");
    ok(year > 10004096 && q.heap.n == 0,
       "its year grew past 10 us (%zu buckets of 2^%u ps): no event waits in the heap (%zu)",
       q.nb, q.shift, q.heap.n);
    ns_evq_destroy(&q);
}

/* ns_evq_peek under the packet-like load: the two events it names are
 * the next two pops, and the link it gives is the third's (or a bucket's
 * head: it stops at its bucket's end); on a heap it names none */
static void
check_peek(void)
{
    ns_evq q;
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    for (int i = 0; i < NPORT; i++) {
        ns_event_init(&it[i].ev, nop);
        it[i].id = i;
        ns_evq_push(&q, &it[i].ev, (ns_time)(i % 16) * 327680 + (ns_time)(rnd() % 64));
    }
    long one = 0, two = 0, thirds = 0;
    int right = 1, third_right = 1;
    for (int k = 0; k < 200000; k++) {
        const ns_event *e1, *e2;
        const void *l3 = ns_evq_peek(&q, &e1, &e2);
        item *x = (item *)ns_evq_pop(&q);
        if (e1) {
            one++;
            right &= &x->ev == e1;
        }
        right &= e1 || !e2;
        if (e2) {
            two++;
            item *y = (item *)ns_evq_pop(&q);
            right &= &y->ev == e2;
            const ns_event *n1, *n2;
            ns_evq_peek(&q, &n1, &n2);
            const ns_evbucket *b = (const ns_evbucket *)l3;
            if (!(b >= q.bucket && b < q.bucket + q.nb)) {   /* not a head: the third's links */
                thirds++;
                third_right &= n1 && l3 == (const void *)&n1->ln;
            }
            ns_evq_push(&q, &y->ev, y->ev.when_ps + 1000000 + (ns_time)(rnd() % 4096));
        }
        ns_evq_push(&q, &x->ev, x->ev.when_ps + 1000000 + (ns_time)(rnd() % 4096));
    }
    ok(right && third_right && two > 20000 && thirds > 10000,
       "the look-ahead named the next pop %ld times, the two next %ld times, the third's links %ld times, "
       "always right", one, two, thirds);
    ns_evq_destroy(&q);

    ns_evq h;
    ns_evq_init(&h, NS_EVQ_HEAP);
    ns_event_init(&it[0].ev, nop);   /* the calendar forgot them queued */
    ns_event_init(&it[1].ev, nop);
    ns_evq_push(&h, &it[0].ev, 5);
    ns_evq_push(&h, &it[1].ev, 6);
    const ns_event *e1 = &it[0].ev, *e2 = &it[0].ev;
    ok(ns_evq_peek(&h, &e1, &e2) == NULL && !e1 && !e2, "a heap names none");
    ns_evq_destroy(&h);
}

/* the inline pop (event.h) steps over up to NS_EVQ_POP_STEPS empty
 * buckets: four events pending on buckets of 1,024 ps, each pop followed
 * by a push 2 to 12 buckets after the last, come out in time order, with
 * the calendar's count of bucket steps the span they crossed; and while the
 * gaps are 2 to NS_EVQ_POP_STEPS buckets no operation leaves the inline
 * paths (the count of operations they may take runs down by one an
 * operation, where one out of line sets it afresh) */
static void
check_pop_steps(void)
{
    const ns_time w = 1024;
    ns_evq q;
    ns_evq_init(&q, NS_EVQ_CALENDAR);
    ns_time t = 0, last = 0;
    for (int i = 0; i < 4; i++) {
        ns_event_init(&it[i].ev, nop);
        t += 2 * w;
        ns_evq_push(&q, &it[i].ev, t);
    }
    int sorted = 1, inline_only = 1, checked = 0;
    for (int k = 0; k < 2000; k++) {
        /* pushes with short gaps for 24 turns in 100; the pops of the 20
         * turns after the first 4 meet only those gaps */
        int short_gaps = k % 100 < 24, check = k % 100 >= 4 && short_gaps && q.fast >= 3;
        size_t fast0 = q.fast;
        item *x = (item *)ns_evq_pop(&q);
        sorted &= x->ev.when_ps >= last;
        last = x->ev.when_ps;
        t += w * (short_gaps ? 2 + (ns_time)(rnd() % (NS_EVQ_POP_STEPS - 1)) : 2 + (ns_time)(rnd() % 11));
        ns_evq_push(&q, &x->ev, t);
        if (check) {
            inline_only &= q.fast == fast0 - 2;
            checked++;
        }
    }
    ok(sorted && q.scan == (uint64_t)(last / w) && q.shift == 10,
       "2,000 pops over gaps of 2 to 12 buckets come out in order, stepping %llu buckets to bucket %lld",
       (unsigned long long)q.scan, (long long)(last / w));
    ok(inline_only && checked > 200, "gaps of 2 to %d buckets: %d pops and pushes without leaving the inline paths",
       NS_EVQ_POP_STEPS, checked);
    ns_evq_destroy(&q);
}

int
main(void)
{
    plan(37);
    check_queue(NS_EVQ_CALENDAR, "calendar queue");
    rs = 12345;
    check_queue(NS_EVQ_HEAP, "4-ary heap");
    check_reference(NS_EVQ_CALENDAR, "calendar queue");
    check_reference(NS_EVQ_HEAP, "4-ary heap");
    check_calendar_small();
    check_calendar_shape();
    check_peek();
    check_pop_steps();
    return done_testing();
}
