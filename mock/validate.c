/* validate: the rules of SPEC §3.4 applied to a whole session document, answered with
 * Klarna's "Bad value: <field>[, <field>...]" message, and the strict-JSON check of a
 * request body's raw text (validate_json_text). Pure: no I/O, no allocation.
 *
 * Rule table (the test table in tests/test_validate.c mirrors it row for row).
 * "absent" means the member is missing or JSON null; null counts as absent for optional
 * fields (a read-back echoed into an update must validate) and as missing for required
 * ones. "integer" means a JSON number with no fraction (cJSON keeps only the double, so
 * 1.0 is the integer 1, and -0 is 0); NaN/Inf, fractions and values past the bound fail.
 * "chars" are UTF-8 characters (not bytes); invalid UTF-8 fails the field.
 * Effective country = billing_address.country when it is a known country and differs
 * from purchase_country (§3.4: it takes precedence), else purchase_country.
 *
 * field reported                 | fails when
 * -------------------------------+-----------------------------------------------------
 * purchase_country               | absent, not a string, not a country of the table
 *                                | (case-insensitive: "se" is SE)
 * purchase_currency              | absent, not 3 ASCII letters, or not the currency of the
 *                                | effective country. Case-insensitive ("sek"): both
 *                                | OpenAPI files allow [A-Za-z]{3} like they do for
 *                                | country/locale (unconfirmed at Klarna).
 * locale                         | present and not a string, or not a locale of the
 *                                | effective country (case-insensitive); with no known
 *                                | effective country: not a locale of any market
 * billing_address                | present and not an object (same for shipping_address)
 * billing_address.country        | present and not a country of the table
 * billing_address.<string>       | not a string, or > 255 chars: attention, city, email,
 *                                | family_name, given_name, organization_name, phone,
 *                                | postal_code, region, street_address, street_address2,
 *                                | title (§3.1 default; the OpenAPI files say 99, 10 for
 *                                | postal_code and 20 for title: unconfirmed, so we keep
 *                                | the lenient documented default)
 * shipping_address[.<field>]     | as billing_address
 * customer[.<string>]            | not an object / its string members > 255 chars
 * merchant_reference1, 2         | not a string, or > 255 chars
 * merchant_data                  | not a string, or > 6000 chars
 * design                         | not a string, or > 255 chars
 * merchant_urls[.<url>]          | not an object / confirmation, notification, push,
 *                                | authorization not a string or > 2000 chars
 * acquiring_channel              | not one of ECOMMERCE, IN_STORE, TELESALES
 * intent                         | not one of buy, tokenize, buy_and_tokenize
 * custom_payment_method_ids      | not an array of strings
 * attachment[.body|.content_type]| not an object / member absent or not a string
 * order_amount                   | absent, not an integer in 0..2^53-1, or present lines
 *                                | all valid-integer totals and it differs from their sum
 * order_tax_amount               | optional (both OpenAPI files leave it out of
 *                                | `required`), default 0, integer in 0..2^53-1. Not US:
 *                                | differs from Σ total_tax_amount by more than the number
 *                                | of lines. US: differs from Σ total_amount of the
 *                                | sales_tax lines (exactly). So a taxed EU order without
 *                                | it fails as Klarna's "required for most markets" does.
 * order_lines                    | absent, not an array, empty, or more than 1000 lines
 *                                | (then no line is examined)
 * order_lines[i]                 | the element is not an object
 * order_lines[i].name            | absent, not a string, 0 or > 255 chars
 * order_lines[i].type            | present and not one of physical, discount,
 *                                | shipping_fee, sales_tax, digital, gift_card,
 *                                | store_credit, surcharge (absent = physical)
 * order_lines[i].quantity        | absent, not an integer in 0..2^53-1 (0.5, -1 fail)
 * order_lines[i].quantity_unit   | present and not a string of 1..8 chars
 * order_lines[i].unit_price      | absent, not an integer in ±200000000; > 0 on a
 *                                | discount line
 * order_lines[i].total_discount_amount | present and not an integer in 0..200000000
 * order_lines[i].total_amount    | absent, not an integer in ±200000000, ≠ quantity ×
 *                                | unit_price − total_discount_amount, or > 0 on a
 *                                | discount line
 * order_lines[i].tax_rate        | present and not an integer in 0..10000; US (effective
 *                                | country) and not 0 on a line other than sales_tax
 * order_lines[i].total_tax_amount| present and not an integer in ±200000000; more than 1
 *                                | away from total_amount × tax_rate / (10000 + tax_rate)
 *                                | (exact rational math: 59500 at 2000 → 9916.67, so 9916
 *                                | and 9917 pass, 9915 and 9918 fail); > 0 on a discount
 *                                | line; US and not 0 on a line other than sales_tax
 * order_lines[i].reference       | present and not a string of ≤ 255 chars (the 2024
 *                                | OpenAPI schema says 255, its prose and the 2023 file
 *                                | 256: we take the stricter, which is also §3.1's
 *                                | default, so a shop passing the mock passes Klarna)
 * order_lines[i].merchant_data   | present and not a string of ≤ 1024 chars
 * order_lines[i].product_url     | present and not a string of ≤ 1024 chars
 * order_lines[i].image_url       | present and not a string of ≤ 1024 chars
 *
 * Amount bound: |amount| ≤ 200000000 minor units, the newer (2024) OpenAPI file's
 * maximum (the 2023 one says 100000000); negative amounts are allowed (discounts,
 * gift cards, store credit) except where a rule above says otherwise. The only sign
 * rules are the discount ones, from "Negative when type is discount" in both files;
 * gift_card / store_credit are not constrained (the references say nothing).
 * A sales_tax line outside the US is an ordinary line (general tax rules apply).
 * Unknown members and read-only ones (status, client_token, expires_at...) are ignored.
 *
 * Message: "Bad value: " + the failing fields joined by ", ", each once, in the order of
 * the table above (top-level fields first, then order_amount, order_tax_amount,
 * order_lines, then line fields by ascending index and in table order within a line).
 * At most VALIDATE_MAX_FIELDS names, never more than VALIDATE_MSG_MAX (or msglen) bytes;
 * further failures are dropped (the message stays a plain field list). */
