/* Contract coverage: the per-market roll-up of test results into clause statuses, the
 * console closing lines, coverage.json, and a lint of the real suite under cases/. */
#include <criterion/criterion.h>

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "coverage.h"
#include "market.h"
#include "kfile.h"
#include "report_coverage.h"
#include "result.h"
#include "run_catalog.h"
#include "test_tmp.h"

/* ---- a small case tree in a temp dir ---- */

static char tree[128];

static void put(const char *rel, const char *text)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s", tree, rel);
    cr_assert_eq(kfile_write_atomic(path, text, strlen(text), err, sizeof err), 0, "%s", err);
}

static const char *const contract_text =
    "{\"clauses\": ["
    "{\"id\": \"a\", \"title\": \"A\", \"source\": \"s\", \"mock_only\": false, \"unconfirmed\": "
    "false},"
    "{\"id\": \"b\", \"title\": \"B\", \"source\": \"s\", \"mock_only\": false, \"unconfirmed\": "
    "false},"
    "{\"id\": \"us\", \"title\": \"US only\", \"source\": \"s\", \"mock_only\": false, "
    "\"unconfirmed\": false},"
    "{\"id\": \"clock\", \"title\": \"Mock only\", \"source\": \"s\", \"mock_only\": true, "
    "\"unconfirmed\": true},"
    "{\"id\": \"orphan\", \"title\": \"No test\", \"source\": \"s\", \"mock_only\": false, "
    "\"unconfirmed\": false}"
    "]}";

#define STEP                                                                                       \
    "\"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/x\"}, \"expect\": {\"status\": " \
    "200}}]"

static const char *const suite_text =
    "{\"suite\": \"demo\", \"title\": \"Demo\", \"cases\": ["
    "{\"id\": \"t.a1\", \"title\": \"a one\", \"clauses\": [\"a\"], " STEP "},"
    "{\"id\": \"t.a2\", \"title\": \"a two\", \"clauses\": [\"a\", \"b\"], " STEP "},"
    "{\"id\": \"t.b\", \"title\": \"b\", \"clauses\": [\"b\"], " STEP "},"
    "{\"id\": \"t.us\", \"title\": \"us\", \"clauses\": [\"us\"], \"markets\": [\"US\"], " STEP "},"
    "{\"id\": \"t.clock\", \"title\": \"clock\", \"clauses\": [\"clock\"], \"steps\": ["
    "{\"admin\": {\"clock_advance\": 10}}]}"
    "]}";

static void make_tree(bool with_contract)
{
    cr_assert_not_null(test_tmp_dir(tree, sizeof tree, "kpct-coverage"));
    if (with_contract)
        put("contract.json", contract_text);
    put("demo.json", suite_text);
    put("fixtures/SE/market.json",
        "{\"country\": \"SE\", \"currency\": \"SEK\", \"locale\": \"sv-SE\"}");
    put("fixtures/US/market.json",
        "{\"country\": \"US\", \"currency\": \"USD\", \"locale\": \"en-US\"}");
}

static void remove_tree(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tree);
    cr_assert_eq(system(cmd), 0);
}

static case_set *load_tree(void)
{
    case_set *set = NULL;
    case_diags diags = {0};
    int rc = case_set_load(tree, &set, &diags);
    for (size_t i = 0; i < diags.count; i++)
        cr_log_error("%s:%d:%d: %s", diags.items[i].file, diags.items[i].line, diags.items[i].col,
                     diags.items[i].message);
    case_diags_free(&diags);
    cr_assert_eq(rc, 0, "the demo tree must load");
    return set;
}

/* ---- a hand-built run ---- */

typedef struct outcome {
    const char *market;
    const char *id;
    result_status status;
} outcome;

static const case_test *find_test(const case_set *set, const char *market, const char *id)
{
    case_filter f = {.market = market, .target = TARGET_MOCK};
    const case_test **tests = NULL;
    size_t n = 0;
    char err[256];
    cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
    const case_test *found = NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tests[i]->id, id))
            found = tests[i];
    free(tests);
    cr_assert_not_null(found, "no test %s in %s", id, market);
    return found;
}

