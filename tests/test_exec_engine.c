/* The executor's scheduling: concurrency, step order, fail-fast, stops, skips and
 * redaction of traces. Uses the case.h test double against a well-behaved server. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redact.h"
#include "exec.h"
#include "sha256.h"
#include "fake_case.h"
#include "hostile/hostile.h"

#define N_TESTS 40

static void results_free(test_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        test_result_clear(&r[i]);
}

static const fake_step three_steps[] = {
    {"POST", "/payments/v1/sessions", "{\"a\":1}", 200, "ok", false, false, 0},
    {"POST", "/payments/v1/sessions/1", "{\"b\":2}", 200, NULL, false, false, 0},
    {"GET", "/payments/v1/sessions/1", NULL, 200, "true", false, false, 0},
};
static const fake_script passing = {three_steps, 3};
static const fake_step wrong_step[] = {{"GET", "/x", NULL, 201, NULL, false, false, 0}};
static const fake_script failing = {wrong_step, 1};

typedef struct counter {
    size_t calls;
} counter;

static void count_result(void *ctx, const test_result *r)
{
    (void)r;
    ((counter *)ctx)->calls++;
}

Test(exec_engine, runs_many_multi_step_tests_concurrently_and_passes_them_all)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[N_TESTS];
    test_result res[N_TESTS];
    counter c = {0};
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < N_TESTS; i++)
        fake_test(&tests[i], "many", "many.case", &passing);
    exec_config_defaults(&cfg);
    cfg.jobs = 4;
    cfg.on_result = count_result;
    cfg.ctx = &c;
    fake_run(&cfg, hostile_url(h), tests, N_TESTS, res);
    for (size_t i = 0; i < N_TESTS; i++) {
        cr_expect_eq(res[i].status, RESULT_PASS, "test %zu: %s", i, res[i].message);
        cr_assert_eq(res[i].n_steps, 3, "test %zu recorded %zu exchanges", i, res[i].n_steps);
        cr_expect_str_eq(res[i].steps[2].method, "GET");
        cr_expect(strstr(res[i].steps[2].url, "/payments/v1/sessions/1"));
        cr_expect_eq(res[i].steps[2].status, 200);
    }
    cr_expect_eq(c.calls, N_TESTS);
    cr_expect_eq(hostile_requests(h), 3 * N_TESTS);
    results_free(res, N_TESTS);
    hostile_stop(h);
}

typedef struct forgotten {
    size_t calls, sessions_path;
} forgotten;

static void note_forget(void *ctx, const char *captured)
{
    forgotten *f = ctx;
    f->calls++;
    f->sessions_path += strncmp(captured, "/payments/v1/sessions", 21) == 0;
}

Test(exec_engine, hands_every_finished_tests_captures_to_the_forget_hook_once)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[N_TESTS];
    test_result res[N_TESTS];
    forgotten f = {0};
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < N_TESTS; i++)
        fake_test(&tests[i], "many", "many.case", i % 2 ? &passing : &failing);
    exec_config_defaults(&cfg);
    cfg.jobs = 4;
    cfg.forget = note_forget;
    cfg.forget_ctx = &f;
    fake_run(&cfg, hostile_url(h), tests, N_TESTS, res);
    /* a passing test judged its 3 steps; a failing one its 1 step, then ended */
    cr_expect_eq(f.calls, (N_TESTS / 2) * 3 + (N_TESTS / 2) * 1);
    cr_expect_eq(f.sessions_path, (N_TESTS / 2) * 3);
    results_free(res, N_TESTS);
    hostile_stop(h);
}

/* The answer of a HOSTILE_DIGEST server to the generated body of n bytes. */
static void digest_answer(size_t n, char *out, size_t outlen)
{
    char *bytes = malloc(n), hex[SHA256_HEX];
    cr_assert(bytes);
    cr_assert_eq(case_generated_body(n, 0, bytes, n), n);
    cr_assert_eq(sha256_hex(bytes, n, hex), 0);
    free(bytes);
    snprintf(out, outlen, "{\"bytes\":%zu,\"sha256\":\"%s\"}", n, hex);
}

/* Runs one test of n steps against h with the default configuration into *res. */
static void run_steps(hostile *h, const fake_step *steps, size_t n, test_result *res)
{
    fake_script script = {steps, n};
    case_test t;
    exec_config cfg;
    memset(res, 0, sizeof *res);
    fake_test(&t, "generated", "generated.case", &script);
    exec_config_defaults(&cfg);
    fake_run(&cfg, hostile_url(h), &t, 1, res);
}

/* A first step whose body is held in memory, on the connection the next steps reuse. */
static const fake_step in_memory_step = {.method = "POST",
                                         .path = "/payments/v1/sessions",
                                         .body = "{\"a\":1}",
                                         .expect_status = 200,
                                         .expect_body = "\"bytes\":7,"};