#include "validate.h"
#include "market.h"
#include "utf8.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Most field names one message carries. */
#define VALIDATE_MAX_FIELDS 16
/* Longest field name we build: "order_lines[999].total_discount_amount" is 38 bytes. */
#define FIELD_NAME_MAX    64
#define AMOUNT_MAX        200000000
#define ORDER_LINES_MAX   1000
#define STRING_MAX        255
#define LINE_URL_MAX      1024
#define MERCHANT_URL_MAX  2000
#define MERCHANT_DATA_MAX 6000
#define TAX_RATE_MAX      10000
/* Largest integer a JSON number keeps exactly in cJSON's double. */
#define EXACT_INT_MAX 9007199254740991LL

/* The failing fields found so far, in the order they were found. */
typedef struct failures {
    char field[VALIDATE_MAX_FIELDS][FIELD_NAME_MAX];
    size_t n;
} failures;

/* Facts about the order lines that the order-level rules need. */
typedef struct line_sums {
    bool amounts_known;   /* every line's total_amount is a valid integer */
    int64_t amounts;      /* Σ total_amount */
    bool taxes_known;     /* every line's total_tax_amount is a valid integer (or absent) */
    int64_t taxes;        /* Σ total_tax_amount */
    bool sales_tax_known; /* every sales_tax line's total_amount is a valid integer */
    int64_t sales_tax;    /* Σ total_amount of the sales_tax lines */
} line_sums;

static bool failures_full(const failures *f)
{
    return f->n >= VALIDATE_MAX_FIELDS;
}

static void failures_add(failures *f, const char *field)
{
    if (failures_full(f))
        return;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->field[i], field) == 0)
            return;
    }
    snprintf(f->field[f->n], FIELD_NAME_MAX, "%s", field);
    f->n++;
}

static void failures_add_line(failures *f, size_t index, const char *member)
{
    char name[FIELD_NAME_MAX];

    if (member)
        snprintf(name, sizeof name, "order_lines[%zu].%s", index, member);
    else
        snprintf(name, sizeof name, "order_lines[%zu]", index);
    failures_add(f, name);
}

static void failures_add_member(failures *f, const char *object, const char *member)
{
    char name[FIELD_NAME_MAX];

    snprintf(name, sizeof name, "%s.%s", object, member);
    failures_add(f, name);
}

/* Returns obj's member key, or NULL when obj is not an object or the member is absent
 * or JSON null. */
