/* run_report_read: a run written by the real reporters reads back into the same model
 * (written again, every report is byte-identical), and each broken input is refused with
 * the exact message a user will read. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "diff.h"
#include "normal.h"
#include "kfile.h"
#include "report.h"
#include "result.h"
#include "result_read.h"
#include "test_tmp.h"

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void add_result(run_report *run, const char *market, const char *id,
                       const char *const *clauses, size_t n_clauses, result_status status,
                       double seconds, const char *message, const char *detail)
{
    static const char *const tags[] = {"smoke", "unconfirmed"};
    test_result *t = &run->results[run->count++];
    cr_assert_eq(test_result_describe(t, "suite_a", id, "A title", "cases/a.json", 12, clauses,
                                      n_clauses, tags, run->count % 3, market),
                 0);
    t->status = status;
    t->seconds = seconds;
    t->message = dup_or_null(message);
    t->detail = dup_or_null(detail);
}

static void add_step(test_result *t, const char *name, long status, double seconds)
{
    t->steps = realloc(t->steps, (t->n_steps + 1) * sizeof *t->steps);
    t->steps[t->n_steps++] =
        (result_step){strdup(name),
                      strdup("POST"),
                      strdup("http://127.0.0.1:1/x?y=<&>"),
                      status,
                      seconds,
                      status ? strdup("application/json; charset=utf-8") : NULL,
                      status == 200,
                      status ? strdup("{\"id\":\"<uuid>\",\"x\":\"<&>\"}") : NULL};
}

static void add_retry(test_result *t, result_status status, const char *message)
{
    t->retries = realloc(t->retries, (t->n_retries + 1) * sizeof *t->retries);
    t->retries[t->n_retries++] = (result_attempt){status, strdup(message), strdup("the story")};
}

/* Two markets, a three-clause catalog (one mock-only, one US-only), and tests that pass,
 * fail, error, skip, pass after retries, and carry hostile text and NULL strings. */
static run_report sample_run(void)
{
    static const char *const markets[] = {"SE", "US"};
    static const char *const a[] = {"a"}, *const m[] = {"m"}, *const us[] = {"us"},
                             *const both[] = {"a", "us"};
    static const struct {
        const char *id, *title;
        bool mock_only, unconfirmed;
    } catalog[] = {{"a", "A clause", false, false},
                   {"m", "Mock \"only\" <clock>", true, true},
                   {"us", "US sales tax", false, false}};
    static const bool applicable[] = {true, true, false, /* SE */ true, true, true /* US */};
    run_report run = {0};
    run.target = strdup("mock");
    run.base_url = strdup("http://127.0.0.1:1");
    run.version = strdup("0.1.0");
    run.started_at = strdup("2026-11-25T12:00:00Z");
    run.seed = UINT64_MAX;
    run.seconds = 1.0 / 3.0;
    run.interrupted = 1;
    run.n_markets = 2;
    run.markets = calloc(2, sizeof *run.markets);
    for (size_t i = 0; i < 2; i++)
        run.markets[i] = strdup(markets[i]);
    run.n_clauses = 3;
    run.clauses = calloc(3, sizeof *run.clauses);
    for (size_t c = 0; c < 3; c++)
        run.clauses[c] = (result_clause){strdup(catalog[c].id), strdup(catalog[c].title),
                                         catalog[c].mock_only, catalog[c].unconfirmed};
    run.applicable = malloc(sizeof applicable);
    memcpy(run.applicable, applicable, sizeof applicable);
    run.results = calloc(7, sizeof *run.results);
    add_result(&run, "SE", "t.a", a, 1, RESULT_PASS, 0.123456789, NULL, NULL);
    add_step(&run.results[0], "create", 200, 0.01);
    add_step(&run.results[0], "read", 0, 1e-9);
    add_result(&run, "SE", "t.m", m, 1, RESULT_SKIP, 0, "mock-only", NULL);
    add_result(&run, "US", "t.us", us, 1, RESULT_FAIL, 2.5,
               "status: expected 200, got 400 \xC3\xA5 \x1b[31m<&>\"",
               "step 1 \"create\"\n  expected: 200\n  actual: 400\n\tcurl -X POST ...");
    add_retry(&run.results[2], RESULT_ERROR, "transport: timed out");
    run.results[2].patch = strdup("[{\"op\":\"replace\",\"path\":\"/a\",\"value\":\"<&>\"}]");
    add_result(&run, "US", "t.both", both, 2, RESULT_PASS, 0.5, NULL, NULL);
    add_retry(&run.results[3], RESULT_FAIL, "status: expected 200, got 503");
    add_result(&run, "US", "t.err", m, 1, RESULT_ERROR, 0.25, "no answer", "none at all");
    add_result(&run, "US", "t.untitled", NULL, 0, RESULT_PASS, 0, NULL, NULL);
    /* written as null, read back as NULL (the description's block still holds the text) */
    run.results[5].title = NULL;
    add_result(&run, "US", "t.reading", m, 1, RESULT_READING_DIFFERS, 0.1,
               "status: expected 403, got 404", "step 1 \"update\"\n  the whole story");
    run.case_digest = strdup("347c8aade5b318c21f6d92e6b1076b1b759eca571daf1b590ee8493c1d4decac");
    run.cases_commit = strdup("647d75731be6f3523fdfb21ae08c82194a7670ee");
    run.shard_k = 2;
    run.shard_n = 3;
    for (size_t i = 0; i < run.count; i++)
        run.results[i].plan_index = (long)(3 * i + 1);
    return run;
}