/* A generated body goes out piece by piece, never whole in memory: the server reads
 * exactly case_generated_body's bytes, below and above the size that asks for
 * 100-continue, on one connection after a body held in memory. */
Test(exec_engine, sends_generated_bodies_byte_for_byte_as_announced)
{
    static const size_t sizes[] = {12, 70001, 1100000};
    enum { N = sizeof sizes / sizeof sizes[0] };
    hostile *h = hostile_start(HOSTILE_DIGEST, 0, NULL, NULL);
    char want[N][160];
    fake_step steps[N + 1] = {in_memory_step};
    test_result res;
    cr_assert(h);
    for (size_t i = 0; i < N; i++) {
        digest_answer(sizes[i], want[i], sizeof want[i]);
        steps[i + 1] = (fake_step){.method = "POST",
                                   .path = "/payments/v1/sessions/1",
                                   .expect_status = 200,
                                   .expect_body = want[i],
                                   .generated = sizes[i]};
    }
    run_steps(h, steps, N + 1, &res);
    cr_expect_eq(res.status, RESULT_PASS, "%s", res.message ? res.message : "");
    cr_expect_eq(res.n_steps, N + 1);
    cr_expect_eq(hostile_requests(h), N + 1);
    results_free(&res, 1);
    hostile_stop(h);
}

/* A kept-alive connection the server dropped after reading the request: libcurl sends
 * it again on a new one, and a generated body must be rewound (the seek callback) to
 * arrive whole the second time. */
Test(exec_engine, sends_a_generated_body_again_whole_when_a_reused_connection_dies)
{
    hostile *h = hostile_start(HOSTILE_DROP_REUSED, 0, NULL, NULL);
    char want[160];
    test_result res;
    cr_assert(h);
    digest_answer(70001, want, sizeof want);
    fake_step steps[] = {in_memory_step,
                         {.method = "POST",
                          .path = "/payments/v1/sessions/1",
                          .expect_status = 200,
                          .expect_body = want,
                          .generated = 70001}};
    run_steps(h, steps, 2, &res);
    cr_expect_eq(res.status, RESULT_PASS, "%s", res.message ? res.message : "");
    cr_expect_eq(hostile_requests(h), 3, "the dropped request is sent once more");
    results_free(&res, 1);
    hostile_stop(h);
}

Test(exec_engine, skips_tests_that_carry_a_skip_reason_without_sending_anything)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test t;
    test_result res[1];
    exec_config cfg;
    memset(res, 0, sizeof res);
    fake_test(&t, "skip", "skip.case", &passing);
    t.skip_reason = "needs the reference mock: step 1 advances the clock";
    exec_config_defaults(&cfg);
    fake_run(&cfg, hostile_url(h), &t, 1, res);
    cr_expect_eq(res[0].status, RESULT_SKIP);
    cr_expect_str_eq(res[0].message, "needs the reference mock: step 1 advances the clock");
    cr_expect_eq(hostile_requests(h), 0);
    results_free(res, 1);
    hostile_stop(h);
}

Test(exec_engine, stops_starting_tests_after_the_first_failure_with_fail_fast)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[5];
    test_result res[5];
    exec_config cfg;
    memset(res, 0, sizeof res);
    fake_test(&tests[0], "ff", "ff.first", &failing);
    for (size_t i = 1; i < 5; i++)
        fake_test(&tests[i], "ff", "ff.later", &passing);
    exec_config_defaults(&cfg);
    cfg.jobs = 1;
    cfg.fail_fast = true;
    fake_run(&cfg, hostile_url(h), tests, 5, res);
    cr_expect_eq(res[0].status, RESULT_FAIL);
    for (size_t i = 1; i < 5; i++) {
        cr_expect_eq(res[i].status, RESULT_SKIP);
        cr_expect_str_eq(res[i].message, "not run: --fail-fast stopped after ff.first");
    }
    results_free(res, 5);
    hostile_stop(h);
}

Test(exec_engine, marks_every_test_not_run_when_stopped_before_the_start)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[3];
    test_result res[3];
    exec_config cfg;
    static volatile sig_atomic_t stop = SIGINT;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < 3; i++)
        fake_test(&tests[i], "stop", "stop.case", &passing);
    exec_config_defaults(&cfg);
    cfg.stop = &stop;
    fake_run(&cfg, hostile_url(h), tests, 3, res);
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(res[i].status, RESULT_SKIP);
        cr_expect_str_eq(res[i].message, "not run: the run was interrupted");
    }
    results_free(res, 3);
    hostile_stop(h);
}

