/* market: the country ↔ currency ↔ locale table of the contract (confirmed and likely
 * markets) and the Klarna region (API host) that serves each country.
 * Ownership: every pointer handed out points into a static, read-only table; nothing
 * is allocated and nothing needs freeing. All functions are thread-safe. */
#ifndef KPCT_MARKET_H
#define KPCT_MARKET_H

#include <stdbool.h>
#include <stddef.h>

/* Most locales any market lists (CH has four). */
#define MARKET_MAX_LOCALES 4

/* The playground/production host family a market belongs to (the API hosts). */
typedef enum { MARKET_REGION_EU, MARKET_REGION_NA, MARKET_REGION_OC } market_region;

typedef struct market {
    const char *country;                     /* ISO 3166 alpha-2, upper case: "SE" */
    const char *currency;                    /* ISO 4217, upper case: "SEK" */
    const char *locales[MARKET_MAX_LOCALES]; /* canonical case, "sv-SE"; first is the default */
    size_t n_locales;                        /* used entries of locales, >= 1 */
    market_region region;                    /* EU, NA or OC */
    bool confirmed;                          /* true: "confirmed" by Klarna; false: "likely" */
} market;

/* Returns the number of markets in the table (22). */
size_t market_count(void);
/* Returns market i (0 <= i < market_count(), sorted by country), or NULL past the end. */
const market *market_at(size_t i);
/* Looks a country up case-insensitively ("se", "SE"); returns its market or NULL (also for NULL).
 */
const market *market_find(const char *country);
/* Returns the market listing locale (case-insensitive, e.g. "en-us"), or NULL. */
const market *market_find_by_locale(const char *locale);
/* Returns true when locale is one of m's locales, compared case-insensitively. */
bool market_has_locale(const market *m, const char *locale);
/* Returns true when currency is m's currency, compared case-insensitively ("sek" fits SE). */
bool market_has_currency(const market *m, const char *currency);
/* Returns "EU", "NA" or "OC" (the name used in client_token payloads); "EU" for unknown values. */
const char *market_region_name(market_region region);

#endif
