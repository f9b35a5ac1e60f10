/* verdict: one reading of a run's outcome for every human-facing report. */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#define VERDICT_NAMED_CLAUSES 5 /* clauses a sentence names before "and N more" */

static const char *const names[] = {"passed", "failed", "errored", "interrupted"};

verdict_kind verdict_of(const run_report *run)
{
    size_t n[4], flaky;
    run_report_tally(run, n, &flaky);
    if (run->interrupted)
        return VERDICT_INTERRUPTED;
    if (n[RESULT_ERROR])
        return VERDICT_ERRORED;
    if (n[RESULT_FAIL])
        return VERDICT_FAILED;
    return VERDICT_PASSED;
}

const char *verdict_name(verdict_kind v)
{
    return (unsigned)v <= VERDICT_INTERRUPTED ? names[v] : "unknown";
}

static int covers_catalog(const run_report *run, const test_result *t)
{
    for (size_t c = 0; c < run->n_clauses; c++)
        if (coverage_result_covers(t, run->clauses[c].id))
            return 1;
    return 0;
}

int verdict_test_in(const run_report *run, const test_result *t, size_t clause)
{
    if (t->status != RESULT_FAIL && t->status != RESULT_ERROR)
        return 0;
    if (clause == VERDICT_NO_CLAUSE)
        return !covers_catalog(run, t);
    return clause < run->n_clauses && coverage_result_covers(t, run->clauses[clause].id);
}

static void tally_problem(const run_report *run, verdict_problem *p)
{
    const test_result *first_error = NULL;
    for (size_t i = 0; i < run->count; i++) {
        const test_result *t = &run->results[i];
        if (!verdict_test_in(run, t, p->clause))
            continue;
        if (t->status == RESULT_FAIL) {
            if (!p->failed++)
                p->first = t;
        } else if (!p->errored++) {
            first_error = t;
        }
    }
    if (!p->first)
        p->first = first_error;
}

int verdict_problems(const run_report *run, verdict_problem **out, size_t *n)
{
    verdict_problem *all = calloc(run->n_clauses + 1, sizeof *all);
    size_t count = 0;
    if (!all)
        return -1;
    for (size_t c = 0; c <= run->n_clauses; c++) {
        verdict_problem *p = &all[count];
        p->clause = c < run->n_clauses ? c : VERDICT_NO_CLAUSE;
        tally_problem(run, p);
        if (p->first)
            count++;
        else
            memset(p, 0, sizeof *p);
    }
    if (!count) {
        free(all);
        all = NULL;
    }
    *out = all;
    *n = count;
    return 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ": a, b, c and 2 more" over the problems' clause ids. */
static int clause_list(kbuf *out, const run_report *run, const verdict_problem *p, size_t n)
{
    size_t named = 0, shown = n < VERDICT_NAMED_CLAUSES ? n : VERDICT_NAMED_CLAUSES;
    for (size_t i = 0; i < shown; i++) {
        const char *id =
            p[i].clause == VERDICT_NO_CLAUSE ? "(no catalog clause)" : run->clauses[p[i].clause].id;
        if (kbuf_printf(out, "%s%s", named++ ? ", " : ": ", id) < 0)
            return -1;
    }
    return n > shown ? kbuf_printf(out, " and %zu more", n - shown) : 0;
}

int verdict_sentence(kbuf *out, const run_report *run, const coverage *cov)
{
    size_t n[4], flaky, n_problems = 0;
    verdict_problem *problems = NULL;
    int rc = -1;
    run_report_tally(run, n, &flaky);
    if (verdict_problems(run, &problems, &n_problems) < 0)
        return -1;
    switch (verdict_of(run)) {
    case VERDICT_INTERRUPTED:
        if (kbuf_printf(out,
                        "Stopped by a signal before the end: the results are partial (%zu passed, "
                        "%zu failed, %zu errored, %zu skipped or not run, of %zu tests)",
                        n[RESULT_PASS], n[RESULT_FAIL], n[RESULT_ERROR], n[RESULT_SKIP],
                        run->count) < 0)
            goto out;
        break;
    case VERDICT_ERRORED:
        if (kbuf_printf(out, "%zu %s could not be judged (errored)", n[RESULT_ERROR],
                        plural(n[RESULT_ERROR], "test", "tests")) < 0 ||
            (n[RESULT_FAIL] && kbuf_printf(out, " and %zu failed", n[RESULT_FAIL]) < 0) ||
            kbuf_printf(out, ", in %zu %s", n_problems, plural(n_problems, "clause", "clauses")) <
                0 ||
            clause_list(out, run, problems, n_problems) < 0)
            goto out;
        break;
    case VERDICT_FAILED:
        if (kbuf_printf(out, "%zu %s failed, breaking %zu %s", n[RESULT_FAIL],
                        plural(n[RESULT_FAIL], "test", "tests"), n_problems,
                        plural(n_problems, "clause", "clauses")) < 0 ||
            clause_list(out, run, problems, n_problems) < 0)
            goto out;
        break;
    case VERDICT_PASSED: {
        size_t passing = 0, counted = 0;
        for (size_t m = 0; cov && m < cov->n_markets; m++) {
            passing += cov->markets[m].by_status[CLAUSE_PASSING];
            counted += cov->markets[m].counted;
        }
        if ((n[RESULT_PASS] == run->count
                 ? kbuf_printf(out, "All %zu %s passed", n[RESULT_PASS],
                               plural(n[RESULT_PASS], "test", "tests"))
                 : kbuf_printf(out, "%zu of %zu tests passed", n[RESULT_PASS], run->count)) < 0 ||
            (n[RESULT_SKIP] && kbuf_printf(out, ", %zu skipped", n[RESULT_SKIP]) < 0) ||
            (flaky && kbuf_printf(out, ", %zu only after retries", flaky) < 0) ||
            (run->n_clauses &&
             kbuf_printf(out, "; %zu of %zu clause checks passing over %zu %s", passing, counted,
                         run->n_markets, plural(run->n_markets, "market", "markets")) < 0))
            goto out;
        break;
    }
    }
    rc = kbuf_puts(out, ".");
out:
    free(problems);
    return rc;
}
