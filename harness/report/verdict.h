/* verdict: what a sign-off reader needs first — passed, failed, errored or interrupted,
 * why in one sentence, and the failing clauses with their first failing test. Shared by
 * report.html, summary.md and the console recap, so all three say the same thing.
 * Ownership: verdict_problems hands out an array the caller frees with free(); its
 * entries borrow the run's results. Sentences are plain text: callers escape them. */
#ifndef KPCT_VERDICT_H
#define KPCT_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "coverage.h"
#include "kbuf.h"
#include "result.h"

/* In the order kpct run's exit status ranks them: a signal, then errors, then failures. */
typedef enum { VERDICT_PASSED, VERDICT_FAILED, VERDICT_ERRORED, VERDICT_INTERRUPTED } verdict_kind;

/* Tests that fail or error and cover no catalog clause are grouped under this index. */
#define VERDICT_NO_CLAUSE SIZE_MAX

/* One clause that failed or errored in some market. */
typedef struct verdict_problem {
    size_t clause; /* index in the run's catalog, or VERDICT_NO_CLAUSE */
    const test_result
        *first;             /* first failed test of the clause in plan order, else first errored */
    size_t failed, errored; /* its tests that failed / errored, over every market */
} verdict_problem;

/* Returns the run's verdict. */
verdict_kind verdict_of(const run_report *run);
/* Returns "passed", "failed", "errored" or "interrupted". */
const char *verdict_name(verdict_kind v);
/* Appends the verdict's reason as one sentence ending in '.', e.g. "3 tests failed,
 * breaking 1 clause: update.bad_value.purchase_currency."; returns 0, or -1 at out's ceiling. */
int verdict_sentence(kbuf *out, const run_report *run, const coverage *cov);
/* Lists the clauses with failed or errored tests, in catalog order (then
 * VERDICT_NO_CLAUSE); returns 0 with *out (NULL when *n is 0), or -1 on OOM. */
int verdict_problems(const run_report *run, verdict_problem **out, size_t *n);
/* Whether the test failed or errored and covers clause (VERDICT_NO_CLAUSE: covers no
 * catalog clause). */
int verdict_test_in(const run_report *run, const test_result *t, size_t clause);

#endif
