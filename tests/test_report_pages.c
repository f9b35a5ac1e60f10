/* report.html, summary.md and the history pages: a run with every outcome (pass, fail,
 * error, skip, flaky, an unconfirmed and a mock-only clause), an interrupted run, and a
 * hostile server's text, checked as exact fragments of the text a reader gets. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "history.h"
#include "kbuf.h"
#include "kfile.h"
#include "report.h"
#include "html.h"
#include "report_html.h"
#include "report_md.h"
#include "report_sample.h"
#include "recap.h"
#include "result_read.h"
#include "test_tmp.h"
#include "verdict.h"

#define CURRENCY REPORT_SAMPLE_CURRENCY

static run_report every_outcome(const char *target, const char *started, bool currency_fails)
{
    return report_sample_run(target, started, currency_fails);
}

static char *render(const run_report *run, int (*fn)(const run_report *, const coverage *, kbuf *))
{
    coverage *cov = NULL;
    kbuf out;
    kbuf_init(&out, 1u << 24);
    cr_assert_eq(coverage_compute(run, &cov), 0);
    cr_assert_eq(fn(run, cov, &out), 0);
    coverage_free(cov);
    return kbuf_steal(&out);
}

static int md_full(const run_report *run, const coverage *cov, kbuf *out)
{
    return md_report_render(run, cov, MD_REPORT_MAX_BYTES, out);
}

#define expect_has(text, needle)   cr_expect(strstr(text, needle), "missing: %s", needle)
#define expect_lacks(text, needle) cr_expect(!strstr(text, needle), "present: %s", needle)

Test(report_html, shows_every_outcome_with_words_beside_colours)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    char *page = render(&run, html_report_render);
    expect_has(page,
               "<p class=\"verdict v-errored\" role=\"status\"><strong>&#9888; ERRORED</strong> "
               "1 test could not be judged (errored) and 1 failed, in 1 clause: " CURRENCY ".</p>");
    expect_has(page, "<dt>rate limit</dt><dd>create 4/s, other calls 40/s</dd>");
    expect_has(page, "<dt>retries</dt><dd>2</dd>");
    expect_has(page, "<td class=\"s s-failing\">&#10008; failing<span class=\"muted\">1 failed, "
                     "1 errored</span></td>");
    expect_has(page,
               "<caption>Unconfirmed clauses: our best reading of Klarna's behaviour</caption>");
    expect_has(page, "<code>read.expired</code><span class=\"tag\">mock only</span>");
    expect_has(page, "<article class=\"test failed\" id=\"t-SE-" CURRENCY ".foreign\">");
    expect_has(page, "<article class=\"test errored\" id=\"t-SE-" CURRENCY ".errs\">");
    expect_has(page, "<h5>Request (redacted)</h5><pre>request:\n  curl -sS -X POST");
    expect_has(page, "<h2>Flaky tests (1): passed only after retries</h2>");
    expect_has(page, "<h2>Skipped tests (1)</h2>");
    expect_has(page, "needs the reference mock");
    expect_has(page, "<summary>5 tests passed</summary>");
    expect_has(page, "<th scope=\"row\">SE</th><td class=\"n\">5</td><td class=\"n\">2</td><td "
                     "class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">1</td><td "
                     "class=\"n\">1</td>");
    free(page);
    run_report_free(&run);
}

Test(report_html, keeps_a_hostile_servers_text_inert)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    char *page = render(&run, html_report_render);
    expect_has(page, "&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x "
                     "onerror=\"document.title='pwned'\"&gt; \xEF\xBF\xBD|*_[x](y)@team");
    expect_has(page, "Title of &lt;b&gt;variant&lt;/b&gt;");
    expect_lacks(page, "<script>document");
    expect_lacks(page, "\xff");
    /* one script element, the embedded one */
    cr_expect_eq(strstr(strstr(page, "<script>") + 1, "<script>"), NULL);
    expect_has(page, "script-src 'sha256-");
    free(page);
    run_report_free(&run);
}

Test(report_html, marks_an_interrupted_run_partial)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    run.interrupted = 1;
    char *page = render(&run, html_report_render);
    expect_has(page, "<strong>&#9208; INTERRUPTED</strong> Stopped by a signal before the end: "
                     "the results are partial (5 passed, 1 failed, 1 errored, 1 skipped or not "
                     "run, of 8 tests).");
    expect_has(page, "<dt>duration</dt><dd>1.50 s (interrupted: results are partial)</dd>");
    free(page);
    run_report_free(&run);
}

