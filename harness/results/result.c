/* result: freeing a run's outcome and naming statuses, shared by every reporter. */
#include "result.h"

#include <stdlib.h>

void test_result_clear(test_result *t)
{
    if (!t)
        return;
    free(t->message);
    free(t->detail);
    for (size_t k = 0; k < t->n_retries; k++) {
        free(t->retries[k].message);
        free(t->retries[k].detail);
    }
    free(t->retries);
    for (size_t k = 0; k < t->n_steps; k++) {
        free(t->steps[k].name);
        free(t->steps[k].method);
        free(t->steps[k].url);
    }
    free(t->steps);
    t->message = t->detail = NULL;
    t->retries = NULL;
    t->n_retries = 0;
    t->steps = NULL;
    t->n_steps = 0;
}

void run_report_free(run_report *r)
{
    if (!r)
        return;
    free(r->target);
    free(r->base_url);
    for (size_t i = 0; i < r->n_markets; i++)
        free(r->markets[i]);
    free(r->markets);
    free(r->version);
    free(r->started_at);
    for (size_t i = 0; i < r->count; i++)
        test_result_clear(&r->results[i]);
    free(r->results);
    r->target = r->base_url = r->version = r->started_at = NULL;
    r->markets = NULL;
    r->n_markets = 0;
    r->results = NULL;
    r->count = 0;
}

bool result_flaky(const test_result *t)
{
    return t->status == RESULT_PASS && t->n_retries > 0;
}

void run_report_tally(const run_report *r, size_t by_status[4], size_t *flaky)
{
    for (int s = 0; s < 4; s++)
        by_status[s] = 0;
    *flaky = 0;
    for (size_t i = 0; i < r->count; i++) {
        by_status[r->results[i].status]++;
        *flaky += result_flaky(&r->results[i]);
    }
}

const char *result_status_name(result_status s)
{
    switch (s) {
    case RESULT_PASS:
        return "passed";
    case RESULT_FAIL:
        return "failed";
    case RESULT_ERROR:
        return "errored";
    case RESULT_SKIP:
        return "skipped";
    }
    return "unknown";
}
