/* The executor against misbehaving servers: each ends as the right failure or error,
 * within its timeout, and the reports stay valid. Uses the case.h test double. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact.h"
#include "exec.h"
#include "fake_case.h"
#include "hostile/hostile.h"
#include "report_check.h"

typedef struct hostile_row {
    const char *name;
    hostile_kind kind;
    int status;
    const char *content_type;
    const char *body;
    long expect_status;
    const char *expect_body;
    unsigned retries;
    result_status want;
    const char *want_message; /* substring of the one-line message */
    size_t want_retries;
} hostile_row;

static const hostile_row rows[] = {
    {"wrong status", HOSTILE_STATUS, 404, "application/json", "{\"x\":1}", 200, NULL, 0,
     RESULT_FAIL, "expected status 200, got 404", 0},
    {"wrong body", HOSTILE_STATUS, 200, "application/json", "{\"x\":1}", 200, "session_id", 0,
     RESULT_FAIL, "expected the body to contain", 0},
    {"non-JSON error with terminal escapes and broken UTF-8", HOSTILE_STATUS, 400, "text/html",
     "<html>\x1b[31mred\x1b[0m ]]> \x01\x02 \xff\xfe \xed\xa0\x80 & \"q\"</html>", 400, "session",
     0, RESULT_FAIL, "expected the body to contain", 0},
    {"hang past the timeout", HOSTILE_HANG, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "total timeout 400 ms", 0},
    {"connection reset mid-body", HOSTILE_RESET_MID_BODY, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "step 1", 0},
    {"a 50 MB body", HOSTILE_HUGE_BODY, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "response body of 52428800 bytes exceeds the 1048576-byte bound", 0},
    {"slow drip", HOSTILE_SLOW_DRIP, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "total timeout 400 ms", 0},
    {"10,000 response headers", HOSTILE_HEADER_FLOOD, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "response headers exceed the bound (200 headers, 65536 bytes)", 0},
    {"an answer that is not HTTP", HOSTILE_GARBAGE, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "step 1", 0},
    {"a chunked body without end", HOSTILE_CHUNKED_HUGE, 0, NULL, NULL, 200, NULL, 0, RESULT_ERROR,
     "response body exceeds the 1048576-byte bound", 0},
    {"a 503 then success, with retries", HOSTILE_FLAKY, 0, NULL, NULL, 200, NULL, 2, RESULT_PASS,
     NULL, 1},
    {"a 503 without retries", HOSTILE_FLAKY, 0, NULL, NULL, 200, NULL, 0, RESULT_FAIL,
     "expected status 200, got 503", 0},
};

static void check_reports(test_result *results, size_t n)
{
    run_report run;
    char dir[256], path[512], *v;
    report_check_header(&run, results, n);
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_expect(report_check_schema(path), "junit.xml in %s is not valid", dir);
    v = report_check_xpath(path, "count(//testcase)");
    cr_expect_str_eq(v, "1");
    free(v);
    for (size_t i = 0; i < n; i++)
        test_result_clear(&results[i]);
}

Test(exec_hostile, ends_each_misbehaviour_as_the_right_outcome_with_valid_reports)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const hostile_row *r = &rows[i];
        hostile *h = hostile_start(r->kind, r->status, r->content_type, r->body);
        cr_assert_not_null(h);
        fake_step step = {.method = "POST",
                          .path = "/payments/v1/sessions/x",
                          .body = "{\"a\":1}",
                          .expect_status = r->expect_status,
                          .expect_body = r->expect_body};
        fake_script script = {&step, 1};
        case_test t;
        test_result res[1];
        exec_config cfg;
        memset(res, 0, sizeof res);
        fake_test(&t, "hostile", "hostile.case", &script);
        exec_config_defaults(&cfg);
        cfg.timeout_ms = 400;
        cfg.connect_timeout_ms = 400;
        cfg.retries = r->retries;
        cfg.backoff_ms = 10;
        fake_run(&cfg, hostile_url(h), &t, 1, res);
        cr_expect_eq(res[0].status, r->want, "%s: status %s, message %s", r->name,
                     result_status_name(res[0].status), res[0].message);
        if (r->want_message)
            cr_expect(res[0].message && strstr(res[0].message, r->want_message),
                      "%s: message \"%s\" lacks \"%s\"", r->name, res[0].message, r->want_message);
        cr_expect_eq(res[0].n_retries, r->want_retries, "%s: %zu retries", r->name,
                     res[0].n_retries);
        cr_expect(res[0].seconds < 5.0, "%s took %.1f s", r->name, res[0].seconds);
        if (r->want != RESULT_PASS)
            cr_expect(res[0].detail && strstr(res[0].detail, "curl -sS -X POST"),
                      "%s: detail lacks the curl command: %s", r->name, res[0].detail);
        check_reports(res, 1);
        hostile_stop(h);
    }
}

