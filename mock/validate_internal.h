/* validate_internal: what the parts of the validator share (never included outside
 * mock/validate*.c): the list of failing fields being built, the bounds of the rule table
 * in validate.c, and the small pure readers of JSON values every part uses. */
#ifndef KPCT_VALIDATE_INTERNAL_H
#define KPCT_VALIDATE_INTERNAL_H

#include "defect.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most field names one message carries. */
#define VALIDATE_MAX_FIELDS 16
/* Longest field name we build: "order_lines[999].product_identifiers.global_trade_item_number"
 * is 61 bytes. */
#define FIELD_NAME_MAX 64
/* Line amounts: the 2023 description's maximum, the stricter of the two (see validate.c). */
#define AMOUNT_MAX        100000000
#define ORDER_LINES_MAX   1000
#define STRING_MAX        255
#define LINE_URL_MAX      1024
#define MERCHANT_URL_MAX  2000
#define MERCHANT_DATA_MAX 6000
#define TAX_RATE_MAX      10000
/* Largest integer a JSON number keeps exactly in cJSON's double. */
#define EXACT_INT_MAX 9007199254740991LL

/* The failing fields found so far, in the order they were found, and the defects the
 * validator emulates (all off in the real mock). */
typedef struct failures {
    char field[VALIDATE_MAX_FIELDS][FIELD_NAME_MAX];
    size_t n;
    const defect_set *defects;
} failures;

/* True when defect DEFECT_<name> is emulated. */
#define DEFECT(f, name) defect_has((f)->defects, DEFECT_##name)

/* Facts about the order lines that the order-level rules need. */
typedef struct line_sums {
    bool amounts_known;   /* every line's total_amount is a valid integer */
    int64_t amounts;      /* Σ total_amount */
    bool taxes_known;     /* every line's total_tax_amount is a valid integer (or absent) */
    int64_t taxes;        /* Σ total_tax_amount */
    bool sales_tax_known; /* every sales_tax line's total_amount is a valid integer */
    int64_t sales_tax;    /* Σ total_amount of the sales_tax lines */
} line_sums;

/* One bounded string member of an object: its name and its length in characters. */
typedef struct string_rule {
    const char *member;
    long min, max;
} string_rule;

/* Adds field once (repeats are dropped), unless the list is full. */
void failures_add(failures *f, const char *field);
/* Adds "<object>.<member>". */
void failures_add_member(failures *f, const char *object, const char *member);
/* Returns obj's member key, or NULL when obj is not an object or the member is absent or
 * JSON null. */
const cJSON *member(const cJSON *obj, const char *key);
/* Fills found[k] with obj's first member named keys[k] (NULL when absent or JSON null) in
 * one pass over obj. At most 32 keys. */
void read_members(const cJSON *obj, const char *const *keys, size_t n, const cJSON **found);
/* Reads v as an integer in lo..hi (both within ±2^53); false for anything else. */
bool json_int(const cJSON *v, int64_t lo, int64_t hi, int64_t *out);
/* True when v is a string of min..max UTF-8 characters. */
bool string_fits(const cJSON *v, long min, long max);
/* True when v is a string equal to one of the NULL-terminated words. */
bool one_of(const cJSON *v, const char *const *words);
/* Checks each rule's member of obj, when present, is a string of min..max characters;
 * failures are named "<object>.<member>". rules ends with a NULL member. */
void check_strings(failures *f, const cJSON *obj, const char *object, const string_rule *rules);
/* Member `object` of parent, when present: NULL and a failure named object when it is
 * not a JSON object, else the object. NULL too when absent. */
const cJSON *optional_object(failures *f, const cJSON *parent, const char *object);

/* The rules on the top-level members other than the market fields, amounts and lines:
 * addresses, customer, options, references, merchant_urls, attachment... */
void validate_members(failures *f, const cJSON *session);
/* Applies the per-line rules to order_lines[index] (named into f) and adds its figures
 * to sums; us selects the sales-tax model. */
void validate_line(failures *f, const cJSON *line, size_t index, bool us, line_sums *sums);

#endif
