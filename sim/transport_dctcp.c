/* placeholder, replaced below */
#include <config.h>
#include "packet_int.h"
static int d_init(ns_pnet *n, ns_sflow *f) { (void)n; (void)f; return -1; }
static ns_pkt *d_next(ns_pnet *n, ns_sflow *f) { (void)n; (void)f; return NULL; }
static void d_data(ns_pnet *n, ns_sflow *f, ns_pkt *p) { (void)f; ns_pkt_free(n, p); }
static void d_fini(ns_pnet *n, ns_sflow *f) { (void)n; (void)f; }
const ns_tp_ops ns_tp_dctcp = { "dctcp", d_init, d_next, d_data, d_data, d_fini };