static const cJSON *member(const cJSON *obj, const char *key)
{
    const cJSON *v;

    if (!cJSON_IsObject(obj))
        return NULL;
    v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Fills found[k] with obj's first member named keys[k] (NULL when absent or JSON null,
 * as member() answers) in one pass over obj. A lookup per key costs a string compare per
 * key and member; this pass mostly compares first bytes, which matters on 1000-line
 * orders. At most 32 keys. */
static void read_members(const cJSON *obj, const char *const *keys, size_t n, const cJSON **found)
{
    uint32_t seen = 0;
    const cJSON *c;

    for (size_t k = 0; k < n; k++)
        found[k] = NULL;
    if (!cJSON_IsObject(obj))
        return;
    cJSON_ArrayForEach(c, obj)
    {
        if (!c->string)
            continue;
        for (size_t k = 0; k < n; k++) {
            if (!(seen & (UINT32_C(1) << k)) && keys[k][0] == c->string[0] &&
                strcmp(keys[k], c->string) == 0) {
                seen |= UINT32_C(1) << k;
                found[k] = cJSON_IsNull(c) ? NULL : c;
                break;
            }
        }
    }
}

/* The members of an order line that the rules read, in table order. */
enum {
    L_NAME,
    L_TYPE,
    L_QUANTITY,
    L_QUANTITY_UNIT,
    L_UNIT_PRICE,
    L_TOTAL_DISCOUNT_AMOUNT,
    L_TOTAL_AMOUNT,
    L_TAX_RATE,
    L_TOTAL_TAX_AMOUNT,
    L_REFERENCE,
    L_MERCHANT_DATA,
    L_PRODUCT_URL,
    L_IMAGE_URL,
    L_COUNT
};
static const char *const line_keys[L_COUNT] = {
    "name",          "type",          "quantity",
    "quantity_unit", "unit_price",    "total_discount_amount",
    "total_amount",  "tax_rate",      "total_tax_amount",
    "reference",     "merchant_data", "product_url",
    "image_url",
};

/* Reads v as an integer in lo..hi (both within ±2^53); false for anything else. */
static bool json_int(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
    double d;

    if (!cJSON_IsNumber(v))
        return false;
    d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
        return false;
    *out = (int64_t)d; /* -0.0 becomes plain 0 */
    return true;
}

int validate_json_text(const char *text, size_t len, char *why, size_t whylen)
{
    const unsigned char *p = (const unsigned char *)text;
    bool in_string = false;

    for (size_t i = 0; i < len;) {
        unsigned c = p[i];
        size_t n;
        if (!in_string) {
            /* cJSON takes every byte up to 0x20 for blank; JSON allows only these four */
            if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                snprintf(why, whylen, "control byte 0x%02X outside a string at byte %zu", c, i);
                return 1;
            }
            in_string = c == '"';
            i++;
            continue;
        }
        if (c == '"') {
            in_string = false;
            i++;
        } else if (c < 0x20) {
            snprintf(why, whylen, "unescaped control byte 0x%02X in a string at byte %zu", c, i);
            return 1;
        } else if (c == '\\') {
            /* cJSON would cut the string at a \u0000 and keep the rest silently */
            if (i + 6 <= len && memcmp(p + i + 1, "u0000", 5) == 0) {
                snprintf(why, whylen, "\\u0000 in a string at byte %zu is not supported", i);
                return 1;
            }
            i += 2;
        } else if ((n = utf8_seq(p + i, len - i, NULL)) == 0) {
            snprintf(why, whylen, "invalid UTF-8 at byte %zu", i);
            return 1;
        } else {
            i += n;
        }
    }
    if (why && whylen)
        why[0] = '\0';
    return 0;
}

/* True when v is a string of min..max UTF-8 characters. */
static bool string_fits(const cJSON *v, long min, long max)
{
    long n;

    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    n = utf8_chars(v->valuestring, strlen(v->valuestring));
    return n >= min && n <= max;
}

/* True when v is a string of exactly len ASCII letters. */
static bool ascii_letters(const cJSON *v, size_t len)
{
    const char *s;
    size_t i;

    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    s = v->valuestring;
    for (i = 0; s[i]; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    }
    return i == len;
}

/* True when v is a string equal to one of the NULL-terminated words. */
static bool one_of(const cJSON *v, const char *const *words)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    for (; *words; words++) {
        if (strcmp(v->valuestring, *words) == 0)
            return true;
    }
    return false;
}

/* Checks that every listed member of obj, when present, is a string of at most max
 * characters; failures are named "<object>.<member>". */
