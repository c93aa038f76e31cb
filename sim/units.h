/*
 * units.h - quantities with units, as scenarios write them.
 *
 * Rates: bps Kbps Mbps Gbps Tbps (powers of 1000). Sizes: B KB MB GB TB
 * (powers of 1000) and KiB MiB GiB TiB (powers of 1024). Times: ps ns us ms s.
 * A bare number is in base units (bits/s, bytes, seconds).
 * Each parser returns 0, or -1 with a message in `why` that names the text
 * and the accepted units.
 */
#ifndef NS_UNITS_H
#define NS_UNITS_H

#include <stddef.h>
#include <stdint.h>
#include "time.h"

int ns_parse_rate(const char *text, uint64_t *bps, char *why, size_t whylen);
int ns_parse_size(const char *text, uint64_t *bytes, char *why, size_t whylen);
int ns_parse_time(const char *text, ns_time *ps, char *why, size_t whylen);

/* the same checks for a bare number in base units */
int ns_rate_from_number(double v, uint64_t *bps, char *why, size_t whylen);
int ns_size_from_number(double v, uint64_t *bytes, char *why, size_t whylen);
int ns_time_from_number(double seconds, ns_time *ps, char *why, size_t whylen);

/* a number for a message, exactly: an integral value as an integer
 * ("9223372036854775808", not "9.22337e+18"), else the shortest form that
 * reads back as the same double ("1.0000000001", not "1") */
void ns_format_number(double v, char *buf, size_t n);

/* human-readable forms for summaries: "400 Gbps", "1.5 MB", "12.3 us" */
void ns_format_rate(uint64_t bps, char *buf, size_t n);
void ns_format_size(uint64_t bytes, char *buf, size_t n);
void ns_format_time(ns_time ps, char *buf, size_t n);

#endif
