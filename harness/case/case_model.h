/* case_model: the case module's data model — a loaded set, its documents, markets,
 * fixtures, cases, steps and the private part of each test. Types and bounds only; every
 * file of harness/case/ and the case tests that look inside a set include it.
 * Ownership: everything hangs off the case_set (the documents it parsed, and the
 * allocations registered with case_set_own in case_mem.h); a set is freed by
 * case_set_free. */
#ifndef KPCT_CASE_MODEL_H
#define KPCT_CASE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case.h"
#include "jsonpos.h"
#include "sha256.h"

#define CASE_MAX_DEPTH         64  /* JSON nesting in case and fixture files */
#define CASE_MAX_DIAGS         100 /* problems reported before "too many errors" */
#define CASE_MAX_SHOWN         200 /* bytes of a value shown in a failure text */
#define CASE_MAX_CAPTURE_NAME  64  /* bytes of a variable name */
#define CASE_MAX_CLOCK_ADVANCE (10L * 366 * 24 * 3600)
#define CASE_SET_INTERNED      64 /* distinct texts a set shares (case_set_intern) */

/* The four situations a test can meet a target in; skip reasons differ per situation. */
enum { SIT_MOCK, SIT_PLAYGROUND, SIT_URL, SIT_URL_KPMOCK, SIT_COUNT };

/* Target bits as case files name them. */
enum { TGT_MOCK = 1, TGT_PLAYGROUND = 2, TGT_URL = 4, TGT_ALL = 7 };

/* A parsed file, with its source positions (positions live only while loading). A suite
 * file's tree is dropped once it is loaded and read back while a test of it runs
 * (case_keep.h): root is NULL meanwhile. */
typedef struct case_doc {
    char *path;
    cJSON *root;
    jsonpos *pos;
    char sha256[SHA256_HEX]; /* of the bytes read, for the set's digest (case_digest.h) */
    size_t bytes;            /* of the text read */
    bool droppable;          /* a loaded suite file: root may be dropped and read back */
    unsigned holds;          /* running tests (and walks) that use root */
    size_t first_case;       /* its cases are set->cases[first_case .. + n_cases) */
    size_t n_cases;
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
    const char *name; /* set-owned */
    size_t index;
    bool admin;
    const cJSON *admin_action;                 /* the single member of "admin" */
    const struct case_admin_action *admin_def; /* its row of the admin table (case_admin.h) */
    const char *admin_what;                    /* "advances the mock clock", ... */
    const cJSON *request;
    const cJSON *expect;
    const cJSON *capture;
    bool variant_target;
} case_step_def;

/* A case. Its strings are set-owned; json, the steps' cJSON members and the variants of
 * its tests point into doc->root, valid while the document is held (case_keep.h). */
typedef struct case_def {
    const char *id;
    const char *title;
    const char *suite;
    const case_doc *doc;
    const cJSON *json;
    case_step_def *steps;
    size_t n_steps;
    bool mentions_run_vars;       /* a string of it holds "${var:" (case_vars_mention_run) */
    long variant_step;            /* -1: none */
    long first_admin;             /* -1: none */
    struct case_test_priv *privs; /* its tests' private parts, one per variant */
    size_t n_variants;            /* 0: the case has no variants (one test, privs[0]) */
} case_def;

/* case_test.priv of every test. */
typedef struct case_test_priv {
    const case_def *def;
    const cJSON *variant; /* NULL for a case without variants */
    unsigned targets;     /* TGT_* bits */
    const char *const *markets;
    size_t n_markets;            /* 0: every market */
    const char *skip[SIT_COUNT]; /* its skip reason in each situation */
    int id_line, id_col;         /* where its "id" is, for a duplicate found later */
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
    case_test *tests; /* with the mock's skip reasons (case_keep_tests: the others) */
    size_t n_tests;
    size_t cap_tests; /* room in tests */
    char *text_at;    /* the current text block (case_mem.h) */
    size_t text_left;
    const char *interned[CASE_SET_INTERNED]; /* case_set_intern's texts (case_mem.h) */
    size_t n_interned;
    struct case_keep *keep;         /* what is made on demand after the load (case_keep.h) */
    bool fixtures_mention_run_vars; /* a fixture's string holds "${var:" */
    bool oom;                /* an allocation of the set failed: the load that made it fails */
    char digest[SHA256_HEX]; /* of every document read (case_digest.h); "" until loaded */
};

#endif