static run_report make_run(const case_set *set, const char *const *markets, size_t n_markets,
                           const outcome *o, size_t n)
{
    run_report r = {0};
    r.target = strdup("mock");
    r.started_at = strdup("2026-11-25T12:00:00Z");
    r.markets = calloc(n_markets, sizeof *r.markets);
    r.n_markets = n_markets;
    for (size_t i = 0; i < n_markets; i++)
        r.markets[i] = strdup(markets[i]);
    r.results = calloc(n ? n : 1, sizeof *r.results);
    r.count = n;
    for (size_t i = 0; i < n; i++) {
        const case_test *t = find_test(set, o[i].market, o[i].id);
        cr_assert_eq(test_result_describe(&r.results[i], t->suite, t->id, t->title, t->file,
                                          t->line, t->clauses, t->n_clauses, t->tags, t->n_tags,
                                          o[i].market),
                     0);
        r.results[i].status = o[i].status;
    }
    char err[256];
    cr_assert_eq(run_catalog_fill(&r, set, err, sizeof err), 0, "%s", err);
    return r;
}

static char *summary_of(const run_report *run, double *pct)
{
    kbuf out;
    coverage *cov = NULL;
    kbuf_init(&out, 4096);
    cr_assert_eq(coverage_compute(run, &cov), 0);
    cr_assert_eq(coverage_summary(cov, &out, pct), 0);
    coverage_free(cov);
    return kbuf_steal(&out);
}

static int write_coverage(const run_report *run, const char *path, char *err, size_t errlen)
{
    coverage *cov = NULL;
    cr_assert_eq(coverage_compute(run, &cov), 0);
    int rc = coverage_json_write(run, cov, path, err, errlen);
    coverage_free(cov);
    return rc;
}

/* ---- the roll-up, as the console shows it ---- */

typedef struct summary_case {
    const char *what;
    outcome results[6];
    size_t n;
    const char *line;
    double pct;
} summary_case;

static const summary_case se_cases[] = {
    {"every test passed",
     {{"SE", "t.a1", RESULT_PASS},
      {"SE", "t.a2", RESULT_PASS},
      {"SE", "t.b", RESULT_PASS},
      {"SE", "t.clock", RESULT_PASS}},
     4,
     "clauses: 3/4 covered, 3 passing, 1 not covered, 1 not applicable\n",
     75.0},
    {"one failure makes its clauses failing even when others passed",
     {{"SE", "t.a1", RESULT_PASS},
      {"SE", "t.a2", RESULT_FAIL},
      {"SE", "t.b", RESULT_PASS},
      {"SE", "t.clock", RESULT_PASS}},
     4,
     "clauses: 3/4 covered, 1 passing, 2 failing, 1 not covered, 1 not applicable\n",
     25.0},
    {"an error alone is erroring, beside a pass it is still passing",
     {{"SE", "t.a1", RESULT_ERROR},
      {"SE", "t.a2", RESULT_ERROR},
      {"SE", "t.b", RESULT_PASS},
      {"SE", "t.clock", RESULT_ERROR}},
     4,
     "clauses: 3/4 covered, 1 passing, 2 erroring, 1 not covered, 1 not applicable\n",
     25.0},
    {"a mock-only clause that was only skipped does not count against the target",
     {{"SE", "t.a1", RESULT_PASS},
      {"SE", "t.a2", RESULT_PASS},
      {"SE", "t.b", RESULT_PASS},
      {"SE", "t.clock", RESULT_SKIP}},
     4,
     "clauses: 2/4 covered, 2 passing, 1 skipped, 1 not covered, 1 not applicable\n",
     100.0 * 2 / 3},
    {"a skipped clause that is not mock-only counts as not passing",
     {{"SE", "t.a1", RESULT_PASS}, {"SE", "t.b", RESULT_SKIP}},
     2,
     "clauses: 1/4 covered, 1 passing, 1 skipped, 2 not covered, 1 not applicable\n",
     25.0},
    {"a run that selected only some tests leaves the others not covered",
     {{"SE", "t.b", RESULT_PASS}},
     1,
     "clauses: 1/4 covered, 1 passing, 3 not covered, 1 not applicable\n",
     25.0},
};

