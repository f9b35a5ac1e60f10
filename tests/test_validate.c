/* Tests of mock/validate.c and mock/market.c: one table row per rule of the table at the
 * top of validate.c, each a JSON Patch (RFC 6902) on a valid base session and the exact
 * message validate_session must write ("" = valid).
 *
 * Row notation, to keep the table readable: patches are written with ' for " and
 * $rep(N,s) stands for s repeated N times ("$rep(255,å)" = 255 two-byte characters).
 * Rows marked FIX recompute order_amount and order_tax_amount from the patched lines
 * (Σ total_amount; Σ total_tax_amount, or in the US Σ of the sales_tax lines' totals), so
 * a line rule can be tested alone. */
#include <criterion/criterion.h>

#include <cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON_Utils.h"
#include "market.h"
#include "validate.h"

/* A valid SE session: a discounted physical line, a discount line and a shipping fee,
 * all at 25 %: taxes 3800 - 400 + 980 = 4380, amounts 19000 - 2000 + 4900 = 21900. */
static const char base_se[] =
    "{'purchase_country':'SE','purchase_currency':'SEK','locale':'sv-SE',"
    "'order_amount':21900,'order_tax_amount':4380,'merchant_reference1':'ON4711',"
    "'billing_address':{'given_name':'Adam','family_name':'Andersson',"
    "'email':'adam@example.com','street_address':'Sveavägen 44','postal_code':'11134',"
    "'city':'Stockholm','country':'SE'},"
    "'order_lines':["
    "{'type':'physical','reference':'AD6654412','name':'Running shoe','quantity':2,"
    "'quantity_unit':'pcs','unit_price':10000,'tax_rate':2500,'total_amount':19000,"
    "'total_discount_amount':1000,'total_tax_amount':3800,"
    "'product_url':'https://shop.example/p/AD6654412',"
    "'image_url':'https://shop.example/i/AD6654412.png'},"
    "{'type':'discount','name':'Spring discount','quantity':1,'unit_price':-2000,"
    "'tax_rate':2500,'total_amount':-2000,'total_tax_amount':-400},"
    "{'type':'shipping_fee','name':'Express delivery','quantity':1,'unit_price':4900,"
    "'tax_rate':2500,'total_amount':4900,'total_tax_amount':980}]}";

/* A valid US session: untaxed lines plus one sales_tax line carrying the tax. */
static const char base_us[] =
    "{'purchase_country':'US','purchase_currency':'USD','locale':'en-US',"
    "'order_amount':5940,'order_tax_amount':440,"
    "'billing_address':{'given_name':'Jane','family_name':'Doe','email':'jane@example.com',"
    "'street_address':'509 Amsterdam Ave','postal_code':'10024','city':'New York',"
    "'region':'NY','country':'US'},"
    "'order_lines':["
    "{'type':'physical','name':'Trail shoe','quantity':1,'unit_price':5000,'tax_rate':0,"
    "'total_amount':5000,'total_tax_amount':0},"
    "{'type':'shipping_fee','name':'Ground shipping','quantity':1,'unit_price':500,"
    "'total_amount':500},"
    "{'type':'sales_tax','name':'Sales tax','quantity':1,'unit_price':440,'tax_rate':0,"
    "'total_amount':440,'total_tax_amount':0}]}";

/* A valid untaxed session, valid in every market once country/currency/locale fit. */
static const char base_plain[] =
    "{'purchase_country':'SE','purchase_currency':'SEK','locale':'sv-SE',"
    "'order_amount':10000,'order_tax_amount':0,"
    "'order_lines':[{'name':'Gift box','quantity':1,'unit_price':10000,'total_amount':10000}]}";

typedef struct row {
    const char *base;   /* base_se, base_us or base_plain */
    bool fix;           /* recompute the order totals from the lines after patching */
    const char *patch;  /* RFC 6902 patch in row notation */
    const char *expect; /* exact message, "" when the session is valid */
} row;

#define SE    base_se
#define US    base_us
#define PLAIN base_plain
#define FIX   true
#define KEEP  false

/* Expands row notation: ' → ", $rep(N,s) → s N times. Returns a malloc'd string. */
static char *expand(const char *text)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);

    cr_assert_not_null(out);
    for (const char *p = text; *p;) {
        const char *piece = p;
        size_t piece_len = 1, times = 1;
        if (*p == '\'') {
            piece = "\"";
            p++;
        } else if (strncmp(p, "$rep(", 5) == 0) {
            char *end;
            times = strtoul(p + 5, &end, 10);
            cr_assert(*end == ',', "bad $rep in %s", text);
            piece = end + 1;
            p = strchr(piece, ')');
            cr_assert_not_null(p, "unclosed $rep in %s", text);
            piece_len = (size_t)(p - piece);
            p++;
        } else {
            p++;
        }
        while (len + piece_len * times + 1 > cap) {
            char *grown = realloc(out, cap * 2);
            cr_assert_not_null(grown);
            out = grown;
            cap *= 2;
        }
        for (size_t k = 0; k < times; k++) {
            memcpy(out + len, piece, piece_len);
            len += piece_len;
        }
    }
    out[len] = '\0';
    return out;
}

static cJSON *parse_notation(const char *text)
{
    char *json = expand(text);
    cJSON *doc = cJSON_Parse(json);

    cr_assert_not_null(doc, "row notation does not parse: %s", json);
    free(json);
    return doc;
}

/* True when v is a number the fixer may add up: an integer within the amount bound. */
static bool addable(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
           fabs(v->valuedouble) <= 100000000.0;
}

/* The test-side fixer of FIX rows: sets order_amount / order_tax_amount to what the lines
 * add up to, when every figure it needs is an integer within bounds (otherwise it leaves
 * the base's total, which the validator then does not compare). */
static void fix_totals(cJSON *session)
{
    cJSON *lines = cJSON_GetObjectItemCaseSensitive(session, "order_lines"), *line;
    cJSON *country = cJSON_GetObjectItemCaseSensitive(session, "purchase_country");
    bool us = cJSON_IsString(country) && strcmp(country->valuestring, "US") == 0;
    double amount = 0, tax = 0;
    bool amount_ok = true, tax_ok = true;

    cJSON_ArrayForEach(line, lines)
    {
        cJSON *total = cJSON_GetObjectItemCaseSensitive(line, "total_amount");
        cJSON *line_tax = cJSON_GetObjectItemCaseSensitive(line, "total_tax_amount");
        cJSON *type = cJSON_GetObjectItemCaseSensitive(line, "type");
        bool sales_tax = cJSON_IsString(type) && strcmp(type->valuestring, "sales_tax") == 0;
        if (addable(total))
            amount += total->valuedouble;
        else
            amount_ok = false;
        if (us) {
            if (sales_tax && addable(total))
                tax += total->valuedouble;
            else if (sales_tax)
                tax_ok = false;
        } else if (addable(line_tax)) {
            tax += line_tax->valuedouble;
        } else if (line_tax && !cJSON_IsNull(line_tax)) {
            tax_ok = false;
        }
    }
    if (amount_ok)
        cJSON_ReplaceItemInObjectCaseSensitive(session, "order_amount", cJSON_CreateNumber(amount));
    if (tax_ok)
        cJSON_ReplaceItemInObjectCaseSensitive(session, "order_tax_amount",
                                               cJSON_CreateNumber(tax));
}

