/* Out of memory in the engine never loses a result: with strndup failing on the
 * engine's thread (linked with -Wl,--wrap=strndup), the response headers cannot be kept
 * and every test ends as an error that says so, instead of a retried transport error. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "exec.h"
#include "fake_case.h"
#include "hostile/hostile.h"

char *__real_strndup(const char *s, size_t n);
char *__wrap_strndup(const char *s, size_t n);

static pthread_t engine_thread;
static bool failing;

/* Fails on the engine's thread only: the server under test runs on its own. */
char *__wrap_strndup(const char *s, size_t n)
{
    if (failing && pthread_equal(pthread_self(), engine_thread))
        return NULL;
    return __real_strndup(s, n);
}

static const fake_step one_step[] = {{"GET", "/x", NULL, 200, NULL, false, false, 0}};
static const fake_script one = {one_step, 1};

Test(exec_oom, ends_a_test_whose_response_cannot_be_kept_as_an_error_that_says_so)
{
    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    case_test tests[3];
    test_result res[3];
    exec_config cfg;
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < 3; i++)
        fake_test(&tests[i], "oom", "oom.case", &one);
    exec_config_defaults(&cfg);
    cfg.jobs = 2;
    cfg.retries = 2;
    engine_thread = pthread_self();
    failing = true;
    fake_run(&cfg, hostile_url(h), tests, 3, res);
    failing = false;
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(res[i].status, RESULT_ERROR, "test %zu", i);
        cr_expect_str_eq(res[i].message, "out of memory keeping the response", "test %zu", i);
        cr_expect_eq(res[i].n_retries, 0, "test %zu was retried", i);
        test_result_clear(&res[i]);
    }
    cr_expect_eq(hostile_requests(h), 3);
    hostile_stop(h);
}