static void write_all(const run_report *run, const char *dir)
{
    coverage *cov = NULL;
    char err[512];
    cr_assert_eq(coverage_compute(run, &cov), 0);
    cr_assert_eq(report_write_all(run, cov, dir, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
}

static char *slurp(const char *dir, const char *file, size_t *len)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *text = kfile_read(path, 1u << 24, len, err, sizeof err);
    cr_assert_not_null(text, "%s", err);
    return text;
}

Test(run_report_read, rebuilds_a_run_whose_reports_are_written_byte_for_byte_again)
{
    char first[256], second[256], err[512];
    cr_assert_not_null(test_tmp_dir(first, sizeof first, "kpct-read-a"));
    cr_assert_not_null(test_tmp_dir(second, sizeof second, "kpct-read-b"));
    run_report run = sample_run(), back;
    write_all(&run, first);
    cr_assert_eq(run_report_read(first, &back, err, sizeof err), 0, "%s", err);
    write_all(&back, second);

    size_t n;
    const reporter *table = report_table(&n);
    for (size_t i = 0; i < n; i++) {
        size_t la, lb;
        char *a = slurp(first, table[i].file, &la), *b = slurp(second, table[i].file, &lb);
        cr_expect(la == lb && !memcmp(a, b, la), "%s differs after a read", table[i].file);
        free(a);
        free(b);
    }
    cr_expect_eq(back.seed, UINT64_MAX);
    cr_expect_eq(back.interrupted, 1);
    cr_expect_null(back.results[5].title);
    cr_expect_null(back.results[0].message);
    cr_expect_str_eq(back.results[2].retries[0].message, "transport: timed out");
    cr_expect_eq(back.results[0].steps[1].status, 0);
    cr_expect_eq(back.results[0].line, 12);
    cr_expect_str_eq(back.case_digest, run.case_digest);
    cr_expect_str_eq(back.cases_commit, run.cases_commit);
    cr_expect(back.shard_k == 2 && back.shard_n == 3);
    cr_expect_eq(back.results[5].plan_index, 16);
    cr_assert_eq(back.n_clauses, 3);
    cr_expect(back.clauses[1].mock_only && back.clauses[1].unconfirmed);
    cr_assert_not_null(back.applicable);
    cr_expect(!back.applicable[2], "US sales tax does not apply in SE");
    cr_expect(back.applicable[0] && back.applicable[1] && back.applicable[5]);
    run_report_free(&run);
    run_report_free(&back);
}

/* Writes run's reports through a stream as kpct run does: each test added as it ends (here in
 * reverse plan order, as tests end out of order at -j 8) and compacted at once. */
static void write_streamed(run_report *run, const char *dir)
{
    coverage *cov = NULL;
    char err[512];
    report_stream *s = report_stream_open(dir, run->count, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    for (size_t i = run->count; i-- > 0;) {
        cr_assert_eq(report_stream_add(s, run, i), 0);
        cr_assert_eq(report_stream_add(s, run, i), 0, "a second add writes nothing");
        test_result_compact(&run->results[i]);
    }
    cr_assert_eq(coverage_compute(run, &cov), 0);
    cr_assert_eq(report_write_streamed(run, cov, s, dir, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
    report_stream_free(s);
}

/* The names in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t n)
{
    struct dirent **names;
    int k = scandir(dir, &names, NULL, alphasort);
    cr_assert_geq(k, 0);
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        if (names[i]->d_name[0] != '.')
            snprintf(out + strlen(out), n - strlen(out), "%s ", names[i]->d_name);
        free(names[i]);
    }
    free(names);
}

Test(report_stream, writes_every_report_byte_for_byte_as_the_whole_run_writers)
{
    char whole[256], streamed[256], names[512];
    cr_assert_not_null(test_tmp_dir(whole, sizeof whole, "kpct-stream-a"));
    cr_assert_not_null(test_tmp_dir(streamed, sizeof streamed, "kpct-stream-b"));
    run_report run = sample_run();
    write_all(&run, whole);
    write_streamed(&run, streamed);
    cr_expect_null(run.results[0].steps, "a streamed test keeps no exchanges");
    cr_expect_null(run.results[2].patch);
    cr_expect_str_eq(run.results[2].detail,
                     "step 1 \"create\"\n  expected: 200\n  actual: 400\n\tcurl -X POST ...",
                     "a failure keeps its story for report.html");

    size_t n;
    const reporter *table = report_table(&n);
    for (size_t i = 0; i < n; i++) {
        size_t la, lb;
        char *a = slurp(whole, table[i].file, &la), *b = slurp(streamed, table[i].file, &lb);
        cr_expect(la == lb && !memcmp(a, b, la), "%s differs when streamed", table[i].file);
        free(a);
        free(b);
    }
    list_dir(streamed, names, sizeof names);
    cr_expect_str_eq(names, "coverage.json junit.xml report.html results.json summary.md ",
                     "no body or temporary file is left");
    run_report_free(&run);
}

Test(report_stream, writes_a_run_of_no_tests_as_the_whole_run_writers)
{
    char whole[256], streamed[256];
    cr_assert_not_null(test_tmp_dir(whole, sizeof whole, "kpct-stream-a"));
    cr_assert_not_null(test_tmp_dir(streamed, sizeof streamed, "kpct-stream-b"));
    run_report run = sample_run();
    for (size_t i = 0; i < run.count; i++)
        test_result_clear(&run.results[i]);
    run.count = 0;
    write_all(&run, whole);
    write_streamed(&run, streamed);
    const char *files[] = {"junit.xml", "results.json"};
    for (size_t i = 0; i < 2; i++) {
        size_t la, lb;
        char *a = slurp(whole, files[i], &la), *b = slurp(streamed, files[i], &lb);
        cr_expect(la == lb && !memcmp(a, b, la), "%s differs when streamed", files[i]);
        free(a);
        free(b);
    }
    run_report_free(&run);
}

Test(report_stream, writes_the_tests_it_was_not_given_at_the_end)
{
    char whole[256], streamed[256], err[512];
    cr_assert_not_null(test_tmp_dir(whole, sizeof whole, "kpct-stream-a"));
    cr_assert_not_null(test_tmp_dir(streamed, sizeof streamed, "kpct-stream-b"));
    run_report run = sample_run();
    write_all(&run, whole);
    /* a preflight that stops the run settles every test without the stream */
    report_stream *s = report_stream_open(streamed, run.count, err, sizeof err);
    cr_assert_not_null(s, "%s", err);
    cr_assert_eq(report_stream_add(s, &run, 4), 0);
    coverage *cov = NULL;
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_assert_eq(report_write_streamed(&run, cov, s, streamed, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
    report_stream_free(s);
    size_t la, lb;
    char *a = slurp(whole, "results.json", &la), *b = slurp(streamed, "results.json", &lb);
    cr_expect(la == lb && !memcmp(a, b, la), "results.json differs");
    free(a);
    free(b);
    run_report_free(&run);
}

Test(report_stream, refuses_a_report_folder_it_cannot_write_in)
{
    char err[512];
    cr_expect_null(report_stream_open("/nonexistent/kpct-out", 3, err, sizeof err));
    cr_expect_str_eq(err, "cannot create junit.xml's body in /nonexistent/kpct-out: No such file "
                          "or directory");
}

Test(run_report_read, takes_results_json_alone_as_a_run_without_a_catalog)
{
    char dir[256], err[512], path[512];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-read"));
    run_report run = sample_run(), back;
    write_all(&run, dir);
    snprintf(path, sizeof path, "%s/coverage.json", dir);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(run_report_read(dir, &back, err, sizeof err), 0, "%s", err);
    cr_expect_eq(back.count, 7);
    cr_expect_eq(back.n_clauses, 0);
    cr_expect_null(back.applicable);
    run_report_free(&run);
    run_report_free(&back);
}

/* ---- broken inputs: single quotes below stand for double quotes ---- */

#define HEAD                                                                                       \
    "{'schema': 'kpct-results/1', 'kpct_version': '0.1.0', 'target': 'mock', 'base_url': '', "     \
    "'markets': ['SE'], 'started_at': 'x', 'seconds': 1, 'interrupted': false, "
#define SUMMARY(tests, passed)                                                                     \
    "'summary': {'tests': " tests ", 'passed': " passed ", 'failed': 0, 'errored': 0, "            \
    "'skipped': 0, 'flaky': 0}, "
#define TEST(line, status, flaky, retries)                                                         \
    "{'suite': 's', 'id': 't', 'market': 'SE', 'title': 'x', 'file': 'f.json', 'line': " line      \
    ", 'clauses': ['a'], 'tags': [], 'status': " status ", 'seconds': 0, 'message': null, "        \
    "'detail': null, 'flaky': " flaky ", 'retries': " retries ", 'steps': []}"
#define GOOD_RESULTS                                                                               \
    HEAD "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("1", "'passed'", "false", "[]") "]}"
#define CLAUSE(id, status)                                                                         \
    "{'id': '" id "', 'title': 'A', 'mock_only': false, 'unconfirmed': false, 'status': '" status  \
    "'}"

typedef struct broken_row {
    const char *what;
    const char *results;  /* NULL: no results.json */
    const char *coverage; /* NULL: no coverage.json */
    const char *message;  /* after "<dir>/" */
} broken_row;

static const broken_row broken_rows[] = {
    {"no results.json", NULL, NULL, "results.json: not found"},
    {"not JSON", "{'schema': ", NULL, "results.json: not JSON (at byte 10)"},
    {"trailing bytes", "{} {}", NULL, "results.json: not JSON (at byte 3)"},
    {"an array", "[]", NULL, "results.json: not a JSON object"},
    {"too deep", "{'a': [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}", NULL,
     "results.json: nested deeper than 16 levels"},
    {"another schema", "{'schema': 'kpct-results/2'}", NULL,
     "results.json: schema is \"kpct-results/2\", expected \"kpct-results/1\""},
    {"no schema", "{}", NULL, "results.json: schema is missing"},
    {"a numeric seed", HEAD "'seed': 42}", NULL, "results.json: seed is not a string"},
    {"a negative seed", HEAD "'seed': '-1'}", NULL,
     "results.json: seed \"-1\" is not a decimal number below 2^64"},
    {"a seed past 2^64", HEAD "'seed': '18446744073709551616'}", NULL,
     "results.json: seed \"18446744073709551616\" is not a decimal number below 2^64"},
    {"a market that is not a string",
     "{'schema': 'kpct-results/1', 'kpct_version': null, 'target': 'mock', 'base_url': '', "
     "'markets': [1]}",
     NULL, "results.json: markets[0] is not a string"},
    {"no tests", HEAD "'seed': '42', " SUMMARY("0", "0") "'tests': {}}", NULL,
     "results.json: tests is not an array"},
    {"a line in quotes",
     HEAD
     "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("'3'", "'passed'", "false", "[]") "]}",
     NULL, "results.json: tests[0].line is not a number"},
    {"a fractional line",
     HEAD
     "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("1.5", "'passed'", "false", "[]") "]}",
     NULL, "results.json: tests[0].line is not a whole number from -2147483648 to 2147483647"},
    {"an unknown status",
     HEAD "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("1", "'green'", "false", "[]") "]}",
     NULL,
     "results.json: tests[0].status is \"green\", not passed, failed, errored, skipped or "
     "reading-differs"},
    {"a retry that is not an object",
     HEAD "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("1", "'passed'", "true",
                                                               "['again']") "]}",
     NULL, "results.json: tests[0].retries[0] is not an object"},
    {"a flaky flag that disagrees",
     HEAD "'seed': '42', " SUMMARY("1", "1") "'tests': [" TEST("1", "'passed'", "true", "[]") "]}",
     NULL, "results.json: tests[0].flaky is true but the test is not flaky"},
    {"a patch that is not a string",
     HEAD "'seed': '42', " SUMMARY("1", "1") "'tests': [{'suite': 's', 'id': 't', 'market': 'SE', "
                                             "'title': 'x', 'file': 'f.json', 'line': 1, "
                                             "'clauses': [], 'tags': [], 'status': 'passed', "
                                             "'seconds': 0, 'message': null, 'detail': null, "
                                             "'flaky': false, 'patch': [], 'retries': [], "
                                             "'steps': []}]}",
     NULL, "results.json: tests[0].patch is not a string"},
    {"a summary that disagrees",
     HEAD "'seed': '42', " SUMMARY("1", "0") "'tests': [" TEST("1", "'passed'", "false", "[]") "]}",
     NULL, "results.json: summary.passed is 0 but the tests say 1"},
    {"a numeric case digest", HEAD "'case_digest': 7, 'seed': '42'}", NULL,
     "results.json: case_digest is not a string"},
    {"a shard past its count", HEAD "'shard': {'k': 4, 'n': 3}, 'seed': '42'}", NULL,
     "results.json: shard.k is 4, above shard.n 3"},
    {"a shard of none", HEAD "'shard': {'k': 0, 'n': 3}, 'seed': '42'}", NULL,
     "results.json: shard.k is not a whole number from 1 to 1000"},
    {"a negative plan index",
     HEAD "'seed': '42', " SUMMARY(
         "1",
         "1") "'tests': [{'suite': 's', 'id': 't', 'market': 'SE', "
              "'title': 'x', 'file': 'f.json', 'line': 1, 'clauses': [], 'tags': [], 'status': "
              "'passed', 'seconds': 0, 'message': null, 'detail': null, 'flaky': false, 'retries': "
              "[], "
              "'steps': [], 'plan_index': -1}]}",
     NULL, "results.json: tests[0].plan_index is not a whole number from 0 to 1000000000000000"},
    {"coverage.json not JSON", GOOD_RESULTS, "{", "coverage.json: not JSON (at byte 0)"},
    {"coverage.json without markets", GOOD_RESULTS, "{}", "coverage.json: markets is missing"},
    {"a clause without a title", GOOD_RESULTS,
     "{'markets': [{'market': 'SE', 'clauses': [{'id': 'a'}]}]}",
     "coverage.json: markets[0].clauses[0].title is missing"},
    {"markets with different catalogs", GOOD_RESULTS,
     "{'markets': [{'market': 'SE', 'clauses': [" CLAUSE(
         "a", "passing") "]}, "
                         "{'market': 'US', 'clauses': [" CLAUSE("b", "passing") "]}]}",
     "coverage.json: markets[1].clauses[0].id is \"b\", markets[0] has \"a\" there"},
    {"a catalog of another length", GOOD_RESULTS,
     "{'markets': [{'market': 'SE', 'clauses': [" CLAUSE(
         "a", "passing") "]}, "
                         "{'market': 'US', 'clauses': []}]}",
     "coverage.json: markets[1].clauses lists 0 clauses, markets[0] 1"},
    {"an unknown clause status", GOOD_RESULTS,
     "{'markets': [{'market': 'SE', 'clauses': [" CLAUSE("a", "green") "]}]}",
     "coverage.json: markets[0].clauses[0].status \"green\" is not a clause status"},
};

