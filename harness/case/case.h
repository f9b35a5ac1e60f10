/* case: everything about what a case file *means* — loading and checking a cases/
 * folder (suites, fixtures, the clause catalog) or one suite document from memory;
 * expanding cases and variants into runnable tests for one target and market; building
 * each step's request; judging each response and applying captures. It knows nothing
 * about sockets: the executor sends what case_run_next builds and hands the response
 * back to case_run_judge.
 *
 * Ownership: case_set_load and case_suite_parse hand out a case_set freed by
 * case_set_free, and fill a case_diags the caller frees with case_diags_free; tests and
 * clauses returned from a set are borrowed from it and live as long as it does.
 * case_run_new hands out a run freed by case_run_free; a case_request filled by
 * case_run_next is owned by the run and valid until the next case_run_next or
 * case_run_free on that run (case_run_judge leaves it: the executor tells a failed
 * request's story after judging). */
#ifndef KPCT_CASE_H
#define KPCT_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "kbuf.h"

/* Hard ceilings on what case files may ask for. */
#define CASE_MAX_FILE_BYTES     (4u << 20)  /* one case or fixture file */
#define CASE_MAX_VARS           256         /* variables per running test */
#define CASE_MAX_VAR_BYTES      (64u << 10) /* one variable's value */
#define CASE_MAX_GENERATED_BODY (8u << 20)

/* One problem found while loading: "file:line:col: message". */
typedef struct case_diag {
    char *file;
    int line, col;
    char *message;
} case_diag;

typedef struct case_diags {
    case_diag *items;
    size_t count;
} case_diags;

/* A clause of the contract catalog (cases/contract.json). */
typedef struct case_clause {
    const char *id;
    const char *title;
    const char *source; /* the contract text it comes from */
    bool mock_only;     /* cannot be checked on the playground */
    bool unconfirmed;   /* Klarna's behaviour is our best reading */
} case_clause;

/* The sessions collection: a POST there creates a session. */
#define CASE_SESSIONS_PATH "/payments/v1/sessions"

/* Which kind of endpoint a run talks to. */
typedef enum { TARGET_MOCK, TARGET_PLAYGROUND, TARGET_URL } case_target_kind;

/* Selection of tests from a set. */
typedef struct case_filter {
    const char *market;          /* "SE", "US", ... (required) */
    case_target_kind target;     /* decides skips for target-specific and mock-only cases */
    bool target_is_kpmock;       /* a URL target that answered /__admin/health as kpmock */
    const char *const *id_globs; /* fnmatch globs on test ids; none = all */
    size_t n_id_globs;
    const char *const *tags; /* a test must carry one of them; none = all */
    size_t n_tags;
} case_filter;

/* One runnable test: a case, or one variant of a case. */
typedef struct case_test {
    const char *suite; /* suite name: JUnit classname */
    const char *id;    /* stable id: case id, or "case_id.variant_id" */
    const char *title;
    const char *file; /* case file it came from, for messages */
    int line;         /* where the case (or variant) starts */
    const char *const *tags;
    size_t n_tags;
    const char *const *clauses; /* clause ids this test covers */
    size_t n_clauses;
    size_t n_steps;
    const char *skip_reason; /* non-NULL: report as skipped with this reason, do not run */
    bool runs_alone;         /* start it with no other test in flight, and start none beside
                                it (it moves the mock's clock or arms its faults) */
    const char *patch_text;  /* the variant's patch as compact JSON, variables unsubstituted;
                                NULL for a case without variants or a variant without a patch */
    const void *priv;        /* case module's private data */
} case_test;

typedef struct case_set case_set;

/* Loads every suite file under dir (recursively, *.json, skipping fixtures/ and
 * contract.json), the fixtures under dir/fixtures and the catalog dir/contract.json
 * (when present), and validates all of it. Returns 0 and *out only when nothing failed;
 * or -1 with every problem in diags (caller frees with case_diags_free) and *out
 * untouched. Running out of memory anywhere is a failure ("out of memory while loading
 * dir"), never a smaller set. */
int case_set_load(const char *dir, case_set **out, case_diags *diags);
/* Parses and checks one suite document held in memory (text[0..len), named name in
 * messages) against no fixtures and no catalog, as case_set_load checks a suite file:
 * a case naming a market is reported ("unknown market"), fixture bodies and
 * ${market.KEY} references are checked against no market at all, and clause ids are
 * not checked. No filesystem access and no global state: for tests and fuzzers.
 * Returns 0 and *out (a set holding that one suite, freed by case_set_free), or -1 with
 * every problem in diags and *out untouched. */
int case_suite_parse(const char *name, const char *text, size_t len, case_set **out,
                     case_diags *diags);