static void check_string_members(failures *f, const cJSON *obj, const char *object,
                                 const char *const *members, long max)
{
    for (; *members; members++) {
        const cJSON *v = member(obj, *members);
        if (v && !string_fits(v, 0, max))
            failures_add_member(f, object, *members);
    }
}

static const char *const address_strings[] = {
    "attention",         "city",  "email",       "family_name", "given_name",
    "organization_name", "phone", "postal_code", "region",      "street_address",
    "street_address2",   "title", NULL};

/* billing_address / shipping_address: an object whose country, when present, is a
 * country of the table and whose strings are bounded. */
static void check_address(failures *f, const cJSON *session, const char *object)
{
    const cJSON *addr = member(session, object), *country;

    if (!addr)
        return;
    if (!cJSON_IsObject(addr)) {
        failures_add(f, object);
        return;
    }
    country = member(addr, "country");
    if (country && !(cJSON_IsString(country) && market_find(country->valuestring)))
        failures_add_member(f, object, "country");
    check_string_members(f, addr, object, address_strings, STRING_MAX);
}

/* An object whose listed string members are bounded (customer, merchant_urls). */
static void check_bounded_object(failures *f, const cJSON *session, const char *object,
                                 const char *const *members, long max)
{
    const cJSON *obj = member(session, object);

    if (!obj)
        return;
    if (!cJSON_IsObject(obj)) {
        failures_add(f, object);
        return;
    }
    check_string_members(f, obj, object, members, max);
}

static void check_optional_string(failures *f, const cJSON *session, const char *key, long max)
{
    const cJSON *v = member(session, key);

    if (v && !string_fits(v, 0, max))
        failures_add(f, key);
}

static const char *const customer_strings[] = {"date_of_birth",
                                               "gender",
                                               "last_four_ssn",
                                               "national_identification_number",
                                               "organization_entity_type",
                                               "organization_registration_id",
                                               "title",
                                               "type",
                                               "vat_id",
                                               NULL};
static const char *const merchant_url_members[] = {"confirmation", "notification", "push",
                                                   "authorization", NULL};
static const char *const acquiring_channels[] = {"ECOMMERCE", "IN_STORE", "TELESALES", NULL};
static const char *const intents[] = {"buy", "tokenize", "buy_and_tokenize", NULL};
static const char *const line_types[] = {"physical",     "discount",  "shipping_fee",
                                         "sales_tax",    "digital",   "gift_card",
                                         "store_credit", "surcharge", NULL};

/* The top-level members after the market fields, in table order. */
static void check_other_members(failures *f, const cJSON *session)
{
    const cJSON *v;

    check_bounded_object(f, session, "customer", customer_strings, STRING_MAX);
    check_optional_string(f, session, "merchant_reference1", STRING_MAX);
    check_optional_string(f, session, "merchant_reference2", STRING_MAX);
    check_optional_string(f, session, "merchant_data", MERCHANT_DATA_MAX);
    check_optional_string(f, session, "design", STRING_MAX);
    check_bounded_object(f, session, "merchant_urls", merchant_url_members, MERCHANT_URL_MAX);

    v = member(session, "acquiring_channel");
    if (v && !one_of(v, acquiring_channels))
        failures_add(f, "acquiring_channel");
    v = member(session, "intent");
    if (v && !one_of(v, intents))
        failures_add(f, "intent");

    v = member(session, "custom_payment_method_ids");
    if (v) {
        const cJSON *id;
        bool ok = cJSON_IsArray(v);
        if (ok) {
            cJSON_ArrayForEach(id, v)
            {
                if (!cJSON_IsString(id))
                    ok = false;
            }
        }
        if (!ok)
            failures_add(f, "custom_payment_method_ids");
    }

    v = member(session, "attachment");
    if (v) {
        if (!cJSON_IsObject(v)) {
            failures_add(f, "attachment");
        } else {
            if (!cJSON_IsString(member(v, "body")))
                failures_add(f, "attachment.body");
            if (!cJSON_IsString(member(v, "content_type")))
                failures_add(f, "attachment.content_type");
        }
    }
}

/* True when total_tax is within 1 of total × rate / (10000 + rate), computed exactly:
 * |tax × (10000 + rate) − total × rate| ≤ 10000 + rate. Operands are bounded by
 * AMOUNT_MAX and TAX_RATE_MAX, so the products stay below 2^43. */
