/* fake_case: a test double of harness/case.h for the executor's tests — a test is a
 * fixed list of steps (method, path, body, expected status, expected body text), so
 * exec.c can be tested without the real case module. What a fake test "captures" is the
 * path of each step judged so far. */
#ifndef KPCT_TEST_FAKE_CASE_H
#define KPCT_TEST_FAKE_CASE_H

#include "case.h"
#include "exec.h"

typedef struct fake_step {
    const char *method;
    const char *path;
    const char *body;
    long expect_status;
    const char *expect_body; /* substring the body must contain; NULL = anything */
    bool build_error;        /* case_run_next fails at this step */
    bool admin;              /* an admin-API call (path should be /__admin/...) */
    size_t generated;        /* > 0: body is NULL and this many bytes are generated */
} fake_step;

typedef struct fake_script {
    const fake_step *steps;
    size_t n_steps;
} fake_script;

/* Fills a case_test whose priv is script. */
void fake_test(case_test *t, const char *suite, const char *id, const fake_script *script);
/* Runs n (at most 64) tests with exec_run as SE jobs against base_url, as user "user"
 * with password "pass"; asserts exec_run succeeded. */
void fake_run(const exec_config *cfg, const char *base_url, const case_test *tests, size_t n,
              test_result *results);
#endif
