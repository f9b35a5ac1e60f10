/* clock: the mock's settable clock (real time plus an offset moved through the admin
 * API). Its times are shown and read as RFC 3339 through common/rfc3339.h. */
#ifndef KPCT_MOCK_CLOCK_H
#define KPCT_MOCK_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

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

#endif
