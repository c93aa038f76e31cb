/*
 * allocate.h - hosts for the jobs of a shared fabric (fab:allocate).
 *
 * A fabric remembers the hosts it handed out; each allocation takes hosts
 * no earlier one holds. Hosts are grouped by the switch their NIC reaches
 * (their leaf, ToR or edge switch), groups ordered by their lowest host id:
 *   packed  the lowest-numbered free hosts (hosts are numbered leaf by
 *           leaf, so a job fills whole leaves before it starts another);
 *   spread  one free host of each group in turn (round robin over leaves);
 *   random  uniformly among the free hosts (a stream of the seed).
 * The list comes back in ascending host order (rank i on the i-th host).
 */
#ifndef NS_ALLOCATE_H
#define NS_ALLOCATE_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"
#include "sim/fabric.h"

enum { NS_ALLOC_PACKED = 0, NS_ALLOC_SPREAD, NS_ALLOC_RANDOM };
extern const char *const ns_alloc_policy_names[];   /* "packed", "spread", "random", NULL */

/* n hosts (1-based ids) into out[0 .. n), now held: NS_OK, or NS_EINVAL
 * (fewer free hosts than n) or NS_ENOMEM with a message in e */
int ns_fabric_allocate(ns_fabric *f, size_t n, int policy, uint64_t seed, uint32_t *out, ns_err *e);

#endif