Test(summary_md, has_the_verdict_a_row_per_market_and_the_failing_clauses)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    char *md = render(&run, md_full);
    expect_has(md,
               "## kpct: \xE2\x9A\xA0\xEF\xB8\x8F ERRORED\n\n1 test could not be judged "
               "(errored) and 1 failed, in 1 clause: update.bad\\_value.purchase\\_currency.\n");
    expect_has(md, "Target mock (http://127.0.0.1:1), started 2026-11-25T19:00:00Z, 1.50 s, "
                   "seed 4711, kpct 0.1.0.\n");
    expect_has(md, "| SE | 5 | 2 | 1 | 1 | 1 | 1 | 1/2 |\n| US | 3 | 3 | 0 | 0 | 0 | 0 | 3/3 |\n");
    expect_has(md, "| `" CURRENCY "` | SE | 1 failed, 1 errored | `" CURRENCY
                   ".foreign` [SE]: Title of &lt;b&gt;variant&lt;/b&gt; | failed: step 2 "
                   "\"update\": status: expected 400, got 204 |\n");
    free(md);
    run_report_free(&run);
}

Test(summary_md, passed_run_says_so_in_one_line)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", false);
    run.results[2].status = RESULT_PASS;
    char *md = render(&run, md_full);
    expect_has(md, "## kpct: \xE2\x9C\x85 PASSED\n\n7 of 8 tests passed, 1 skipped, 1 only after "
                   "retries; 5 of 5 clause checks passing over 2 markets.\n");
    expect_lacks(md, "### Failing");
    free(md);
    run_report_free(&run);
}

static int md_small(const run_report *run, const coverage *cov, kbuf *out)
{
    return md_report_render(run, cov, 700, out);
}

Test(summary_md, is_cut_at_its_bound_on_a_line_with_a_note)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    char *md = render(&run, md_small);
    cr_expect_leq(strlen(md), 700);
    expect_has(md,
               "|\n\n_Summary cut at 700 bytes; report.html and results.json have everything._\n");
    free(md);
    run_report_free(&run);
}

/* Arrays, not pointers: Criterion copies parameters into a fresh process. */
typedef struct md_row {
    char in[64], want[96];
} md_row;

