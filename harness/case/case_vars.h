/* case_vars: ${...} references — their grammar, the load-time check that each can
 * exist, the per-run variable table, and substitution into text and JSON. Below the
 * body, expect and admin checkers and the runs; it calls case_diag only.
 * Ownership: a case_vars_table owns copies of the values set in it (freed by
 * case_vars_clear); case_vars_subst_string and case_vars_subst_json hand out results
 * the caller frees (free, cJSON_Delete); everything else borrows. */
#ifndef KPCT_CASE_VARS_H
#define KPCT_CASE_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case_diag.h"
#include "case_model.h"
#include "kbuf.h"
#include "rng.h"

typedef enum {
    VAR_CAPTURE,
    VAR_MARKET,
    VAR_ENV,
    VAR_RUN, /* ${var:NAME}: --var or --secret */
    VAR_UUID,
    VAR_BASE_URL,
    VAR_ESCAPE
} case_var_kind;

typedef struct case_var_ref {
    case_var_kind kind;
    const char *name; /* capture name, market key, env or run variable name (not NUL-terminated) */
    size_t name_len;
    size_t start, end; /* the reference's bytes in the string: [start, end) */
} case_var_ref;

/* Finds the next reference at or after *pos and moves *pos past it. Returns 1 with
 * *ref, 0 when there is none, -1 when the text after "${" is malformed (reason in err). */
int case_vars_next(const char *s, size_t *pos, case_var_ref *ref, char *err, size_t errlen);
/* Whether name is a valid capture name (and not a built-in). */
bool case_vars_valid_name(const char *name);

/* Whether a string below item (keys aside) holds "${var:": one that may name a run
 * variable (an escaped "$${var:" counts too: the answer only spares a walk). */
bool case_vars_mention_run(const cJSON *item);

/* What a string may refer to at load time. */
typedef struct case_var_scope {
    const char *const *captured; /* names captured by earlier steps */
    size_t n_captured;
    const case_market *const *markets; /* the markets the case applies to */
    size_t n_markets;
} case_var_scope;

/* Checks every reference in the strings of item (recursively when deep): reports each
 * problem with case_err against doc. Returns the number of problems. */
int case_vars_check(case_lctx *c, const case_doc *doc, const cJSON *item, bool deep,
                    const case_var_scope *scope);

/* A running test's variables. */
typedef struct case_vars_table {
    char *names[CASE_MAX_VARS];
    cJSON *values[CASE_MAX_VARS];
    size_t count;
} case_vars_table;

typedef struct case_vars_ctx {
    case_vars_table *table;
    const cJSON *market_facts;
    const char *base_url;
    kprng *rng;
    const case_vars_defs *defs; /* ${var:NAME}; NULL = none defined */
} case_vars_ctx;

/* Sets (or replaces) a variable to a copy of value; returns 0, or -1 with a reason in err
 * (table full: CASE_MAX_VARS; value over CASE_MAX_VAR_BYTES). */
int case_vars_set(case_vars_table *t, const char *name, const cJSON *value, char *err,
                  size_t errlen);
/* The value of a variable, or NULL. */
const cJSON *case_vars_get(const case_vars_table *t, const char *name);
/* Frees the table's contents. */
void case_vars_clear(case_vars_table *t);
/* Substitutes every reference of s as text into out. Returns 0, or -1 with err. */
int case_vars_subst_text(const case_vars_ctx *v, const char *s, kbuf *out, char *err,
                         size_t errlen);
/* Returns a new string with references substituted, or NULL with err. Caller frees. */
char *case_vars_subst_string(const case_vars_ctx *v, const char *s, char *err, size_t errlen);
/* Returns a deep copy of item with every string substituted; a string that is exactly
 * one reference takes the variable's JSON value. NULL with err. Caller deletes. */
cJSON *case_vars_subst_json(const case_vars_ctx *v, const cJSON *item, char *err, size_t errlen);

#endif