/* Builds the session of a row: base, patched, totals fixed when asked. */
static cJSON *row_session(const row *r)
{
    cJSON *session = parse_notation(r->base);
    cJSON *patch = parse_notation(r->patch);
    int rc = cJSONUtils_ApplyPatchesCaseSensitive(session, patch);

    cr_assert_eq(rc, 0, "patch %s does not apply (%d)", r->patch, rc);
    cJSON_Delete(patch);
    if (r->fix)
        fix_totals(session);
    return session;
}

/* Validates session and checks the exact message and status. */
static void expect_message(const cJSON *session, const char *expect, const char *what)
{
    char msg[VALIDATE_MSG_MAX];
    int rc;

    memset(msg, 'x', sizeof msg);
    rc = validate_session(session, msg, sizeof msg);
    cr_expect_str_eq(msg, expect, "%s\n  expected \"%s\"\n  got      \"%s\"", what, expect, msg);
    cr_expect_eq(rc, expect[0] ? 1 : 0, "%s: status %d", what, rc);
}

static void run_rows(const row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON *session = row_session(&rows[i]);
        char what[512];
        snprintf(what, sizeof what, "row %zu, patch %.400s", i, rows[i].patch);
        expect_message(session, rows[i].expect, what);
        cJSON_Delete(session);
    }
}

#define RUN(rows) run_rows(rows, sizeof rows / sizeof rows[0])

Test(validate_base, accepts_the_base_sessions)
{
    static const row rows[] = {
        {SE, KEEP, "[]", ""},
        {US, KEEP, "[]", ""},
        {PLAIN, KEEP, "[]", ""},
    };
    RUN(rows);
}

Test(validate_required, names_each_missing_or_mistyped_required_field)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'remove','path':'/purchase_country'}]", "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':null}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':46}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':'XX'}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':'SWE'}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':''}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':'se'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':'sE'}]", ""},
        {SE, KEEP, "[{'op':'remove','path':'/purchase_currency'}]", "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':752}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'remove','path':'/order_amount'}]", "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':'21900'}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':null}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'remove','path':'/order_lines'}]", "Bad value: order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines','value':{}}]", "Bad value: order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines','value':'x'}]",
         "Bad value: order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines','value':[]}]", "Bad value: order_lines"},
    };
    RUN(rows);
}

Test(validate_market_fields, checks_currency_and_locale_against_the_country)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'sek'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'Sek'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'NOK'}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'SE'}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'SEKK'}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'S1K'}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':''}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'remove','path':'/locale'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':null}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':'en-SE'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':'EN-se'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':'sv-FI'}]", "Bad value: locale"},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':'sv_SE'}]", "Bad value: locale"},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':'sv'}]", "Bad value: locale"},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':''}]", "Bad value: locale"},
        {SE, KEEP, "[{'op':'replace','path':'/locale','value':7}]", "Bad value: locale"},
        /* unknown country: currency and locale are only checked for shape / any market */
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'XX'},"
         "{'op':'remove','path':'/billing_address/country'}]",
         "Bad value: purchase_country"},
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'XX'},"
         "{'op':'remove','path':'/billing_address/country'},"
         "{'op':'replace','path':'/locale','value':'xx-XX'}]",
         "Bad value: purchase_country, locale"},
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'XX'},"
         "{'op':'remove','path':'/billing_address/country'},"
         "{'op':'replace','path':'/purchase_currency','value':'xyz'}]",
         "Bad value: purchase_country"},
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'XX'},"
         "{'op':'remove','path':'/billing_address/country'},"
         "{'op':'replace','path':'/purchase_currency','value':'SEKK'}]",
         "Bad value: purchase_country, purchase_currency"},
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'XX'},"
         "{'op':'remove','path':'/billing_address/country'},"
         "{'op':'replace','path':'/purchase_currency','value':'S€K'}]",
         "Bad value: purchase_country, purchase_currency"},
    };
    RUN(rows);
}

Test(validate_billing, lets_the_billing_country_decide_the_currency_only)
{
    static const row rows[] = {
        /* the billing country takes precedence for the currency... */
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/country','value':'NO'}]",
         "Bad value: purchase_currency"},
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'NO'},"
         "{'op':'replace','path':'/purchase_currency','value':'NOK'}]",
         ""},
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'no'},"
         "{'op':'replace','path':'/purchase_currency','value':'nok'},"
         "{'op':'replace','path':'/locale','value':'EN-SE'}]",
         ""},
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'FI'},"
         "{'op':'replace','path':'/locale','value':'sv-FI'}]",
         "Bad value: purchase_currency, locale"},
        /* ...while locale is checked against purchase_country, not the billing country */
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'NO'},"
         "{'op':'replace','path':'/purchase_currency','value':'NOK'},"
         "{'op':'replace','path':'/locale','value':'nb-NO'}]",
         "Bad value: locale"},
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'NO'},"
         "{'op':'replace','path':'/purchase_currency','value':'NOK'},"
         "{'op':'replace','path':'/locale','value':'en-SE'}]",
         ""},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/country','value':'se'}]", ""},
        {SE, KEEP, "[{'op':'remove','path':'/billing_address/country'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/country','value':'XX'}]",
         "Bad value: billing_address.country"},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/country','value':7}]",
         "Bad value: billing_address.country"},
        /* a US billing country does not switch the session to the US tax model */
        {SE, KEEP,
         "[{'op':'replace','path':'/billing_address/country','value':'US'},"
         "{'op':'replace','path':'/purchase_currency','value':'USD'}]",
         ""},
        /* the shipping country does not take precedence */
        {SE, KEEP, "[{'op':'add','path':'/shipping_address','value':{'country':'NO'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/shipping_address','value':{'country':'ZZ'}}]",
         "Bad value: shipping_address.country"},
        {SE, KEEP, "[{'op':'add','path':'/shipping_address','value':'Stockholm'}]",
         "Bad value: shipping_address"},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address','value':[]}]",
         "Bad value: billing_address"},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address','value':null}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/family_name','value':42}]",
         "Bad value: billing_address.family_name"},
    };
    RUN(rows);
}

/* One string member of an address: the longest (and shortest) value that passes and the
 * first that fails, in characters (two-byte ones, so bytes are not counted). */
typedef struct address_bound {
    const char *member;
    int min, max;
} address_bound;

static const address_bound address_bounds[] = {
    {"attention", 0, 99},       {"city", 0, 99},
    {"email", 0, 99},           {"family_name", 0, 99},
    {"given_name", 0, 99},      {"organization_name", 0, 99},
    {"phone", 5, 99},           {"postal_code", 0, 10},
    {"region", 0, 99},          {"street_address", 0, 99},
    {"street_address2", 0, 99}, {"title", 0, 20},
};

static char *repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = malloc(len * (size_t)n + 1);

    cr_assert_not_null(out);
    for (int i = 0; i < n; i++)
        memcpy(out + len * (size_t)i, s, len);
    out[len * (size_t)n] = '\0';
    return out;
}