/* Writes text with every ' turned into ". */
static void put_json(const char *dir, const char *file, const char *text)
{
    char path[512], err[512];
    char *json = strdup(text);
    for (char *p = json; *p; p++)
        if (*p == '\'')
            *p = '"';
    snprintf(path, sizeof path, "%s/%s", dir, file);
    cr_assert_eq(kfile_write_atomic(path, json, strlen(json), err, sizeof err), 0, "%s", err);
    free(json);
}

/* A table rather than a ParameterizedTest, as in test_coverage.c. */
Test(run_report_read, refuses_each_broken_input_naming_the_file_and_the_member)
{
    for (size_t i = 0; i < sizeof broken_rows / sizeof broken_rows[0]; i++) {
        const broken_row *row = &broken_rows[i];
        char dir[256], err[512] = "", want[1024];
        cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-broken"));
        if (row->results)
            put_json(dir, "results.json", row->results);
        if (row->coverage)
            put_json(dir, "coverage.json", row->coverage);
        run_report out = {.count = 12345};
        cr_expect_eq(run_report_read(dir, &out, err, sizeof err), -1, "%s", row->what);
        cr_expect_eq(out.count, 12345, "%s: *out untouched", row->what);
        snprintf(want, sizeof want, "%s/%s", dir, row->message);
        cr_expect_str_eq(err, want, "%s: %s", row->what, err);
    }
}

