/* case_int: the case module's private data model and the helpers its files share
 * (loader, variables, bodies, matchers, runs). Nothing outside harness/case_*.c,
 * assert_*.c and the case tests includes it.
 * Ownership: everything hangs off the case_set (cJSON documents it parsed, and
 * allocations registered with set_own); runs own what they build. */
#ifndef KPCT_CASE_INT_H
#define KPCT_CASE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case.h"
#include "jsonpos.h"
#include "kbuf.h"
#include "rng.h"

#define CASE_MAX_DEPTH         64  /* JSON nesting in case and fixture files */
#define CASE_MAX_DIAGS         100 /* problems reported before "too many errors" */
#define CASE_MAX_SHOWN         200 /* bytes of a value shown in a failure text */
#define CASE_MAX_CAPTURE_NAME  64  /* bytes of a variable name */
#define CASE_MAX_CLOCK_ADVANCE (10L * 366 * 24 * 3600)

/* The four situations a test can meet a target in; skip reasons differ per situation. */
enum { SIT_MOCK, SIT_PLAYGROUND, SIT_URL, SIT_URL_KPMOCK, SIT_COUNT };

/* Target bits as case files name them. */
enum { TGT_MOCK = 1, TGT_PLAYGROUND = 2, TGT_URL = 4, TGT_ALL = 7 };

/* A parsed file, with its source positions (positions live only while loading). */
typedef struct case_doc {
    char *path;
    cJSON *root;
    jsonpos *pos;
} case_doc;

typedef struct case_fixture {
    const char *name; /* file name without .json */
    const cJSON *json;
    const case_doc *doc;
} case_fixture;

typedef struct case_market {
    const char *code;
    const cJSON *facts; /* market.json, an object */
    const case_doc *facts_doc;
    case_fixture *fixtures;
    size_t n_fixtures;
} case_market;

typedef struct case_step_def {
    const cJSON *json;
    const char *name;
    size_t index;
    bool admin;
    const cJSON *admin_action; /* the single member of "admin" */
    const char *admin_what;    /* "advances the mock clock", ... */
    const cJSON *request;
    const cJSON *expect;
    const cJSON *capture;
    bool variant_target;
} case_step_def;

typedef struct case_def {
    const char *id;
    const char *title;
    const char *suite;
    const case_doc *doc;
    const cJSON *json;
    case_step_def *steps;
    size_t n_steps;
    long variant_step; /* -1: none */
    long first_admin;  /* -1: none */
} case_def;

/* case_test.priv of every test. */
typedef struct case_test_priv {
    const case_def *def;
    const cJSON *variant; /* NULL for a case without variants */
    unsigned targets;     /* TGT_* bits */
    const char *const *markets;
    size_t n_markets; /* 0: every market */
} case_test_priv;

struct case_set {
    case_doc *docs;
    size_t n_docs, cap_docs;
    void **owned;
    size_t n_owned, cap_owned;
    case_market *markets;
    size_t n_markets;
    const char **market_codes;
    case_clause *clauses;
    size_t n_clauses;
    case_def **cases;
    size_t n_cases;
    case_test *tests[SIT_COUNT]; /* the same tests, with the skip reason of each situation */
    size_t n_tests;
};

/* ---- set memory (case_load.c) ---- */

