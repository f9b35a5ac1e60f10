/* coverage: contract coverage of a run — for each market run and each clause of the catalog,
 * how the tests covering it ended, rolled up into one status per clause (SPEC §3.5, §4.4). */
#include "coverage.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"

/* The roll-up of one clause in one market. */
typedef enum {
    CLAUSE_PASSING,        /* a test passed and none failed */
    CLAUSE_FAILING,        /* a test failed */
    CLAUSE_ERRORING,       /* tests could not be judged and none passed or failed */
    CLAUSE_SKIPPED_ONLY,   /* its tests were all skipped (e.g. mock-only on the playground) */
    CLAUSE_NOT_COVERED,    /* tests exist for this market but none was in the run */
    CLAUSE_NOT_APPLICABLE, /* no test covers it in this market (e.g. US sales tax elsewhere) */
    CLAUSE_STATUS_COUNT
} clause_status;

static const char *const status_names[CLAUSE_STATUS_COUNT] = {
    "passing", "failing", "erroring", "skipped-only", "not-covered", "not-applicable",
};

typedef struct clause_tally {
    size_t by_result[4]; /* indexed by result_status */
    clause_status status;
} clause_tally;

/* Everything computed for one market. */
typedef struct market_cov {
    const char *market;
    clause_tally *tallies; /* one per clause of the catalog */
    size_t by_status[CLAUSE_STATUS_COUNT];
    size_t applicable; /* catalog minus not-applicable */
    size_t covered;    /* a test ran (passed, failed or errored) */
    size_t counted;    /* denominator of the passing share: applicable minus mock-only skipped */
    double passing_pct;
} market_cov;

typedef struct coverage {
    const case_clause *clauses;
    size_t n_clauses;
    market_cov *markets;
    size_t n_markets;
} coverage;

static bool result_covers(const test_result *t, const char *clause)
{
    for (size_t i = 0; i < t->n_clauses; i++)
        if (t->clauses[i] && !strcmp(t->clauses[i], clause))
            return true;
    return false;
}

static bool test_covers(const case_test *t, const char *clause)
{
    for (size_t i = 0; i < t->n_clauses; i++)
        if (t->clauses[i] && !strcmp(t->clauses[i], clause))
            return true;
    return false;
}

/* Marks in out[] the clauses some test of the set covers in this market, whatever the target.
 * Returns -1 when the set cannot say for this market. */
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

/* Whether a test covering the clause ran (passed, failed or errored). */
static bool tally_ran(const clause_tally *t)
{
    return t->by_result[RESULT_PASS] || t->by_result[RESULT_FAIL] || t->by_result[RESULT_ERROR];
}

static clause_status roll_up(const clause_tally *t, bool applicable)
{
    if (t->by_result[RESULT_FAIL])
        return CLAUSE_FAILING;
    if (t->by_result[RESULT_PASS])
        return CLAUSE_PASSING;
    if (t->by_result[RESULT_ERROR])
        return CLAUSE_ERRORING;
    if (t->by_result[RESULT_SKIP])
        return CLAUSE_SKIPPED_ONLY;
    return applicable ? CLAUSE_NOT_COVERED : CLAUSE_NOT_APPLICABLE;
}

static int market_compute(const case_set *set, const run_report *run, const coverage *cov,
                          const bool *anywhere, market_cov *mc)
{
    size_t n = cov->n_clauses;
    mc->tallies = calloc(n ? n : 1, sizeof *mc->tallies);
    bool *applicable = calloc(n ? n : 1, sizeof *applicable);
    if (!mc->tallies || !applicable) {
        free(applicable);
        return -1;
    }
    mark_applicable(set, mc->market, cov->clauses, applicable, anywhere, n);
    for (size_t i = 0; i < run->count; i++) {
        const test_result *r = &run->results[i];
        if (!r->id || !r->market || strcmp(r->market, mc->market) ||
            (unsigned)r->status > RESULT_SKIP)
            continue;
        for (size_t c = 0; c < n; c++)
            if (result_covers(r, cov->clauses[c].id))
                mc->tallies[c].by_result[r->status]++;
    }
    size_t passing = 0;
    for (size_t c = 0; c < n; c++) {
        clause_tally *t = &mc->tallies[c];
        /* a test that ran covers the clause even if the catalog's market filter missed it */
        bool ran = tally_ran(t);
        t->status = roll_up(t, applicable[c] || ran || t->by_result[RESULT_SKIP]);
        mc->by_status[t->status]++;
        if (t->status == CLAUSE_NOT_APPLICABLE)
            continue;
        mc->applicable++;
        if (ran)
            mc->covered++;
        /* a mock-only clause that could only be skipped does not count against the target */
        if (t->status == CLAUSE_SKIPPED_ONLY && cov->clauses[c].mock_only)
            continue;
        mc->counted++;
        if (t->status == CLAUSE_PASSING)
            passing++;
    }
    mc->passing_pct = mc->counted ? 100.0 * (double)passing / (double)mc->counted : 100.0;
    free(applicable);
    return 0;
}