static bool tax_within_one(int64_t total, int64_t rate, int64_t tax)
{
    int64_t denom = 10000 + rate;
    int64_t diff = tax * denom - total * rate;

    return diff >= -denom && diff <= denom;
}

/* True when quantity × unit_price − discount equals total, without overflow: the product
 * is only formed when it fits in int64; past that it cannot match a bounded total. */
static bool line_total_matches(int64_t quantity, int64_t unit_price, int64_t discount,
                               int64_t total)
{
    int64_t magnitude = unit_price < 0 ? -unit_price : unit_price;

    if (magnitude != 0 && quantity > INT64_MAX / magnitude)
        return false;
    /* total + discount is within ±2 × AMOUNT_MAX: no overflow on this side either. */
    return quantity * unit_price == total + discount;
}

/* Applies the per-line rules to order_lines[index] and adds its figures to sums. */
static void check_line(failures *f, const cJSON *line, size_t index, bool us, line_sums *sums)
{
    const cJSON *v;
    const char *type = "physical";
    bool discount, sales_tax;
    bool has_quantity, has_price, has_discount = true, has_total, has_rate = true, has_tax = true;
    int64_t quantity = 0, price = 0, line_discount = 0, total = 0, rate = 0, tax = 0;
    const cJSON *m[L_COUNT];

    if (!cJSON_IsObject(line)) {
        failures_add_line(f, index, NULL);
        sums->amounts_known = false;
        sums->taxes_known = false;
        return;
    }
    read_members(line, line_keys, L_COUNT, m);

    if (!string_fits(m[L_NAME], 1, STRING_MAX))
        failures_add_line(f, index, "name");

    v = m[L_TYPE];
    if (v) {
        if (one_of(v, line_types))
            type = v->valuestring;
        else
            failures_add_line(f, index, "type");
    }
    discount = strcmp(type, "discount") == 0;
    sales_tax = strcmp(type, "sales_tax") == 0;

    has_quantity = json_int(m[L_QUANTITY], 0, EXACT_INT_MAX, &quantity);
    if (!has_quantity)
        failures_add_line(f, index, "quantity");

    v = m[L_QUANTITY_UNIT];
    if (v && !string_fits(v, 1, 8))
        failures_add_line(f, index, "quantity_unit");

    has_price = json_int(m[L_UNIT_PRICE], -AMOUNT_MAX, AMOUNT_MAX, &price);
    if (!has_price || (discount && price > 0))
        failures_add_line(f, index, "unit_price");

    v = m[L_TOTAL_DISCOUNT_AMOUNT];
    if (v) {
        has_discount = json_int(v, 0, AMOUNT_MAX, &line_discount);
        if (!has_discount)
            failures_add_line(f, index, "total_discount_amount");
    }

    has_total = json_int(m[L_TOTAL_AMOUNT], -AMOUNT_MAX, AMOUNT_MAX, &total);
    if (!has_total || (discount && total > 0) ||
        (has_quantity && has_price && has_discount &&
         !line_total_matches(quantity, price, line_discount, total)))
        failures_add_line(f, index, "total_amount");

    v = m[L_TAX_RATE];
    if (v)
        has_rate = json_int(v, 0, TAX_RATE_MAX, &rate);
    if (!has_rate || (us && !sales_tax && rate != 0))
        failures_add_line(f, index, "tax_rate");

    v = m[L_TOTAL_TAX_AMOUNT];
    if (v)
        has_tax = json_int(v, -AMOUNT_MAX, AMOUNT_MAX, &tax);
    if (!has_tax || (discount && tax > 0) || (us && !sales_tax && tax != 0) ||
        (has_total && has_rate && !tax_within_one(total, rate, tax)))
        failures_add_line(f, index, "total_tax_amount");

    v = m[L_REFERENCE];
    if (v && !string_fits(v, 0, STRING_MAX))
        failures_add_line(f, index, "reference");
    v = m[L_MERCHANT_DATA];
    if (v && !string_fits(v, 0, LINE_URL_MAX))
        failures_add_line(f, index, "merchant_data");
    v = m[L_PRODUCT_URL];
    if (v && !string_fits(v, 0, LINE_URL_MAX))
        failures_add_line(f, index, "product_url");
    v = m[L_IMAGE_URL];
    if (v && !string_fits(v, 0, LINE_URL_MAX))
        failures_add_line(f, index, "image_url");

    if (has_total)
        sums->amounts += total;
    else
        sums->amounts_known = false;
    if (has_tax)
        sums->taxes += tax;
    else
        sums->taxes_known = false;
    if (sales_tax) {
        if (has_total)
            sums->sales_tax += total;
        else
            sums->sales_tax_known = false;
    }
}