/* A table rather than a ParameterizedTest: Criterion re-executes the binary per test, so
 * pointers inside parameters would not survive. */
Test(coverage, rolls_up_one_market_by_the_worst_ending_of_each_clause)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE"};
    for (size_t i = 0; i < sizeof se_cases / sizeof se_cases[0]; i++) {
        const summary_case *c = &se_cases[i];
        run_report run = make_run(set, markets, 1, c->results, c->n);
        double pct = -1;
        char *line = summary_of(&run, &pct);
        cr_expect_str_eq(line, c->line, "%s", c->what);
        cr_expect_float_eq(pct, c->pct, 1e-9, "%s: %f", c->what, pct);
        free(line);
        run_report_free(&run);
    }
    case_set_free(set);
    remove_tree();
}

Test(coverage, writes_one_line_per_market_and_reports_the_lowest_share)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE", "US"};
    const outcome o[] = {
        {"SE", "t.a1", RESULT_PASS},    {"SE", "t.a2", RESULT_PASS}, {"SE", "t.b", RESULT_PASS},
        {"SE", "t.clock", RESULT_PASS}, {"US", "t.a1", RESULT_PASS}, {"US", "t.us", RESULT_FAIL},
    };
    run_report run = make_run(set, markets, 2, o, 6);
    double pct = -1;
    char *text = summary_of(&run, &pct);
    cr_expect_str_eq(text, "clauses (SE): 3/4 covered, 3 passing, 1 not covered, 1 not applicable\n"
                           "clauses (US): 2/5 covered, 1 passing, 1 failing, 3 not covered\n");
    cr_expect_float_eq(pct, 20.0, 1e-9);
    free(text);
    run_report_free(&run);
    case_set_free(set);
    remove_tree();
}

Test(coverage, is_complete_without_a_catalog)
{
    make_tree(false);
    case_set *set = load_tree();
    const char *markets[] = {"SE"};
    const outcome o[] = {{"SE", "t.a1", RESULT_FAIL}};
    run_report run = make_run(set, markets, 1, o, 1);
    double pct = -1;
    char *text = summary_of(&run, &pct);
    cr_expect_str_eq(text, "");
    cr_expect_float_eq(pct, 100.0, 1e-9);
    free(text);
    run_report_free(&run);
    case_set_free(set);
    remove_tree();
}

/* The catalog and where each clause applies travel with the run: clauses only another
 * market tests do not apply, a clause no test covers applies everywhere (not covered). */
Test(run_catalog, copies_the_catalog_and_marks_where_each_clause_applies)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE", "US"};
    run_report run = make_run(set, markets, 2, NULL, 0);
    case_set_free(set);
    static const char *const ids[] = {"a", "b", "us", "clock", "orphan"};
    static const bool se[] = {true, true, false, true, true}, us[] = {true, true, true, true, true};
    cr_assert_eq(run.n_clauses, 5);
    for (size_t c = 0; c < 5; c++) {
        cr_expect_str_eq(run.clauses[c].id, ids[c]);
        cr_expect_eq(run.applicable[c], se[c], "%s in SE", ids[c]);
        cr_expect_eq(run.applicable[5 + c], us[c], "%s in US", ids[c]);
    }
    cr_expect(run.clauses[3].mock_only && run.clauses[3].unconfirmed);
    cr_expect_str_eq(run.clauses[4].title, "No test");
    run_report_free(&run);
    remove_tree();
}

/* Coverage needs no case set: a run without an applicability record has every clause
 * apply, so what no test ran is not covered rather than not applicable. */
Test(coverage, counts_every_clause_as_applicable_when_the_run_does_not_say)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE"};
    const outcome o[] = {{"SE", "t.b", RESULT_PASS}};
    run_report run = make_run(set, markets, 1, o, 1);
    case_set_free(set);
    free(run.applicable);
    run.applicable = NULL;
    double pct = -1;
    char *text = summary_of(&run, &pct);
    cr_expect_str_eq(text, "clauses: 1/5 covered, 1 passing, 4 not covered\n");
    cr_expect_float_eq(pct, 20.0, 1e-9);
    free(text);
    run_report_free(&run);
    remove_tree();
}