/* Sets session[object][name] = a string of n copies of unit and validates it. */
static void expect_address_value(const char *object, const char *name, const char *unit, int n,
                                 const char *expect)
{
    cJSON *session = parse_notation(base_se);
    cJSON *addr = cJSON_GetObjectItemCaseSensitive(session, "billing_address");
    char *value = repeat(unit, n), what[160];

    if (strcmp(object, "shipping_address") == 0) {
        addr = cJSON_CreateObject();
        cJSON_AddItemToObject(session, "shipping_address", addr);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(addr, name);
    cJSON_AddStringToObject(addr, name, value);
    snprintf(what, sizeof what, "%s.%s of %d x '%s'", object, name, n, unit);
    expect_message(session, expect, what);
    free(value);
    cJSON_Delete(session);
}

Test(validate_address, bounds_every_string_on_both_sides_in_both_addresses)
{
    static const char *const objects[] = {"billing_address", "shipping_address"};

    for (size_t o = 0; o < 2; o++) {
        for (size_t i = 0; i < sizeof address_bounds / sizeof *address_bounds; i++) {
            const address_bound *b = &address_bounds[i];
            char expect[128];
            snprintf(expect, sizeof expect, "Bad value: %s.%s", objects[o], b->member);
            expect_address_value(objects[o], b->member, "å", b->max, "");
            expect_address_value(objects[o], b->member, "a", b->max + 1, expect);
            expect_address_value(objects[o], b->member, "1", b->min, "");
            if (b->min > 0)
                expect_address_value(objects[o], b->member, "1", b->min - 1, expect);
        }
    }
}

Test(validate_order_totals, checks_order_amount_and_order_tax_amount)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':21901}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':21899}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':21900.5}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':21900.0}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':-21900}]",
         "Bad value: order_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_amount','value':1e300}]",
         "Bad value: order_amount"},
        /* order_tax_amount: within ± the number of lines (3) of Σ total_tax_amount */
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':4383}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':4384}]",
         "Bad value: order_tax_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':4377}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':4376}]",
         "Bad value: order_tax_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':'4380'}]",
         "Bad value: order_tax_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':4380.5}]",
         "Bad value: order_tax_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':-1}]",
         "Bad value: order_tax_amount"},
        /* optional, default 0: fine untaxed, wrong when the lines carry tax */
        {SE, KEEP, "[{'op':'remove','path':'/order_tax_amount'}]", "Bad value: order_tax_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':null}]",
         "Bad value: order_tax_amount"},
        {PLAIN, KEEP, "[{'op':'remove','path':'/order_tax_amount'}]", ""},
        {PLAIN, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':1}]", ""},
        {PLAIN, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':2}]",
         "Bad value: order_tax_amount"},
        {PLAIN, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':-0.0}]", ""},
    };
    RUN(rows);
}

Test(validate_lines, checks_name_quantity_and_quantity_unit)
{
    static const row rows[] = {
        {SE, FIX, "[{'op':'remove','path':'/order_lines/0/name'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':''}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':null}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':123}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'a'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(255,a)'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(256,a)'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(255,å)'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(256,å)'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(255,€)'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(255,😀)'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(256,😀)'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'bad \xff byte'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'overlong \xc0\xaf'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/name','value':'surrogate \xed\xa0\x80'}]",
         "Bad value: order_lines[0].name"},
        {SE, FIX, "[{'op':'remove','path':'/order_lines/2/quantity'}]",
         "Bad value: order_lines[2].quantity"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':0.5}]",
         "Bad value: order_lines[2].quantity"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':-1}]",
         "Bad value: order_lines[2].quantity"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':'1'}]",
         "Bad value: order_lines[2].quantity"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':1.0}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':1e300}]",
         "Bad value: order_lines[2].quantity"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':9007199254740992}]",
         "Bad value: order_lines[2].quantity"},
        /* the largest quantity: its product overflows int64 and cannot match the total */
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/quantity','value':9007199254740991}]",
         "Bad value: order_lines[2].total_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/2/quantity','value':0},"
         "{'op':'replace','path':'/order_lines/2/total_amount','value':0},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':0}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity_unit','value':''}]",
         "Bad value: order_lines[0].quantity_unit"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity_unit','value':'12345678'}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity_unit','value':'123456789'}]",
         "Bad value: order_lines[0].quantity_unit"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity_unit','value':'$rep(8,å)'}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity_unit','value':1}]",
         "Bad value: order_lines[0].quantity_unit"},
    };
    RUN(rows);
}

Test(validate_lines, checks_prices_discounts_and_totals)
{
    static const row rows[] = {
        {SE, FIX, "[{'op':'remove','path':'/order_lines/2/unit_price'}]",
         "Bad value: order_lines[2].unit_price"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/unit_price','value':4900.5}]",
         "Bad value: order_lines[2].unit_price"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/unit_price','value':'4900'}]",
         "Bad value: order_lines[2].unit_price"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/2/unit_price','value':100000000},"
         "{'op':'replace','path':'/order_lines/2/total_amount','value':100000000},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':20000000}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/unit_price','value':100000001}]",
         "Bad value: order_lines[2].unit_price"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':-100000000},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':-100000000},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':-20000000},"
         "{'op':'replace','path':'/order_lines/2/unit_price','value':100000000},"
         "{'op':'replace','path':'/order_lines/2/total_amount','value':100000000},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':20000000}]",
         ""},
        /* a discount larger than the order: the totals would go negative */
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':-100000000},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':-100000000},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':-20000000}]",
         "Bad value: order_amount, order_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/1/unit_price','value':-100000001}]",
         "Bad value: order_lines[1].unit_price"},
        {SE, FIX, "[{'op':'remove','path':'/order_lines/2/total_amount'}]",
         "Bad value: order_lines[2].total_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/total_amount','value':'4900'}]",
         "Bad value: order_lines[2].total_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_amount','value':19001}]",
         "Bad value: order_lines[0].total_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_amount','value':18999}]",
         "Bad value: order_lines[0].total_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_amount','value':100000001}]",
         "Bad value: order_lines[0].total_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_amount','value':-1e300}]",
         "Bad value: order_lines[0].total_amount"},
        /* total_discount_amount: optional, 0..100000000 */
        {SE, FIX, "[{'op':'remove','path':'/order_lines/0/total_discount_amount'}]",
         "Bad value: order_lines[0].total_amount"},
        {SE, FIX,
         "[{'op':'remove','path':'/order_lines/0/total_discount_amount'},"
         "{'op':'replace','path':'/order_lines/0/total_amount','value':20000},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':4000}]",
         ""},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/total_discount_amount','value':null},"
         "{'op':'replace','path':'/order_lines/0/total_amount','value':20000},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':4000}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_discount_amount','value':-1}]",
         "Bad value: order_lines[0].total_discount_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_discount_amount','value':999.5}]",
         "Bad value: order_lines[0].total_discount_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_discount_amount','value':'1000'}]",
         "Bad value: order_lines[0].total_discount_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/total_discount_amount','value':100000001}]",
         "Bad value: order_lines[0].total_discount_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/quantity','value':10001},"
         "{'op':'replace','path':'/order_lines/0/total_discount_amount','value':100000000},"
         "{'op':'replace','path':'/order_lines/0/total_amount','value':10000},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':2000}]",
         ""},
        /* discount lines: unit_price, total_amount, total_tax_amount not positive */
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':2000},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':2000},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':400}]",
         "Bad value: order_lines[1].unit_price, order_lines[1].total_amount, "
         "order_lines[1].total_tax_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':0}]",
         ""},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/quantity','value':0},"
         "{'op':'replace','path':'/order_lines/1/unit_price','value':1},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':0}]",
         "Bad value: order_lines[1].unit_price"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':1},"
         "{'op':'add','path':'/order_lines/1/total_discount_amount','value':2},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':-1},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':0}]",
         "Bad value: order_lines[1].unit_price"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':1}]",
         "Bad value: order_lines[1].total_tax_amount"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/1/total_discount_amount','value':100},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':-2100},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':-420}]",
         ""},
        {SE, KEEP,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':'-2000'},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':0},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':0},"
         "{'op':'replace','path':'/order_amount','value':23900},"
         "{'op':'replace','path':'/order_tax_amount','value':4780}]",
         "Bad value: order_lines[1].unit_price"},
        {SE, KEEP,
         "[{'op':'replace','path':'/order_lines/1/unit_price','value':'-2000'},"
         "{'op':'replace','path':'/order_lines/1/total_amount','value':1},"
         "{'op':'replace','path':'/order_lines/1/total_tax_amount','value':0},"
         "{'op':'replace','path':'/order_amount','value':23901},"
         "{'op':'replace','path':'/order_tax_amount','value':4780}]",
         "Bad value: order_lines[1].unit_price, order_lines[1].total_amount"},
        /* other types carry no sign rule */
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/2/type','value':'gift_card'},"
         "{'op':'replace','path':'/order_lines/2/unit_price','value':-4900},"
         "{'op':'replace','path':'/order_lines/2/total_amount','value':-4900},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':-980}]",
         ""},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/2/type','value':'store_credit'},"
         "{'op':'replace','path':'/order_lines/2/unit_price','value':-100},"
         "{'op':'replace','path':'/order_lines/2/total_amount','value':-100},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':-20}]",
         ""},
    };
    RUN(rows);
}

