/* clock: the mock's settable clock (real time plus an offset moved through the admin
 * API), and RFC 3339 UTC formatting and parsing for every timestamp the mock shows. */
#ifndef KPCT_MOCK_CLOCK_H
#define KPCT_MOCK_CLOCK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Longest RFC 3339 text mclock_format writes, NUL included. */
#define MCLOCK_TEXT_MAX 32

typedef struct mclock {
    _Atomic int64_t offset_ms; /* added to the real clock */
} mclock;

/* Starts the clock at real time (offset 0). */
void mclock_init(mclock *c);
/* Returns the mock time in milliseconds since the Unix epoch. */
int64_t mclock_now_ms(mclock *c);
/* Returns the mock time in whole seconds since the Unix epoch. */
int64_t mclock_now(mclock *c);
/* Returns the current offset from the real clock, in seconds (rounded toward zero). */
int64_t mclock_offset_s(mclock *c);
/* Moves the clock by delta_s seconds (may be negative). */
void mclock_advance(mclock *c, int64_t delta_s);
/* Sets the clock so that it now reads t (Unix seconds). */
void mclock_set(mclock *c, int64_t t);
/* Sets the offset back to 0. */
void mclock_reset(mclock *c);
/* Writes t (Unix seconds) as "YYYY-MM-DDTHH:MM:SSZ" into out. */
void mclock_format(int64_t t, char out[MCLOCK_TEXT_MAX]);
/* Writes t (Unix milliseconds) as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out. */
void mclock_format_ms(int64_t t_ms, char out[MCLOCK_TEXT_MAX]);
/* Parses RFC 3339 in UTC ("...Z" or "+00:00", optional fraction dropped); returns 0 and
 * *out, or -1 when s is not such a timestamp. */
int mclock_parse(const char *s, int64_t *out);

#endif