Test(run_report_read, refuses_a_file_over_its_ceiling)
{
    char dir[256], path[512], err[512] = "", want[1024];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-big"));
    snprintf(path, sizeof path, "%s/results.json", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)RESULT_READ_MAX_BYTES + 1), 0); /* sparse: no disk used */
    close(fd);
    run_report out;
    cr_expect_eq(run_report_read(dir, &out, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: %llu bytes is over the limit of %u bytes", path,
             (unsigned long long)RESULT_READ_MAX_BYTES + 1, RESULT_READ_MAX_BYTES);
    cr_expect_str_eq(err, want);
}

typedef struct normal_row {
    const char *body;
    const char *want;
} normal_row;

static const normal_row normal_rows[] = {
    {"", ""},
    {"{\"session_id\": \"0b5c2f9e-7d1a-4c3b-9e8f-123456789ABC\", \"n\": 1}",
     "{\"session_id\":\"<uuid>\",\"n\":1}"},
    {"{\"client_token\": \"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln\", \"expires_at\": "
     "\"2026-12-03T16:00:00Z\"}",
     "{\"client_token\":\"<jwt>\",\"expires_at\":\"<time>\"}"},
    {"[\"2026-12-03T16:00:00.123Z\", \"not-a-time\", {\"0b5c2f9e-7d1a-4c3b-9e8f-123456789abc\": "
     "2}]",
     "[\"<time>\",\"not-a-time\",{\"0b5c2f9e-7d1a-4c3b-9e8f-123456789abc\":2}]"},
    {"\"0b5c2f9e-7d1a-4c3b-9e8f-123456789abc\"", "\"<uuid>\""},
    {"<html>id 0b5c2f9e-7d1a-4c3b-9e8f-123456789abc at 2026-12-03T16:00:00Z</html>",
     "<html>id <uuid> at <time></html>"},
    {"{\"a\": 1} trailing", "{\"a\": 1} trailing"},
};

