/* preflight: the one probe before the tests, and what its answer says about the target. */
#include "preflight.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_story.h"
#include "exec_transfer.h"
#include "kbuf.h"
#include "redact.h"

#define PREFLIGHT_MAX_URL 8192

/* Aborts the probe when the run is being stopped (a hanging target must not hold off
 * SIGINT until the timeout). */
static int on_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const volatile sig_atomic_t *stop = p;
    (void)dt, (void)dn, (void)ut, (void)un;
    return stop && *stop ? 1 : 0;
}

/* libcurl's reason, or its generic text for the code when the error buffer is empty. */
static const char *reason_of(const transfer *t, CURLcode code)
{
    return t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
}

/* Judges a transport failure (no HTTP answer) into v. */
static void judge_failure(const exec_config *cfg, const transfer *t, CURLcode code, const char *url,
                          preflight_verdict *v)
{
    const char *why = reason_of(t, code);
    long os_errno = 0;
    curl_off_t connected = 0;
    curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os_errno);
    curl_easy_getinfo(t->easy, CURLINFO_CONNECT_TIME_T, &connected);
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        v->kind = PREFLIGHT_TLS;
        snprintf(v->cause, sizeof v->cause, "the TLS certificate of %s is not trusted (%s)", url,
                 why);
        snprintf(v->hint, sizeof v->hint,
                 "pass --cacert FILE with the CA that signed it, or --insecure to skip "
                 "verification");
        return;
    case CURLE_SSL_CACERT_BADFILE:
        v->kind = PREFLIGHT_TLS;
        snprintf(v->cause, sizeof v->cause, "the CA bundle cannot be used (%s)", why);
        snprintf(v->hint, sizeof v->hint, "check the file given to --cacert");
        return;
    case CURLE_SSL_CERTPROBLEM:
        v->kind = PREFLIGHT_TLS;
        snprintf(v->cause, sizeof v->cause, "the TLS client certificate cannot be used (%s)", why);
        snprintf(v->hint, sizeof v->hint, "check the files given to --cert and --key");
        return;
    case CURLE_SSL_CONNECT_ERROR:
        v->kind = PREFLIGHT_TLS;
        snprintf(v->cause, sizeof v->cause, "the TLS handshake with %s failed (%s)", url, why);
        snprintf(v->hint, sizeof v->hint,
                 "check that the target speaks https, or use an http:// URL");
        return;
    case CURLE_COULDNT_CONNECT:
        v->kind = PREFLIGHT_UNREACHABLE;
        if (os_errno == ECONNREFUSED)
            snprintf(v->cause, sizeof v->cause, "%s refused the connection (%s)", url, why);
        else
            snprintf(v->cause, sizeof v->cause, "cannot connect to %s: %s (%s)", url,
                     os_errno ? strerror((int)os_errno) : "no route", why);
        snprintf(v->hint, sizeof v->hint, "check that the target is up and the URL is right");
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
        v->kind = PREFLIGHT_UNREACHABLE;
        snprintf(v->cause, sizeof v->cause, "the host of %s cannot be resolved (DNS: %s)", url,
                 why);
        snprintf(v->hint, sizeof v->hint, "check the host name and the resolver");
        return;
    case CURLE_COULDNT_RESOLVE_PROXY:
        v->kind = PREFLIGHT_UNREACHABLE;
        snprintf(v->cause, sizeof v->cause, "the proxy cannot be resolved (DNS: %s)", why);
        snprintf(v->hint, sizeof v->hint, "check https_proxy, http_proxy and no_proxy");
        return;
    case CURLE_OPERATION_TIMEDOUT:
        v->kind = PREFLIGHT_UNREACHABLE;
        if (!connected)
            snprintf(v->cause, sizeof v->cause, "%s did not accept a connection within %g s (%s)",
                     url, (double)cfg->connect_timeout_ms / 1000.0, why);
        else
            snprintf(v->cause, sizeof v->cause, "%s did not answer within %g s (%s)", url,
                     (double)cfg->timeout_ms / 1000.0, why);
        snprintf(v->hint, sizeof v->hint,
                 "check that the target is up, or raise --connect-timeout / --timeout");
        return;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_HTTP2:
    case CURLE_PARTIAL_FILE:
        v->kind = PREFLIGHT_NOT_HTTP;
        snprintf(v->cause, sizeof v->cause, "%s does not answer as an HTTP server (%s)", url, why);
        snprintf(v->hint, sizeof v->hint, "check the URL's scheme, host and port");
        return;
    default:
        v->kind = PREFLIGHT_UNREACHABLE;
        snprintf(v->cause, sizeof v->cause, "the probe of %s failed (%s)", url, why);
        v->hint[0] = '\0';
        return;
    }
}

/* The proxy variable libcurl reads for url's scheme when it is set and non-empty
 * ("https_proxy", "all_proxy", ...), else NULL. */
static const char *proxy_variable(const char *url)
{
    static const char *const https[] = {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                                        NULL};
    static const char *const http[] = {"http_proxy", "all_proxy", "ALL_PROXY", NULL};
    const char *const *names = strncmp(url, "https:", 6) == 0 ? https : http;
    for (; *names; names++) {
        const char *v = getenv(*names);
        if (v && *v)
            return *names;
    }
    return NULL;
}

/* Whether the proxy URL in the variable carries a user (an '@' before its host ends). */
static bool proxy_has_user(const char *variable)
{
    const char *v = getenv(variable), *host = strstr(v, "://");
    host = host ? host + 3 : v;
    size_t authority = strcspn(host, "/?#");
    const char *at = memchr(host, '@', authority);
    return at != NULL;
}

