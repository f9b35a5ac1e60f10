/* clock: real time plus an atomic offset, so the admin API can age sessions without
 * waiting 48 hours, and lock-free reads from every worker thread. */
#include "clock.h"

#include <stdio.h>
#include <string.h>
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

void mclock_format(int64_t t, char out[MCLOCK_TEXT_MAX])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, MCLOCK_TEXT_MAX, "1970-01-01T00:00:00Z");
        return;
    }
    strftime(out, MCLOCK_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void mclock_format_ms(int64_t t_ms, char out[MCLOCK_TEXT_MAX])
{
    int64_t s = floor_s(t_ms);
    int ms = (int)(t_ms - s * 1000);
    time_t tt = (time_t)s;
    struct tm tm;
    char base[MCLOCK_TEXT_MAX];
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, MCLOCK_TEXT_MAX, "1970-01-01T00:00:00.000Z");
        return;
    }
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, MCLOCK_TEXT_MAX, "%.19s.%03dZ", base, ms);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int mclock_parse(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) < 20)
        return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') && strcmp(p, "+00:00") != 0)
        return -1;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}