/* ---- coverage.json ---- */

static const cJSON *clause_of(const cJSON *market, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(market, "clauses"))
    {
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(c, "id");
        if (cJSON_IsString(cid) && !strcmp(cid->valuestring, id))
            return c;
    }
    cr_assert_fail("clause %s missing", id);
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsString(v), "%s is not a string", key);
    return v->valuestring;
}

Test(coverage, writes_every_clause_of_every_market_with_counts_and_status)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE", "US"};
    const outcome o[] = {
        {"SE", "t.a1", RESULT_PASS},    {"SE", "t.a2", RESULT_FAIL}, {"SE", "t.b", RESULT_ERROR},
        {"SE", "t.clock", RESULT_SKIP}, {"US", "t.us", RESULT_PASS},
    };
    run_report run = make_run(set, markets, 2, o, 5);
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/out/coverage.json", tree);
    cr_assert_eq(write_coverage(&run, path, err, sizeof err), 0, "%s", err);
    size_t len = 0;
    char *text = kfile_read(path, 1 << 20, &len, err, sizeof err);
    cr_assert_not_null(text, "%s", err);
    cr_expect_eq(text[len - 1], '\n');
    cJSON *root = cJSON_ParseWithLength(text, len);
    cr_assert_not_null(root);
    cr_expect_str_eq(str(root, "target"), "mock");
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(root, "markets");
    cr_assert_eq(cJSON_GetArraySize(ms), 2);
    const cJSON *se = cJSON_GetArrayItem(ms, 0), *us = cJSON_GetArrayItem(ms, 1);
    cr_expect_str_eq(str(se, "market"), "SE");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(se, "clauses")), 5);

    const cJSON *a = clause_of(se, "a");
    cr_expect_str_eq(str(a, "status"), "failing");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "covered")));
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(a, "tests");
    cr_expect_eq(num(at, "passed"), 1);
    cr_expect_eq(num(at, "failed"), 1);
    cr_expect_eq(num(at, "errored"), 0);
    cr_expect_eq(num(at, "skipped"), 0);
    cr_expect_eq(num(at, "total"), 2);
    const cJSON *unhappy = cJSON_GetObjectItemCaseSensitive(a, "failed_or_errored");
    cr_assert_eq(cJSON_GetArraySize(unhappy), 1);
    cr_expect_str_eq(cJSON_GetArrayItem(unhappy, 0)->valuestring, "t.a2");
    const cJSON *b = clause_of(se, "b");
    cr_expect_str_eq(str(b, "status"), "failing");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b, "failed_or_errored")), 2,
                 "the failed t.a2 and the errored t.b");
    const cJSON *clock = clause_of(se, "clock");
    cr_expect_str_eq(str(clock, "status"), "skipped-only");
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(clock, "covered")));
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(clock, "mock_only")));
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(clock, "unconfirmed")));
    cr_expect_str_eq(str(clause_of(se, "us"), "status"), "not-applicable");
    cr_expect_str_eq(str(clause_of(se, "orphan"), "status"), "not-covered");
    cr_expect_str_eq(str(clause_of(us, "us"), "status"), "passing");
    cr_expect_str_eq(str(clause_of(us, "a"), "status"), "not-covered");

    const cJSON *st = cJSON_GetObjectItemCaseSensitive(se, "totals");
    cr_expect_eq(num(st, "clauses"), 5);
    cr_expect_eq(num(st, "applicable"), 4);
    cr_expect_eq(num(st, "covered"), 2);
    cr_expect_eq(num(st, "failing"), 2);
    cr_expect_eq(num(st, "passing"), 0);
    cr_expect_eq(num(st, "not-applicable"), 1);
    cr_expect_eq(num(st, "passing_pct"), 0);
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(root, "totals");
    cr_expect_eq(num(all, "markets"), 2);
    cr_expect_eq(num(all, "clauses"), 10);
    cr_expect_eq(num(all, "passing"), 1);
    cr_expect_eq(num(all, "passing_pct"), 0);
    cJSON_Delete(root);
    free(text);
    run_report_free(&run);
    case_set_free(set);
    remove_tree();
}