Test(validate_tax, checks_tax_rate_and_the_one_unit_tolerance)
{
#define LINE_59500(tax)                                                                            \
    "[{'op':'replace','path':'/order_lines/0','value':{'name':'Coat','quantity':1,"                \
    "'unit_price':59500,'total_amount':59500,'tax_rate':2000,'total_tax_amount':" tax "}}]"
    static const row rows[] = {
        {SE, FIX, LINE_59500("9917"), ""},
        {SE, FIX, LINE_59500("9916"), ""},
        {SE, FIX, LINE_59500("9915"), "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, LINE_59500("9918"), "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, LINE_59500("9917.5"), "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, LINE_59500("'9917'"), "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':3799}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':3801}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':3798}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':3802}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/1/total_tax_amount','value':-401}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/1/total_tax_amount','value':-402}]",
         "Bad value: order_lines[1].total_tax_amount"},
        {SE, FIX, "[{'op':'remove','path':'/order_lines/0/total_tax_amount'}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':100000001}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':-1}]",
         "Bad value: order_lines[0].tax_rate"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':10001}]",
         "Bad value: order_lines[0].tax_rate"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':2500.5}]",
         "Bad value: order_lines[0].tax_rate"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':'2500'}]",
         "Bad value: order_lines[0].tax_rate"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':true}]",
         "Bad value: order_lines[0].tax_rate"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/2/tax_rate','value':10000},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':2450}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/tax_rate','value':0}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX, "[{'op':'remove','path':'/order_lines/0/tax_rate'}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {SE, FIX,
         "[{'op':'remove','path':'/order_lines/0/tax_rate'},"
         "{'op':'remove','path':'/order_lines/0/total_tax_amount'}]",
         ""},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/tax_rate','value':0},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':-1}]",
         ""},
        /* a sales_tax line outside the US is an ordinary line */
        {SE, FIX, "[{'op':'replace','path':'/order_lines/2/type','value':'sales_tax'}]", ""},
    };
#undef LINE_59500
    RUN(rows);
}

Test(validate_lines, checks_type_reference_and_urls)
{
    static const row rows[] = {
        {SE, FIX, "[{'op':'remove','path':'/order_lines/0/type'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/type','value':'digital'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/type','value':'surcharge'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/type','value':'PHYSICAL'}]",
         "Bad value: order_lines[0].type"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/type','value':'service'}]",
         "Bad value: order_lines[0].type"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/type','value':1}]",
         "Bad value: order_lines[0].type"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/reference','value':'$rep(255,r)'}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/reference','value':'$rep(256,r)'}]",
         "Bad value: order_lines[0].reference"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/reference','value':''}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/reference','value':4711}]",
         "Bad value: order_lines[0].reference"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/product_url','value':'$rep(1024,u)'}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/product_url','value':'$rep(1025,u)'}]",
         "Bad value: order_lines[0].product_url"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/image_url','value':'$rep(1024,u)'}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/image_url','value':'$rep(1025,u)'}]",
         "Bad value: order_lines[0].image_url"},
        {SE, FIX, "[{'op':'add','path':'/order_lines/0/merchant_data','value':'$rep(1024,m)'}]",
         ""},
        {SE, FIX, "[{'op':'add','path':'/order_lines/0/merchant_data','value':'$rep(1025,m)'}]",
         "Bad value: order_lines[0].merchant_data"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/1','value':'x'}]",
         "Bad value: order_lines[1]"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/1','value':null}]",
         "Bad value: order_lines[1]"},
    };
    RUN(rows);
}

