/* preflight: one authenticated read of a session that cannot exist, sent before any
 * test, so that a run against rejected credentials, an untrusted certificate, a host
 * that cannot be reached or a server that does not speak HTTP ends with one line naming
 * the cause instead of one error per test. It goes through exec_transfer, so the probe
 * has the engine's TLS, proxy and timeout settings.
 * Ownership: nothing is handed out; preflight_settle fills caller-provided results
 * whose strings the caller frees (run_report_free). */
#ifndef KPCT_PREFLIGHT_H
#define KPCT_PREFLIGHT_H

#include <stddef.h>

#include "exec.h"

/* A syntactically valid session id (UUID v4) that no server hands out: the probe reads it
 * and a Klarna-shaped server answers 404. */
#define PREFLIGHT_SESSION_ID "00000000-0000-4000-8000-000000000000"
#define PREFLIGHT_PATH       "/payments/v1/sessions/" PREFLIGHT_SESSION_ID

typedef enum {
    PREFLIGHT_GO,          /* an HTTP answer other than the ones below: run the tests */
    PREFLIGHT_CREDENTIALS, /* 401: the credentials were rejected */
    PREFLIGHT_PROXY_AUTH,  /* 407: a proxy wants credentials */
    PREFLIGHT_TLS,         /* the certificate is not trusted, or TLS could not be set up */
    PREFLIGHT_UNREACHABLE, /* refused, unresolvable, timed out, no route */
    PREFLIGHT_NOT_HTTP,    /* the server answered with something that is not HTTP */
    PREFLIGHT_INTERRUPTED, /* cfg->stop became non-zero during the probe */
} preflight_kind;

typedef struct preflight_verdict {
    preflight_kind kind;
    long status;     /* the HTTP status of the answer; 0 when none came */
    char cause[512]; /* what is wrong, one line, redacted: "the target rejected ..." */
    char hint[256];  /* what to do about it, one line; may be empty */
} preflight_verdict;

/* Sends GET <env->base_url>PREFLIGHT_PATH with Basic auth (env's username and password)
 * and the run's headers (env->headers) under cfg's timeouts, TLS and proxy settings and
 * judges the answer into *out. Returns 0, or -1 with a reason in err when libcurl cannot
 * make a handle or memory ran out. */
int preflight_check(const exec_config *cfg, const case_env *env, preflight_verdict *out, char *err,
                    size_t errlen);
/* Settles every job without running it: a test with a skip reason is skipped with it,
 * every other test is an error "not run: <cause>" (or skipped "not run: the run was
 * interrupted" when interrupted). Calls cfg->on_result for none of them: the caller
 * prints one line, not one per test. Returns 0, or -1 out of memory. */
int preflight_settle(const exec_job *jobs, size_t n, test_result *results,
                     const preflight_verdict *v);

#endif
