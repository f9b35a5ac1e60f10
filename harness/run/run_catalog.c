/* run_catalog: copy the clause catalog and per-market applicability into a run_report. */
#include "run_catalog.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool test_covers(const case_test *t, const char *clause)
{
    for (size_t i = 0; i < t->n_clauses; i++)
        if (t->clauses[i] && !strcmp(t->clauses[i], clause))
            return true;
    return false;
}

/* Marks in out[] the clauses some test of the set covers in this market, whatever the
 * target. Returns -1 when the set cannot say for this market. */
static int mark_market(const case_set *set, const char *market, const case_clause *clauses,
                       bool *out, size_t n)
{
    case_filter f = {.market = market, .target = TARGET_MOCK};
    const case_test **tests = NULL;
    size_t count = 0;
    char err[256];
    if (case_set_select(set, &f, &tests, &count, err, sizeof err) < 0)
        return -1;
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < count && !out[c]; i++)
            out[c] = test_covers(tests[i], clauses[c].id);
    free(tests);
    return 0;
}

/* Marks in anywhere[] the clauses some test covers in some market of the set. Returns -1
 * when the set cannot say for one of its markets. */
static int mark_anywhere(const case_set *set, const case_clause *clauses, bool *anywhere, size_t n)
{
    size_t n_markets = 0;
    const char *const *markets = case_set_markets(set, &n_markets);
    for (size_t m = 0; m < n_markets; m++)
        if (mark_market(set, markets[m], clauses, anywhere, n) < 0)
            return -1;
    return 0;
}

/* A clause is applicable in a market unless tests for it exist, but only for other markets
 * (e.g. the US sales-tax rules in Sweden). A clause no test covers anywhere stays
 * applicable, so it shows up as not covered. anywhere is NULL when it could not be told:
 * then every clause is applicable. */
static void mark_applicable(const case_set *set, const char *market, const case_clause *clauses,
                            bool *applicable, const bool *anywhere, size_t n)
{
    if (!anywhere || mark_market(set, market, clauses, applicable, n) < 0) {
        for (size_t c = 0; c < n; c++)
            applicable[c] = true;
        return;
    }
    for (size_t c = 0; c < n; c++)
        applicable[c] = applicable[c] || !anywhere[c];
}

static void free_clauses(result_clause *clauses, size_t n)
{
    for (size_t c = 0; clauses && c < n; c++) {
        free(clauses[c].id);
        free(clauses[c].title);
    }
    free(clauses);
}

int run_catalog_fill(run_report *run, const case_set *set, char *err, size_t errlen)
{
    size_t n = 0, cells = 0;
    const case_clause *src = case_set_clauses(set, &n);
    result_clause *clauses = calloc(n ? n : 1, sizeof *clauses);
    bool *anywhere = calloc(n ? n : 1, sizeof *anywhere), *applicable = NULL;
    if (!clauses || !anywhere)
        goto oom;
    for (size_t c = 0; c < n; c++) {
        clauses[c].id = strdup(src[c].id ? src[c].id : "");
        clauses[c].title = strdup(src[c].title ? src[c].title : "");
        clauses[c].mock_only = src[c].mock_only;
        clauses[c].unconfirmed = src[c].unconfirmed;
        if (!clauses[c].id || !clauses[c].title)
            goto oom;
    }
    cells = run->n_markets * n;
    if (!(applicable = calloc(cells ? cells : 1, sizeof *applicable)))
        goto oom;
    /* the same for every market: computed once */
    bool anywhere_known = mark_anywhere(set, src, anywhere, n) == 0;
    for (size_t m = 0; m < run->n_markets; m++)
        mark_applicable(set, run->markets[m], src, applicable + m * n,
                        anywhere_known ? anywhere : NULL, n);
    free(anywhere);
    free_clauses(run->clauses, run->n_clauses);
    free(run->applicable);
    run->clauses = clauses;
    run->n_clauses = n;
    run->applicable = applicable;
    return 0;
oom:
    free_clauses(clauses, n);
    free(anywhere);
    free(applicable);
    snprintf(err, errlen, "out of memory copying the clause catalog");
    return -1;
}
