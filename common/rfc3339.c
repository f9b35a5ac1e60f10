/* rfc3339: UTC timestamps in and out, with the calendar done here (no locale, no TZ,
 * no gmtime table limits) so the mock and the harness agree on every date. */
#include "rfc3339.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whole units of v / unit, rounded down (also for negative v). */
static int64_t floor_div(int64_t v, int64_t unit)
{
    int64_t q = v / unit;
    return v % unit < 0 ? q - 1 : q;
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

/* The inverse of days_from_civil (same author). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
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

int rfc3339_parse_utc(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20)
        return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    /* 60 is a leap second; it reads as the first second of the next minute. */
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
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

/* The times a four-digit year can show: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
#define FIRST_TIME (-62167219200LL)
#define LAST_TIME  253402300799LL

/* Writes t as "YYYY-MM-DDTHH:MM:SS" then tail ("Z" or ".mmmZ"); t outside years
 * 0000..9999 is clamped, so the text always has the RFC's shape and fits out. */
static void format_time(int64_t t, const char *tail, char out[RFC3339_TEXT_MAX])
{
    /* Wide enough for any int the compiler cannot bound, so nothing is ever cut. */
    char text[128];
    if (t < FIRST_TIME)
        t = FIRST_TIME;
    if (t > LAST_TIME)
        t = LAST_TIME;
    int64_t days = floor_div(t, 86400), y;
    int sec = (int)(t - days * 86400);
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d%s", (int)y, m, d, sec / 3600,
                     sec / 60 % 60, sec % 60, tail);
    if (n < 0 || n >= RFC3339_TEXT_MAX)
        n = 0;
    memcpy(out, text, (size_t)n);
    out[n] = '\0';
}

void rfc3339_format(int64_t t, char out[RFC3339_TEXT_MAX])
{
    format_time(t, "Z", out);
}

void rfc3339_format_ms(int64_t t_ms, char out[RFC3339_TEXT_MAX])
{
    int64_t s = floor_div(t_ms, 1000);
    /* the remainder from %, not t_ms - s * 1000, which overflows near INT64_MIN */
    int ms = (int)(t_ms % 1000);
    if (ms < 0)
        ms += 1000;
    char tail[8];
    snprintf(tail, sizeof tail, ".%03dZ", ms);
    format_time(s, tail, out);
}