Test(normal_body, replaces_ids_tokens_and_times_and_keeps_member_names)
{
    for (size_t i = 0; i < sizeof normal_rows / sizeof normal_rows[0]; i++) {
        const normal_row *w = &normal_rows[i];
        char *got = normal_body(w->body, strlen(w->body));
        cr_assert_not_null(got);
        cr_expect_str_eq(got, w->want, "row %zu:\n got: %s\nwant: %s", i, got, w->want);
        free(got);
    }
}

Test(normal_body, cuts_a_long_body_at_its_bound)
{
    size_t n = 3 * NORMAL_MAX_BODY;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    char *got = normal_body(big, n);
    cr_assert_eq(strlen(got), NORMAL_MAX_BODY);
    cr_expect_str_eq(got + NORMAL_MAX_BODY - 3, "...");
    free(got);
    free(big);
}

/* ---- diff_runs: two small runs and the exact lines their differences read as ---- */

static void one_test(run_report *run, const char *id, const char *clause, bool unconfirmed,
                     result_status status, long step_status, const char *ct, bool cid,
                     const char *body)
{
    static const char *const unc[] = {"unconfirmed"};
    test_result *t = &run->results[run->count++];
    const char *clauses[] = {clause};
    cr_assert_eq(test_result_describe(t, "s", id, "T", "f.json", 1, clauses, 1, unc,
                                      unconfirmed ? 1 : 0, "SE"),
                 0);
    t->status = status;
    t->steps = calloc(1, sizeof *t->steps);
    t->n_steps = 1;
    t->steps[0] = (result_step){strdup("update"),
                                strdup("POST"),
                                strdup("http://127.0.0.1:9/payments/v1/sessions/"
                                       "0b5c2f9e-7d1a-4c3b-9e8f-123456789abc"),
                                step_status,
                                0.001,
                                ct ? strdup(ct) : NULL,
                                cid,
                                strdup(body)};
}