/* Frees a set; accepts NULL. */
void case_set_free(case_set *set);
/* Frees the diagnostics' contents. */
void case_diags_free(case_diags *d);

/* Markets the set has fixtures for, e.g. {"AU","DE","GB","SE","US"}; borrowed. */
const char *const *case_set_markets(const case_set *set, size_t *count);
/* The case-set digest: SHA-256, in hex, of the sorted `sha256sum` lines ("<hex of the
 * file>  <path relative to the folder>\n") of every file the loader read, so that
 * `sha256sum` can recompute it (case_digest.h); borrowed. */
const char *case_set_digest(const case_set *set);
/* The clause catalog (empty if there is no contract.json); borrowed. */
const case_clause *case_set_clauses(const case_set *set, size_t *count);

/* Expands the set into tests for one market and target, in a stable order (file,
 * then case, then variant). Tests that do not apply to the market are left out; tests
 * that do not apply to the target are included with skip_reason set. Returns 0 and a
 * new array of pointers borrowed from the set (caller frees the array only), or -1
 * with a reason in err (e.g. the market has no fixtures). */
int case_set_select(const case_set *set, const case_filter *filter, const case_test ***out,
                    size_t *count, char *err, size_t errlen);

/* The run's own variables, ${var:NAME} in case files: each --var NAME=VALUE and
 * --secret NAME=VALUE of the command line. One namespace for both, apart from captures
 * (${name}), market facts and the environment, so none shadows another. A secret's value
 * is registered with redact the moment it is defined. Bounds: CASE_MAX_RUN_VARS names of
 * at most CASE_MAX_RUN_VAR_NAME bytes ([A-Za-z_][A-Za-z0-9_]*), values of at most
 * CASE_MAX_VAR_BYTES.
 * Ownership: the table owns copies of names and values; case_vars_defs_free frees them. */
#define CASE_MAX_RUN_VARS     256
#define CASE_MAX_RUN_VAR_NAME 64

typedef struct case_vars_def {
    char *name;
    char *value;
    bool secret;
} case_vars_def;

typedef struct case_vars_defs {
    case_vars_def items[CASE_MAX_RUN_VARS];
    size_t count;
} case_vars_defs;

/* Defines a variable from "NAME=VALUE" (secret: redacted everywhere from now on). Returns
 * 0; -1 with a reason in err that never holds the value (no '=', a bad or duplicate
 * name, too many, a value too long, or a secret too short to redact); -2 out of memory. */
int case_vars_define(case_vars_defs *d, const char *assignment, bool secret, char *err,
                     size_t errlen);
/* The value of the variable called by the n bytes of name, or NULL when undefined. */
const char *case_vars_defined(const case_vars_defs *d, const char *name, size_t n);
/* Calls each(ctx, name) for every ${var:NAME} that the test (its steps, its own variant
 * and the fixtures it names for market) uses and d (NULL: none defined) leaves
 * undefined, in the order they appear (a name used twice is named twice). Returns how
 * many there were. */
size_t case_vars_undefined(const case_set *set, const case_test *test, const char *market,
                           const case_vars_defs *d, void (*each)(void *ctx, const char *name),
                           void *ctx);
/* Frees the table's contents; accepts NULL. */
void case_vars_defs_free(case_vars_defs *d);
/* Expands text, a value of the command line rather than of a case file (a --header), into
 * a new string in *out (the caller frees it): ${var:NAME} from d (NULL: none defined),
 * ${env:NAME} from the environment (registered with redact, as in a case file) and $${ as
 * "${". Any other reference is refused: such a value is the same for every request.
 * *secret tells whether a --secret or an environment value went into it. Returns 0 and
 * fills *out and *secret; -1 with a reason in err that never holds a value (malformed or
 * refused reference, undefined name, unset or unredactable environment variable, a
 * result over max bytes); -2 out of memory. */
int case_vars_expand(const case_vars_defs *d, const char *text, size_t max, char **out,
                     bool *secret, char *err, size_t errlen);

/* A header of a request or response. */
typedef struct case_header {
    char *name;
    char *value;
} case_header;

/* The run's own headers (--header), added to every request a test sends, admin calls
 * included, unless the step sets the same name itself: at most CASE_MAX_RUN_HEADERS, each
 * "Name: VALUE" at most CASE_MAX_RUN_HEADER_BYTES once expanded. */
#define CASE_MAX_RUN_HEADERS      64
#define CASE_MAX_RUN_HEADER_BYTES (8u << 10)