Test(exec_engine, never_shows_credentials_in_traces_or_stories)
{
    hostile *h =
        hostile_start(HOSTILE_STATUS, 418, "text/plain", "echo s3cr3t-pass and czNjcjN0LXBhc3M=");
    static case_env env = {.market = "SE", .username = "s3cr3t-user", .password = "s3cr3t-pass"};
    case_test t;
    test_result res[1];
    exec_config cfg;
    exec_job job;
    char err[256], *trace_text = NULL;
    size_t trace_len = 0;
    FILE *trace = open_memstream(&trace_text, &trace_len);
    memset(res, 0, sizeof res);
    redact_add("s3cr3t-user");
    redact_add("s3cr3t-pass");
    redact_add("s3cr3t-user:s3cr3t-pass");
    env.base_url = hostile_url(h);
    fake_test(&t, "leak", "leak.case", &failing);
    exec_config_defaults(&cfg);
    cfg.verbose = 2;
    cfg.trace = trace;
    job = (exec_job){&t, "SE", &env};
    cr_assert_eq(exec_run(&cfg, NULL, &job, 1, res, err, sizeof err), 0);
    fclose(trace);
    cr_expect_eq(res[0].status, RESULT_FAIL);
    cr_expect(strstr(trace_text, "-> 418"), "%s", trace_text);
    cr_expect(strstr(res[0].detail, "$KLARNA_USERNAME:$KLARNA_PASSWORD"), "%s", res[0].detail);
    const char *secrets[] = {"s3cr3t-user", "s3cr3t-pass", "czNjcjN0LXBhc3M="};
    for (size_t i = 0; i < 3; i++) {
        cr_expect_null(strstr(trace_text, secrets[i]), "trace shows %s", secrets[i]);
        cr_expect_null(strstr(res[0].detail, secrets[i]), "detail shows %s", secrets[i]);
        cr_expect_null(strstr(res[0].message, secrets[i]), "message shows %s", secrets[i]);
    }
    free(trace_text);
    redact_reset();
    results_free(res, 1);
    hostile_stop(h);
}

Test(exec_engine, spaces_create_session_calls_under_the_rate_limit)
{
    static const fake_step create[] = {
        {"POST", "/payments/v1/sessions", "{}", 200, NULL, false, false, 0}};
    static const fake_script creating = {create, 1};
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[5];
    test_result res[5];
    exec_config cfg;
    struct timespec t0, t1;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < 5; i++)
        fake_test(&tests[i], "rate", "rate.case", &creating);
    exec_config_defaults(&cfg);
    cfg.jobs = 5;
    cfg.create_per_s = 20; /* one start every 50 ms: 5 starts need at least 200 ms */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fake_run(&cfg, hostile_url(h), tests, 5, res);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    for (size_t i = 0; i < 5; i++)
        cr_expect_eq(res[i].status, RESULT_PASS);
    cr_expect_geq(took, 0.2, "5 creates at 20/s took only %.3f s", took);
    results_free(res, 5);
    hostile_stop(h);
}

/* Each test k sends "/t<k>/<step>"; test 2 advances the mock clock in its second step. */
Test(exec_engine, runs_a_test_that_moves_the_mock_clock_alone)
{
    enum { N = 8 };
    static char paths[N][3][32];
    static fake_step steps[N][3];
    static fake_script scripts[N];
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[N];
    test_result res[N];
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t k = 0; k < N; k++) {
        for (size_t i = 0; i < 3; i++) {
            bool admin = k == 2 && i == 1;
            snprintf(paths[k][i], sizeof paths[k][i], admin ? "/__admin/clock" : "/t%zu/%zu", k, i);
            steps[k][i] =
                (fake_step){admin ? "POST" : "GET", paths[k][i], NULL, 200, NULL, false, admin, 0};
        }
        scripts[k] = (fake_script){steps[k], 3};
        fake_test(&tests[k], "alone", "alone.case", &scripts[k]);
    }
    exec_config_defaults(&cfg);
    cfg.jobs = 4;
    fake_run(&cfg, hostile_url(h), tests, N, res);
    for (size_t k = 0; k < N; k++)
        cr_expect_eq(res[k].status, RESULT_PASS, "test %zu: %s", k, res[k].message);
    char **log;
    size_t n = hostile_log(h, &log), admin_at = n, last_at = n;
    for (size_t i = 0; i < n; i++) {
        if (strstr(log[i], "/__admin/clock"))
            admin_at = i;
        if (strstr(log[i], "/t2/2"))
            last_at = i;
    }
    cr_assert_lt(admin_at, last_at);
    /* From the clock change to the test's end, nobody else talks to the mock, and no
     * test that started before the change sends anything after it. */
    for (size_t i = admin_at + 1; i < last_at; i++)
        cr_expect(strstr(log[i], "/t2/"), "%s ran while the clock test was alone", log[i]);
    for (size_t i = last_at + 1; i < n; i++)
        for (size_t j = 0; j < admin_at; j++) {
            char test[16];
            snprintf(test, sizeof test, "%.*s", (int)(strchr(log[j] + 6, '/') - log[j]), log[j]);
            cr_expect(strncmp(log[i], test, strlen(test)),
                      "%s started before the clock change and went on after it", log[i]);
        }
    results_free(res, N);
    hostile_stop(h);
}