Test(validate_us, applies_the_sales_tax_model)
{
    static const row rows[] = {
        {US, KEEP,
         "[{'op':'replace','path':'/order_lines/0/tax_rate','value':1000},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':455}]",
         "Bad value: order_lines[0].tax_rate, order_lines[0].total_tax_amount"},
        {US, KEEP, "[{'op':'replace','path':'/order_lines/0/total_tax_amount','value':1}]",
         "Bad value: order_lines[0].total_tax_amount"},
        {US, KEEP, "[{'op':'add','path':'/order_lines/1/tax_rate','value':1}]",
         "Bad value: order_lines[1].tax_rate"},
        {US, KEEP,
         "[{'op':'replace','path':'/order_lines/2/tax_rate','value':1000},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':40}]",
         ""},
        {US, KEEP,
         "[{'op':'replace','path':'/order_lines/2/tax_rate','value':1000},"
         "{'op':'replace','path':'/order_lines/2/total_tax_amount','value':0}]",
         "Bad value: order_lines[2].total_tax_amount"},
        {US, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':441}]",
         "Bad value: order_tax_amount"},
        {US, KEEP, "[{'op':'replace','path':'/order_tax_amount','value':439}]",
         "Bad value: order_tax_amount"},
        {US, KEEP, "[{'op':'remove','path':'/order_tax_amount'}]", "Bad value: order_tax_amount"},
        {US, KEEP,
         "[{'op':'remove','path':'/order_lines/2'},"
         "{'op':'replace','path':'/order_amount','value':5500},"
         "{'op':'replace','path':'/order_tax_amount','value':0}]",
         ""},
        {US, KEEP,
         "[{'op':'remove','path':'/order_lines/2'},"
         "{'op':'replace','path':'/order_amount','value':5500},"
         "{'op':'remove','path':'/order_tax_amount'}]",
         ""},
        {US, FIX,
         "[{'op':'add','path':'/order_lines/-','value':{'type':'sales_tax','name':'City tax',"
         "'quantity':1,'unit_price':60,'total_amount':60}}]",
         ""},
        {US, KEEP,
         "[{'op':'add','path':'/order_lines/-','value':{'type':'sales_tax','name':'City tax',"
         "'quantity':1,'unit_price':60,'total_amount':60}},"
         "{'op':'replace','path':'/order_amount','value':6000}]",
         "Bad value: order_tax_amount"},
        {US, KEEP, "[{'op':'remove','path':'/order_lines/2/total_amount'}]",
         "Bad value: order_lines[2].total_amount"},
        {US, KEEP,
         "[{'op':'replace','path':'/purchase_country','value':'us'},"
         "{'op':'replace','path':'/billing_address/country','value':'us'},"
         "{'op':'replace','path':'/locale','value':'ES-us'}]",
         ""},
        {US, KEEP, "[{'op':'replace','path':'/purchase_currency','value':'EUR'}]",
         "Bad value: purchase_currency"},
        {US, KEEP, "[{'op':'replace','path':'/locale','value':'en-CA'}]", "Bad value: locale"},
    };
    RUN(rows);
}

Test(validate_other_fields, bounds_strings_and_shapes_elsewhere)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'replace','path':'/merchant_reference1','value':'$rep(255,a)'}]", ""},
        {SE, KEEP, "[{'op':'replace','path':'/merchant_reference1','value':'$rep(256,a)'}]",
         "Bad value: merchant_reference1"},
        {SE, KEEP, "[{'op':'replace','path':'/merchant_reference1','value':4711}]",
         "Bad value: merchant_reference1"},
        {SE, KEEP, "[{'op':'add','path':'/merchant_reference2','value':'$rep(256,a)'}]",
         "Bad value: merchant_reference2"},
        {SE, KEEP, "[{'op':'add','path':'/merchant_data','value':'$rep(6000,d)'}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/merchant_data','value':'$rep(6001,d)'}]",
         "Bad value: merchant_data"},
        {SE, KEEP, "[{'op':'add','path':'/design','value':'$rep(256,d)'}]", "Bad value: design"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-12-31'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':19781231}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':'x'}]", "Bad value: customer"},
        {SE, KEEP, "[{'op':'add','path':'/merchant_urls','value':{'confirmation':'$rep(2000,c)'}}]",
         ""},
        {SE, KEEP, "[{'op':'add','path':'/merchant_urls','value':{'confirmation':'$rep(2001,c)'}}]",
         "Bad value: merchant_urls.confirmation"},
        {SE, KEEP, "[{'op':'add','path':'/merchant_urls','value':{'push':true}}]",
         "Bad value: merchant_urls.push"},
        {SE, KEEP, "[{'op':'add','path':'/acquiring_channel','value':'ECOMMERCE'}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/acquiring_channel','value':'ONLINE'}]",
         "Bad value: acquiring_channel"},
        {SE, KEEP, "[{'op':'add','path':'/intent','value':'buy_and_tokenize'}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/intent','value':'sell'}]", "Bad value: intent"},
        {SE, KEEP, "[{'op':'add','path':'/custom_payment_method_ids','value':['a','b']}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/custom_payment_method_ids','value':['a',1]}]",
         "Bad value: custom_payment_method_ids"},
        {SE, KEEP,
         "[{'op':'add','path':'/attachment','value':{'body':'{}',"
         "'content_type':'application/vnd.klarna.internal.emd-v2+json'}}]",
         ""},
        {SE, KEEP, "[{'op':'add','path':'/attachment','value':{'body':'{}'}}]",
         "Bad value: attachment.content_type"},
        /* the rows of the table that had none */
        {SE, KEEP, "[{'op':'add','path':'/attachment','value':'x'}]", "Bad value: attachment"},
        {SE, KEEP, "[{'op':'add','path':'/attachment','value':{'content_type':'t','body':1}}]",
         "Bad value: attachment.body"},
        {SE, KEEP, "[{'op':'add','path':'/design','value':7}]", "Bad value: design"},
        {SE, KEEP, "[{'op':'add','path':'/design','value':'$rep(255,d)'}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/merchant_urls','value':[]}]", "Bad value: merchant_urls"},
        {SE, KEEP, "[{'op':'add','path':'/custom_payment_method_ids','value':'a'}]",
         "Bad value: custom_payment_method_ids"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'vat_id':'$rep(256,v)'}}]",
         "Bad value: customer.vat_id"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'vat_id':'$rep(255,v)'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/shipping_address','value':{'city':'$rep(256,c)'}}]",
         "Bad value: shipping_address.city"},
        {SE, KEEP, "[{'op':'add','path':'/merchant_reference2','value':null}]", ""},
        /* read-only and unknown members are ignored, whatever their size */
        {SE, KEEP,
         "[{'op':'add','path':'/status','value':'incomplete'},"
         "{'op':'add','path':'/client_token','value':'$rep(4000,t)'},"
         "{'op':'add','path':'/expires_at','value':'2038-01-19T03:14:07.000Z'},"
         "{'op':'add','path':'/some_future_field','value':{'x':[1,2,3]}}]",
         ""},
    };
    RUN(rows);
}

Test(validate_customer, checks_type_birth_date_ssn_and_entity_type)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'type':'person'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'type':'organization'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'type':'Person'}}]",
         "Bad value: customer.type"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'type':'company'}}]",
         "Bad value: customer.type"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'2000-02-29'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1900-02-29'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-12-32'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-13-01'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-04-31'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-04-30'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'31-12-1978'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'1978-1-31'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'date_of_birth':'0000-01-01'}}]",
         "Bad value: customer.date_of_birth"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':'1234'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':'123456789'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':'123'}}]",
         "Bad value: customer.last_four_ssn"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':'12345'}}]",
         "Bad value: customer.last_four_ssn"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':'12a4'}}]",
         "Bad value: customer.last_four_ssn"},
        {SE, KEEP, "[{'op':'add','path':'/customer','value':{'last_four_ssn':1234}}]",
         "Bad value: customer.last_four_ssn"},
        {SE, KEEP,
         "[{'op':'add','path':'/customer','value':{'organization_entity_type':'SOLE_TRADER'}}]",
         ""},
        {SE, KEEP,
         "[{'op':'add','path':'/customer','value':{'organization_entity_type':'sole_trader'}}]",
         "Bad value: customer.organization_entity_type"},
        {SE, KEEP,
         "[{'op':'add','path':'/customer','value':"
         "{'national_identification_number':'$rep(255,n)'}}]",
         ""},
        {SE, KEEP,
         "[{'op':'add','path':'/customer','value':"
         "{'national_identification_number':'$rep(256,n)'}}]",
         "Bad value: customer.national_identification_number"},
        /* in table order within the member */
        {SE, KEEP,
         "[{'op':'add','path':'/customer','value':{'type':'x','last_four_ssn':'x',"
         "'date_of_birth':'x','organization_entity_type':'x'}}]",
         "Bad value: customer.date_of_birth, customer.last_four_ssn, "
         "customer.organization_entity_type, customer.type"},
    };
    RUN(rows);
}