Test(coverage, reports_a_path_it_cannot_write)
{
    make_tree(true);
    case_set *set = load_tree();
    const char *markets[] = {"SE"};
    run_report run = make_run(set, markets, 1, NULL, 0);
    char path[256], err[256] = "";
    put("blocker", "a file where a folder should be");
    snprintf(path, sizeof path, "%s/blocker/coverage.json", tree);
    cr_expect_eq(write_coverage(&run, path, err, sizeof err), -1);
    cr_expect_neq(err[0], '\0', "a reason is given");
    run_report_free(&run);
    case_set_free(set);
    remove_tree();
}

/* ---- the real suite: it loads cleanly and covers every clause in every market ---- */

Test(suite_files, load_without_a_single_diagnostic)
{
    const char *dir = getenv("KPCT_CASES_DIR");
    cr_assert_not_null(dir, "KPCT_CASES_DIR must point at cases/");
    case_set *set = NULL;
    case_diags diags = {0};
    int rc = case_set_load(dir, &set, &diags);
    for (size_t i = 0; i < diags.count; i++)
        cr_log_error("%s:%d:%d: %s", diags.items[i].file, diags.items[i].line, diags.items[i].col,
                     diags.items[i].message);
    cr_expect_eq(diags.count, 0);
    case_diags_free(&diags);
    cr_assert_eq(rc, 0);

    size_t n_clauses = 0, n_markets = 0;
    const case_clause *clauses = case_set_clauses(set, &n_clauses);
    const char *const *markets = case_set_markets(set, &n_markets);
    cr_expect_geq(n_clauses, 40);
    /* every market of kpmock's market table has fixtures, and no other */
    cr_expect_eq(n_markets, market_count());
    for (size_t m = 0; m < n_markets; m++)
        cr_expect_not_null(market_find(markets[m]),
                           "fixtures for %s, a market kpmock does not know", markets[m]);
    bool *anywhere = calloc(n_clauses, sizeof *anywhere);
    for (size_t m = 0; m < n_markets; m++) {
        case_filter f = {.market = markets[m], .target = TARGET_MOCK};
        const case_test **tests = NULL;
        size_t n = 0;
        char err[256];
        cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
        cr_expect_geq(n, 100, "market %s has only %zu tests", markets[m], n);
        for (size_t i = 0; i < n; i++) {
            cr_expect_gt(tests[i]->n_clauses, 0, "%s covers no clause", tests[i]->id);
            cr_expect_null(tests[i]->skip_reason, "%s is skipped on the mock", tests[i]->id);
            for (size_t k = 0; k < tests[i]->n_clauses; k++)
                for (size_t c = 0; c < n_clauses; c++)
                    if (!strcmp(tests[i]->clauses[k], clauses[c].id))
                        anywhere[c] = true;
        }
        free(tests);
    }
    for (size_t c = 0; c < n_clauses; c++)
        cr_expect(anywhere[c], "clause %s has no test", clauses[c].id);
    free(anywhere);
    case_set_free(set);
}

/* Loads the real suite, failing the test on any diagnostic. */
static case_set *load_real_suite(void)
{
    const char *dir = getenv("KPCT_CASES_DIR");
    cr_assert_not_null(dir, "KPCT_CASES_DIR must point at cases/");
    case_set *set = NULL;
    case_diags diags = {0};
    int rc = case_set_load(dir, &set, &diags);
    case_diags_free(&diags);
    cr_assert_eq(rc, 0, "cases/ must load");
    return set;
}

static bool has_tag(const case_test *t, const char *tag)
{
    for (size_t i = 0; i < t->n_tags; i++)
        if (!strcmp(t->tags[i], tag))
            return true;
    return false;
}

static const case_clause *clause_by_id(const case_clause *clauses, size_t n, const char *id)
{
    for (size_t c = 0; c < n; c++)
        if (!strcmp(clauses[c].id, id))
            return &clauses[c];
    return NULL;
}

