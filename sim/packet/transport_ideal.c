/*
 * transport_ideal.c - the ideal transport: the sender sends every packet as
 * fast as its NIC allows, nothing is acknowledged, buffers are unlimited
 * and nothing is lost; the subflow is done when its last byte arrives.
 * Queues then show the raw congestion of the traffic pattern.
 */
#include <config.h>
#include "packet_int.h"

static int
ideal_init(ns_pnet *n, ns_sflow *f)
{
    (void)n;
    f->tp = NULL;
    return 0;
}

static ns_pkt *
ideal_next(ns_pnet *n, ns_sflow *f)
{
    if (f->next_seq >= f->npkts)
        return NULL;
    ns_pkt *p = ns_pkt_new(n, f, NS_PKT_DATA);
    if (!p)
        return NULL;
    p->seq = f->next_seq++;
    p->payload = ns_sflow_payload(n, f, p->seq);
    p->size = p->payload + n->fab->header;
    return p;
}

static void
ideal_on_data(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    f->rcv_bytes += p->payload;
    ns_pkt_free(n, p);
    if (f->rcv_bytes == f->bytes) {
        ns_sflow_delivered(n, f);
        ns_sflow_finish(n, f);   /* sent everything, and no ACK will come back */
    }
}

static void
ideal_on_ack(ns_pnet *n, ns_sflow *f, ns_pkt *p)
{
    (void)f;
    ns_pkt_free(n, p);   /* the ideal transport sends none */
}

static void
ideal_fini(ns_pnet *n, ns_sflow *f)
{
    (void)n;
    (void)f;
}

/* nothing to carry between transfers: no conn_* (persistent runs as per_transfer) */
const ns_transport ns_tp_ideal = {
    .name = "ideal", .flags = NS_TPF_UNLIMITED, .state_size = 0, .settings_size = 0,
    .init = ideal_init, .next = ideal_next, .on_data = ideal_on_data, .on_ack = ideal_on_ack,
    .fini = ideal_fini
};
