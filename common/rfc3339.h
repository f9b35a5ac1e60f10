/* rfc3339: the one reading and writing of RFC 3339 UTC timestamps, shared by the mock
 * (its clock, session expiry, journal) and the harness (clock_set in case files). */
#ifndef KPCT_RFC3339_H
#define KPCT_RFC3339_H

#include <stdint.h>

/* Longest text rfc3339_format and rfc3339_format_ms write, NUL included. */
#define RFC3339_TEXT_MAX 32

/* Parses an RFC 3339 UTC time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|z|+00:00)", 'T' or 't',
 * field ranges and days of month checked (leap years too). Returns 0 and *out (seconds
 * since the epoch), or -1. */
int rfc3339_parse_utc(const char *s, int64_t *out);
/* Writes t as "YYYY-MM-DDTHH:MM:SSZ". */
void rfc3339_format(int64_t t, char out[RFC3339_TEXT_MAX]);
/* Writes t_ms (milliseconds) as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void rfc3339_format_ms(int64_t t_ms, char out[RFC3339_TEXT_MAX]);

#endif