/* What the runner knows about the target when a test starts. */
typedef struct case_env {
    const char *base_url; /* no trailing slash */
    const char *market;
    const char *username; /* credentials the runner uses; may be NULL */
    const char *password;
    bool is_kpmock;             /* admin steps may run */
    const case_vars_defs *defs; /* ${var:NAME}; borrowed, outlives the runs; may be NULL */
    const case_header *headers; /* the run's --header, expanded; borrowed like defs */
    size_t n_headers;
} case_env;

/* The value of the first of n headers called name (case-insensitive; a NULL value
 * reads as ""), or NULL when there is none. Inline: the executor uses it without the
 * case module (its tests link a double of case.h). */
static inline const char *case_header_find(const case_header *headers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (headers[i].name && strcasecmp(headers[i].name, name) == 0)
            return headers[i].value ? headers[i].value : "";
    return NULL;
}

/* Bytes [off, off + cap) of the generated body of n bytes ({"generate": {"bytes": n}}):
 * {"pad":"x...x"}, or "{}" and spaces when n is under 10. Returns how many it wrote (0
 * from n on). A generated body of up to CASE_MAX_GENERATED_BODY is never in memory: the
 * executor sends it piece by piece. Inline for the same reason as case_header_find. */
static inline size_t case_generated_body(size_t n, size_t off, char *out, size_t cap)
{
    bool pad = n >= 10; /* room for a member; n is at least 2 (case_body checks it) */
    const char *head = pad ? "{\"pad\":\"" : "{}", *tail = "\"}";
    size_t h = pad ? 8 : 2, t = pad ? 2 : 0, k = 0;
    char fill = pad ? 'x' : ' ';
    while (k < cap && off + k < n) {
        size_t i = off + k, run;
        if (i < h) {
            out[k++] = head[i];
            continue;
        }
        if (i >= n - t) {
            out[k++] = tail[i - (n - t)];
            continue;
        }
        run = n - t - i < cap - k ? n - t - i : cap - k;
        memset(out + k, fill, run);
        k += run;
    }
    return k;
}

/* A request for the executor to send exactly as given. */
typedef struct case_request {
    const char *method;
    const char *url;            /* absolute */
    const case_header *headers; /* extra headers besides auth */
    size_t n_headers;
    const char *body; /* may contain NULs; NULL = no body, or a generated one */
    size_t body_len;
    bool body_generated; /* body is NULL: its body_len bytes are case_generated_body's,
                            made as they are sent */
    bool send_auth;      /* add Basic auth with username/password below */
    const char *username;
    const char *password;
    bool is_create;        /* a create-session call: paced by the create quota, not the other */
    bool is_admin;         /* an admin-API call on our mock (a mock-only step) */
    bool admin_global;     /* an admin call that changes the mock for every test (its clock,
                              its faults): sent with no other test in flight */
    size_t step_index;     /* 0-based */
    const char *step_name; /* for messages */
} case_request;

/* Whether req carries a body, held in memory or generated as it is sent. */
static inline bool case_request_has_body(const case_request *req)
{
    return req->body || req->body_generated;
}

/* A response as the executor received it. */
typedef struct case_response {
    long status;
    const case_header *headers; /* in the order received; names as sent */
    size_t n_headers;
    const char *body; /* may contain NULs, NUL-terminated */
    size_t body_len;
    double seconds; /* time for the exchange */
} case_response;

typedef struct case_run case_run;

#define CASE_RUN_MAX_MADE    64  /* sessions a run remembers having created */
#define CASE_RUN_MAX_MADE_ID 128 /* bytes of a session id it remembers */

/* Starts a test; returns a new run, or NULL on OOM. A set keeps few of its suite
 * files parsed: the run reads its test's file back when needed and holds it until
 * case_run_free (any thread may run tests of one set). */
case_run *case_run_new(const case_set *set, const case_test *test, const case_env *env);
/* Builds the next step's request. Returns 1 and fills *req; 0 when the test has no
 * more steps; -1 when the step cannot be built (undefined variable, patch that does
 * not apply, its case file changed or went away since the load, ...) with the reason in
 * err: the test is then an error, not a failure. */
int case_run_next(case_run *run, case_request *req, char *err, size_t errlen);
/* Judges the response to the last request and applies its captures. Returns 0 when
 * every expectation holds; 1 when one does not, with the whole story (expected vs
 * actual) appended to why; -1 when a capture fails (reason in why; an error). */
int case_run_judge(case_run *run, const case_response *resp, kbuf *why);
/* Calls fn with what the test has learnt from the target so far: the session id each of
 * its creates was answered with (the first CASE_RUN_MAX_MADE, of at most
 * CASE_RUN_MAX_MADE_ID bytes), then each string value it captured, in capture order. */
void case_run_each_captured(const case_run *run, void (*fn)(void *arg, const char *value),
                            void *arg);
/* Frees a run; accepts NULL. */
void case_run_free(case_run *run);

#endif