Test(validate_options, checks_the_colour_patterns_and_radius_border)
{
    static const row rows[] = {
        {SE, KEEP,
         "[{'op':'add','path':'/options','value':{'color_border':'#00ff7F',"
         "'color_border_selected':'#000000','color_details':'#ABCDEF','color_text':'#abcdef',"
         "'radius_border':'5px'}}]",
         ""},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_border':'00ff7f'}}]",
         "Bad value: options.color_border"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_border_selected':'#00ff7'}}]",
         "Bad value: options.color_border_selected"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_details':'#00ff7f0'}}]",
         "Bad value: options.color_details"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_text':'#00gg7f'}}]",
         "Bad value: options.color_text"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_text':255}}]",
         "Bad value: options.color_text"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'radius_border':5}}]",
         "Bad value: options.radius_border"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'radius_border':'$rep(255,r)'}}]", ""},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'radius_border':'$rep(256,r)'}}]",
         "Bad value: options.radius_border"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':'dark'}]", "Bad value: options"},
        {SE, KEEP, "[{'op':'add','path':'/options','value':{'color_button':'any'}}]", ""},
    };
    RUN(rows);
}

Test(validate_lines, checks_product_identifiers_and_subscription)
{
    static const row rows[] = {
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/product_identifiers','value':{"
         "'brand':'$rep(70,b)','category_path':'$rep(750,c)',"
         "'global_trade_item_number':'$rep(50,9)','manufacturer_part_number':'$rep(70,m)',"
         "'color':'$rep(64,c)','size':'$rep(64,s)'}}]",
         ""},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/"
         "product_identifiers','value':{'brand':'$rep(71,b)'}}]",
         "Bad value: order_lines[0].product_identifiers.brand"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/product_identifiers','value':"
         "{'category_path':'$rep(751,c)'}}]",
         "Bad value: order_lines[0].product_identifiers.category_path"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/product_identifiers','value':"
         "{'global_trade_item_number':'$rep(51,9)'}}]",
         "Bad value: order_lines[0].product_identifiers.global_trade_item_number"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/product_identifiers','value':"
         "{'manufacturer_part_number':'$rep(71,m)'}}]",
         "Bad value: order_lines[0].product_identifiers.manufacturer_part_number"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/"
         "product_identifiers','value':{'color':'$rep(65,c)'}}]",
         "Bad value: order_lines[0].product_identifiers.color"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/product_identifiers','value':{'size':'$rep(65,s)'}}]",
         "Bad value: order_lines[0].product_identifiers.size"},
        {SE, FIX, "[{'op':'add','path':'/order_lines/2/product_identifiers','value':{'size':42}}]",
         "Bad value: order_lines[2].product_identifiers.size"},
        {SE, FIX, "[{'op':'add','path':'/order_lines/0/product_identifiers','value':[]}]",
         "Bad value: order_lines[0].product_identifiers"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'Box',"
         "'interval':'MONTH','interval_count':1}}]",
         ""},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'$rep(255,n)',"
         "'interval':'DAY','interval_count':365}}]",
         ""},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'$rep(256,n)',"
         "'interval':'WEEK','interval_count':1}}]",
         "Bad value: order_lines[0].subscription.name"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'',"
         "'interval':'YEAR','interval_count':1}}]",
         "Bad value: order_lines[0].subscription.name"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'Box',"
         "'interval':'month','interval_count':1}}]",
         "Bad value: order_lines[0].subscription.interval"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'Box',"
         "'interval':'MONTH','interval_count':0}}]",
         "Bad value: order_lines[0].subscription.interval_count"},
        {SE, FIX,
         "[{'op':'add','path':'/order_lines/0/subscription','value':{'name':'Box',"
         "'interval':'MONTH','interval_count':1.5}}]",
         "Bad value: order_lines[0].subscription.interval_count"},
        {SE, FIX, "[{'op':'add','path':'/order_lines/0/subscription','value':{}}]",
         "Bad value: order_lines[0].subscription.name, order_lines[0].subscription.interval, "
         "order_lines[0].subscription.interval_count"},
        {SE, FIX, "[{'op':'add','path':'/order_lines/0/subscription','value':'monthly'}]",
         "Bad value: order_lines[0].subscription"},
    };
    RUN(rows);
}

Test(validate_joined, names_every_failing_field_in_table_order)
{
    static const row rows[] = {
        {SE, KEEP,
         "[{'op':'replace','path':'/purchase_currency','value':'EUR'},"
         "{'op':'replace','path':'/locale','value':'de-DE'}]",
         "Bad value: purchase_currency, locale"},
        {SE, KEEP,
         "[{'op':'replace','path':'/locale','value':'de-DE'},"
         "{'op':'replace','path':'/purchase_currency','value':'EUR'},"
         "{'op':'replace','path':'/purchase_country','value':'ZZ'},"
         "{'op':'remove','path':'/billing_address/country'}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines/0/total_amount','value':19001}]",
         "Bad value: order_amount, order_lines[0].total_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/name','value':''},"
         "{'op':'replace','path':'/order_lines/2/quantity','value':-1}]",
         "Bad value: order_lines[0].name, order_lines[2].quantity"},
        {SE, KEEP,
         "[{'op':'replace','path':'/order_lines/2/quantity','value':-1},"
         "{'op':'replace','path':'/merchant_reference1','value':1},"
         "{'op':'replace','path':'/order_tax_amount','value':0},"
         "{'op':'replace','path':'/locale','value':'fi-FI'}]",
         "Bad value: locale, merchant_reference1, order_tax_amount, order_lines[2].quantity"},
        {SE, KEEP, "[{'op':'replace','path':'','value':{}}]",
         "Bad value: purchase_country, purchase_currency, order_amount, order_lines"},
    };
    RUN(rows);
}

