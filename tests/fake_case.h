/* fake_case: a test double of harness/case.h for the executor's tests — a test is a
 * fixed list of steps (method, path, body, expected status, expected body text), so
 * exec.c can be tested without the real case module. */
#ifndef KPCT_TEST_FAKE_CASE_H
#define KPCT_TEST_FAKE_CASE_H

#include "case.h"

typedef struct fake_step {
    const char *method;
    const char *path;
    const char *body;
    long expect_status;
    const char *expect_body; /* substring the body must contain; NULL = anything */
    bool build_error;        /* case_run_next fails at this step */
    bool admin;              /* an admin-API call (path should be /__admin/...) */
} fake_step;

typedef struct fake_script {
    const fake_step *steps;
    size_t n_steps;
} fake_script;

/* Fills a case_test whose priv is script. */
void fake_test(case_test *t, const char *suite, const char *id, const fake_script *script);
/* Forgets every registered secret. */
void fake_redact_reset(void);

#endif
