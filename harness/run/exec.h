/* exec: runs tests against a target over libcurl's multi interface — up to N tests
 * at once, the steps of one test strictly in order, each request bounded by a connect
 * and a total timeout and its response by EXEC_MAX_BODY_BYTES. It asks the case module
 * what to send (case_run_next) and whether the answer is right (case_run_judge).
 * The engine is exec.c; exec_transfer.c sends one request, exec_story.c writes what a
 * person reads about it.
 * Ownership: exec_run fills caller-provided test_results whose strings and retry arrays
 * the caller releases (run_report_free does it when they sit in a run_report). */
#ifndef KPCT_EXEC_H
#define KPCT_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "case.h"
#include "result.h"

/* A response body above this is not judged: the transfer is cut and the test errors. */
#define EXEC_MAX_BODY_BYTES (1u << 20)
/* Response headers kept per response (count and total bytes); more is an error. */
#define EXEC_MAX_HEADERS      200
#define EXEC_MAX_HEADER_BYTES (64u << 10)
/* Request bodies of at least this size are sent with "Expect: 100-continue": a server
 * may refuse them (413) from the head alone and close, and the answer must not be lost
 * to a broken pipe while the body is still being sent. */
#define EXEC_EXPECT_CONTINUE_BYTES 1000000
/* Bytes of request and response bodies shown in a failure story and in -vv traces. */
#define EXEC_STORY_BODY_BYTES 4096
/* Ceiling of one test's detail text. */
#define EXEC_MAX_DETAIL_BYTES (64u << 10)
/* Exchanges recorded per test for the results (a test has at most this many steps). */
#define EXEC_MAX_RECORDED_STEPS 256
/* Longest back-off between retries, also the cap on a server's Retry-After. */
#define EXEC_MAX_BACKOFF_MS 10000

/* One test to run for one market. */
typedef struct exec_job {
    const case_test *test;
    const char *market;
    const case_env *env;
} exec_job;

typedef struct exec_config {
    unsigned jobs;           /* tests in flight at once (default 8) */
    long connect_timeout_ms; /* default 5000 */
    long timeout_ms;         /* whole exchange, default 30000 */
    unsigned retries;        /* extra attempts of a test after a transport error, 429 or 5xx */
    long backoff_ms;         /* first back-off, doubled per retry (default 200) */
    const char *cacert;      /* CA bundle for TLS verification; NULL = system default */
    const char *client_cert; /* TLS client certificate (PEM), with client_key; NULL = none */
    const char *client_key;
    bool insecure;       /* skip TLS verification */
    const char *noproxy; /* hosts that bypass proxies from the environment */
    double create_per_s; /* most create-session requests started per second; 0 = no limit */
    double other_per_s;  /* most other requests started per second; 0 = no limit */
    bool fail_fast;      /* after a failure or error, start no new test */
    int verbose;         /* 1: one trace line per exchange; 2: plus headers and bodies */
    FILE *trace;         /* where traces go (default stderr) */
    const volatile sig_atomic_t *stop; /* when it becomes non-zero: stop, finish reports */
    /* Called, as a test or an attempt ends and before its state is freed, with each thing
     * it learnt from the target (case_run_each_captured: its creates' session ids, its
     * string captures); may be NULL. With the embedded mock it forgets the sessions those
     * name, so a run's memory does not grow with its tests (nobody asks for a finished
     * test's sessions). */
    void (*forget)(void *forget_ctx, const char *captured);
    void *forget_ctx;
    /* Called as each test ends (in completion order); may be NULL. */
    void (*on_result)(void *ctx, const test_result *r);
    void *ctx;
} exec_config;

/* Fills cfg with the defaults above. */
void exec_config_defaults(exec_config *cfg);
/* Runs n jobs and fills results[i] for jobs[i] (results must be zeroed). Tests with a
 * skip_reason are skipped; tests not started because of fail-fast or a stop are skipped
 * with the reason; tests cut short by a stop are errors. A result that is not a pass
 * always has a message: a test during which memory ran out is an error saying so.
 * Returns 0, or -1 with a reason in err when the engine itself cannot start (libcurl
 * initialisation, or memory for the results' texts). */
int exec_run(const exec_config *cfg, const case_set *set, const exec_job *jobs, size_t n,
             test_result *results, char *err, size_t errlen);

#endif