static void coverage_free(coverage *cov)
{
    for (size_t m = 0; m < cov->n_markets; m++)
        free(cov->markets[m].tallies);
    free(cov->markets);
    cov->markets = NULL;
    cov->n_markets = 0;
}

static bool seen_market(const coverage *cov, const char *market)
{
    for (size_t m = 0; m < cov->n_markets; m++)
        if (!strcmp(cov->markets[m].market, market))
            return true;
    return false;
}

/* Markets in the order the run lists them, then any that only appear in results. */
static int coverage_compute(const case_set *set, const run_report *run, coverage *cov)
{
    memset(cov, 0, sizeof *cov);
    cov->clauses = case_set_clauses(set, &cov->n_clauses);
    size_t cap = run->n_markets + run->count;
    cov->markets = calloc(cap ? cap : 1, sizeof *cov->markets);
    /* the same for every market: computed once */
    bool *anywhere = calloc(cov->n_clauses ? cov->n_clauses : 1, sizeof *anywhere);
    if (!cov->markets || !anywhere)
        goto fail;
    bool anywhere_known = mark_anywhere(set, cov->clauses, anywhere, cov->n_clauses) == 0;
    for (size_t i = 0; i < run->n_markets + run->count; i++) {
        const char *mk =
            i < run->n_markets ? run->markets[i] : run->results[i - run->n_markets].market;
        if (!mk || seen_market(cov, mk))
            continue;
        market_cov *mc = &cov->markets[cov->n_markets++];
        mc->market = mk;
        if (market_compute(set, run, cov, anywhere_known ? anywhere : NULL, mc) < 0)
            goto fail;
    }
    free(anywhere);
    return 0;
fail:
    free(anywhere);
    coverage_free(cov);
    return -1;
}

static cJSON *tally_json(const size_t by_result[4])
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    static const char *const names[4] = {"passed", "failed", "errored", "skipped"};
    size_t total = 0;
    for (int k = 0; k < 4; k++) {
        total += by_result[k];
        if (!cJSON_AddNumberToObject(o, names[k], (double)by_result[k]))
            goto fail;
    }
    if (!cJSON_AddNumberToObject(o, "total", (double)total))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *totals_json(const market_cov *mc, size_t n_clauses)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (!cJSON_AddNumberToObject(o, "clauses", (double)n_clauses) ||
        !cJSON_AddNumberToObject(o, "applicable", (double)mc->applicable) ||
        !cJSON_AddNumberToObject(o, "covered", (double)mc->covered))
        goto fail;
    for (int s = 0; s < CLAUSE_STATUS_COUNT; s++)
        if (!cJSON_AddNumberToObject(o, status_names[s], (double)mc->by_status[s]))
            goto fail;
    if (!cJSON_AddNumberToObject(o, "counted", (double)mc->counted) ||
        !cJSON_AddNumberToObject(o, "passing_pct", mc->passing_pct))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* Ids of the tests of this market and clause that failed or errored, for triage. */
static cJSON *unhappy_tests_json(const run_report *run, const char *market, const char *clause)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < run->count; i++) {
        const test_result *r = &run->results[i];
        if (!r->id || !r->market || strcmp(r->market, market) ||
            (r->status != RESULT_FAIL && r->status != RESULT_ERROR) ||
            !result_covers(r, clause))
            continue;
        cJSON *id = cJSON_CreateString(r->id);
        if (!id) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, id);
    }
    return arr;
}