Test(validate_garbage, answers_any_json_shape_with_bad_value)
{
    static const row rows[] = {
        {SE, KEEP, "[{'op':'replace','path':'','value':[]}]",
         "Bad value: purchase_country, purchase_currency, order_amount, order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'','value':'session'}]",
         "Bad value: purchase_country, purchase_currency, order_amount, order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'','value':null}]",
         "Bad value: purchase_country, purchase_currency, order_amount, order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'','value':-0}]",
         "Bad value: purchase_country, purchase_currency, order_amount, order_lines"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines','value':[[[[[[]]]]]]}]",
         "Bad value: order_lines[0]"},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0','value':{}}]",
         "Bad value: order_lines[0].name, order_lines[0].quantity, order_lines[0].unit_price, "
         "order_lines[0].total_amount"},
        {SE, KEEP, "[{'op':'replace','path':'/order_lines/0','value':{}}]",
         "Bad value: order_tax_amount, order_lines[0].name, order_lines[0].quantity, "
         "order_lines[0].unit_price, order_lines[0].total_amount"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/unit_price','value':{'a':[1,{'b':null}]}}]",
         "Bad value: order_lines[0].unit_price"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/quantity','value':-0},"
         "{'op':'replace','path':'/order_lines/0/total_amount','value':-1000},"
         "{'op':'replace','path':'/order_lines/0/total_tax_amount','value':-200}]",
         ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/quantity','value':1e-300}]",
         "Bad value: order_lines[0].quantity"},
        {SE, FIX,
         "[{'op':'replace','path':'/order_lines/0/quantity','value':-9.3e18},"
         "{'op':'replace','path':'/order_lines/0/unit_price','value':-9.3e18}]",
         "Bad value: order_lines[0].quantity, order_lines[0].unit_price"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_country','value':{'SE':'SE'}}]",
         "Bad value: purchase_country"},
        {SE, KEEP, "[{'op':'replace','path':'/purchase_currency','value':['SEK']}]",
         "Bad value: purchase_currency"},
        {SE, KEEP, "[{'op':'replace','path':'/billing_address/country','value':null}]", ""},
        {SE, FIX, "[{'op':'replace','path':'/order_lines/0/name','value':'$rep(100000,x)'}]",
         "Bad value: order_lines[0].name"},
    };
    RUN(rows);
}

/* One valid untaxed session per market, from the market table. */
static cJSON *market_session(const char *country, const char *currency, const char *locale)
{
    cJSON *session = parse_notation(base_plain);

    cJSON_ReplaceItemInObjectCaseSensitive(session, "purchase_country",
                                           cJSON_CreateString(country));
    cJSON_ReplaceItemInObjectCaseSensitive(session, "purchase_currency",
                                           cJSON_CreateString(currency));
    cJSON_ReplaceItemInObjectCaseSensitive(session, "locale", cJSON_CreateString(locale));
    return session;
}

static void lower(char *dst, const char *src, size_t cap)
{
    size_t i = 0;

    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
    dst[i] = '\0';
}

static void expect_market(const char *country, const char *currency, const char *locale,
                          const char *expect)
{
    char what[128];
    cJSON *session = market_session(country, currency, locale);

    snprintf(what, sizeof what, "%s %s %s", country, currency, locale);
    expect_message(session, expect, what);
    cJSON_Delete(session);
}

Test(validate_markets, accepts_each_market_and_rejects_its_neighbours)
{
    for (size_t i = 0; i < market_count(); i++) {
        const market *m = market_at(i);
        const market *other = market_at((i + 1) % market_count());
        const char *wrong_currency = strcmp(m->currency, "SEK") == 0 ? "NOK" : "SEK";
        char lc_country[8], lc_locale[16];

        for (size_t k = 0; k < m->n_locales; k++) {
            expect_market(m->country, m->currency, m->locales[k], "");
            lower(lc_country, m->country, sizeof lc_country);
            lower(lc_locale, m->locales[k], sizeof lc_locale);
            expect_market(lc_country, m->currency, lc_locale, "");
        }
        expect_market(m->country, wrong_currency, m->locales[0], "Bad value: purchase_currency");
        expect_market(m->country, m->currency, other->locales[0], "Bad value: locale");
        expect_market(m->country, wrong_currency, other->locales[0],
                      "Bad value: purchase_currency, locale");
    }
}

/* The contract's market table, written out again so a slip in market.c shows up. */
Test(market, holds_exactly_the_markets_of_the_spec)
{
    static const struct {
        const char *country, *currency, *locales;
        const char *region;
        bool confirmed;
    } spec[] = {
        {"AT", "EUR", "de-AT en-AT", "EU", true},
        {"AU", "AUD", "en-AU", "OC", true},
        {"BE", "EUR", "nl-BE fr-BE en-BE", "EU", true},
        {"CA", "CAD", "en-CA fr-CA", "NA", true},
        {"CH", "CHF", "de-CH fr-CH it-CH en-CH", "EU", false},
        {"CZ", "CZK", "cs-CZ en-CZ", "EU", true},
        {"DE", "EUR", "de-DE en-DE", "EU", true},
        {"DK", "DKK", "da-DK en-DK", "EU", true},
        {"ES", "EUR", "es-ES en-ES", "EU", false},
        {"FI", "EUR", "fi-FI sv-FI en-FI", "EU", true},
        {"FR", "EUR", "fr-FR en-FR", "EU", true},
        {"GB", "GBP", "en-GB", "EU", false},
        {"GR", "EUR", "el-GR en-GR", "EU", true},
        {"IE", "EUR", "en-IE", "EU", false},
        {"IT", "EUR", "it-IT en-IT", "EU", false},
        {"NL", "EUR", "nl-NL en-NL", "EU", false},
        {"NO", "NOK", "nb-NO en-NO", "EU", false},
        {"NZ", "NZD", "en-NZ", "OC", false},
        {"PL", "PLN", "pl-PL en-PL", "EU", false},
        {"PT", "EUR", "pt-PT en-PT", "EU", false},
        {"SE", "SEK", "sv-SE en-SE", "EU", false},
        {"US", "USD", "en-US es-US", "NA", false},
    };
    size_t n = sizeof spec / sizeof spec[0];

    cr_assert_eq(market_count(), n);
    cr_expect_null(market_at(n));
    for (size_t i = 0; i < n; i++) {
        const market *m = market_at(i);
        char joined[64] = "";
        cr_assert_not_null(m);
        for (size_t k = 0; k < m->n_locales; k++) {
            strcat(joined, k ? " " : "");
            strcat(joined, m->locales[k]);
        }
        cr_expect_str_eq(m->country, spec[i].country);
        cr_expect_str_eq(m->currency, spec[i].currency, "%s", spec[i].country);
        cr_expect_str_eq(joined, spec[i].locales, "%s", spec[i].country);
        cr_expect_str_eq(market_region_name(m->region), spec[i].region, "%s", spec[i].country);
        cr_expect_eq(m->confirmed, spec[i].confirmed, "%s", spec[i].country);
        cr_expect_eq(market_find(spec[i].country), m);
    }
}

Test(market, looks_up_case_insensitively_and_rejects_near_misses)
{
    cr_expect_eq(market_find("se"), market_find("SE"));
    cr_expect_eq(market_find("Se"), market_find("SE"));
    cr_expect_not_null(market_find("gb"));
    cr_expect_null(market_find("UK"));
    cr_expect_null(market_find("S"));
    cr_expect_null(market_find("SEE"));
    cr_expect_null(market_find(""));
    cr_expect_null(market_find(NULL));
    cr_expect_eq(market_find_by_locale("EN-us"), market_find("US"));
    cr_expect_eq(market_find_by_locale("sv-FI"), market_find("FI"));
    cr_expect_null(market_find_by_locale("en"));
    cr_expect_null(market_find_by_locale(NULL));
    cr_expect(market_has_locale(market_find("CH"), "IT-ch"));
    cr_expect_not(market_has_locale(market_find("CH"), "it-IT"));
    cr_expect_not(market_has_locale(NULL, "en-US"));
    cr_expect(market_has_currency(market_find("CH"), "chf"));
    cr_expect_not(market_has_currency(market_find("CH"), "EUR"));
    cr_expect_not(market_has_currency(market_find("CH"), NULL));
    cr_expect_str_eq(market_region_name(MARKET_REGION_EU), "EU");
    cr_expect_str_eq(market_region_name(MARKET_REGION_NA), "NA");
    cr_expect_str_eq(market_region_name(MARKET_REGION_OC), "OC");
    cr_expect_str_eq(market_region_name((market_region)99), "EU");
}

