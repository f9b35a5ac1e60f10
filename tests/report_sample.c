/* report_sample: the run every report-page test reads — two markets, a catalog with a
 * confirmed, an unconfirmed mock-only clause, and tests that pass, fail (with a hostile
 * server's answer in the story), error, skip and pass after a retry. */
#include "report_sample.h"

#include <stdlib.h>
#include <string.h>

#define CURRENCY REPORT_SAMPLE_CURRENCY
#define HOSTILE  REPORT_SAMPLE_HOSTILE

static const char *const catalog[][2] = {
    {"update.ok", "A valid update answers 204"},
    {CURRENCY, "purchase_currency must be the currency of the country"},
    {"read.expired", "An expired session answers 404"},
};

static void add_test(run_report *run, const char *market, const char *id, const char *clause,
                     result_status status, const char *message, const char *detail)
{
    test_result *t = &run->results[run->count++];
    const char *clauses[] = {clause};
    if (test_result_describe(t, "suite", id, "Title of <b>variant</b>", "cases/s.json", 7, clauses,
                             1, NULL, 0, market) < 0)
        abort();
    t->status = status;
    t->seconds = 0.012;
    t->message = message ? strdup(message) : NULL;
    t->detail = detail ? strdup(detail) : NULL;
}

static void add_retry(test_result *t, result_status status, const char *message)
{
    t->retries = realloc(t->retries, (t->n_retries + 1) * sizeof *t->retries);
    t->retries[t->n_retries++] = (result_attempt){status, strdup(message), strdup("story")};
}

/* SE and US; in SE a pass, a failure with the hostile server's answer, an error, a skip, a
 * flaky pass; in US one pass of each clause. */
run_report report_sample_run(const char *target, const char *started, bool currency_fails)
{
    run_report run = {0};
    run.target = strdup(target);
    run.base_url = strdup("http://127.0.0.1:1");
    run.version = strdup("0.1.0");
    run.started_at = strdup(started);
    run.seed = 4711;
    run.seconds = 1.5;
    run.settings = (run_settings){
        .known = true, .jobs = 8, .retries = 2, .create_per_s = 4, .other_per_s = 40};
    run.n_markets = 2;
    run.markets = calloc(2, sizeof *run.markets);
    run.markets[0] = strdup("SE");
    run.markets[1] = strdup("US");
    run.n_clauses = 3;
    run.clauses = calloc(3, sizeof *run.clauses);
    for (size_t c = 0; c < 3; c++)
        run.clauses[c] =
            (result_clause){strdup(catalog[c][0]), strdup(catalog[c][1]), c == 2, c == 2};
    run.results = calloc(8, sizeof *run.results);
    add_test(&run, "SE", "update.ok", "update.ok", RESULT_PASS, NULL, NULL);
    if (currency_fails)
        add_test(&run, "SE", CURRENCY ".foreign", CURRENCY, RESULT_FAIL,
                 "step 2 \"update\": status: expected 400, got 204",
                 "step 2 \"update\": status: expected 400, got 204\n\nrequest:\n  curl -sS -X "
                 "POST 'http://127.0.0.1:1/payments/v1/sessions/x' -u "
                 "\"$KLARNA_USERNAME:$KLARNA_PASSWORD\"\n\nresponse: HTTP 204 (1.0 ms)\n  "
                 "X-Evil: " HOSTILE "\n\n" HOSTILE "\n");
    else
        add_test(&run, "SE", CURRENCY ".foreign", CURRENCY, RESULT_PASS, NULL, NULL);
    add_test(&run, "SE", CURRENCY ".errs", CURRENCY, RESULT_ERROR,
             "step 1 \"create\": POST http://127.0.0.1:1: Connection refused", "the story");
    add_test(&run, "SE", "read.expired", "read.expired", RESULT_SKIP, "needs the reference mock",
             NULL);
    add_test(&run, "SE", "update.ok.flaky", "update.ok", RESULT_PASS, NULL, NULL);
    add_retry(&run.results[run.count - 1], RESULT_ERROR, "HTTP 503 " HOSTILE);
    add_test(&run, "US", "update.ok", "update.ok", RESULT_PASS, NULL, NULL);
    add_test(&run, "US", CURRENCY ".foreign", CURRENCY, RESULT_PASS, NULL, NULL);
    add_test(&run, "US", "read.expired", "read.expired", RESULT_PASS, NULL, NULL);
    return run;
}
