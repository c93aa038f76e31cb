/*
 * allocate.c - hosts for the jobs of a shared fabric (see allocate.h).
 */
#include <config.h>
#include "allocate.h"

#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/rng.h"

const char *const ns_alloc_policy_names[] = {"packed", "spread", "random", NULL};

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* the group of host h for spread: the node its NIC reaches, or on a fabric
 * of servers its server (its NVLink switch): one GPU of each server in turn */
static inline uint32_t
group_of(const ns_fabric *f, uint32_t h)
{
    return f->gpus_per_server ? f->nvs0 + ns_fabric_server_of(f, h) : f->host_attach[h];
}

/* spread: the free hosts by group, round robin */
static int
take_spread(const ns_fabric *f, size_t n, uint32_t *out, ns_err *e)
{
    size_t nh = f->nhosts;
    /* hosts sorted by (group's first host, host): a group's hosts are consecutive */
    uint32_t *first_of = ns_alloc((f->nnodes ? f->nnodes : 1) * sizeof *first_of);
    uint32_t *order = ns_alloc(nh * sizeof *order);
    size_t *cursor = ns_alloc(nh * sizeof *cursor), *gstart = ns_alloc((nh + 1) * sizeof *gstart);
    int rc = NS_OK;
    if (!first_of || !order || !cursor || !gstart) {
        rc = ns_enomem(e, "fab:allocate");
        goto out;
    }
    for (size_t i = 0; i < f->nnodes; i++)
        first_of[i] = UINT32_MAX;
    for (uint32_t h = 0; h < nh; h++)
        if (first_of[group_of(f, h)] == UINT32_MAX)
            first_of[group_of(f, h)] = h;
    /* counting sort of hosts by their group's first host */
    size_t *count = cursor;
    memset(count, 0, nh * sizeof *count);
    for (uint32_t h = 0; h < nh; h++)
        count[first_of[group_of(f, h)]]++;
    size_t ng = 0;
    gstart[0] = 0;
    for (size_t g = 0; g < nh; g++)
        if (count[g]) {
            gstart[ng + 1] = gstart[ng] + count[g];
            count[g] = gstart[ng];     /* now: where group g's next host goes */
            ng++;
        }
    for (uint32_t h = 0; h < nh; h++)
        order[count[first_of[group_of(f, h)]]++] = h;
    for (size_t g = 0; g < ng; g++)
        cursor[g] = gstart[g];
    size_t k = 0;
    while (k < n) {
        size_t before = k;
        for (size_t g = 0; g < ng && k < n; g++) {
            while (cursor[g] < gstart[g + 1] && f->held[order[cursor[g]]])
                cursor[g]++;
            if (cursor[g] < gstart[g + 1])
                out[k++] = order[cursor[g]++] + 1;
        }
        if (k == before)
            break;              /* cannot happen: the caller counted the free hosts */
    }
out:
    ns_free(first_of);
    ns_free(order);
    ns_free(cursor);
    ns_free(gstart);
    return rc;
}

static int
take_random(const ns_fabric *f, size_t n, uint64_t seed, uint32_t *out, ns_err *e)
{
    uint32_t *free_hosts = ns_alloc(f->nhosts * sizeof *free_hosts);
    ns_rng *r = ns_rng_new(seed, NS_RNG_PLACEMENT, f->nheld);
    if (!free_hosts || !r) {
        ns_free(free_hosts);
        ns_rng_free(r);
        return ns_enomem(e, "fab:allocate");
    }
    size_t m = 0;
    for (uint32_t h = 0; h < f->nhosts; h++)
        if (!f->held[h])
            free_hosts[m++] = h + 1;
    for (size_t i = 0; i < n; i++) {   /* a partial Fisher-Yates shuffle */
        size_t j = i + (size_t)ns_rng_below(r, m - i);
        uint32_t t = free_hosts[i];
        free_hosts[i] = free_hosts[j];
        free_hosts[j] = t;
        out[i] = free_hosts[i];
    }
    ns_free(free_hosts);
    ns_rng_free(r);
    return NS_OK;
}

int
ns_fabric_allocate(ns_fabric *f, size_t n, int policy, uint64_t seed, uint32_t *out, ns_err *e)
{
    if (!f->held && !(f->held = ns_calloc(f->nhosts ? f->nhosts : 1, 1)))
        return ns_enomem(e, "fab:allocate");
    size_t avail = f->nhosts - f->nheld;
    if (n == 0 || n > avail)
        return ns_errorf(e, NS_EINVAL, "allocate: %zu hosts asked, %zu free (of %zu; %zu held by earlier "
                         "allocations)", n, avail, f->nhosts, f->nheld);
    int rc = NS_OK;
    if (policy == NS_ALLOC_PACKED) {
        size_t k = 0;
        for (uint32_t h = 0; h < f->nhosts && k < n; h++)
            if (!f->held[h])
                out[k++] = h + 1;
    } else if (policy == NS_ALLOC_SPREAD) {
        rc = take_spread(f, n, out, e);
    } else {
        rc = take_random(f, n, seed, out, e);
    }
    if (rc)
        return rc;
    qsort(out, n, sizeof *out, cmp_u32);
    for (size_t i = 0; i < n; i++)
        f->held[out[i] - 1] = 1;
    f->nheld += n;
    return NS_OK;
}
