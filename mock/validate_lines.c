/* validate_lines: the per-line rules of validate.c's table — names, types, quantities,
 * amounts, the tax of a line, references, URLs, product_identifiers and subscription — and
 * the figures of each line the order-level rules add up. Pure: no I/O, no allocation. */
#include "validate_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
    L_PRODUCT_IDENTIFIERS,
    L_SUBSCRIPTION,
    L_COUNT
};
static const char *const line_keys[L_COUNT] = {
    "name",
    "type",
    "quantity",
    "quantity_unit",
    "unit_price",
    "total_discount_amount",
    "total_amount",
    "tax_rate",
    "total_tax_amount",
    "reference",
    "merchant_data",
    "product_url",
    "image_url",
    "product_identifiers",
    "subscription",
};

static const char *const line_types[] = {"physical",     "discount",  "shipping_fee",
                                         "sales_tax",    "digital",   "gift_card",
                                         "store_credit", "surcharge", NULL};
/* The line-types-subset defect: the types an older mock knew. */
static const char *const old_line_types[] = {"physical",  "discount", "shipping_fee",
                                             "sales_tax", "digital",  NULL};

/* Both descriptions agree on these lengths. */
static const string_rule product_identifier_strings[] = {{"brand", 0, 70},
                                                         {"category_path", 0, 750},
                                                         {"global_trade_item_number", 0, 50},
                                                         {"manufacturer_part_number", 0, 70},
                                                         {"color", 0, 64},
                                                         {"size", 0, 64},
                                                         {NULL, 0, 0}};
static const char *const intervals[] = {"DAY", "WEEK", "MONTH", "YEAR", NULL};

/* The values of one line that its rules compare; has_* false when absent or invalid. */
typedef struct line_figures {
    bool discount, sales_tax;
    bool has_quantity, has_price, has_discount, has_total, has_rate, has_tax;
    int64_t quantity, price, line_discount, total, rate, tax;
} line_figures;

static void failures_add_line(failures *f, size_t index, const char *member)
{
    char name[FIELD_NAME_MAX];

    if (member)
        snprintf(name, sizeof name, "order_lines[%zu].%s", index, member);
    else
        snprintf(name, sizeof name, "order_lines[%zu]", index);
    failures_add(f, name);
}

/* True when total_tax is within tolerance of total × rate / (10000 + rate), computed
 * exactly: |tax × (10000 + rate) − total × rate| ≤ tolerance × (10000 + rate). Operands are
 * bounded by AMOUNT_MAX and the rate's range, so the products stay below 2^50. */
