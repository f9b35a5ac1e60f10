/* defect: the one table of kpmock's built-in defects. Each row is a single deviation that a
 * real third-party mock or a regression has, named in kebab-case, with what it breaks (one
 * line) and the id of the clause of cases/contract.json it violates. */
#include "defect.h"

#include <assert.h>
#include <string.h>

#define ROW(id, name, breaks, clause) [id] = {name, breaks, clause}

static const mock_defect_info table[DEFECT_COUNT] = {
    ROW(DEFECT_TAX_TOLERANCE_2, "tax-tolerance-2",
        "a line's total_tax_amount is accepted within 2 of the exact tax, not 1",
        "update.bad_value.order_lines.tax_math"),
    ROW(DEFECT_ORDER_TAX_TOLERANCE_PLUS_ONE, "order-tax-tolerance-plus-one",
        "order_tax_amount is accepted within the number of lines plus one",
        "update.bad_value.order_tax_amount.items_are_lines"),
    ROW(DEFECT_LINE_TAX_TRUNCATED, "line-tax-truncated",
        "a line's tax must equal the truncated exact tax: 9917 for 59500 at 2000 is refused",
        "update.bad_value.order_lines.tax_math.exact"),
    ROW(DEFECT_NO_CURRENCY_CHECK, "no-currency-check",
        "any three-letter purchase_currency is accepted for any country",
        "update.bad_value.purchase_currency.wrong_country"),
    ROW(DEFECT_NO_LOCALE_CHECK, "no-locale-check", "any locale is accepted for any country",
        "update.bad_value.locale"),
    ROW(DEFECT_LOCALE_BY_BILLING_COUNTRY, "locale-by-billing-country",
        "locale is checked against billing_address.country instead of purchase_country",
        "update.bad_value.locale"),
    ROW(DEFECT_NO_BILLING_CURRENCY_RULE, "no-billing-currency-rule",
        "a billing country other than purchase_country does not decide the currency",
        "update.bad_value.purchase_currency.billing_country"),
    ROW(DEFECT_NO_ORDER_AMOUNT_SUM, "no-order-amount-sum",
        "order_amount is not compared with the sum of the lines' total_amount",
        "update.bad_value.order_amount"),
    ROW(DEFECT_NO_LINE_TOTAL_CHECK, "no-line-total-check",
        "a line's total_amount is not compared with quantity x unit_price - discount",
        "update.bad_value.order_lines.total_amount"),
    ROW(DEFECT_NO_QUANTITY_INTEGER_CHECK, "no-quantity-integer-check",
        "a fractional quantity (0.5) is accepted", "update.bad_value.order_lines.quantity"),
    ROW(DEFECT_NO_TAX_RATE_RANGE, "no-tax-rate-range",
        "tax_rate outside 0..10000 (-1, 10001) is accepted",
        "update.bad_value.order_lines.tax_rate"),
    ROW(DEFECT_NO_REFERENCE_LENGTH, "no-reference-length",
        "a line reference of any length is accepted", "update.bad_value.order_lines.reference"),
    ROW(DEFECT_REFERENCE_256, "reference-256",
        "a line reference of 256 characters is accepted (the laxer description)",
        "update.bad_value.order_lines.reference_256"),
    ROW(DEFECT_NO_NAME_LENGTH, "no-name-length",
        "a line name of any length (still not empty) is accepted",
        "update.bad_value.order_lines.name_length"),
    ROW(DEFECT_NAME_LENGTH_IN_BYTES, "name-length-in-bytes",
        "a line name is measured in bytes: 255 two-byte characters are refused",
        "update.bad_value.order_lines.name_length"),
    ROW(DEFECT_NO_LINE_COUNT_BOUND, "no-line-count-bound",
        "a cart of more than 1000 order lines is accepted",
        "update.bad_value.order_lines.too_many"),
    ROW(DEFECT_EMPTY_ORDER_LINES, "empty-order-lines", "an empty order_lines list is accepted",
        "update.bad_value.order_lines.empty"),
    ROW(DEFECT_NO_TYPE_ENUM, "no-type-enum", "any order line type is accepted",
        "update.bad_value.order_lines.type"),
    ROW(DEFECT_LINE_TYPES_SUBSET, "line-types-subset",
        "the line types gift_card, store_credit and surcharge are refused", "update.ok.line_types"),
    ROW(DEFECT_NO_QUANTITY_UNIT_LENGTH, "no-quantity-unit-length",
        "a quantity_unit of any length is accepted", "update.bad_value.order_lines.quantity_unit"),
    ROW(DEFECT_NO_URL_LENGTH, "no-url-length",
        "product_url and image_url of any length are accepted",
        "update.bad_value.order_lines.url_length"),
    ROW(DEFECT_NEGATIVE_DISCOUNT, "negative-discount",
        "a negative total_discount_amount is accepted when the total adds up",
        "update.bad_value.order_lines.discount"),
    ROW(DEFECT_NO_US_SALES_TAX_MODEL, "no-us-sales-tax-model",
        "US carts are checked like EU ones: taxed lines and no sales_tax sum",
        "update.bad_value.order_lines.us_sales_tax"),
    ROW(DEFECT_CASE_SENSITIVE_CODES, "case-sensitive-codes",
        "lower-case country, currency and locale codes (se, sek, sv-se) are refused",
        "update.ok.locale_and_case"),
    ROW(DEFECT_NO_STRING_LENGTH, "no-string-length",
        "merchant_reference1 and merchant_reference2 of any length are accepted",
        "update.bad_value.string_length"),
    ROW(DEFECT_FIRST_FIELD_ONLY, "first-field-only",
        "a BAD_VALUE message names only the first bad field", "error.several_fields"),
    ROW(DEFECT_MISSING_NAME_ACCEPTED, "missing-name-accepted",
        "an order line without a name is accepted", "update.bad_value.order_lines.name_missing"),
    ROW(DEFECT_PARTIAL_UPDATE_UNCHECKED, "partial-update-unchecked",
        "an update without purchase_country is stored without any check",
        "update.rejected.partial_with_stored"),
    ROW(DEFECT_REFUSES_MERCHANT_URLS, "refuses-merchant-urls",
        "a valid merchant_urls member is refused as Bad value: merchant_urls",
        "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_OPTIONS, "refuses-options",
        "a valid options member is refused as Bad value: options", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_ATTACHMENT, "refuses-attachment",
        "a valid attachment member is refused as Bad value: attachment",
        "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_CUSTOMER, "refuses-customer",
        "a valid customer member is refused as Bad value: customer", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_MERCHANT_REFERENCE2, "refuses-merchant-reference2",
        "a valid merchant_reference2 is refused", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_MERCHANT_DATA, "refuses-merchant-data",
        "a valid top-level merchant_data is refused", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_SHIPPING_ADDRESS, "refuses-shipping-address",
        "a valid shipping_address is refused", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_INTENT, "refuses-intent", "a valid intent member is refused",
        "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_PRODUCT_IDENTIFIERS, "refuses-product-identifiers",
        "a line's valid product_identifiers is refused", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_LINE_MERCHANT_DATA, "refuses-line-merchant-data",
        "a line's valid merchant_data is refused", "update.ok.optional_members"),
    ROW(DEFECT_REFUSES_SUBSCRIPTION, "refuses-subscription",
        "a line's valid subscription is refused", "update.ok.optional_members"),
    ROW(DEFECT_BAD_VALUE_AS_INVALID_REQUEST, "bad-value-as-invalid-request",
        "a rule broken by the cart answers 400 INVALID_REQUEST, not BAD_VALUE",
        "update.bad_value.order_lines"),
    ROW(DEFECT_BAD_VALUE_AS_422, "bad-value-as-422",
        "a rule broken by the cart answers 422, not 400", "update.bad_value.order_amount"),
    ROW(DEFECT_UPDATE_NOT_FOUND_AS_400, "update-not-found-as-400",
        "updating an unknown session answers 400 BAD_VALUE, not 404", "update.not_found"),
    ROW(DEFECT_READ_NOT_FOUND_NO_BODY, "read-not-found-no-body",
        "reading an unknown session answers 404 with an empty body", "read.not_found"),
    ROW(DEFECT_NOT_JSON_AS_BAD_VALUE, "not-json-as-bad-value",
        "a body that is not JSON answers 400 BAD_VALUE, not BAD_REQUEST", "request.not_json"),
    ROW(DEFECT_UPDATE_200, "update-200",
        "a valid update answers 200 (empty body), not 204 No Content", "update.ok"),
    ROW(DEFECT_CREATE_201, "create-201", "a valid create answers 201, not 200", "create.ok"),
    ROW(DEFECT_NO_CORRELATION_ID, "no-correlation-id",
        "session errors carry no correlation_id (body) and no Klarna-Correlation-Id (header)",
        "error.shape"),
    ROW(DEFECT_CORRELATION_HEADER_DIFFERS, "correlation-header-differs",
        "the Klarna-Correlation-Id header differs from the body's correlation_id", "error.shape"),
    ROW(DEFECT_ERROR_MESSAGES_STRING, "error-messages-string",
        "error_messages is a string, not an array of strings", "error.shape"),
    ROW(DEFECT_UNAUTHORIZED_JSON, "unauthorized-json",
        "401 answers a JSON Klarna error with a correlation id, not an HTML page",
        "auth.unauthorized"),
    ROW(DEFECT_NO_WWW_AUTHENTICATE, "no-www-authenticate",
        "401 carries no WWW-Authenticate: Basic header", "auth.unauthorized"),
    ROW(DEFECT_NO_CLIENT_TOKEN, "no-client-token", "the create answer has no client_token",
        "create.ok"),
    ROW(DEFECT_NO_PAYMENT_METHOD_CATEGORIES, "no-payment-method-categories",
        "the create answer has no payment_method_categories",
        "create.ok.payment_method_categories"),
    ROW(DEFECT_SESSION_ID_UPPERCASE, "session-id-uppercase", "session ids are upper-case UUIDs",
        "create.ok"),
    ROW(DEFECT_CLIENT_TOKEN_NOT_JWT, "client-token-not-jwt",
        "client_token is an opaque hex string, not a JWT", "create.ok"),
    ROW(DEFECT_READ_NO_STATUS, "read-no-status", "a read answer has no status member", "read.ok"),
    ROW(DEFECT_UPDATE_NOT_PERSISTED, "update-not-persisted",
        "a valid update answers 204 but the session keeps its old cart", "update.ok.read_back"),
    ROW(DEFECT_UPDATE_NO_MERGE, "update-no-merge",
        "an update replaces the whole session: members it leaves out are dropped",
        "update.ok.partial_keeps_omitted"),
    ROW(DEFECT_REJECTED_UPDATE_APPLIED, "rejected-update-applied",
        "a refused update (400) is stored anyway", "update.rejected_changes_nothing"),
    ROW(DEFECT_NEVER_EXPIRE, "never-expire", "sessions never expire", "update.not_found.expired"),
    ROW(DEFECT_COMPLETED_UPDATABLE, "completed-updatable",
        "a completed session can still be updated (204)", "update.completed"),
    ROW(DEFECT_READONLY_ECHOED, "readonly-echoed",
        "read-only members a client sends (status, expires_at...) are stored and read back",
        "update.ok.read_only_ignored"),
    ROW(DEFECT_PASSWORD_NOT_CHECKED, "password-not-checked",
        "any password is accepted for the right username", "auth.unauthorized"),
    ROW(DEFECT_USERNAME_NOT_CHECKED, "username-not-checked",
        "any username is accepted with the right password", "auth.unauthorized"),
    ROW(DEFECT_NO_AUTH, "no-auth", "requests without credentials are served", "auth.unauthorized"),
    ROW(DEFECT_NO_BODY_LIMIT, "no-body-limit",
        "bodies over --max-body are read (up to 16 times it) and served, not 413",
        "request.too_large"),
};

static_assert(DEFECT_COUNT <= 128, "defect_set holds 128 defects");

size_t mock_defect_count(void)
{
    return DEFECT_COUNT;
}

const mock_defect_info *mock_defect_at(size_t i)
{
    return i < DEFECT_COUNT ? &table[i] : NULL;
}

int mock_defect_lookup(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < DEFECT_COUNT; i++) {
        if (strcmp(table[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

int defect_set_parse(const char *const *names, size_t n, defect_set *set, size_t *bad)
{
    memset(set, 0, sizeof *set);
    for (size_t i = 0; i < n; i++) {
        int d = mock_defect_lookup(names[i]);
        if (d < 0) {
            *bad = i;
            return -1;
        }
        set->w[(unsigned)d >> 6] |= UINT64_C(1) << ((unsigned)d & 63);
    }
    return 0;
}
