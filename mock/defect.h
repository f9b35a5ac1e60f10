/* defect: kpmock's built-in deviations from the contract (--defect NAME), used to prove
 * that the case suite catches each one (mutation testing of the suite). The table of
 * names, what each breaks and the clause it violates is in defect.c; the public listing
 * is mock_defect_at / mock_defect_lookup in mock.h.
 * Ownership: nothing is allocated; every string points into a static table. */
#ifndef KPCT_MOCK_DEFECT_H
#define KPCT_MOCK_DEFECT_H

#include "mock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One id per row of defect.c's table, in the same order. */
typedef enum {
    /* tolerances */
    DEFECT_TAX_TOLERANCE_2,
    DEFECT_ORDER_TAX_TOLERANCE_PLUS_ONE,
    DEFECT_LINE_TAX_TRUNCATED,
    /* missing checks */
    DEFECT_NO_CURRENCY_CHECK,
    DEFECT_NO_LOCALE_CHECK,
    DEFECT_LOCALE_BY_BILLING_COUNTRY,
    DEFECT_NO_BILLING_CURRENCY_RULE,
    DEFECT_NO_ORDER_AMOUNT_SUM,
    DEFECT_NO_LINE_TOTAL_CHECK,
    DEFECT_NO_QUANTITY_INTEGER_CHECK,
    DEFECT_NO_TAX_RATE_RANGE,
    DEFECT_NO_REFERENCE_LENGTH,
    DEFECT_REFERENCE_256,
    DEFECT_NO_NAME_LENGTH,
    DEFECT_NAME_LENGTH_IN_BYTES,
    DEFECT_NO_LINE_COUNT_BOUND,
    DEFECT_EMPTY_ORDER_LINES,
    DEFECT_NO_TYPE_ENUM,
    DEFECT_LINE_TYPES_SUBSET,
    DEFECT_NO_QUANTITY_UNIT_LENGTH,
    DEFECT_NO_URL_LENGTH,
    DEFECT_NEGATIVE_DISCOUNT,
    DEFECT_NO_US_SALES_TAX_MODEL,
    DEFECT_CASE_SENSITIVE_CODES,
    DEFECT_NO_STRING_LENGTH,
    DEFECT_FIRST_FIELD_ONLY,
    DEFECT_MISSING_NAME_ACCEPTED,
    DEFECT_PARTIAL_UPDATE_UNCHECKED,
    /* strict schemas: a valid optional member is refused */
    DEFECT_REFUSES_MERCHANT_URLS,
    DEFECT_REFUSES_OPTIONS,
    DEFECT_REFUSES_ATTACHMENT,
    DEFECT_REFUSES_CUSTOMER,
    DEFECT_REFUSES_MERCHANT_REFERENCE2,
    DEFECT_REFUSES_MERCHANT_DATA,
    DEFECT_REFUSES_SHIPPING_ADDRESS,
    DEFECT_REFUSES_INTENT,
    DEFECT_REFUSES_PRODUCT_IDENTIFIERS,
    DEFECT_REFUSES_LINE_MERCHANT_DATA,
    DEFECT_REFUSES_SUBSCRIPTION,
    /* wrong codes */
    DEFECT_BAD_VALUE_AS_INVALID_REQUEST,
    DEFECT_BAD_VALUE_AS_422,
    DEFECT_UPDATE_NOT_FOUND_AS_400,
    DEFECT_READ_NOT_FOUND_NO_BODY,
    DEFECT_NOT_JSON_AS_BAD_VALUE,
    DEFECT_UPDATE_200,
    DEFECT_CREATE_201,
    /* shapes and headers */
    DEFECT_NO_CORRELATION_ID,
    DEFECT_CORRELATION_HEADER_DIFFERS,
    DEFECT_ERROR_MESSAGES_STRING,
    DEFECT_UNAUTHORIZED_JSON,
    DEFECT_NO_WWW_AUTHENTICATE,
    DEFECT_NO_CLIENT_TOKEN,
    DEFECT_NO_PAYMENT_METHOD_CATEGORIES,
    DEFECT_SESSION_ID_UPPERCASE,
    DEFECT_CLIENT_TOKEN_NOT_JWT,
    DEFECT_READ_NO_STATUS,
    /* lost or stale state */
    DEFECT_UPDATE_NOT_PERSISTED,
    DEFECT_UPDATE_NO_MERGE,
    DEFECT_REJECTED_UPDATE_APPLIED,
    DEFECT_NEVER_EXPIRE,
    DEFECT_COMPLETED_UPDATABLE,
    DEFECT_READONLY_ECHOED,
    /* auth and bounds */
    DEFECT_PASSWORD_NOT_CHECKED,
    DEFECT_USERNAME_NOT_CHECKED,
    DEFECT_NO_AUTH,
    DEFECT_NO_BODY_LIMIT,
    DEFECT_COUNT
} defect_id;

/* The defects a server emulates: bit d of w[d / 64] is defect d. All zero in the real mock,
 * where every check costs one load, shift and predictable branch. */
typedef struct defect_set {
    uint64_t w[2];
} defect_set;

/* True when d is on in set. */
static inline bool defect_has(const defect_set *set, defect_id d)
{
    return (set->w[(unsigned)d >> 6] >> ((unsigned)d & 63)) & 1u;
}

/* True when any defect is on in set. */
static inline bool defect_any(const defect_set *set)
{
    return (set->w[0] | set->w[1]) != 0;
}

/* Turns the names of the n defects in names into set (cleared first). Returns 0, or -1 and
 * the unknown name's position in *bad. */
int defect_set_parse(const char *const *names, size_t n, defect_set *set, size_t *bad);

#endif
