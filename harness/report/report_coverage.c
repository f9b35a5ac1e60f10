/* report_coverage: coverage.json, contract coverage for programs and dashboards. */
#include "report_coverage.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "jsonfile.h"

static cJSON *tally_json(const size_t by_result[RESULT_STATUS_COUNT])
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    size_t total = 0;
    for (int k = 0; k < RESULT_STATUS_COUNT; k++) {
        total += by_result[k];
        if (k == RESULT_READING_DIFFERS && !by_result[k])
            continue; /* additive: runs without it read as before */
        if (!cJSON_AddNumberToObject(o, result_status_name((result_status)k), (double)by_result[k]))
            goto fail;
    }
    if (!cJSON_AddNumberToObject(o, "total", (double)total))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static cJSON *totals_json(const coverage_market *mc, size_t n_clauses)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (!cJSON_AddNumberToObject(o, "clauses", (double)n_clauses) ||
        !cJSON_AddNumberToObject(o, "applicable", (double)mc->applicable) ||
        !cJSON_AddNumberToObject(o, "covered", (double)mc->covered))
        goto fail;
    for (int s = 0; s < CLAUSE_STATUS_COUNT; s++)
        if ((s != CLAUSE_READING_DIFFERS || mc->by_status[s]) &&
            !cJSON_AddNumberToObject(o, coverage_status_name((clause_status)s),
                                     (double)mc->by_status[s]))
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
            !coverage_result_covers(r, clause))
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

static cJSON *market_json(const coverage *cov, const coverage_market *mc, const run_report *run)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "market", mc->market))
        goto fail;
    cJSON *arr = cJSON_AddArrayToObject(o, "clauses");
    if (!arr)
        goto fail;
    for (size_t c = 0; c < cov->n_clauses; c++) {
        const result_clause *cl = &cov->clauses[c];
        const coverage_cell *t = &mc->cells[c];
        cJSON *e = cJSON_CreateObject();
        if (!e)
            goto fail;
        cJSON_AddItemToArray(arr, e);
        if (!cJSON_AddStringToObject(e, "id", cl->id ? cl->id : "") ||
            !cJSON_AddStringToObject(e, "title", cl->title ? cl->title : "") ||
            !cJSON_AddBoolToObject(e, "mock_only", cl->mock_only) ||
            !cJSON_AddBoolToObject(e, "unconfirmed", cl->unconfirmed) ||
            !cJSON_AddBoolToObject(e, "covered", coverage_cell_ran(t)) ||
            !cJSON_AddStringToObject(e, "status", coverage_status_name(t->status)))
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
    coverage_market sum = {0};
    double lowest = 100.0;
    for (size_t m = 0; m < cov->n_markets; m++) {
        const coverage_market *mc = &cov->markets[m];
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

cJSON *coverage_json_build(const run_report *run, const coverage *cov)
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

int coverage_json_write(const run_report *run, const coverage *cov, const char *path, char *err,
                        size_t errlen)
{
    cJSON *root = coverage_json_build(run, cov);
    int rc = root ? jsonfile_write(path, root, err, errlen) : -1;
    if (!root)
        snprintf(err, errlen, "out of memory building %s", path);
    cJSON_Delete(root);
    return rc;
}
