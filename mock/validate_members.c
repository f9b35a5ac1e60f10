/* validate_members: the rules on a session's optional top-level members — addresses,
 * customer, options, references, merchant_urls, attachment and the enums — as listed in
 * the rule table of validate.c. Pure: no I/O, no allocation. */
#include "validate_internal.h"

#include "market.h"

#include <limits.h>
#include <string.h>

/* Both descriptions: 99 characters, postal_code 10, title 20; phone at least 5 in the
 * 2023 one only (the stricter, followed). */
static const string_rule address_strings[] = {{"attention", 0, 99},
                                              {"city", 0, 99},
                                              {"email", 0, 99},
                                              {"family_name", 0, 99},
                                              {"given_name", 0, 99},
                                              {"organization_name", 0, 99},
                                              {"phone", 5, 99},
                                              {"postal_code", 0, 10},
                                              {"region", 0, 99},
                                              {"street_address", 0, 99},
                                              {"street_address2", 0, 99},
                                              {"title", 0, 20},
                                              {NULL, 0, 0}};

/* The customer members the descriptions only type as strings: Klarna's default of 255. */
static const string_rule customer_strings[] = {{"gender", 0, STRING_MAX},
                                               {"national_identification_number", 0, STRING_MAX},
                                               {"organization_registration_id", 0, STRING_MAX},
                                               {"title", 0, STRING_MAX},
                                               {"vat_id", 0, STRING_MAX},
                                               {NULL, 0, 0}};

static const string_rule merchant_url_strings[] = {{"confirmation", 0, MERCHANT_URL_MAX},
                                                   {"notification", 0, MERCHANT_URL_MAX},
                                                   {"push", 0, MERCHANT_URL_MAX},
                                                   {"authorization", 0, MERCHANT_URL_MAX},
                                                   {NULL, 0, 0}};

static const char *const customer_types[] = {"person", "organization", NULL};
static const char *const entity_types[] = {"LIMITED_COMPANY",
                                           "PUBLIC_LIMITED_COMPANY",
                                           "ENTREPRENEURIAL_COMPANY",
                                           "LIMITED_PARTNERSHIP_LIMITED_COMPANY",
                                           "LIMITED_PARTNERSHIP",
                                           "GENERAL_PARTNERSHIP",
                                           "REGISTERED_SOLE_TRADER",
                                           "SOLE_TRADER",
                                           "CIVIL_LAW_PARTNERSHIP",
                                           "PUBLIC_INSTITUTION",
                                           "OTHER",
                                           NULL};
static const char *const option_colors[] = {"color_border", "color_border_selected",
                                            "color_details", "color_text", NULL};
static const char *const acquiring_channels[] = {"ECOMMERCE", "IN_STORE", "TELESALES", NULL};
static const char *const intents[] = {"buy", "tokenize", "buy_and_tokenize", NULL};

/* True when s is n ASCII digits. */
static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* True when v is "YYYY-MM-DD" naming a day of the Gregorian calendar (year 0001 on). */
static bool calendar_date(const cJSON *v)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *s;
    int y, m, d, last;

    if (!cJSON_IsString(v) || strlen(v->valuestring) != 10)
        return false;
    s = v->valuestring;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return false;
    y = number(s, 4);
    m = number(s + 5, 2);
    d = number(s + 8, 2);
    if (y < 1 || m < 1 || m > 12)
        return false;
    last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d >= 1 && d <= last;
}

/* True when v is 4 or 9 ASCII digits (last_four_ssn: ^([0-9]{4}|[0-9]{9})$). */
static bool ssn_digits(const cJSON *v)
{
    size_t n;

    if (!cJSON_IsString(v))
        return false;
    n = strlen(v->valuestring);
    return (n == 4 || n == 9) && digits(v->valuestring, n);
}

/* True when v is "#" and six hex digits (^#[A-Fa-f0-9]{6}$). */
static bool hex_color(const cJSON *v)
{
    const char *s;

    if (!cJSON_IsString(v) || strlen(v->valuestring) != 7 || v->valuestring[0] != '#')
        return false;
    s = v->valuestring + 1;
    return strspn(s, "0123456789abcdefABCDEF") == 6;
}

/* billing_address / shipping_address: an object whose country, when present, is a
 * country of the table and whose strings are bounded. */