Test(exec_hostile, reports_an_endpoint_that_is_down_as_an_error)
{
    char url[64];
    hostile_dead_url(url, sizeof url);
    fake_step step = {"GET", "/payments/v1/sessions/x", NULL, 200, NULL, false, false, 0};
    fake_script script = {&step, 1};
    case_test t;
    test_result res[1];
    exec_config cfg;
    memset(res, 0, sizeof res);
    fake_test(&t, "down", "down.case", &script);
    exec_config_defaults(&cfg);
    fake_run(&cfg, url, &t, 1, res);
    cr_expect_eq(res[0].status, RESULT_ERROR);
    cr_expect(strstr(res[0].message, "onnect"), "%s", res[0].message);
    check_reports(res, 1);
}

Test(exec_hostile, reports_a_step_that_cannot_be_built_as_an_error)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    fake_step steps[] = {{"GET", "/a", NULL, 200, NULL, false, false, 0},
                         {"GET", "/b", NULL, 200, NULL, true, false, 0}};
    fake_script script = {steps, 2};
    case_test t;
    test_result res[1];
    exec_config cfg;
    memset(res, 0, sizeof res);
    fake_test(&t, "build", "build.case", &script);
    exec_config_defaults(&cfg);
    fake_run(&cfg, hostile_url(h), &t, 1, res);
    cr_expect_eq(res[0].status, RESULT_ERROR);
    cr_expect(strstr(res[0].message, "step 2: cannot build the request: undefined variable"), "%s",
              res[0].message);
    cr_expect_eq(hostile_requests(h), 1);
    check_reports(res, 1);
    hostile_stop(h);
}

Test(exec_hostile, stops_trying_a_target_that_is_down_and_errors_the_rest)
{
    enum { N = 20 };
    char url[64];
    hostile_dead_url(url, sizeof url);
    fake_step step = {"GET", "/payments/v1/sessions/x", NULL, 200, NULL, false, false, 0};
    fake_script script = {&step, 1};
    case_test t[N];
    test_result res[N];
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < N; i++)
        fake_test(&t[i], "down", "down.case", &script);
    t[N - 1].skip_reason = "needs the reference mock";
    exec_config_defaults(&cfg);
    cfg.jobs = 2;
    /* libcurl's reason names the host: the not-run message is redacted like any other */
    redact_add("127.0.0.1");
    fake_run(&cfg, url, t, N, res);
    redact_reset();
    size_t tried = 0, not_run = 0;
    for (size_t i = 0; i < N - 1; i++) {
        cr_expect_eq(res[i].status, RESULT_ERROR, "test %zu", i);
        cr_expect(!strstr(res[i].message, "127.0.0.1"), "test %zu: %s", i, res[i].message);
        if (strstr(res[i].message,
                   "not run: the target is unreachable (3 connections in a row failed"))
            not_run++;
        else
            tried++;
    }
    cr_expect_eq(res[N - 1].status, RESULT_SKIP);
    /* three failures trip it; tests already in flight (at most jobs - 1 more) finish */
    cr_expect(tried >= 3 && tried <= 3 + cfg.jobs - 1, "%zu tests tried to connect", tried);
    cr_expect_eq(tried + not_run, N - 1);
    for (size_t i = 0; i < N; i++)
        test_result_clear(&res[i]);
}

Test(exec_hostile, waits_out_retry_after_before_retrying_a_429)
{
    hostile *h = hostile_start(HOSTILE_RATE_LIMITED, 0, NULL, NULL);
    fake_step step = {"POST", "/payments/v1/sessions", "{}", 200, NULL, false, false, 0};
    fake_script script = {&step, 1};
    case_test t;
    test_result res[1];
    exec_config cfg;
    memset(res, 0, sizeof res);
    fake_test(&t, "quota", "quota.case", &script);
    exec_config_defaults(&cfg);
    cfg.retries = 1;
    cfg.backoff_ms = 10;
    fake_run(&cfg, hostile_url(h), &t, 1, res);
    cr_expect_eq(res[0].status, RESULT_PASS, "%s", res[0].message);
    cr_assert_eq(res[0].n_retries, 1);
    cr_expect(strstr(res[0].retries[0].message, "expected status 200, got 429"), "%s",
              res[0].retries[0].message);
    cr_expect_geq(res[0].seconds, 1.0, "retried after %.3f s despite Retry-After: 1",
                  res[0].seconds);
    cr_expect_eq(hostile_requests(h), 2);
    test_result_clear(&res[0]);
    hostile_stop(h);
}