ParameterizedTestParameters(md_escape, renders_the_targets_text_as_text)
{
    static md_row rows[] = {
        {"plain words 1.2", "plain words 1.2"},
        {"a|b", "a\\|b"},
        {"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
        {"**bold** _it_ `code` [l](u)", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[l\\](u)"},
        {"ping @team and #12", "ping \\@team and \\#12"},
        {"line\nbreak\ttab", "line break tab"},
        {"bad \xff byte", "bad \xEF\xBF\xBD byte"},
        {"a & b", "a &amp; b"},
        {"\x1b[31mred", "red"},
    };
    return cr_make_param_array(md_row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(md_row *row, md_escape, renders_the_targets_text_as_text)
{
    kbuf out;
    kbuf_init(&out, 4096);
    cr_assert_eq(md_escape(&out, row->in, 1000), 0);
    cr_expect_str_eq(kbuf_str(&out), row->want);
    kbuf_free(&out);
}

/* Writes run's report folder under base/name and returns its path (static buffer). */
static const char *write_run(const char *base, const char *name, run_report *run)
{
    static char dirs[8][512];
    static int next;
    char err[1024];
    char *dir = dirs[next++ % 8];
    coverage *cov = NULL;
    snprintf(dir, 512, "%s/%s", base, name);
    cr_assert_eq(coverage_compute(run, &cov), 0);
    cr_assert_eq(report_write_all(run, cov, dir, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
    run_report_free(run);
    return dir;
}

Test(results_read, keeps_the_settings_and_case_digest)
{
    char base[256], err[1024];
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "pages"));
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true), back;
    run.case_digest = strdup("sha256:abc");
    const char *dir = write_run(base, "r", &run);
    cr_assert_eq(run_report_read(dir, &back, err, sizeof err), 0, "%s", err);
    cr_expect(back.settings.known);
    cr_expect_eq(back.settings.jobs, 8);
    cr_expect_eq(back.settings.retries, 2);
    cr_expect_eq(back.settings.create_per_s, 4);
    cr_expect_eq(back.settings.other_per_s, 40);
    cr_expect_str_eq(back.case_digest, "sha256:abc");
    run_report_free(&back);
}

Test(history, orders_runs_groups_targets_apart_and_shows_drift_and_flips)
{
    char base[256], err[1024];
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "history"));
    run_report a = every_outcome("mock", "2026-11-27T02:00:00Z", true);
    run_report b = every_outcome("mock", "2026-11-25T02:00:00Z", false);
    run_report c = every_outcome("playground-eu", "2026-11-26T02:00:00Z", true);
    run_report d = every_outcome("mock", "2026-11-28T02:00:00Z", false);
    const char *dirs[] = {write_run(base, "night3", &a), write_run(base, "night1", &b),
                          write_run(base, "pg", &c), write_run(base, "night4", &d)};
    history *h = NULL;
    cr_assert_eq(history_load(dirs, 4, &h, err, sizeof err), 0, "%s", err);
    cr_expect_eq(h->n_groups, 2);
    cr_expect(strstr(h->runs[0].dir, "night1"));
    cr_expect(strstr(h->runs[1].dir, "pg"));
    cr_expect(strstr(h->runs[2].dir, "night3"));
    cr_assert_eq(history_write(h, base, err, sizeof err), 0, "%s", err);
    history_free(h);

    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/history.md", base);
    char *md = kfile_read(path, 1u << 20, &len, err, sizeof err);
    cr_assert_not_null(md, "%s", err);
    expect_has(md, "## kpct history: 4 runs in 2 groups\n");
    expect_has(md, "### Group 1: target mock, markets SE, US, 3 clauses\n");
    expect_has(md, "### Group 2: target playground-eu");
    expect_has(md, "- `" CURRENCY "` [SE]: passing \xE2\x86\x92 failing in #3 "
                   "(2026-11-27T02:00:00Z) \xE2\x86\x92 passing in #4 (2026-11-28T02:00:00Z)\n");
    expect_has(md, "| `" CURRENCY ".foreign` | SE | #1 passed, #3 failed, #4 passed | 2 |\n");
    expect_lacks(md, "| `update.ok` |");
    free(md);

    snprintf(path, sizeof path, "%s/history.html", base);
    char *page = kfile_read(path, 1u << 22, &len, err, sizeof err);
    cr_assert_not_null(page, "%s", err);
    expect_has(
        page, "<td class=\"s s-failing changed\">&#10008; failing <strong>(changed)</strong></td>");
    expect_has(page, "<h2>Group 2: target playground-eu");
    free(page);
}

Test(history, refuses_a_folder_with_the_readers_reason)
{
    char base[256], err[1024] = "";
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "history"));
    const char *dirs[] = {base};
    history *h = NULL;
    cr_expect_eq(history_load(dirs, 1, &h, err, sizeof err), -1);
    char want[600];
    snprintf(want, sizeof want, "%s/results.json: not found", base);
    cr_expect_str_eq(err, want);
    cr_expect_null(h);
}

Test(recap, names_the_failing_clause_its_first_test_title_clauses_and_the_reports)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    const char *paths[] = {"reports/junit.xml", "reports/report.html"};
    coverage *cov = NULL;
    kbuf out;
    kbuf_init(&out, 1u << 16);
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_assert_eq(recap_build(&out, &run, cov, paths, 2, false), 0);
    cr_expect_str_eq(kbuf_str(&out),
                     "ERRORED: 1 test could not be judged (errored) and 1 failed, in 1 clause: "
                     "update.bad_value.purchase_currency.\n"
                     "failing and erroring clauses:\n"
                     "  update.bad_value.purchase_currency (SE): 1 failed, 1 errored\n"
                     "    first: FAIL update.bad_value.purchase_currency.foreign [SE] \"Title of "
                     "<b>variant</b>\" (clauses: update.bad_value.purchase_currency)\n"
                     "      step 2 \"update\": status: expected 400, got 204\n"
                     "8 tests in 1.50 s\n"
                     "reports: reports/junit.xml, reports/report.html\n");
    coverage_free(cov);
    kbuf_free(&out);
    run_report_free(&run);
}

