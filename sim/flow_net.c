/*
 * flow_net.c - the flow-level (fluid, max-min fair) network model.
 * Not built yet: asking for it is an error, never a silent fallback.
 */
#include <config.h>
#include "net.h"

#include "error.h"
#include "sim.h"

int
ns_flow_net_new(ns_sim *sim, ns_net **out)
{
    *out = NULL;
    return ns_errorf(&sim->err, NS_EINVAL, "model \"flow\" is not available in this version of netsim; use model = \"packet\"");
}
