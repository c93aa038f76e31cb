/*
 * fuzz_cdf.c - fuzz target: the flow-size CDF reader (workloads/flowdist.c)
 * that w:background{sizes=FILE} uses, and sampling from what it read.
 *
 * Properties: a failure is a clean error code with a message naming the
 * file, and nothing allocated; a CDF that reads has at least one point,
 * sizes and probabilities that never decrease, probabilities in [0, 1], the
 * last exactly 1; its mean lies between the smallest and the largest size
 * and its mean square is at least the mean squared; every sample lies
 * between the smallest and the largest size (rounded, at least 1 byte).
 */
#include <config.h>
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim/alloc.h"
#include "sim/rng.h"
#include "workloads/flowdist.h"

#define WHERE "fuzz.cdf"
#define SAMPLES 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init((size_t)256 << 20);
    char *text = ns_fuzz_cstring(data, size, 0);
    if (!text)
        return 0;
    ns_cdf c;
    ns_err e = {0};
    int rc = ns_cdf_parse(&c, text, WHERE, &e);
    if (rc) {
        ns_fuzz_require(rc == NS_EINVAL || rc == NS_ENOMEM, "a failed read gives an error code", e.msg);
        ns_fuzz_require(c.size == NULL && c.prob == NULL && c.n == 0, "a failed read holds nothing", e.msg);
        ns_fuzz_require(rc == NS_ENOMEM || strncmp(e.msg, WHERE, strlen(WHERE)) == 0, "a message names the file",
                        e.msg);
    } else {
        ns_fuzz_require(c.n >= 1, "a CDF has a point", NULL);
        for (size_t i = 0; i < c.n; i++) {
            ns_fuzz_require(c.prob[i] >= 0 && c.prob[i] <= 1, "probabilities lie in [0, 1]", NULL);
            ns_fuzz_require(c.size[i] >= 0 && c.size[i] <= (double)NS_CDF_MAX_SIZE, "sizes lie in range", NULL);
            if (i > 0) {
                ns_fuzz_require(c.size[i] >= c.size[i - 1], "sizes never decrease", NULL);
                ns_fuzz_require(c.prob[i] >= c.prob[i - 1], "probabilities never decrease", NULL);
            }
        }
        ns_fuzz_require(c.prob[c.n - 1] == 1, "the last probability is 1", NULL);
        double lo = c.size[0], hi = c.size[c.n - 1], m = ns_cdf_mean(&c), m2 = ns_cdf_mean_square(&c);
        ns_fuzz_require(m >= 1 && m >= lo * (1 - 1e-12) && m <= hi * (1 + 1e-12), "the mean lies between the sizes",
                        NULL);
        ns_fuzz_require(m2 >= m * m * (1 - 1e-9), "mean square >= mean^2", NULL);
        ns_rng *r = ns_rng_new(size, NS_RNG_BACKGROUND, 0);
        if (r) {
            double blo = floor(lo + 0.5) < 1 ? 1 : floor(lo + 0.5), bhi = floor(hi + 0.5) < 1 ? 1 : floor(hi + 0.5);
            for (int i = 0; i < SAMPLES; i++) {
                uint64_t x = ns_cdf_sample(&c, r);
                ns_fuzz_require((double)x >= blo && (double)x <= bhi, "a sample lies between the sizes", NULL);
            }
            ns_rng_free(r);
        }
        ns_cdf_destroy(&c);
    }
    free(text);
    ns_fuzz_no_leak("cdf");
    return 0;
}
