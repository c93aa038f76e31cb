/*
 * tap.h - a tiny Test Anything Protocol emitter for the C unit tests.
 */
#ifndef NS_TAP_H
#define NS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

#define plan(n) printf("1..%d\n", (n))

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((int64_t)(got), (int64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_time(got, want, ...) tap_is_int((int64_t)(got), (int64_t)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_near(got, want, tol, ...) tap_is_near((double)(got), (double)(want), (double)(tol), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5), unused)) static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    return cond;
}

__attribute__((format(printf, 5, 6), unused)) static int
tap_is_int(int64_t got, int64_t want, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int cond = got == want;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) {
        tap_failed++;
        printf("#   failed at %s:%d: got %" PRId64 ", expected %" PRId64 "\n", file, line, got, want);
    }
    return cond;
}

__attribute__((format(printf, 6, 7), unused)) static int
tap_is_near(double got, double want, double tol, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int cond = fabs(got - want) <= tol;
    printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond) {
        tap_failed++;
        printf("#   failed at %s:%d: got %.12g, expected %.12g +- %.3g\n", file, line, got, want, tol);
    }
    return cond;
}

#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))
#define done_testing() (fflush(stdout), tap_failed ? 1 : 0)

#endif
