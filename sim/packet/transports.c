/*
 * transports.c - the table of the packet model's transports, and what the
 * rest of netsim sees of them (net.h): their names and their settings.
 *
 * A new transport is a file transport_<name>.c defining its descriptor
 * (packet_int.h), its declaration and a row below, and its line in
 * sim/local.mk.
 */
#include <config.h>
#include "packet_int.h"

#include <string.h>
#include "sim/fabric.h"
#include "sim/settings.h"

extern const ns_transport ns_tp_ideal;   /* transport_ideal.c */
extern const ns_transport ns_tp_dctcp;   /* transport_dctcp.c */
extern const ns_transport ns_tp_dcqcn;   /* transport_dcqcn.c */
extern const ns_transport ns_tp_uec;     /* transport_dctcp.c with nscc.c's window */

/* the transports, one row each; the row numbers of the first three are
 * NS_TP_IDEAL, NS_TP_DCTCP and NS_TP_DCQCN (sim.h) */
const ns_transport *const ns_transports[] = {
    &ns_tp_ideal,
    &ns_tp_dctcp,
    &ns_tp_dcqcn,
    &ns_tp_uec,
    NULL
};

static const ns_transport *
row_of(int row)
{
    for (int i = 0; ns_transports[i]; i++)
        if (i == row)
            return ns_transports[i];
    return NULL;
}

int
ns_transport_find(const char *name)
{
    for (int i = 0; ns_transports[i]; i++)
        if (strcmp(ns_transports[i]->name, name) == 0)
            return i;
    return -1;
}

const char *
ns_transport_name(int row)
{
    const ns_transport *t = row_of(row);
    return t ? t->name : NULL;
}

int
ns_transport_wants_pfc(int row)
{
    const ns_transport *t = row_of(row);
    return t && (t->flags & NS_TPF_LOSSLESS);
}

int
ns_transport_reacts_to_ecn(int row)
{
    const ns_transport *t = row_of(row);
    return t && (t->flags & NS_TPF_ECN);
}

int
ns_transport_acks(int row)
{
    const ns_transport *t = row_of(row);
    return t && (t->flags & NS_TPF_ACKS);
}

int
ns_transport_ignores_buffers(int row)
{
    const ns_transport *t = row_of(row);
    return t && (t->flags & NS_TPF_UNLIMITED);
}

int
ns_pfc_on(const ns_fabric *f, uint32_t cfg, int transport)
{
    int pfc = f->cfgs[cfg].pfc;
    return pfc == NS_PFC_ON || (pfc == NS_PFC_AUTO && ns_transport_wants_pfc(transport));
}

int
ns_transport_describe(int row, const ns_run_cfg *c, char *buf, size_t n)
{
    const ns_transport *t = row_of(row);
    if (!t || !t->describe || !t->settings_size)
        return 0;
    _Alignas(8) unsigned char scratch[NS_TP_SETTINGS_BYTES];
    int set = c->tp_settings_row == row;
    if (!set)
        t->defaults(scratch);
    t->describe(set ? (const void *)c->tp_settings.bytes : (const void *)scratch, buf, n);
    return set ? 2 : 1;
}

int
ns_transport_has_settings(int row)
{
    const ns_transport *t = row_of(row);
    return t && t->settings_size > 0;
}

int
ns_transport_carries(int row)
{
    const ns_transport *t = row_of(row);
    return t && t->conn_size > 0;
}

int
ns_transport_settings(int row, const ns_settings *r, ns_run_cfg *c)
{
    const ns_transport *t = row_of(row);
    if (!t || !t->settings_size)
        return NS_OK;
    _Alignas(8) unsigned char scratch[NS_TP_SETTINGS_BYTES];
    void *s = row == c->transport ? (void *)c->tp_settings.bytes : (void *)scratch;
    t->defaults(s);
    int rc = t->parse(r, s);
    if (rc == NS_OK && row == c->transport)
        c->tp_settings_row = row;
    return rc;
}
