/* market: the static country ↔ currency ↔ locale table of the contract and its
 * case-insensitive lookups. */
#include "market.h"

#include <string.h>

/* Sorted by country. Regions follow the API hosts: NA hosts US, CA (and MX, not a market
 * here); OC hosts AU and NZ; everything else, GB and CH included, is EU. */
static const market markets[] = {
    {"AT", "EUR", {"de-AT", "en-AT"}, 2, MARKET_REGION_EU, true},
    {"AU", "AUD", {"en-AU"}, 1, MARKET_REGION_OC, true},
    {"BE", "EUR", {"nl-BE", "fr-BE", "en-BE"}, 3, MARKET_REGION_EU, true},
    {"CA", "CAD", {"en-CA", "fr-CA"}, 2, MARKET_REGION_NA, true},
    {"CH", "CHF", {"de-CH", "fr-CH", "it-CH", "en-CH"}, 4, MARKET_REGION_EU, false},
    {"CZ", "CZK", {"cs-CZ", "en-CZ"}, 2, MARKET_REGION_EU, true},
    {"DE", "EUR", {"de-DE", "en-DE"}, 2, MARKET_REGION_EU, true},
    {"DK", "DKK", {"da-DK", "en-DK"}, 2, MARKET_REGION_EU, true},
    {"ES", "EUR", {"es-ES", "en-ES"}, 2, MARKET_REGION_EU, false},
    {"FI", "EUR", {"fi-FI", "sv-FI", "en-FI"}, 3, MARKET_REGION_EU, true},
    {"FR", "EUR", {"fr-FR", "en-FR"}, 2, MARKET_REGION_EU, true},
    {"GB", "GBP", {"en-GB"}, 1, MARKET_REGION_EU, false},
    {"GR", "EUR", {"el-GR", "en-GR"}, 2, MARKET_REGION_EU, true},
    {"IE", "EUR", {"en-IE"}, 1, MARKET_REGION_EU, false},
    {"IT", "EUR", {"it-IT", "en-IT"}, 2, MARKET_REGION_EU, false},
    {"NL", "EUR", {"nl-NL", "en-NL"}, 2, MARKET_REGION_EU, false},
    {"NO", "NOK", {"nb-NO", "en-NO"}, 2, MARKET_REGION_EU, false},
    {"NZ", "NZD", {"en-NZ"}, 1, MARKET_REGION_OC, false},
    {"PL", "PLN", {"pl-PL", "en-PL"}, 2, MARKET_REGION_EU, false},
    {"PT", "EUR", {"pt-PT", "en-PT"}, 2, MARKET_REGION_EU, false},
    {"SE", "SEK", {"sv-SE", "en-SE"}, 2, MARKET_REGION_EU, false},
    {"US", "USD", {"en-US", "es-US"}, 2, MARKET_REGION_NA, false},
};

#define N_MARKETS (sizeof markets / sizeof markets[0])

/* ASCII-only case folding: strcasecmp depends on the process locale, and the codes
 * compared here are plain ASCII by definition. */
static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

size_t market_count(void)
{
    return N_MARKETS;
}

const market *market_at(size_t i)
{
    return i < N_MARKETS ? &markets[i] : NULL;
}

const market *market_find(const char *country)
{
    if (!country)
        return NULL;
    for (size_t i = 0; i < N_MARKETS; i++) {
        if (ascii_ieq(markets[i].country, country))
            return &markets[i];
    }
    return NULL;
}

const market *market_find_by_locale(const char *locale)
{
    if (!locale)
        return NULL;
    for (size_t i = 0; i < N_MARKETS; i++) {
        if (market_has_locale(&markets[i], locale))
            return &markets[i];
    }
    return NULL;
}

bool market_has_locale(const market *m, const char *locale)
{
    if (!m || !locale)
        return false;
    for (size_t i = 0; i < m->n_locales; i++) {
        if (ascii_ieq(m->locales[i], locale))
            return true;
    }
    return false;
}

bool market_has_currency(const market *m, const char *currency)
{
    return m && currency && ascii_ieq(m->currency, currency);
}

const char *market_region_name(market_region region)
{
    switch (region) {
    case MARKET_REGION_NA:
        return "NA";
    case MARKET_REGION_OC:
        return "OC";
    case MARKET_REGION_EU:
    default:
        return "EU";
    }
}