static volatile sig_atomic_t stop_flag;

static void *stop_later(void *arg)
{
    (void)arg;
    usleep(1000 * 1000);
    stop_flag = 1;
    return NULL;
}

Test(exec_hostile, caps_an_absurd_retry_after_instead_of_retrying_at_once)
{
    /* LONG_MAX seconds: multiplied into milliseconds it overflowed to a negative wait */
    hostile *h = hostile_start(HOSTILE_RATE_LIMITED, 0, NULL, "9223372036854775807");
    fake_step step = {"POST", "/payments/v1/sessions", "{}", 200, NULL, false, false, 0};
    fake_script script = {&step, 1};
    case_test t;
    test_result res[1];
    exec_config cfg;
    pthread_t stopper;
    memset(res, 0, sizeof res);
    fake_test(&t, "quota", "quota.case", &script);
    exec_config_defaults(&cfg);
    cfg.retries = 1;
    cfg.backoff_ms = 10;
    stop_flag = 0;
    cfg.stop = &stop_flag;
    cr_assert_eq(pthread_create(&stopper, NULL, stop_later, NULL), 0);
    fake_run(&cfg, hostile_url(h), &t, 1, res);
    pthread_join(stopper, NULL);
    /* the retry waits the 10 s cap; the stop after 1 s finds it still waiting */
    cr_expect_eq(res[0].status, RESULT_ERROR, "%s: %s", result_status_name(res[0].status),
                 res[0].message);
    cr_expect(res[0].message && strstr(res[0].message, "while waiting to retry"), "%s",
              res[0].message);
    cr_expect_eq(hostile_requests(h), 1);
    test_result_clear(&res[0]);
    hostile_stop(h);
}

Test(exec_hostile, keeps_a_servers_escape_sequences_out_of_the_trace)
{
    hostile *h = hostile_start(HOSTILE_STATUS, 400, "text/plain",
                               "\x1b]0;pwned\x07\x1b[2Jcleared\xc2\x9b"
                               "31m\r\nline two");
    fake_step step = {"POST", "/payments/v1/sessions", "{}", 200, NULL, false, false, 0};
    fake_script script = {&step, 1};
    case_test t;
    test_result res[1];
    exec_config cfg;
    char *trace_text = NULL;
    size_t trace_len = 0;
    FILE *trace = open_memstream(&trace_text, &trace_len);
    memset(res, 0, sizeof res);
    fake_test(&t, "escapes", "escapes.case", &script);
    exec_config_defaults(&cfg);
    cfg.verbose = 2;
    cfg.trace = trace;
    fake_run(&cfg, hostile_url(h), &t, 1, res);
    fclose(trace);
    cr_expect(strstr(trace_text, "cleared"), "the body is not traced: %s", trace_text);
    cr_expect(strstr(trace_text, "line two"), "%s", trace_text);
    cr_expect_null(strchr(trace_text, '\x1b'), "an escape reached the trace: %s", trace_text);
    cr_expect_null(strstr(trace_text, "\xc2\x9b"), "a C1 CSI reached the trace");
    cr_expect_null(strchr(trace_text, '\r'), "a carriage return reached the trace");
    free(trace_text);
    test_result_clear(&res[0]);
    hostile_stop(h);
}

Test(exec_hostile, judges_a_413_sent_before_an_oversize_body_was_read)
{
    /* Without Expect: 100-continue the client is still sending when the server closes
     * on the unread body, and gets "Broken pipe" instead of the answer (a flaky error). */
    hostile *h = hostile_start(HOSTILE_EARLY_413, 0, NULL, NULL);
    static char big[1100001];
    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    fake_step step = {"POST", "/payments/v1/sessions", big, 413, NULL, false, false, 0};
    fake_script script = {&step, 1};
    enum { N = 8 };
    case_test t[N];
    test_result res[N];
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < N; i++)
        fake_test(&t[i], "big", "big.case", &script);
    exec_config_defaults(&cfg);
    cfg.jobs = 4;
    fake_run(&cfg, hostile_url(h), t, N, res);
    for (size_t i = 0; i < N; i++) {
        cr_expect_eq(res[i].status, RESULT_PASS, "test %zu: %s", i, res[i].message);
        test_result_clear(&res[i]);
    }
    /* the race cannot be forced; what removes it can be checked: the client offers to
     * wait for the answer before it sends the body */
    char **lines;
    size_t n = hostile_log(h, &lines);
    cr_expect_eq(n, N);
    for (size_t i = 0; i < n; i++)
        cr_expect(strstr(lines[i], "[expect-continue]"), "sent without offering to wait: %s",
                  lines[i]);
    hostile_stop(h);
}
