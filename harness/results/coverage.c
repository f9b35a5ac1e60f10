/* coverage: the per-market roll-up of a run's results into one status per clause of its
 * catalog, and the console's closing lines (docs/contract.md §5, docs/kpct.md). */
#include "coverage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[CLAUSE_STATUS_COUNT] = {
    "passing",     "failing",        "erroring",        "skipped-only",
    "not-covered", "not-applicable", "reading-differs",
};

const char *coverage_status_name(clause_status s)
{
    return (unsigned)s < CLAUSE_STATUS_COUNT ? status_names[s] : "unknown";
}

int coverage_status_parse(const char *name, clause_status *out)
{
    for (int s = 0; s < CLAUSE_STATUS_COUNT; s++)
        if (!strcmp(name, status_names[s])) {
            *out = (clause_status)s;
            return 0;
        }
    return -1;
}

bool coverage_result_covers(const test_result *t, const char *clause)
{
    for (size_t i = 0; i < t->n_clauses; i++)
        if (t->clauses[i] && !strcmp(t->clauses[i], clause))
            return true;
    return false;
}

bool coverage_cell_ran(const coverage_cell *cell)
{
    return cell->by_result[RESULT_PASS] || cell->by_result[RESULT_FAIL] ||
           cell->by_result[RESULT_ERROR] || cell->by_result[RESULT_READING_DIFFERS];
}

static clause_status roll_up(const coverage_cell *t, bool applicable)
{
    if (t->by_result[RESULT_FAIL])
        return CLAUSE_FAILING;
    /* one test the target answers otherwise is enough to show the reading is in doubt */
    if (t->by_result[RESULT_READING_DIFFERS])
        return CLAUSE_READING_DIFFERS;
    if (t->by_result[RESULT_PASS])
        return CLAUSE_PASSING;
    if (t->by_result[RESULT_ERROR])
        return CLAUSE_ERRORING;
    if (t->by_result[RESULT_SKIP])
        return CLAUSE_SKIPPED_ONLY;
    return applicable ? CLAUSE_NOT_COVERED : CLAUSE_NOT_APPLICABLE;
}

/* Whether clause c applies in market mk: as the run recorded it for its own markets; a
 * market only results name, or a run without the record, has every clause apply. */
static bool applies(const run_report *run, const char *mk, size_t c)
{
    if (!run->applicable)
        return true;
    for (size_t m = 0; m < run->n_markets; m++)
        if (run->markets[m] && !strcmp(run->markets[m], mk))
            return run->applicable[m * run->n_clauses + c];
    return true;
}

static int market_compute(const run_report *run, coverage_market *mc)
{
    size_t n = run->n_clauses;
    mc->cells = calloc(n ? n : 1, sizeof *mc->cells);
    if (!mc->cells)
        return -1;
    for (size_t i = 0; i < run->count; i++) {
        const test_result *r = &run->results[i];
        if (!r->id || !r->market || strcmp(r->market, mc->market) ||
            (unsigned)r->status >= RESULT_STATUS_COUNT)
            continue;
        for (size_t c = 0; c < n; c++)
            if (coverage_result_covers(r, run->clauses[c].id))
                mc->cells[c].by_result[r->status]++;
    }
    size_t passing = 0;
    for (size_t c = 0; c < n; c++) {
        coverage_cell *t = &mc->cells[c];
        /* a test that ran covers the clause even if the catalog's market filter missed it */
        bool ran = coverage_cell_ran(t);
        t->status = roll_up(t, applies(run, mc->market, c) || ran || t->by_result[RESULT_SKIP]);
        mc->by_status[t->status]++;
        if (t->status == CLAUSE_NOT_APPLICABLE)
            continue;
        mc->applicable++;
        if (ran)
            mc->covered++;
        /* a mock-only clause that could only be skipped does not count against the target */
        if (t->status == CLAUSE_SKIPPED_ONLY && run->clauses[c].mock_only)
            continue;
        /* nor does an unconfirmed reading the target does not follow: it is ours in doubt */
        if (t->status == CLAUSE_READING_DIFFERS)
            continue;
        mc->counted++;
        if (t->status == CLAUSE_PASSING)
            passing++;
    }
    mc->passing_pct = mc->counted ? 100.0 * (double)passing / (double)mc->counted : 100.0;
    return 0;
}

void coverage_free(coverage *cov)
{
    if (!cov)
        return;
    for (size_t m = 0; m < cov->n_markets; m++)
        free(cov->markets[m].cells);
    free(cov->markets);
    free(cov);
}

static bool seen_market(const coverage *cov, const char *market)
{
    for (size_t m = 0; m < cov->n_markets; m++)
        if (!strcmp(cov->markets[m].market, market))
            return true;
    return false;
}

int coverage_compute(const run_report *run, coverage **out)
{
    coverage *cov = calloc(1, sizeof *cov);
    size_t cap = run->n_markets + run->count;
    if (!cov || !(cov->markets = calloc(cap ? cap : 1, sizeof *cov->markets)))
        goto fail;
    cov->clauses = run->clauses;
    cov->n_clauses = run->n_clauses;
    /* markets in the order the run lists them, then any that only appear in results */
    for (size_t i = 0; i < cap; i++) {
        const char *mk =
            i < run->n_markets ? run->markets[i] : run->results[i - run->n_markets].market;
        if (!mk || seen_market(cov, mk))
            continue;
        coverage_market *mc = &cov->markets[cov->n_markets++];
        mc->market = mk;
        if (market_compute(run, mc) < 0)
            goto fail;
    }
    *out = cov;
    return 0;
fail:
    coverage_free(cov);
    return -1;
}

static int summary_line(const coverage_market *mc, bool several, kbuf *out)
{
    size_t passing = mc->by_status[CLAUSE_PASSING];
    if (kbuf_printf(out, "clauses%s%s%s: %zu/%zu covered, %zu passing", several ? " (" : "",
                    several ? mc->market : "", several ? ")" : "", mc->covered, mc->applicable,
                    passing) < 0)
        return -1;
    static const struct {
        clause_status s;
        const char *what;
    } extra[] = {{CLAUSE_FAILING, "failing"},         {CLAUSE_READING_DIFFERS, "reading differs"},
                 {CLAUSE_ERRORING, "erroring"},       {CLAUSE_SKIPPED_ONLY, "skipped"},
                 {CLAUSE_NOT_COVERED, "not covered"}, {CLAUSE_NOT_APPLICABLE, "not applicable"}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (mc->by_status[extra[i].s] &&
            kbuf_printf(out, ", %zu %s", mc->by_status[extra[i].s], extra[i].what) < 0)
            return -1;
    return kbuf_puts(out, "\n");
}

int coverage_summary(const coverage *cov, kbuf *out, double *passing_pct)
{
    double lowest = 100.0;
    int rc = 0;
    for (size_t m = 0; cov->n_clauses && m < cov->n_markets && rc == 0; m++) {
        if (cov->markets[m].passing_pct < lowest)
            lowest = cov->markets[m].passing_pct;
        rc = summary_line(&cov->markets[m], cov->n_markets > 1, out);
    }
    if (passing_pct)
        *passing_pct = rc == 0 ? lowest : 0.0;
    return rc;
}
