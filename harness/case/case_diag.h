/* case_diag: the loader's diagnostics ("file:line:col: message" into the caller's
 * case_diags, deduplicated and capped at CASE_MAX_DIAGS) and the schema helpers every
 * checker shares: type names, key lists, strings, string arrays and ids. It sits below
 * every checker and calls only jsonpos.
 * Ownership: diagnostics belong to the caller's case_diags (freed by case_diags_free);
 * a case_lctx owns its reserve diagnostic until case_lctx_finish hands it over or frees
 * it; every other function borrows its arguments. */
#ifndef KPCT_CASE_DIAG_H
#define KPCT_CASE_DIAG_H

#include <stdbool.h>

#include <cJSON.h>

#include "case_model.h"

/* One load: where its diagnostics go and what it has lost. */
typedef struct case_lctx {
    case_set *set;
    case_diags *diags;
    size_t cap;        /* slots allocated in diags->items; one is always kept free */
    bool full;         /* CASE_MAX_DIAGS reached */
    bool oom;          /* memory ran out: the load fails even when no diagnostic fits */
    case_diag reserve; /* "out of memory while loading ...", allocated up front */
} case_lctx;

/* Starts a load of what (a folder or a document name) into set, reporting to diags.
 * Allocates the out-of-memory diagnostic and a free slot for it up front, so that a
 * load that runs out of memory can always say so. Returns 0, or -1 when even that
 * cannot be allocated (nothing is recorded then). */
int case_lctx_init(case_lctx *c, case_set *set, case_diags *diags, const char *what);
/* Ends a load: records the out-of-memory diagnostic when memory ran out (c->oom or
 * set->oom), frees it otherwise. Returns 0 when the load recorded no problem, else -1. */
int case_lctx_finish(case_lctx *c);
/* Marks the load as out of memory (something was lost; the load must fail). */
void case_oom(case_lctx *c);

/* Records "file:line:col: message" (printf-style). */
void case_ferr(case_lctx *c, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Records "doc:line:col: message" at item's value (or key when at_key). */
void case_err(case_lctx *c, const case_doc *doc, const cJSON *item, bool at_key, const char *fmt,
              ...) __attribute__((format(printf, 5, 6)));

/* Names a JSON value's type for messages: "a string", "an array", "null", ... */
const char *case_json_type_name(const cJSON *v);
/* Whether s is one of the strings of list (which ends with NULL). */
bool case_name_in(const char *s, const char *const *list);
/* Whether v is a number with no fraction from min to max (inclusive). */
bool case_json_whole(const cJSON *v, double min, double max);
/* Whether s is non-empty and made only of the bytes of charset. */
bool case_matches_charset(const char *s, const char *charset);
/* Whether a member before m in obj has m's key (cJSON keeps both of a duplicate). */
bool case_key_seen_before(const cJSON *obj, const cJSON *m);

/* The bytes of lower-case ids (suites; with ".-" also clauses, cases, variants), and the
 * longest id (a test's id joins a case's and a variant's; every report names it). */
#define CASE_LOWER_ID     "abcdefghijklmnopqrstuvwxyz0123456789_"
#define CASE_MAX_ID_BYTES 200

/* Reports unknown and duplicate keys of obj (what names it) and missing required keys
 * (required may be NULL); returns the number of problems. */
int case_check_keys(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *what,
                    const char *const *allowed, const char *const *required);
/* A string member; reports a wrong type (counted in *problems). Returns NULL when
 * absent or wrong. */
const char *case_get_str(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *key,
                         const char *what, int *problems);
/* An array of non-empty strings (nonempty: of at least one); returns the array, or NULL
 * when absent or wrong (reported, counted in *problems). */
const cJSON *case_get_str_array(case_lctx *c, const case_doc *doc, const cJSON *obj,
                                const char *key, const char *what, bool nonempty, int *problems);
/* Reports an id (of a clause, case or variant: kind, read from obj's "id") longer than
 * CASE_MAX_ID_BYTES or outside [a-z0-9_.-]+; NULL (absent or not a string, reported by
 * case_get_str) passes. */
void case_check_id(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *id,
                   const char *kind, int *problems);

#endif