/* Judges a 407 into v, naming the proxy variable but never its value (it may hold a
 * password). */
static void judge_proxy(const char *url, preflight_verdict *v)
{
    const char *var = proxy_variable(url);
    v->kind = PREFLIGHT_PROXY_AUTH;
    if (var && proxy_has_user(var)) {
        snprintf(v->cause, sizeof v->cause,
                 "the proxy to %s rejected the credentials in %s (HTTP 407)", url, var);
        snprintf(v->hint, sizeof v->hint, "check the user and password in %s", var);
    } else {
        snprintf(v->cause, sizeof v->cause, "the proxy to %s wants credentials (HTTP 407)", url);
        snprintf(v->hint, sizeof v->hint, "put them in %s, or set no_proxy",
                 var ? var : "https_proxy");
    }
}

/* Judges an HTTP answer into v: only the statuses that no test could pass past stop the
 * run; anything else (404 above all) is a server worth testing. */
static void judge_answer(long status, const case_env *env, preflight_verdict *v)
{
    const char *url = env->base_url;
    v->status = status;
    if (status == 401) {
        v->kind = PREFLIGHT_CREDENTIALS;
        snprintf(v->cause, sizeof v->cause,
                 "%s rejected the credentials (HTTP 401 to GET " PREFLIGHT_PATH ")", url);
        /* a gateway in front of the target answers 401 too when its own header is missing */
        snprintf(v->hint, sizeof v->hint,
                 "check KLARNA_USERNAME and KLARNA_PASSWORD: the API credentials of this "
                 "environment and region%s",
                 env->n_headers ? ", and the --header values sent with them"
                                : "; a gateway in front may want its header (--header)");
    } else if (status == 407) {
        judge_proxy(url, v);
    } else {
        v->kind = PREFLIGHT_GO;
    }
}

/* Copies src into dst redacted (libcurl's text may echo what a server sent). */
static void redact_into(char *dst, size_t n, const char *src)
{
    kbuf b;
    kbuf_init(&b, n);
    if (redact(src, strlen(src), &b) == 0)
        snprintf(dst, n, "%s", kbuf_str(&b));
    else
        snprintf(dst, n, "%s", "(the reason could not be redacted)");
    kbuf_free(&b);
}

int preflight_check(const exec_config *cfg, const case_env *env, preflight_verdict *out, char *err,
                    size_t errlen)
{
    const char *base_url = env->base_url;
    transfer t = {0};
    kbuf url;
    preflight_verdict v = {.kind = PREFLIGHT_GO};
    int rc = -1;
    kbuf_init(&url, PREFLIGHT_MAX_URL);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to initialise");
        kbuf_free(&url);
        return -1;
    }
    if (kbuf_printf(&url, "%s%s", base_url, PREFLIGHT_PATH) < 0) {
        snprintf(err, errlen, "the target URL is over %d bytes", PREFLIGHT_MAX_URL);
        goto out;
    }
    if (transfer_init(&t) < 0) {
        snprintf(err, errlen, "libcurl could not create a transfer");
        goto out;
    }
    /* the run's --header goes with it: a gateway in front of the target wants them first */
    case_request req = {.method = "GET",
                        .url = kbuf_str(&url),
                        .headers = env->headers,
                        .n_headers = env->headers ? env->n_headers : 0,
                        .send_auth = true,
                        .username = env->username,
                        .password = env->password,
                        .step_name = "preflight"};
    if (transfer_prepare(&t, cfg, &req, NULL) < 0) {
        snprintf(err, errlen, "out of memory preparing the preflight");
        goto out;
    }
    curl_easy_setopt(t.easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(t.easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(t.easy, CURLOPT_XFERINFODATA, (void *)cfg->stop);
    CURLcode code = curl_easy_perform(t.easy);
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    if (cfg->stop && *cfg->stop) {
        v.kind = PREFLIGHT_INTERRUPTED;
        snprintf(v.cause, sizeof v.cause, "the run was interrupted");
    } else if (status > 0) {
        /* an answer over the engine's bounds is still an answer: the server speaks HTTP */
        judge_answer(status, env, &v);
    } else {
        judge_failure(cfg, &t, code, base_url, &v);
    }
    redact_into(out->cause, sizeof out->cause, v.cause);
    snprintf(out->hint, sizeof out->hint, "%s", v.hint);
    out->kind = v.kind;
    out->status = v.status;
    rc = 0;
out:
    transfer_free(&t);
    kbuf_free(&url);
    curl_global_cleanup();
    return rc;
}

int preflight_settle(const exec_job *jobs, size_t n, test_result *results,
                     const preflight_verdict *v)
{
    for (size_t i = 0; i < n; i++) {
        const case_test *t = jobs[i].test;
        test_result *r = &results[i];
        char reason[600];
        if (test_result_describe(r, t->suite, t->id, t->title, t->file, t->line, t->clauses,
                                 t->n_clauses, t->tags, t->n_tags, jobs[i].market) != 0)
            return -1;
        if (t->skip_reason) {
            r->status = RESULT_SKIP;
            snprintf(reason, sizeof reason, "%s", t->skip_reason);
        } else if (v->kind == PREFLIGHT_INTERRUPTED) {
            r->status = RESULT_SKIP;
            snprintf(reason, sizeof reason, "not run: the run was interrupted");
        } else {
            r->status = RESULT_ERROR;
            snprintf(reason, sizeof reason, "not run: %s", v->cause);
        }
        if (!(r->message = strdup(reason)))
            return -1;
    }
    return 0;
}