Test(recap, of_a_passed_run_is_the_verdict_duration_and_reports)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", false);
    run.results[2].status = RESULT_PASS;
    coverage *cov = NULL;
    kbuf out;
    kbuf_init(&out, 1u << 16);
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_assert_eq(recap_build(&out, &run, cov, NULL, 0, true), 0);
    cr_expect_str_eq(kbuf_str(&out),
                     "\x1b[32mPASSED\x1b[0m: 7 of 8 tests passed, 1 skipped, 1 only "
                     "after retries; 5 of 5 clause checks passing over 2 "
                     "markets.\n8 tests in 1.50 s\n");
    coverage_free(cov);
    kbuf_free(&out);
    run_report_free(&run);
}

static char *slurp(const char *dir, const char *file)
{
    char path[600], err[512];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *text = kfile_read(path, 1u << 24, &len, err, sizeof err);
    cr_assert_not_null(text, "%s", err);
    return text;
}

/* kpct report: a folder's results.json and coverage.json alone give the same pages. */
Test(report_rebuild, gives_the_pages_the_run_wrote_from_its_folder_alone)
{
    char base[256], out[300], err[1024];
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "rebuild"));
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true), back;
    const char *dir = write_run(base, "run", &run);
    cr_assert_eq(run_report_read(dir, &back, err, sizeof err), 0, "%s", err);
    coverage *cov = NULL;
    cr_assert_eq(coverage_compute(&back, &cov), 0);
    snprintf(out, sizeof out, "%s/again", base);
    cr_assert_eq(report_rebuild(&back, cov, out, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
    run_report_free(&back);
    const char *files[] = {"report.html", "summary.md"};
    for (size_t i = 0; i < 2; i++) {
        char *a = slurp(dir, files[i]), *b = slurp(out, files[i]);
        cr_expect_str_eq(a, b, "%s differs once rebuilt", files[i]);
        free(a);
        free(b);
    }
    char path[400];
    snprintf(path, sizeof path, "%s/junit.xml", out);
    cr_expect_neq(access(path, F_OK), 0, "only the pages for people are rebuilt");
}

/* A run of thousands of tests makes a page of megabytes, which html_report_write sends to
 * the file as it renders: the file must be the page html_report_render makes in memory,
 * byte for byte, and appear only complete. */
Test(report_html, writes_a_page_of_megabytes_in_pieces_byte_for_byte)
{
    run_report run = every_outcome("mock", "2026-11-25T19:00:00Z", true);
    size_t extra = 20000;
    run.results = realloc(run.results, (run.count + extra) * sizeof *run.results);
    cr_assert_not_null(run.results);
    for (size_t i = 0; i < extra; i++) {
        test_result *t = &run.results[run.count++];
        *t = (test_result){.status = i % 2000 ? RESULT_PASS : RESULT_FAIL, .seconds = 0.001};
        char id[64];
        snprintf(id, sizeof id, "bulk.case_%05zu <&>", i);
        const char *clauses[] = {"update.ok"};
        cr_assert_eq(test_result_describe(t, "bulk", id, "A \"bulk\" test", "cases/bulk.json",
                                          (int)i, clauses, 1, NULL, 0, i % 2 ? "SE" : "US"),
                     0);
        if (t->status == RESULT_FAIL) {
            t->message = strdup("status: expected 204, got 400");
            t->detail = strdup("step 1 \"update\": status: expected 204, got 400\n" CURRENCY);
        }
    }
    char *page = render(&run, html_report_render);
    size_t page_len = strlen(page);
    cr_assert_gt(page_len, 32 * HTML_DRAIN_BYTES, "the page spans many drains: %zu bytes",
                 page_len);

    char dir[256], path[300], err[512];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-page"));
    snprintf(path, sizeof path, "%s/report.html", dir);
    coverage *cov = NULL;
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_assert_eq(html_report_write(&run, cov, path, err, sizeof err), 0, "%s", err);
    size_t len = 0;
    char *file = kfile_read(path, 1u << 26, &len, err, sizeof err);
    cr_assert_not_null(file, "%s", err);
    cr_expect_eq(len, page_len);
    cr_expect(len == page_len && memcmp(file, page, len) == 0, "the file is the page");
    free(file);

    /* a folder that cannot be made: the reason, and no file */
    snprintf(path, sizeof path, "%s/report.html/inside.html", dir);
    cr_expect_eq(html_report_write(&run, cov, path, err, sizeof err), -1);
    cr_expect(strstr(err, "cannot create"), "%s", err);
    coverage_free(cov);
    free(page);
    run_report_free(&run);
}
