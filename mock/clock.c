/* clock: real time plus an atomic offset, so the admin API can age sessions without
 * waiting 48 hours, and lock-free reads from every worker thread. */
#include "clock.h"

#include <time.h>

static int64_t real_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whole seconds of ms, rounded down (also before 1970). */
static int64_t floor_s(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

void mclock_init(mclock *c)
{
    atomic_init(&c->offset_ms, 0);
}

int64_t mclock_now_ms(mclock *c)
{
    return real_now_ms() + atomic_load(&c->offset_ms);
}

int64_t mclock_now(mclock *c)
{
    return floor_s(mclock_now_ms(c));
}

int64_t mclock_offset_s(mclock *c)
{
    return atomic_load(&c->offset_ms) / 1000;
}

void mclock_advance(mclock *c, int64_t delta_s)
{
    atomic_fetch_add(&c->offset_ms, delta_s * 1000);
}

void mclock_set(mclock *c, int64_t t)
{
    /* Keep the sub-second part of the real clock out of the offset, so the clock
     * reads exactly t right now and whole-second offsets stay whole. */
    int64_t real_s = real_now_ms() / 1000;
    atomic_store(&c->offset_ms, (t - real_s) * 1000);
}

void mclock_reset(mclock *c)
{
    atomic_store(&c->offset_ms, 0);
}