static void check_address(failures *f, const cJSON *session, const char *object)
{
    const cJSON *addr = optional_object(f, session, object), *country;

    if (!addr)
        return;
    country = member(addr, "country");
    if (country && !(cJSON_IsString(country) && market_find(country->valuestring)))
        failures_add_member(f, object, "country");
    check_strings(f, addr, object, address_strings);
}

static void check_customer(failures *f, const cJSON *session)
{
    const cJSON *c = optional_object(f, session, "customer"), *v;

    if (!c)
        return;
    v = member(c, "date_of_birth");
    if (v && !calendar_date(v))
        failures_add(f, "customer.date_of_birth");
    check_strings(f, c, "customer", customer_strings);
    v = member(c, "last_four_ssn");
    if (v && !ssn_digits(v))
        failures_add(f, "customer.last_four_ssn");
    v = member(c, "organization_entity_type");
    if (v && !one_of(v, entity_types))
        failures_add(f, "customer.organization_entity_type");
    v = member(c, "type");
    if (v && !one_of(v, customer_types))
        failures_add(f, "customer.type");
}

static void check_options(failures *f, const cJSON *session)
{
    const cJSON *o = optional_object(f, session, "options"), *v;

    if (!o)
        return;
    for (const char *const *c = option_colors; *c; c++) {
        v = member(o, *c);
        if (v && !hex_color(v))
            failures_add_member(f, "options", *c);
    }
    v = member(o, "radius_border");
    if (v && !string_fits(v, 0, STRING_MAX))
        failures_add(f, "options.radius_border");
}

static void check_optional_string(failures *f, const cJSON *session, const char *key, long max)
{
    const cJSON *v = member(session, key);

    if (v && !string_fits(v, 0, max))
        failures_add(f, key);
}

static void check_string_list(failures *f, const cJSON *session, const char *key)
{
    const cJSON *v = member(session, key), *id;
    bool ok;

    if (!v)
        return;
    ok = cJSON_IsArray(v);
    if (ok) {
        cJSON_ArrayForEach(id, v)
        {
            if (!cJSON_IsString(id))
                ok = false;
        }
    }
    if (!ok)
        failures_add(f, key);
}

static void check_attachment(failures *f, const cJSON *session)
{
    const cJSON *a = optional_object(f, session, "attachment");

    if (!a)
        return;
    if (!cJSON_IsString(member(a, "body")))
        failures_add(f, "attachment.body");
    if (!cJSON_IsString(member(a, "content_type")))
        failures_add(f, "attachment.content_type");
}

/* The strict-schema defects: a member the mock does not know is refused by name. */
static void refuse_members(failures *f, const cJSON *session)
{
    static const struct {
        defect_id d;
        const char *member;
    } refused[] = {
        {DEFECT_REFUSES_MERCHANT_URLS, "merchant_urls"},
        {DEFECT_REFUSES_OPTIONS, "options"},
        {DEFECT_REFUSES_ATTACHMENT, "attachment"},
        {DEFECT_REFUSES_CUSTOMER, "customer"},
        {DEFECT_REFUSES_MERCHANT_REFERENCE2, "merchant_reference2"},
        {DEFECT_REFUSES_MERCHANT_DATA, "merchant_data"},
        {DEFECT_REFUSES_SHIPPING_ADDRESS, "shipping_address"},
        {DEFECT_REFUSES_INTENT, "intent"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        if (defect_has(f->defects, refused[i].d) && member(session, refused[i].member))
            failures_add(f, refused[i].member);
    }
}

void validate_members(failures *f, const cJSON *session)
{
    const cJSON *v;
    long reference_max = DEFECT(f, NO_STRING_LENGTH) ? LONG_MAX : STRING_MAX;

    check_address(f, session, "billing_address");
    check_address(f, session, "shipping_address");
    check_customer(f, session);
    check_options(f, session);
    check_optional_string(f, session, "merchant_reference1", reference_max);
    check_optional_string(f, session, "merchant_reference2", reference_max);
    check_optional_string(f, session, "merchant_data", MERCHANT_DATA_MAX);
    check_optional_string(f, session, "design", STRING_MAX);
    v = optional_object(f, session, "merchant_urls");
    if (v)
        check_strings(f, v, "merchant_urls", merchant_url_strings);
    v = member(session, "acquiring_channel");
    if (v && !one_of(v, acquiring_channels))
        failures_add(f, "acquiring_channel");
    v = member(session, "intent");
    if (v && !one_of(v, intents))
        failures_add(f, "intent");
    check_string_list(f, session, "custom_payment_method_ids");
    check_attachment(f, session);
    refuse_members(f, session);
}