static cJSON *market_json(const coverage *cov, const market_cov *mc, const run_report *run)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "market", mc->market))
        goto fail;
    cJSON *arr = cJSON_AddArrayToObject(o, "clauses");
    if (!arr)
        goto fail;
    for (size_t c = 0; c < cov->n_clauses; c++) {
        const case_clause *cl = &cov->clauses[c];
        const clause_tally *t = &mc->tallies[c];
        cJSON *e = cJSON_CreateObject();
        if (!e)
            goto fail;
        cJSON_AddItemToArray(arr, e);
        bool covered = tally_ran(t);
        if (!cJSON_AddStringToObject(e, "id", cl->id ? cl->id : "") ||
            !cJSON_AddStringToObject(e, "title", cl->title ? cl->title : "") ||
            !cJSON_AddBoolToObject(e, "mock_only", cl->mock_only) ||
            !cJSON_AddBoolToObject(e, "unconfirmed", cl->unconfirmed) ||
            !cJSON_AddBoolToObject(e, "covered", covered) ||
            !cJSON_AddStringToObject(e, "status", status_names[t->status]))
            goto fail;
        cJSON *tests = tally_json(t->by_result);
        if (!tests)
            goto fail;
        cJSON_AddItemToObject(e, "tests", tests);
        cJSON *unhappy = unhappy_tests_json(run, mc->market, cl->id ? cl->id : "");
        if (!unhappy)
            goto fail;
        cJSON_AddItemToObject(e, "failed_or_errored", unhappy);
    }
    cJSON *totals = totals_json(mc, cov->n_clauses);
    if (!totals)
        goto fail;
    cJSON_AddItemToObject(o, "totals", totals);
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* Totals over every market: summed counts and the lowest passing share. */
static cJSON *overall_json(const coverage *cov)
{
    market_cov sum = {0};
    double lowest = 100.0;
    for (size_t m = 0; m < cov->n_markets; m++) {
        const market_cov *mc = &cov->markets[m];
        for (int s = 0; s < CLAUSE_STATUS_COUNT; s++)
            sum.by_status[s] += mc->by_status[s];
        sum.applicable += mc->applicable;
        sum.covered += mc->covered;
        sum.counted += mc->counted;
        if (mc->passing_pct < lowest)
            lowest = mc->passing_pct;
    }
    sum.passing_pct = lowest;
    cJSON *o = totals_json(&sum, cov->n_clauses * cov->n_markets);
    if (o && !cJSON_AddNumberToObject(o, "markets", (double)cov->n_markets)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *coverage_json(const coverage *cov, const run_report *run)
{
    cJSON *root = cJSON_CreateObject();
    if (!root || !cJSON_AddStringToObject(root, "target", run->target ? run->target : "") ||
        !cJSON_AddStringToObject(root, "started_at", run->started_at ? run->started_at : "") ||
        !cJSON_AddBoolToObject(root, "interrupted", run->interrupted != 0) ||
        !cJSON_AddStringToObject(
            root, "passing_rule",
            "a clause passes when at least one of its tests passed and none "
            "failed; passing_pct = passing / counted, where counted leaves out "
            "not-applicable clauses and mock-only clauses that were only skipped"))
        goto fail;
    cJSON *markets = cJSON_AddArrayToObject(root, "markets");
    if (!markets)
        goto fail;
    for (size_t m = 0; m < cov->n_markets; m++) {
        cJSON *mj = market_json(cov, &cov->markets[m], run);
        if (!mj)
            goto fail;
        cJSON_AddItemToArray(markets, mj);
    }
    cJSON *overall = overall_json(cov);
    if (!overall)
        goto fail;
    cJSON_AddItemToObject(root, "totals", overall);
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

int coverage_write_json(const case_set *set, const run_report *run, const char *path, char *err,
                        size_t errlen)
{
    int rc = -1;
    coverage cov;
    cJSON *root = NULL;
    char *text = NULL;
    if (coverage_compute(set, run, &cov) < 0) {
        snprintf(err, errlen, "coverage: out of memory");
        return -1;
    }
    root = coverage_json(&cov, run);
    text = root ? cJSON_Print(root) : NULL;
    if (!text) {
        snprintf(err, errlen, "coverage: out of memory building %s", path);
        goto out;
    }
    size_t len = strlen(text);
    char *with_nl = realloc(text, len + 2);
    if (!with_nl) {
        snprintf(err, errlen, "coverage: out of memory building %s", path);
        goto out;
    }
    text = with_nl;
    text[len] = '\n';
    text[len + 1] = '\0';
    if (kfile_write_atomic(path, text, len + 1, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    free(text);
    cJSON_Delete(root);
    coverage_free(&cov);
    return rc;
}

static int summary_line(const market_cov *mc, bool several, kbuf *out)
{
    size_t passing = mc->by_status[CLAUSE_PASSING];
    if (kbuf_printf(out, "clauses%s%s%s: %zu/%zu covered, %zu passing", several ? " (" : "",
                    several ? mc->market : "", several ? ")" : "", mc->covered, mc->applicable,
                    passing) < 0)
        return -1;
    static const struct {
        clause_status s;
        const char *what;
    } extra[] = {{CLAUSE_FAILING, "failing"},
                 {CLAUSE_ERRORING, "erroring"},
                 {CLAUSE_SKIPPED_ONLY, "skipped"},
                 {CLAUSE_NOT_COVERED, "not covered"},
                 {CLAUSE_NOT_APPLICABLE, "not applicable"}};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        if (mc->by_status[extra[i].s] &&
            kbuf_printf(out, ", %zu %s", mc->by_status[extra[i].s], extra[i].what) < 0)
            return -1;
    return kbuf_puts(out, "\n");
}

int coverage_summary(const case_set *set, const run_report *run, kbuf *out, double *passing_pct)
{
    coverage cov;
    double lowest = 100.0;
    int rc = -1;
    if (passing_pct)
        *passing_pct = 0.0;
    if (coverage_compute(set, run, &cov) < 0)
        return -1;
    if (cov.n_clauses == 0) {
        rc = 0;
        goto out;
    }
    for (size_t m = 0; m < cov.n_markets; m++) {
        if (cov.markets[m].passing_pct < lowest)
            lowest = cov.markets[m].passing_pct;
        if (summary_line(&cov.markets[m], cov.n_markets > 1, out) < 0)
            goto out;
    }
    rc = 0;
out:
    if (passing_pct)
        *passing_pct = rc == 0 ? lowest : 0.0;
    coverage_free(&cov);
    return rc;
}