/* A playground run must tell "Klarna drifted" from "our reading was wrong": a test of
 * behaviour we only read into the contract is tagged unconfirmed and counts only towards
 * unconfirmed clauses, and every test of an unconfirmed clause says so by its tag. */
Test(suite_files, keep_unconfirmed_readings_apart_from_confirmed_clauses)
{
    case_set *set = load_real_suite();
    size_t n_clauses = 0, n_markets = 0;
    const case_clause *clauses = case_set_clauses(set, &n_clauses);
    const char *const *markets = case_set_markets(set, &n_markets);
    for (size_t m = 0; m < n_markets; m++) {
        case_filter f = {.market = markets[m], .target = TARGET_MOCK};
        const case_test **tests = NULL;
        size_t n = 0;
        char err[256];
        cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
        for (size_t i = 0; i < n; i++) {
            bool tagged = has_tag(tests[i], "unconfirmed");
            for (size_t k = 0; k < tests[i]->n_clauses; k++) {
                const case_clause *cl = clause_by_id(clauses, n_clauses, tests[i]->clauses[k]);
                cr_assert_not_null(cl);
                cr_expect(!tagged || cl->unconfirmed,
                          "%s is tagged unconfirmed but covers the confirmed clause %s",
                          tests[i]->id, cl->id);
                cr_expect(tagged || !cl->unconfirmed,
                          "%s covers the unconfirmed clause %s but is not tagged unconfirmed",
                          tests[i]->id, cl->id);
            }
        }
        free(tests);
    }
    case_set_free(set);
}

/* mock_only is what decides whether a skipped clause counts against a target, so it must
 * match the tests: a mock-only clause has no test that runs on the playground, and every
 * other clause has at least one (in some market). */
Test(suite_files, mark_mock_only_exactly_the_clauses_the_playground_cannot_check)
{
    case_set *set = load_real_suite();
    size_t n_clauses = 0, n_markets = 0;
    const case_clause *clauses = case_set_clauses(set, &n_clauses);
    const char *const *markets = case_set_markets(set, &n_markets);
    bool *runs = calloc(n_clauses, sizeof *runs);
    for (size_t m = 0; m < n_markets; m++) {
        case_filter f = {.market = markets[m], .target = TARGET_PLAYGROUND};
        const case_test **tests = NULL;
        size_t n = 0;
        char err[256];
        cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < tests[i]->n_clauses; k++)
                for (size_t c = 0; c < n_clauses; c++)
                    if (!tests[i]->skip_reason && !strcmp(tests[i]->clauses[k], clauses[c].id))
                        runs[c] = true;
        free(tests);
    }
    for (size_t c = 0; c < n_clauses; c++)
        cr_expect_eq(runs[c], !clauses[c].mock_only,
                     "clause %s is %smock_only but %s test runs on the playground", clauses[c].id,
                     clauses[c].mock_only ? "" : "not ", runs[c] ? "a" : "no");
    free(runs);
    case_set_free(set);
}

/* The whole suite against the embedded mock, every market, at the default concurrency (the
 * executor runs clock-moving tests alone): every test and every applicable clause passes. */
Test(suite_files, pass_against_the_embedded_mock_in_every_market, .timeout = 100)
{
    const char *kpct = getenv("KPCT_BIN"), *dir = getenv("KPCT_CASES_DIR");
    cr_assert(kpct && dir, "KPCT_BIN and KPCT_CASES_DIR must be set");
    char out[512], cmd[2048];
    cr_assert_not_null(test_tmp_dir(out, sizeof out, "kpct-suite"));
    snprintf(cmd, sizeof cmd,
             "'%s' run '%s' --market all --min-coverage 100 --out '%s' > '%s/console.txt' 2>&1",
             kpct, dir, out, out);
    int rc = system(cmd);
    if (rc != 0) {
        char path[1024], err[256];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/console.txt", out);
        char *text = kfile_read(path, 1 << 20, &len, err, sizeof err);
        cr_log_error("%s", text ? text : err);
        free(text);
    }
    cr_expect_eq(rc, 0, "kpct exited with %d", rc);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    cr_assert_eq(system(cmd), 0);
}