/* Writes "Bad value: a, b, ..." into msg, whole field names only, within cap bytes. */
static void format_message(const failures *head, const failures *lines, char *msg, size_t msglen)
{
    static const char prefix[] = "Bad value: ";
    size_t cap = msglen, len, shown = 0;

    if (!msg || cap == 0)
        return;
    if (cap > VALIDATE_MSG_MAX)
        cap = VALIDATE_MSG_MAX;
    snprintf(msg, cap, "%s", prefix);
    len = strlen(msg);
    for (size_t k = 0; k < head->n + lines->n && shown < VALIDATE_MAX_FIELDS; k++) {
        const char *name = k < head->n ? head->field[k] : lines->field[k - head->n];
        size_t need = strlen(name) + (shown ? 2 : 0);
        if (len + need + 1 > cap) {
            if (shown == 0) /* not even one name fits: cut it rather than say nothing */
                snprintf(msg + len, cap - len, "%s", name);
            break;
        }
        snprintf(msg + len, cap - len, "%s%s", shown ? ", " : "", name);
        len += need;
        shown++;
    }
}

int validate_session(const cJSON *session, char *msg, size_t msglen)
{
    failures head = {.n = 0}, lines = {.n = 0};
    line_sums sums = {.amounts_known = true, .taxes_known = true, .sales_tax_known = true};
    const cJSON *s = cJSON_IsObject(session) ? session : NULL;
    const cJSON *v, *order_lines, *billing;
    const market *purchase = NULL, *effective;
    int64_t order_amount = 0, order_tax = 0;
    size_t n_lines = 0;
    bool lines_ok, us;

    v = member(s, "purchase_country");
    if (cJSON_IsString(v))
        purchase = market_find(v->valuestring);
    if (!purchase)
        failures_add(&head, "purchase_country");

    effective = purchase;
    billing = member(s, "billing_address");
    v = member(billing, "country");
    if (cJSON_IsString(v) && market_find(v->valuestring))
        effective = market_find(v->valuestring);
    us = effective && strcmp(effective->country, "US") == 0;

    v = member(s, "purchase_currency");
    if (!ascii_letters(v, 3) || (effective && !market_has_currency(effective, v->valuestring)))
        failures_add(&head, "purchase_currency");

    v = member(s, "locale");
    if (v && !(cJSON_IsString(v) && (effective ? market_has_locale(effective, v->valuestring)
                                               : market_find_by_locale(v->valuestring) != NULL)))
        failures_add(&head, "locale");

    check_address(&head, s, "billing_address");
    check_address(&head, s, "shipping_address");
    check_other_members(&head, s);

    order_lines = member(s, "order_lines");
    lines_ok = cJSON_IsArray(order_lines);
    if (lines_ok) {
        const cJSON *line;
        cJSON_ArrayForEach(line, order_lines)
        {
            if (++n_lines > ORDER_LINES_MAX)
                break;
        }
        lines_ok = n_lines >= 1 && n_lines <= ORDER_LINES_MAX;
    }
    if (lines_ok) {
        const cJSON *line;
        size_t index = 0;
        cJSON_ArrayForEach(line, order_lines)
        {
            check_line(&lines, line, index++, us, &sums);
        }
    }

    if (!json_int(member(s, "order_amount"), 0, EXACT_INT_MAX, &order_amount) ||
        (lines_ok && sums.amounts_known && order_amount != sums.amounts))
        failures_add(&head, "order_amount");

    v = member(s, "order_tax_amount");
    if (v && !json_int(v, 0, EXACT_INT_MAX, &order_tax)) {
        failures_add(&head, "order_tax_amount");
    } else if (lines_ok) {
        int64_t gap = order_tax - (us ? sums.sales_tax : sums.taxes);
        if (us ? (sums.sales_tax_known && gap != 0)
               : (sums.taxes_known && (gap > (int64_t)n_lines || gap < -(int64_t)n_lines)))
            failures_add(&head, "order_tax_amount");
    }

    if (!lines_ok)
        failures_add(&head, "order_lines");

    if (head.n == 0 && lines.n == 0) {
        if (msg && msglen > 0)
            msg[0] = '\0';
        return 0;
    }
    format_message(&head, &lines, msg, msglen);
    return 1;
}