/* A plain session with n copies of its one line (order_amount adjusted). */
static cJSON *session_with_lines(size_t n, const char *name)
{
    cJSON *session = parse_notation(base_plain);
    cJSON *lines = cJSON_GetObjectItemCaseSensitive(session, "order_lines");
    cJSON *line = cJSON_DetachItemFromArray(lines, 0);

    cJSON_ReplaceItemInObjectCaseSensitive(line, "name", cJSON_CreateString(name));
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(lines, cJSON_Duplicate(line, true));
    cJSON_Delete(line);
    cJSON_ReplaceItemInObjectCaseSensitive(session, "order_amount",
                                           cJSON_CreateNumber(10000.0 * (double)n));
    return session;
}

Test(validate_lines, accepts_1000_lines_and_rejects_1001)
{
    cJSON *ok = session_with_lines(1000, "Gift box");
    cJSON *over = session_with_lines(1001, "Gift box");

    expect_message(ok, "", "1000 lines");
    expect_message(over, "Bad value: order_lines", "1001 lines");
    cJSON_Delete(ok);
    cJSON_Delete(over);
}

Test(validate_message, caps_the_number_of_fields)
{
    cJSON *session = session_with_lines(1000, "");
    char msg[VALIDATE_MSG_MAX];

    cJSON_ReplaceItemInObjectCaseSensitive(session, "purchase_country", cJSON_CreateNumber(1));
    /* purchase_country, then the first 15 line failures: 16 names in all */
    cr_assert_eq(validate_session(session, msg, sizeof msg), 1);
    cr_expect_str_eq(msg, "Bad value: purchase_country, order_lines[0].name, "
                          "order_lines[1].name, order_lines[2].name, order_lines[3].name, "
                          "order_lines[4].name, order_lines[5].name, order_lines[6].name, "
                          "order_lines[7].name, order_lines[8].name, order_lines[9].name, "
                          "order_lines[10].name, order_lines[11].name, order_lines[12].name, "
                          "order_lines[13].name, order_lines[14].name");
    cJSON_Delete(session);
}

Test(validate_message, fits_small_and_missing_buffers)
{
    cJSON *session = cJSON_CreateObject();
    char msg[128];

    cr_assert_not_null(session);
    memset(msg, 'x', sizeof msg);
    cr_expect_eq(validate_session(session, msg, 20), 1);
    cr_expect_str_eq(msg, "Bad value: purchase");
    cr_expect_eq(msg[20], 'x', "wrote past msglen");
    cr_expect_eq(validate_session(session, msg, 32), 1);
    cr_expect_str_eq(msg, "Bad value: purchase_country");
    cr_expect_eq(validate_session(session, msg, 1), 1);
    cr_expect_str_eq(msg, "");
    cr_expect_eq(validate_session(session, NULL, 0), 1);
    cr_expect_eq(validate_session(NULL, msg, sizeof msg), 1);
    cr_expect_str_eq(msg, "Bad value: purchase_country, purchase_currency, order_amount, "
                          "order_lines");
    cJSON_Delete(session);
}

Test(validate_message, clears_the_message_of_a_valid_session)
{
    cJSON *session = parse_notation(base_se);
    char msg[16] = "leftover";

    cr_expect_eq(validate_session(session, msg, sizeof msg), 0);
    cr_expect_str_eq(msg, "");
    cr_expect_eq(validate_session(session, NULL, 0), 0);
    cJSON_Delete(session);
}

Test(validate_garbage, survives_non_finite_numbers_built_in_code)
{
    cJSON *session = parse_notation(base_se);
    cJSON *line = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(session, "order_lines"), 0);

    cJSON_ReplaceItemInObjectCaseSensitive(session, "order_amount", cJSON_CreateNumber(NAN));
    cJSON_ReplaceItemInObjectCaseSensitive(line, "quantity", cJSON_CreateNumber(INFINITY));
    cJSON_ReplaceItemInObjectCaseSensitive(line, "tax_rate", cJSON_CreateNumber(-INFINITY));
    expect_message(session,
                   "Bad value: order_amount, order_lines[0].quantity, order_lines[0].tax_rate",
                   "NaN / Inf");
    cJSON_Delete(session);
}

/* validate_json_text: one row per thing JSON forbids that cJSON lets through or
 * mangles, and the near misses that are fine. Lengths are explicit: rows carry NULs. */
Test(validate_json_text, refuses_what_json_forbids_and_cjson_would_mangle)
{
    static const struct {
        const char *text;
        size_t len;
        const char *why; /* "" = accepted */
    } rows[] = {
#define ROW(lit, why) {lit, sizeof lit - 1, why}
        ROW("{\"a\":\"b\"}", ""),
        ROW(" \t\r\n{\"a\" : [1, 2]}\n", ""),
        ROW("{\"n\":\"Sveav\xc3\xa4gen \xe2\x82\xac \xf0\x9f\x98\x80\"}", ""),
        ROW("{\"n\":\"tab\\tand \\\" quote \\\\ \\u00e9 \\u0001\"}", ""),
        ROW("{\"n\":\"\x7f\"}", ""),
        ROW("{\"n\":\"a\x00"
            "b\"}",
            "unescaped control byte 0x00 in a string at byte 7"),
        ROW("{\"n\":\"a\tb\"}", "unescaped control byte 0x09 in a string at byte 7"),
        ROW("{\"n\":\"a\nb\"}", "unescaped control byte 0x0A in a string at byte 7"),
        ROW("{\"n\x01\":1}", "unescaped control byte 0x01 in a string at byte 3"),
        ROW("{\x00\"n\":1}", "control byte 0x00 outside a string at byte 1"),
        ROW("{\"n\":\x01 1}", "control byte 0x01 outside a string at byte 5"),
        ROW("{\"n\":1}\x0c", "control byte 0x0C outside a string at byte 7"),
        ROW("{\"n\":\"\xff\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"n\":\"\xc3\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"n\":\"\xc0\xaf\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"n\":\"\xed\xa0\x80\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"n\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"n\":\"ab\xe2\x82\"", "invalid UTF-8 at byte 8"),
        ROW("{\"n\":\"a\\u0000b\"}", "\\u0000 in a string at byte 7 is not supported"),
        ROW("{\"n\":\"a\\\\u0000b\"}", ""),
#undef ROW
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char why[128];
        memset(why, 'x', sizeof why);
        int rc = validate_json_text(rows[i].text, rows[i].len, why, sizeof why);
        cr_expect_str_eq(why, rows[i].why, "row %zu", i);
        cr_expect_eq(rc, rows[i].why[0] ? 1 : 0, "row %zu: status %d", i, rc);
    }
}
