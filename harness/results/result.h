/* result: the outcome of a run, as every reporter (console, JUnit, JSON, coverage,
 * sign-off) reads it. Ownership: a run_report owns its results and their strings;
 * run_report_free releases them. Tests and clauses are borrowed from the case_set. */
#ifndef KPCT_RESULT_H
#define KPCT_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

typedef enum { RESULT_PASS, RESULT_FAIL, RESULT_ERROR, RESULT_SKIP } result_status;

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
} result_step;

typedef struct test_result {
    const case_test *test;
    const char *market; /* market the test ran for */
    result_status status;
    double seconds;
    char *message; /* one line, redacted; NULL when passed */
    char *detail;  /* whole story, redacted: step, expected vs actual, request as curl, response */
    result_attempt *retries; /* earlier attempts, oldest first (flaky when the last passed) */
    size_t n_retries;
    result_step *steps; /* exchanges of the last attempt, in order; may be NULL */
    size_t n_steps;
} test_result;

typedef struct run_report {
    char *target; /* "mock", "playground-eu", or the base URL */
    char *base_url;
    char **markets; /* markets run, in order */
    size_t n_markets;
    char *version;    /* KPCT_VERSION */
    char *started_at; /* RFC 3339 UTC */
    uint64_t seed;
    double seconds;       /* wall time of the run */
    int interrupted;      /* stopped by SIGINT/SIGTERM: results are partial */
    test_result *results; /* in plan order */
    size_t count;
} run_report;

/* Frees one result's strings, retries and steps (not the struct); accepts NULL. */
void test_result_clear(test_result *t);
/* Frees the report's contents; accepts NULL. */
void run_report_free(run_report *r);
/* Whether a test passed only after retries. */
bool result_flaky(const test_result *t);
/* Counts the run's results by status (indexed by result_status) and the flaky ones. */
void run_report_tally(const run_report *r, size_t by_status[4], size_t *flaky);
/* Returns "passed", "failed", "errored" or "skipped". */
const char *result_status_name(result_status s);

#endif