static bool tax_within(const failures *f, int64_t total, int64_t rate, int64_t tax)
{
    int64_t denom = 10000 + rate;
    int64_t diff = tax * denom - total * rate;
    int64_t tolerance = DEFECT(f, TAX_TOLERANCE_2) ? 2 : 1;

    if (DEFECT(f, LINE_TAX_TRUNCATED))
        return denom > 0 && tax == total * rate / denom;
    return diff >= -tolerance * denom && diff <= tolerance * denom;
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

/* name, type, quantity and quantity_unit; sets the line's kind in fig. */
static void check_line_head(failures *f, const cJSON **m, size_t index, line_figures *fig)
{
    const cJSON *v = m[L_NAME];
    const char *type = "physical";

    if (DEFECT(f, NAME_LENGTH_IN_BYTES)) {
        size_t n = cJSON_IsString(v) ? strlen(v->valuestring) : 0;
        if (n < 1 || n > STRING_MAX)
            failures_add_line(f, index, "name");
    } else if (!(v == NULL && DEFECT(f, MISSING_NAME_ACCEPTED)) &&
               !string_fits(v, 1, DEFECT(f, NO_NAME_LENGTH) ? LONG_MAX : STRING_MAX)) {
        failures_add_line(f, index, "name");
    }

    v = m[L_TYPE];
    if (v) {
        const char *const *known = DEFECT(f, LINE_TYPES_SUBSET) ? old_line_types : line_types;
        if (one_of(v, known) || (DEFECT(f, NO_TYPE_ENUM) && cJSON_IsString(v)))
            type = v->valuestring;
        else
            failures_add_line(f, index, "type");
    }
    fig->discount = strcmp(type, "discount") == 0;
    fig->sales_tax = strcmp(type, "sales_tax") == 0;

    v = m[L_QUANTITY];
    fig->has_quantity = json_int(v, 0, EXACT_INT_MAX, &fig->quantity);
    if (!fig->has_quantity && !(DEFECT(f, NO_QUANTITY_INTEGER_CHECK) && cJSON_IsNumber(v) &&
                                isfinite(v->valuedouble) && v->valuedouble >= 0))
        failures_add_line(f, index, "quantity");

    v = m[L_QUANTITY_UNIT];
    if (v && !string_fits(v, 1, DEFECT(f, NO_QUANTITY_UNIT_LENGTH) ? LONG_MAX : 8))
        failures_add_line(f, index, "quantity_unit");
}

/* unit_price, total_discount_amount, total_amount, tax_rate and total_tax_amount. */
static void check_line_amounts(failures *f, const cJSON **m, size_t index, bool us,
                               line_figures *fig)
{
    const cJSON *v;
    int64_t discount_min = DEFECT(f, NEGATIVE_DISCOUNT) ? -AMOUNT_MAX : 0;
    bool rate_range = !DEFECT(f, NO_TAX_RATE_RANGE);

    fig->has_price = json_int(m[L_UNIT_PRICE], -AMOUNT_MAX, AMOUNT_MAX, &fig->price);
    if (!fig->has_price || (fig->discount && fig->price > 0))
        failures_add_line(f, index, "unit_price");

    v = m[L_TOTAL_DISCOUNT_AMOUNT];
    fig->has_discount = !v || json_int(v, discount_min, AMOUNT_MAX, &fig->line_discount);
    if (!fig->has_discount)
        failures_add_line(f, index, "total_discount_amount");

    fig->has_total = json_int(m[L_TOTAL_AMOUNT], -AMOUNT_MAX, AMOUNT_MAX, &fig->total);
    if (!fig->has_total || (fig->discount && fig->total > 0) ||
        (!DEFECT(f, NO_LINE_TOTAL_CHECK) && fig->has_quantity && fig->has_price &&
         fig->has_discount &&
         !line_total_matches(fig->quantity, fig->price, fig->line_discount, fig->total)))
        failures_add_line(f, index, "total_amount");

    v = m[L_TAX_RATE];
    fig->has_rate =
        !v || json_int(v, rate_range ? 0 : -9999, rate_range ? TAX_RATE_MAX : 1000000, &fig->rate);
    if (!fig->has_rate || (us && !fig->sales_tax && fig->rate != 0))
        failures_add_line(f, index, "tax_rate");

    v = m[L_TOTAL_TAX_AMOUNT];
    fig->has_tax = !v || json_int(v, -AMOUNT_MAX, AMOUNT_MAX, &fig->tax);
    if (!fig->has_tax || (fig->discount && fig->tax > 0) ||
        (us && !fig->sales_tax && fig->tax != 0) ||
        (fig->has_total && fig->has_rate && !tax_within(f, fig->total, fig->rate, fig->tax)))
        failures_add_line(f, index, "total_tax_amount");
}

/* reference, merchant_data, the URLs, product_identifiers and subscription. */
static void check_line_tail(failures *f, const cJSON **m, size_t index)
{
    long reference_max = DEFECT(f, NO_REFERENCE_LENGTH) ? LONG_MAX
                         : DEFECT(f, REFERENCE_256)     ? 256
                                                        : STRING_MAX;
    long url_max = DEFECT(f, NO_URL_LENGTH) ? LONG_MAX : LINE_URL_MAX;
    const cJSON *v;
    char object[FIELD_NAME_MAX];

    if (m[L_REFERENCE] && !string_fits(m[L_REFERENCE], 0, reference_max))
        failures_add_line(f, index, "reference");
    if (m[L_MERCHANT_DATA] && (DEFECT(f, REFUSES_LINE_MERCHANT_DATA) ||
                               !string_fits(m[L_MERCHANT_DATA], 0, LINE_URL_MAX)))
        failures_add_line(f, index, "merchant_data");
    if (m[L_PRODUCT_URL] && !string_fits(m[L_PRODUCT_URL], 0, url_max))
        failures_add_line(f, index, "product_url");
    if (m[L_IMAGE_URL] && !string_fits(m[L_IMAGE_URL], 0, url_max))
        failures_add_line(f, index, "image_url");

    v = m[L_PRODUCT_IDENTIFIERS];
    if (v) {
        snprintf(object, sizeof object, "order_lines[%zu].product_identifiers", index);
        if (!cJSON_IsObject(v) || DEFECT(f, REFUSES_PRODUCT_IDENTIFIERS))
            failures_add(f, object);
        else
            check_strings(f, v, object, product_identifier_strings);
    }

    v = m[L_SUBSCRIPTION];
    if (v) {
        int64_t count;
        snprintf(object, sizeof object, "order_lines[%zu].subscription", index);
        if (!cJSON_IsObject(v) || DEFECT(f, REFUSES_SUBSCRIPTION)) {
            failures_add(f, object);
            return;
        }
        if (!string_fits(member(v, "name"), 1, STRING_MAX))
            failures_add_member(f, object, "name");
        if (!one_of(member(v, "interval"), intervals))
            failures_add_member(f, object, "interval");
        if (!json_int(member(v, "interval_count"), 1, EXACT_INT_MAX, &count))
            failures_add_member(f, object, "interval_count");
    }
}

void validate_line(failures *f, const cJSON *line, size_t index, bool us, line_sums *sums)
{
    line_figures fig = {.has_discount = true};
    const cJSON *m[L_COUNT];

    if (!cJSON_IsObject(line)) {
        failures_add_line(f, index, NULL);
        sums->amounts_known = false;
        sums->taxes_known = false;
        return;
    }
    read_members(line, line_keys, L_COUNT, m);
    check_line_head(f, m, index, &fig);
    check_line_amounts(f, m, index, us, &fig);
    check_line_tail(f, m, index);

    if (fig.has_total)
        sums->amounts += fig.total;
    else
        sums->amounts_known = false;
    if (fig.has_tax)
        sums->taxes += fig.tax;
    else
        sums->taxes_known = false;
    if (fig.sales_tax) {
        if (fig.has_total)
            sums->sales_tax += fig.total;
        else
            sums->sales_tax_known = false;
    }
}