Test(diff_runs, lists_clause_test_and_answer_changes_with_exact_lines)
{
    run_report a = {0}, b = {0};
    a.results = calloc(4, sizeof *a.results);
    b.results = calloc(4, sizeof *b.results);
    one_test(&a, "t.same", "c.same", false, RESULT_PASS, 204, NULL, false, "");
    one_test(&b, "t.same", "c.same", false, RESULT_PASS, 204, NULL, false, "");
    one_test(&a, "t.status", "c.currency", false, RESULT_PASS, 400, "application/json", true,
             "{\"error_code\":\"BAD_VALUE\"}");
    one_test(&b, "t.status", "c.currency", false, RESULT_FAIL, 204, NULL, false, "");
    one_test(&a, "t.body", "c.fields", true, RESULT_PASS, 400, "application/json", true,
             "{\"m\":[\"a, b\"]}");
    one_test(&b, "t.body", "c.fields", true, RESULT_PASS, 400, "application/json", true,
             "{\"m\":[\"a\"]}");
    one_test(&a, "t.gone", "c.same", false, RESULT_PASS, 204, NULL, false, "");
    one_test(&b, "t.new", "c.same", false, RESULT_SKIP, 0, NULL, false, "");
    diff_report d;
    cr_assert_eq(diff_runs(&a, &b, &d), 0);
    static const char *const want[] = {
        "clause c.currency [SE]: passing -> failing",
        "test t.status [SE]: passed -> failed",
        "answer t.status [SE] step 1 \"update\": status 400 -> 204",
        "answer t.body [SE] step 1 \"update\": body {\"m\":[\"a, b\"]} -> {\"m\":[\"a\"]} "
        "(unconfirmed)",
        "only in A: t.gone [SE] (passed)",
        "only in B: t.new [SE] (skipped)",
    };
    size_t n = sizeof want / sizeof want[0];
    cr_expect_eq(d.n_changes, n, "%zu changes", d.n_changes);
    for (size_t i = 0; i < d.n_changes && i < n; i++) {
        kbuf line;
        kbuf_init(&line, 1u << 16);
        diff_line(&line, &d.changes[i]);
        cr_expect_str_eq(kbuf_str(&line), want[i], "change %zu", i);
        kbuf_free(&line);
    }
    cr_expect_eq(d.n_confirmed, n - 1);
    diff_report_free(&d);
    run_report_free(&a);
    run_report_free(&b);
}