/* Registers p to be freed with the set; returns p, or NULL (p freed) on OOM. */
void *set_own(case_set *set, void *p);
/* calloc owned by the set. */
void *set_alloc(case_set *set, size_t n);
/* strdup / printf owned by the set. */
char *set_strdup(case_set *set, const char *s);
char *set_printf(case_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Finds a market by code, or NULL. */
const case_market *set_market(const case_set *set, const char *code);
/* Finds a fixture of a market, or NULL. */
const case_fixture *market_fixture(const case_market *m, const char *name);

/* ---- diagnostics while loading (case_load.c) ---- */

typedef struct lctx {
    case_set *set;
    case_diags *diags;
    size_t cap;
    bool full; /* CASE_MAX_DIAGS reached */
} lctx;

/* Records "doc:line:col: message" at item's value (or key when at_key). */
void lerr(lctx *c, const case_doc *doc, const cJSON *item, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- expansion into tests (case_select.c) ---- */

/* The TGT_* bit of a target name ("mock", "playground", "url"), or 0 for another. */
unsigned target_bit(const char *name);
/* Expands every case of c->set (each variant of it, when it has variants) into
 * set->tests, one copy per situation with its skip reason, and reports duplicate test
 * ids with lerr. Returns 0, or -1 on OOM. */
int set_expand(lctx *c);

/* Names a JSON value's type for messages: "a string", "an array", "null", ... */
const char *json_type_name(const cJSON *v);
/* Whether s is one of the strings of list (which ends with NULL). */
bool name_in(const char *s, const char *const *list);
/* Whether v is a number with no fraction from min to max (inclusive). */
bool json_whole(const cJSON *v, double min, double max);

/* ---- variables (case_vars.c) ---- */

typedef enum { VAR_CAPTURE, VAR_MARKET, VAR_ENV, VAR_UUID, VAR_BASE_URL, VAR_ESCAPE } var_kind;

typedef struct var_ref {
    var_kind kind;
    const char *name; /* capture name, market key or env name (not NUL-terminated) */
    size_t name_len;
    size_t start, end; /* the reference's bytes in the string: [start, end) */
} var_ref;

/* Finds the next reference at or after *pos and moves *pos past it. Returns 1 with
 * *ref, 0 when there is none, -1 when the text after "${" is malformed (reason in err). */
int vars_next(const char *s, size_t *pos, var_ref *ref, char *err, size_t errlen);
/* Whether name is a valid capture name (and not a built-in). */
bool vars_valid_name(const char *name);

/* What a string may refer to at load time. */
typedef struct var_scope {
    const char *const *captured; /* names captured by earlier steps */
    size_t n_captured;
    const case_market *const *markets; /* the markets the case applies to */
    size_t n_markets;
} var_scope;

/* Checks every reference in the strings of item (recursively when deep): reports each
 * problem with lerr against doc. Returns the number of problems. */
int vars_check(lctx *c, const case_doc *doc, const cJSON *item, bool deep, const var_scope *scope);

/* A running test's variables. */
typedef struct vars_table {
    char *names[CASE_MAX_VARS];
    cJSON *values[CASE_MAX_VARS];
    size_t count;
} vars_table;

typedef struct vars_ctx {
    vars_table *table;
    const cJSON *market_facts;
    const char *base_url;
    kprng *rng;
} vars_ctx;

/* Sets (or replaces) a variable to a copy of value; returns 0, or -1 with a reason in err
 * (table full: CASE_MAX_VARS; value over CASE_MAX_VAR_BYTES). */
int vars_set(vars_table *t, const char *name, const cJSON *value, char *err, size_t errlen);
/* The value of a variable, or NULL. */
const cJSON *vars_get(const vars_table *t, const char *name);
/* Frees the table's contents. */
void vars_clear(vars_table *t);
/* Substitutes every reference of s as text into out. Returns 0, or -1 with err. */
int vars_subst_text(const vars_ctx *v, const char *s, kbuf *out, char *err, size_t errlen);
/* Returns a new string with references substituted, or NULL with err. Caller frees. */
char *vars_subst_string(const vars_ctx *v, const char *s, char *err, size_t errlen);
/* Returns a deep copy of item with every string substituted; a string that is exactly
 * one reference takes the variable's JSON value. NULL with err. Caller deletes. */
cJSON *vars_subst_json(const vars_ctx *v, const cJSON *item, char *err, size_t errlen);

/* ---- bodies (case_body.c) ---- */

/* Checks a request body spec at load time (forms, patches, picks, fixtures of every
 * market in scope, generate bounds, variables). Returns the number of problems. */
int body_check(lctx *c, const case_doc *doc, const cJSON *body, const var_scope *scope,
               bool *is_json);
/* Checks that a variant's patch applies to the variant_target step's body (built from
 * its fixture, pick and patch) for every market in scope; returns the number of problems. */
int body_trial_variant(lctx *c, const case_doc *doc, const cJSON *body, const cJSON *patch,
                       const var_scope *scope);
/* Checks a patch (an array of RFC 6902 operations); returns the number of problems. */
int patch_check(lctx *c, const case_doc *doc, const cJSON *patch, const var_scope *scope);
/* Applies a patch op by op; returns 0, or -1 with the failing op and why in err. */
int patch_apply(cJSON *doc, const cJSON *patch, char *err, size_t errlen);
/* Builds a body: returns 0 with *out (caller frees) and *out_len (NULL = no body), or -1. */
int body_build(const vars_ctx *v, const case_market *m, const cJSON *body,
               const cJSON *variant_patch, char **out, size_t *out_len, char *err, size_t errlen);
/* Whether p is a syntactically valid JSON Pointer ("" or "/..." with only ~0 and ~1). */
bool pointer_valid(const char *p);

/* ---- expectations (assert_json.c, assert_klarna.c) ---- */

/* Checks an "expect" object at load time; returns the number of problems. */
int expect_check(lctx *c, const case_doc *doc, const cJSON *expect, const var_scope *scope);
/* Returns a copy of expect with variables substituted in expected values, or NULL with err. */
cJSON *expect_subst(const vars_ctx *v, const cJSON *expect, char *err, size_t errlen);
/* Judges a response; body is the parsed body or NULL. Returns 0 or 1 (failures appended
 * to why, one per line). */
int expect_judge(const cJSON *expect, const case_response *resp, const cJSON *body, kbuf *why);
/* Appends item as compact JSON cut to CASE_MAX_SHOWN bytes. */
void show_json(kbuf *out, const cJSON *item);
/* Appends bytes as a JSON string cut to CASE_MAX_SHOWN bytes. */
void show_text(kbuf *out, const char *s, size_t len);

/* Checks a "klarna_error" spec at load time; returns the number of problems. */
int klarna_check(lctx *c, const case_doc *doc, const cJSON *spec);
/* Judges Klarna's error shape; returns 0 or 1 (failures appended to why). */
int klarna_judge(const cJSON *spec, const case_response *resp, const cJSON *body, kbuf *why);
/* Calls fn for every field a message names ("Bad value: a, b (reason)" names a and b). */
void klarna_message_fields(const char *message,
                           void (*fn)(const char *field, size_t len, void *arg), void *arg);
/* Whether s is a UUID (8-4-4-4-12 hex digits, any case). */
bool klarna_is_uuid(const char *s);

#endif
