/*
 * flowdist.h - flow-size distributions given as a CDF: the published
 * web-search and data-mining tables (the files in workloads/data/, compiled in by
 * name) or a user's file.
 *
 * Text format: one point a line, "size_bytes cumulative_probability"
 * (separated by blanks or a comma; the size may carry a unit such as 10KB),
 * '#' starts a comment, blank lines are ignored. Sizes and probabilities
 * never decrease, probabilities lie in [0, 1] and the last one is 1.
 * Meaning: no flow is smaller than the first size, which has the first
 * probability; between two points sizes are spread uniformly (the CDF is
 * interpolated linearly), as ns-2's empirical random variables do.
 */
#ifndef NS_FLOWDIST_H
#define NS_FLOWDIST_H

#include <stddef.h>
#include <stdint.h>
#include "sim/error.h"

typedef struct ns_rng ns_rng;

/* the largest size of a point, bytes: sizes are held as doubles, exact to 2^53 */
#define NS_CDF_MAX_SIZE ((uint64_t)1 << 53)

typedef struct ns_cdf {
    double *size;     /* bytes, non-decreasing */
    double *prob;     /* cumulative, non-decreasing, last = 1 */
    size_t  n;        /* points, >= 1 */
} ns_cdf;

/* a distribution compiled into the binary (flowdist_data.c) */
typedef struct ns_cdf_builtin {
    const char *name;   /* "websearch", "datamining" */
    const char *file;   /* its file name, for messages */
    const char *text;
} ns_cdf_builtin;
extern const ns_cdf_builtin ns_cdf_builtins[];   /* ends with a NULL name */

/* parse `text`; `where` names it in messages ("file.cdf:LINE: ...").
 * NS_OK and *c filled (free with ns_cdf_destroy), or NS_EINVAL/NS_ENOMEM. */
int ns_cdf_parse(ns_cdf *c, const char *text, const char *where, ns_err *e);
/* read and parse a file; NS_EIO if it cannot be read */
int ns_cdf_load(ns_cdf *c, const char *path, ns_err *e);
/* a built-in distribution by name; NS_EINVAL naming the known ones */
int ns_cdf_named(ns_cdf *c, const char *name, ns_err *e);
void ns_cdf_destroy(ns_cdf *c);

/* the mean size of the (interpolated) distribution, bytes */
double ns_cdf_mean(const ns_cdf *c);
/* its mean square, bytes^2 (for variances) */
double ns_cdf_mean_square(const ns_cdf *c);
/* one size drawn from r: the interpolated value, rounded, at least 1 byte */
uint64_t ns_cdf_sample(const ns_cdf *c, ns_rng *r);

#endif
