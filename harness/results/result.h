/* result: the outcome of a run, as every reporter (console, JUnit, JSON, coverage,
 * sign-off) reads it. It knows nothing of case files: a run_report can be built by a run
 * or rebuilt from a results.json alone.
 * Ownership: a run_report owns everything it points at — its results, their strings
 * and arrays, and its copy of the clause catalog; run_report_free releases them. */
#ifndef KPCT_RESULT_H
#define KPCT_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The schema results.json names: written by report_json, read by result_read. */
#define RESULT_SCHEMA "kpct-results/1"

/* RESULT_READING_DIFFERS is a failure of a test tagged "unconfirmed" in a run that
 * warns about those (--unconfirmed warn): our reading of Klarna's behaviour was not
 * confirmed, so the target differing from it is reported apart and fails nothing. */
typedef enum {
    RESULT_PASS,
    RESULT_FAIL,
    RESULT_ERROR,
    RESULT_SKIP,
    RESULT_READING_DIFFERS
} result_status;
#define RESULT_STATUS_COUNT 5
/* The tag of tests that check an unconfirmed reading. */
#define RESULT_UNCONFIRMED_TAG "unconfirmed"

/* One earlier attempt of a test that was retried (transport error, 429, 5xx). */
typedef struct result_attempt {
    result_status status; /* RESULT_FAIL or RESULT_ERROR */
    char *message;        /* one line, redacted */
    char *detail;         /* whole story, redacted */
} result_attempt;

/* One exchange of a test's last attempt (added for results.json; zero-initialise). */
typedef struct result_step {
    char *name; /* step name, redacted */
    char *method;
    char *url;   /* redacted */
    long status; /* 0 when no HTTP answer came */
    double seconds;
    /* the answer, for comparing runs (kpct diff); NULL / false when none came */
    char *content_type;  /* its Content-Type, redacted */
    bool correlation_id; /* it carried a Klarna-Correlation-Id header */
    char *body;          /* its body normalised (normal.h) and redacted, at most ~4 KiB */
} result_step;

typedef struct test_result {
    char *suite; /* suite name: JUnit classname */
    char *id;    /* stable test id */
    char *title;
    char *file;     /* case file it came from */
    int line;       /* where the case (or variant) starts */
    char **clauses; /* clause ids this test covers */
    size_t n_clauses;
    char **tags;
    size_t n_tags;
    char *market;    /* market the test ran for */
    char *described; /* non-NULL: suite .. market above live in this one block (made by
                        test_result_describe); NULL: each was allocated on its own */
    result_status status;
    double seconds;
    char *message; /* one line, redacted; NULL when passed */
    char *detail;  /* whole story, redacted: step, expected vs actual, request as curl, response */
    result_attempt *retries; /* earlier attempts, oldest first (flaky when the last passed) */
    size_t n_retries;
    result_step *steps; /* exchanges of the last attempt, in order; may be NULL */
    size_t n_steps;
    char *patch;     /* the variant's patch as compact JSON, redacted; NULL when none */
    long plan_index; /* position in the whole plan, before --shard; < 0 = unknown */
} test_result;

/* A clause of the contract catalog, as the run knew it. */
typedef struct result_clause {
    char *id;
    char *title;
    bool mock_only;   /* cannot be checked on the playground */
    bool unconfirmed; /* Klarna's behaviour is our best reading */
} result_clause;

/* The settings a run went with, as far as they shape its results (results.json's
 * "settings"); known is false for a run rebuilt from a results.json without them. */
typedef struct run_settings {
    bool known;
    unsigned jobs;       /* tests in flight at once */
    unsigned retries;    /* re-runs allowed after a transport error, 429 or 5xx */
    double create_per_s; /* create-session calls started per second; 0 = no limit */
    double other_per_s;  /* other calls started per second; 0 = no limit */
} run_settings;

typedef struct run_report {
    char *target; /* "mock", "playground-eu", or the base URL */
    char *base_url;
    char **markets; /* markets run, in order */
    size_t n_markets;
    char *version;    /* KPCT_VERSION */
    char *started_at; /* RFC 3339 UTC */
    uint64_t seed;
    double seconds;    /* wall time of the run */
    int interrupted;   /* stopped by SIGINT/SIGTERM: results are partial */
    char *case_digest; /* case_set_digest of the cases run (hex); NULL when not recorded */
    run_settings settings;
    test_result *results; /* in plan order */
    size_t count;
    result_clause *clauses; /* the catalog; may be empty */
    size_t n_clauses;
    /* applicable[m * n_clauses + c]: clause c applies in markets[m] (some test of the case
     * set covers it there, whatever was selected); NULL when every clause applies. */
    bool *applicable;
    char *cases_commit;        /* git HEAD of the cases folder's repository; NULL = none */
    unsigned shard_k, shard_n; /* --shard K/N of this run; 0/0 = the whole plan */
} run_report;

/* Sets the description of a test (copies every string, all into one block: a run keeps
 * the description of each of its tests to the end); returns 0, or -1 on OOM with nothing
 * changed. */
int test_result_describe(test_result *t, const char *suite, const char *id, const char *title,
                         const char *file, int line, const char *const *clauses, size_t n_clauses,
                         const char *const *tags, size_t n_tags, const char *market);
/* Frees n steps and the array; accepts NULL. The one place a step's members are freed:
 * a member added to result_step is freed here. */
void result_steps_free(result_step *steps, size_t n);
/* Frees one result's strings, retries and steps (not the struct); accepts NULL. */
void test_result_clear(test_result *t);
/* Frees what only results.json reads of an ended test — its steps (the exchanges and
 * their bodies) and its patch — once a report stream has written it (report_stream.h);
 * the rest (what coverage, the console, the recap and the human reports read) stays.
 * Stories stay too: only tests that did not pass, or passed after retries, have any. */
void test_result_compact(test_result *t);
/* Frees the report's contents; accepts NULL. */
void run_report_free(run_report *r);
/* Whether a test passed only after retries. */
bool result_flaky(const test_result *t);
/* Whether the test carries the tag. */
bool result_has_tag(const test_result *t, const char *tag);
/* Turns a failed test tagged RESULT_UNCONFIRMED_TAG into RESULT_READING_DIFFERS; leaves
 * every other result as it is. Returns whether it changed t. */
bool result_mark_reading_differs(test_result *t);
/* Counts the run's results by status (indexed by result_status) and the flaky ones. */
void run_report_tally(const run_report *r, size_t by_status[RESULT_STATUS_COUNT], size_t *flaky);
/* Returns "passed", "failed", "errored", "skipped" or "reading-differs". */
const char *result_status_name(result_status s);

#endif
