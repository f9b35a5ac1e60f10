/* report_html: the sign-off page, rendered from a run_report and its coverage alone. */
#include "report_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "kfile.h"
#include "verdict.h"

/* Words and icons beside every colour, so the page reads in black and white too. */
static const char *const verdict_icon[] = {"&#10004;", "&#10008;", "&#9888;", "&#9208;"};
static const char *const result_icon[RESULT_STATUS_COUNT] = {"&#10004;", "&#10008;", "&#9888;",
                                                             "&#8631;", "&#8800;"};
/* the last, "not equal", is a reading that differs */
static const char *const clause_icon[CLAUSE_STATUS_COUNT] = {
    "&#10004;", "&#10008;", "&#9888;", "&#8631;", "&#8211;", "&#183;", "&#8800;"};

static void upper(html *h, const char *word)
{
    char buf[32];
    size_t i = 0;
    for (; word[i] && i + 1 < sizeof buf; i++)
        buf[i] = (char)(word[i] >= 'a' && word[i] <= 'z' ? word[i] - 32 : word[i]);
    buf[i] = '\0';
    html_put(h, buf);
}

static void result_badge(html *h, result_status s)
{
    const char *name = result_status_name(s);
    html_putf(h, "<span class=\"s s-%s\">%s ", name, result_icon[s]);
    upper(h, name);
    html_put(h, "</span>");
}

/* The anchor of a test: market and id, so each (test, market) has its own. */
static void test_anchor(html *h, const test_result *t)
{
    html_put(h, "t-");
    html_attr(h, t->market);
    html_put(h, "-");
    html_attr(h, t->id);
}

static void clause_list(html *h, const test_result *t)
{
    for (size_t i = 0; i < t->n_clauses; i++) {
        html_put(h, i ? ", <code>" : "<code>");
        html_text(h, t->clauses[i]);
        html_put(h, "</code>");
    }
    if (!t->n_clauses)
        html_put(h, "<span class=\"muted\">none</span>");
}

static void header(html *h, const run_report *run, const coverage *cov)
{
    verdict_kind v = verdict_of(run);
    kbuf why, title;
    kbuf_init(&why, 1u << 16);
    kbuf_init(&title, 1u << 12);
    if (verdict_sentence(&why, run, cov) < 0)
        h->full = true;
    kbuf_printf(&title, "kpct %s: %s, %s", verdict_name(v), run->target ? run->target : "",
                run->started_at ? run->started_at : "");
    html_head(h, kbuf_str(&title));
    html_put(h, "<header>\n<h1>Klarna Payments contract test report</h1>\n");
    html_putf(h, "<p class=\"verdict v-%s\" role=\"status\"><strong>%s ", verdict_name(v),
              verdict_icon[v]);
    upper(h, verdict_name(v));
    html_put(h, "</strong> ");
    html_text(h, kbuf_str(&why));
    html_put(h, "</p>\n<nav aria-label=\"sections\"><a href=\"#run\">The run</a> &middot; "
                "<a href=\"#contract\">The contract</a> &middot; <a href=\"#failures\">Failed "
                "and errored</a> &middot; <a href=\"#flaky\">Flaky</a> &middot; <a "
                "href=\"#skipped\">Skipped</a> &middot; <a href=\"#passed\">Passed</a></nav>\n"
                "</header>\n<main>\n");
    kbuf_free(&why);
    kbuf_free(&title);
}

static void fact(html *h, const char *name, const char *value)
{
    html_putf(h, "<dt>%s</dt><dd>", name);
    html_text(h, value && *value ? value : "(not recorded)");
    html_put(h, "</dd>\n");
}

static void rate(html *h, double per_s)
{
    if (per_s > 0)
        html_putf(h, "%g/s", per_s);
    else
        html_put(h, "none");
}

static void run_facts(html *h, const run_report *run)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
    html_put(h, "<section id=\"run\">\n<h2>The run</h2>\n<dl class=\"run\">\n");
    fact(h, "target", run->target);
    fact(h, "base URL", run->base_url);
    html_put(h, "<dt>markets</dt><dd>");
    for (size_t m = 0; m < run->n_markets; m++) {
        html_put(h, m ? ", " : "");
        html_text(h, run->markets[m]);
    }
    html_put(h, "</dd>\n");
    fact(h, "kpct version", run->version);
    fact(h, "seed", seed);
    if (run->case_digest)
        fact(h, "case set digest", run->case_digest);
    fact(h, "started", run->started_at);
    html_putf(h, "<dt>duration</dt><dd>%.2f s%s</dd>\n", run->seconds,
              run->interrupted ? " (interrupted: results are partial)" : "");
    if (run->settings.known) {
        html_putf(h, "<dt>jobs</dt><dd>%u tests in flight</dd>\n<dt>retries</dt><dd>%u</dd>\n",
                  run->settings.jobs, run->settings.retries);
        html_put(h, "<dt>rate limit</dt><dd>create ");
        rate(h, run->settings.create_per_s);
        html_put(h, ", other calls ");
        rate(h, run->settings.other_per_s);
        html_put(h, "</dd>\n");
    } else {
        html_put(h, "<dt>retries, rate limit</dt><dd>(not recorded)</dd>\n");
    }
    html_put(h, "</dl>\n");
}

/* One row of counts per market, then the total. */
static void market_totals(html *h, const run_report *run, const coverage *cov)
{
    html_put(h, "<table>\n<caption>Tests by market</caption>\n<thead><tr><th "
                "scope=\"col\">market</th><th scope=\"col\">tests</th><th "
                "scope=\"col\">passed</th><th scope=\"col\">failed</th><th "
                "scope=\"col\">errored</th><th scope=\"col\">skipped</th><th "
                "scope=\"col\">flaky</th><th scope=\"col\">clauses passing</th></tr></thead>\n"
                "<tbody>\n");
    for (size_t m = 0; m < cov->n_markets; m++) {
        const coverage_market *mc = &cov->markets[m];
        size_t n[RESULT_STATUS_COUNT] = {0}, flaky = 0, total = 0;
        for (size_t i = 0; i < run->count; i++) {
            const test_result *t = &run->results[i];
            if (!t->market || strcmp(t->market, mc->market))
                continue;
            n[t->status]++;
            flaky += result_flaky(t);
            total++;
        }
        html_put(h, "<tr><th scope=\"row\">");
        html_text(h, mc->market);
        html_putf(h,
                  "</th><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                  "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>",
                  total, n[RESULT_PASS], n[RESULT_FAIL], n[RESULT_ERROR], n[RESULT_SKIP], flaky);
        if (cov->n_clauses)
            html_putf(h, "<td class=\"n\">%zu of %zu (%.0f%%)</td></tr>\n",
                      mc->by_status[CLAUSE_PASSING], mc->counted, mc->passing_pct);
        else
            html_put(h, "<td>no catalog</td></tr>\n");
    }
    size_t n[RESULT_STATUS_COUNT], flaky;
    run_report_tally(run, n, &flaky);
    html_putf(h,
              "</tbody>\n<tfoot><tr><th scope=\"row\">all</th><td class=\"n\">%zu</td><td "
              "class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td "
              "class=\"n\">%zu</td><td class=\"n\">%zu</td><td></td></tr></tfoot>\n</table>\n"
              "</section>\n",
              run->count, n[RESULT_PASS], n[RESULT_FAIL], n[RESULT_ERROR], n[RESULT_SKIP], flaky);
}

static void cell_counts(html *h, const coverage_cell *cell)
{
    static const char *const what[RESULT_STATUS_COUNT] = {"passed", "failed", "errored", "skipped",
                                                          "reading differs"};
    bool any = false;
    for (int k = 0; k < RESULT_STATUS_COUNT; k++)
        if (cell->by_result[k]) {
            html_putf(h, "%s%zu %s", any ? ", " : "<span class=\"muted\">", cell->by_result[k],
                      what[k]);
            any = true;
        }
    if (any)
        html_put(h, "</span>");
}

/* With many markets a cell is the icon and its counts (the word is in the title and,
 * for screen readers, in hidden text), so the matrix fits a page's width. */
static void compact_cell(html *h, const coverage_cell *cell)
{
    const char *name = coverage_status_name(cell->status);
    size_t total = 0, bad = cell->by_result[RESULT_FAIL] + cell->by_result[RESULT_ERROR];
    for (int k = 0; k < RESULT_STATUS_COUNT; k++)
        total += cell->by_result[k];
    html_putf(h, "<td class=\"s s-%s\" title=\"%s\">%s", name, name, clause_icon[cell->status]);
    if (bad)
        html_putf(h, " %zu/%zu", bad, total);
    else if (total)
        html_putf(h, " %zu", total);
    html_putf(h, "<span class=\"sr\"> %s</span></td>", name);
}

/* The clause × market matrix of the clauses whose unconfirmed flag is as asked. */
static void matrix(html *h, const coverage *cov, bool unconfirmed)
{
    bool compact = cov->n_markets > HTML_REPORT_WIDE_MARKETS;
    size_t rows = 0;
    for (size_t c = 0; c < cov->n_clauses; c++)
        rows += cov->clauses[c].unconfirmed == unconfirmed;
    if (!rows) {
        html_put(h, unconfirmed ? "<p>No clause is unconfirmed.</p>\n" : "<p>No clause.</p>\n");
        return;
    }
    html_putf(
        h,
        "<div class=\"wide\"><table class=\"matrix%s\">\n<caption>%s</caption>\n<thead><tr><th "
        "scope=\"col\">clause</th>",
        compact ? " compact" : "",
        unconfirmed ? "Unconfirmed clauses: our best reading of Klarna's behaviour"
                    : "Confirmed clauses");
    for (size_t m = 0; m < cov->n_markets; m++) {
        html_put(h, "<th scope=\"col\">");
        html_text(h, cov->markets[m].market);
        html_put(h, "</th>");
    }
    html_put(h, "</tr></thead>\n<tbody>\n");
    for (size_t c = 0; c < cov->n_clauses; c++) {
        const result_clause *cl = &cov->clauses[c];
        if (cl->unconfirmed != unconfirmed)
            continue;
        html_put(h, "<tr><th scope=\"row\" id=\"clause-");
        html_attr(h, cl->id);
        html_put(h, "\" title=\"");
        html_attr(h, cl->title);
        html_put(h, "\"><code>");
        html_text(h, cl->id);
        html_put(h, "</code>");
        if (cl->mock_only)
            html_put(h, "<span class=\"tag\">mock only</span>");
        if (cl->unconfirmed)
            html_put(h, "<span class=\"tag\">unconfirmed</span>");
        html_put(h, "<br><span class=\"clause-title\">");
        html_text(h, cl->title);
        html_put(h, "</span></th>");
        for (size_t m = 0; m < cov->n_markets; m++) {
            const coverage_cell *cell = &cov->markets[m].cells[c];
            const char *name = coverage_status_name(cell->status);
            if (compact) {
                compact_cell(h, cell);
                continue;
            }
            html_putf(h, "<td class=\"s s-%s\">%s %s", name, clause_icon[cell->status], name);
            cell_counts(h, cell);
            html_put(h, "</td>");
        }
        html_put(h, "</tr>\n");
    }
    html_put(h, "</tbody>\n</table></div>\n");
}

static void contract(html *h, const coverage *cov)
{
    html_put(h, "<section id=\"contract\">\n<h2>The contract</h2>\n");
    if (!cov->n_clauses) {
        html_put(h, "<p>The run had no clause catalog.</p>\n</section>\n");
        return;
    }
    html_put(h, "<p>Each cell is the clause's roll-up in that market: &#10004; passing (a test "
                "passed, none failed), &#10008; failing, &#9888; erroring (tests could not be "
                "judged), &#8631; skipped-only, &#8211; not-covered, &#183; not-applicable; then "
                "its tests by outcome. <span class=\"tag\">mock only</span> clauses can be "
                "checked only on the reference mock.</p>\n");
    if (cov->n_markets > HTML_REPORT_WIDE_MARKETS)
        html_put(h, "<p>With this many markets a cell shows the icon and the number of tests "
                    "(failed and errored of all, when some did not pass).</p>\n");
    matrix(h, cov, false);
    matrix(h, cov, true);
    html_put(h, "</section>\n");
}

/* Finds marker at the start of a line of s; returns its offset or len when absent. */
static size_t find_line(const char *s, size_t len, const char *marker)
{
    size_t n = strlen(marker);
    for (size_t i = 0; i + n <= len; i++)
        if ((i == 0 || s[i - 1] == '\n') && !strncmp(s + i, marker, n))
            return i;
    return len;
}

static void pre(html *h, const char *label, const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        n--;
    if (!n)
        return;
    html_putf(h, "<h5>%s</h5><pre>", label);
    char *copy = strndup(s, n);
    if (!copy) {
        h->full = true;
        return;
    }
    html_text(h, copy);
    free(copy);
    html_put(h, "</pre>\n");
}

/* A story as kpct writes it (docs/kpct.md, Failure stories): what did not hold, then
 * "request:" with the curl command, then "response:" (or "partial response"). */
static void story(html *h, const char *detail)
{
    if (!detail || !*detail)
        return;
    size_t len = strlen(detail), cut = len > HTML_REPORT_STORY_MAX ? HTML_REPORT_STORY_MAX : len;
    size_t req = find_line(detail, cut, "request:");
    size_t resp = find_line(detail, cut, "response:");
    if (resp == cut)
        resp = find_line(detail, cut, "partial response");
    if (req > resp)
        req = resp;
    pre(h, "Expected vs actual", detail, req);
    if (req < resp)
        pre(h, "Request (redacted)", detail + req, resp - req);
    if (resp < cut)
        pre(h, "Response (cut at 4 KB)", detail + resp, cut - resp);
    if (cut < len)
        html_putf(h,
                  "<p class=\"muted\">Story cut at %u bytes of %zu; the whole story is in "
                  "results.json and junit.xml.</p>\n",
                  HTML_REPORT_STORY_MAX, len);
}

static void attempts(html *h, const test_result *t)
{
    if (!t->n_retries)
        return;
    html_putf(h, "<details><summary>%zu earlier %s</summary>\n<ol>\n", t->n_retries,
              t->n_retries == 1 ? "attempt" : "attempts");
    for (size_t i = 0; i < t->n_retries; i++) {
        html_put(h, "<li>");
        result_badge(h, t->retries[i].status);
        html_put(h, " ");
        html_text(h, t->retries[i].message);
        story(h, t->retries[i].detail);
        html_put(h, "</li>\n");
    }
    html_put(h, "</ol>\n</details>\n");
}

static void failed_test(html *h, const test_result *t)
{
    html_putf(h, "<article class=\"test %s\" id=\"", result_status_name(t->status));
    test_anchor(h, t);
    html_put(h, "\">\n<h4>");
    result_badge(h, t->status);
    html_put(h, " <code class=\"id\">");
    html_text(h, t->id);
    html_put(h, "</code> [");
    html_text(h, t->market);
    html_put(h, "]</h4>\n<p>");
    html_text(h, t->title);
    html_put(h, "<br><span class=\"muted\">clauses: ");
    clause_list(h, t);
    html_put(h, " &middot; ");
    html_text(h, t->file);
    html_putf(h, ":%d &middot; %.0f ms</span></p>\n<p><strong>", t->line, t->seconds * 1000.0);
    html_text(h, t->message);
    html_put(h, "</strong></p>\n");
    story(h, t->detail);
    attempts(h, t);
    html_put(h, "</article>\n");
}

/* The first problem (catalog order) that holds t, where its story is shown. */
static size_t home_of(const run_report *run, const verdict_problem *p, size_t n,
                      const test_result *t)
{
    for (size_t i = 0; i < n; i++)
        if (verdict_test_in(run, t, p[i].clause))
            return i;
    return n;
}

static void failures(html *h, const run_report *run)
{
    verdict_problem *p = NULL;
    size_t n = 0, count[RESULT_STATUS_COUNT], flaky;
    run_report_tally(run, count, &flaky);
    if (verdict_problems(run, &p, &n) < 0) {
        h->full = true;
        return;
    }
    html_putf(h,
              "<section id=\"failures\">\n<h2>Failed and errored tests (%zu failed, %zu "
              "errored), by clause</h2>\n",
              count[RESULT_FAIL], count[RESULT_ERROR]);
    if (!n)
        html_put(h, "<p>None.</p>\n");
    for (size_t i = 0; i < n && !h->full; i++) {
        const result_clause *cl =
            p[i].clause == VERDICT_NO_CLAUSE ? NULL : &run->clauses[p[i].clause];
        html_put(h, "<h3>");
        if (cl) {
            html_put(h, "<code>");
            html_text(h, cl->id);
            html_put(h, "</code> <span class=\"clause-title\">");
            html_text(h, cl->title);
            html_put(h, "</span>");
        } else {
            html_put(h, "Tests that cover no clause of the catalog");
        }
        html_putf(h, " <span class=\"muted\">(%zu failed, %zu errored)</span></h3>\n", p[i].failed,
                  p[i].errored);
        for (size_t k = 0; k < run->count; k++) {
            const test_result *t = &run->results[k];
            if (!verdict_test_in(run, t, p[i].clause))
                continue;
            if (home_of(run, p, n, t) == i) {
                failed_test(h, t);
                continue;
            }
            html_put(h, "<p>Also <a href=\"#");
            test_anchor(h, t);
            html_put(h, "\"><code>");
            html_text(h, t->id);
            html_put(h, "</code> [");
            html_text(h, t->market);
            html_put(h, "]</a>, shown above.</p>\n");
        }
    }
    html_put(h, "</section>\n");
    free(p);
}

static void flaky_tests(html *h, const run_report *run)
{
    size_t n = 0;
    for (size_t i = 0; i < run->count; i++)
        n += result_flaky(&run->results[i]);
    html_putf(h, "<section id=\"flaky\">\n<h2>Flaky tests (%zu): passed only after retries</h2>\n",
              n);
    if (!n) {
        html_put(h, "<p>None.</p>\n</section>\n");
        return;
    }
    html_put(h, "<table>\n<thead><tr><th scope=\"col\">test</th><th scope=\"col\">market</th><th "
                "scope=\"col\">attempts</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < run->count; i++) {
        const test_result *t = &run->results[i];
        if (!result_flaky(t))
            continue;
        html_put(h, "<tr><th scope=\"row\" id=\"");
        test_anchor(h, t);
        html_put(h, "\"><code>");
        html_text(h, t->id);
        html_put(h, "</code><br><span class=\"muted\">");
        html_text(h, t->title);
        html_put(h, "</span></th><td>");
        html_text(h, t->market);
        html_putf(h, "</td><td>passed at attempt %zu", t->n_retries + 1);
        attempts(h, t);
        html_put(h, "</td></tr>\n");
    }
    html_put(h, "</tbody>\n</table>\n</section>\n");
}

/* A compact table of the tests with status s: one row each, no story. */
static void test_table(html *h, const run_report *run, result_status s, const char *id, size_t n,
                       bool open)
{
    html_putf(h, "<details%s><summary>%zu %s %s</summary>\n", open ? " open" : "", n,
              n == 1 ? "test" : "tests", result_status_name(s));
    html_putf(h,
              "<input class=\"filter\" type=\"search\" hidden data-table=\"%s\" "
              "placeholder=\"filter by id, market, title or clause\" aria-label=\"filter the "
              "%s tests\">\n",
              id, result_status_name(s));
    html_putf(h,
              "<table id=\"%s\">\n<thead><tr><th scope=\"col\">test</th><th "
              "scope=\"col\">market</th><th scope=\"col\">title</th><th "
              "scope=\"col\">clauses</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
              id, s == RESULT_SKIP ? "reason" : "ms");
    for (size_t i = 0; i < run->count && !h->full; i++) {
        const test_result *t = &run->results[i];
        if (t->status != s)
            continue;
        html_put(h, "<tr><td><code>");
        html_text(h, t->id);
        html_put(h, "</code></td><td>");
        html_text(h, t->market);
        html_put(h, "</td><td>");
        html_text(h, t->title);
        html_put(h, "</td><td>");
        clause_list(h, t);
        if (s == RESULT_SKIP) {
            html_put(h, "</td><td>");
            html_text(h, t->message);
            html_put(h, "</td></tr>\n");
        } else {
            html_putf(h, "</td><td class=\"n\">%.0f</td></tr>\n", t->seconds * 1000.0);
        }
    }
    html_put(h, "</tbody>\n</table>\n</details>\n");
}

static void listed(html *h, const run_report *run)
{
    size_t n[RESULT_STATUS_COUNT], flaky;
    run_report_tally(run, n, &flaky);
    html_putf(h, "<section id=\"skipped\">\n<h2>Skipped tests (%zu)</h2>\n", n[RESULT_SKIP]);
    if (n[RESULT_SKIP])
        test_table(h, run, RESULT_SKIP, "skipped-tests", n[RESULT_SKIP], n[RESULT_SKIP] <= 20);
    else
        html_put(h, "<p>None.</p>\n");
    html_putf(h, "</section>\n<section id=\"passed\">\n<h2>Passed tests (%zu)</h2>\n",
              n[RESULT_PASS]);
    if (n[RESULT_PASS])
        test_table(h, run, RESULT_PASS, "passed-tests", n[RESULT_PASS], false);
    else
        html_put(h, "<p>None.</p>\n");
    html_put(h, "</section>\n");
}

/* Renders the page into out, which drain (NULL: none) empties as it fills. */
static int render(const run_report *run, const coverage *cov, kbuf *out,
                  int (*drain)(void *ctx, kbuf *out), void *ctx)
{
    html h = {.out = out, .drain = drain, .ctx = ctx};
    header(&h, run, cov);
    run_facts(&h, run);
    market_totals(&h, run, cov);
    contract(&h, cov);
    failures(&h, run);
    flaky_tests(&h, run);
    listed(&h, run);
    html_put(&h, "</main>\n<footer><p class=\"muted\">Written by kpct ");
    html_text(&h, run->version);
    html_put(&h, " from the run's results; text the target sent is shown escaped.</p></footer>\n");
    html_foot(&h);
    return h.full ? -1 : 0;
}

int html_report_render(const run_report *run, const coverage *cov, kbuf *out)
{
    return render(run, cov, out, NULL, NULL);
}

/* The page's file as it is written: a run of thousands of tests makes a page of
 * megabytes, which goes to the file as it is rendered rather than first into memory. */
typedef struct page_file {
    kfile_atomic file;
    size_t written;
    bool over; /* the page passed HTML_REPORT_MAX_BYTES */
} page_file;

static int page_drain(void *ctx, kbuf *out)
{
    page_file *p = ctx;
    if (out->len > HTML_REPORT_MAX_BYTES - p->written) {
        p->over = true;
        return -1;
    }
    if (kfile_put(&p->file, out->data, out->len) < 0)
        return -1;
    p->written += out->len;
    kbuf_reset(out);
    return 0;
}

int html_report_write(const run_report *run, const coverage *cov, const char *path, char *err,
                      size_t errlen)
{
    page_file p = {0};
    kbuf out;
    if (kfile_begin(&p.file, path, err, errlen) < 0)
        return -1;
    /* a drain leaves under HTML_DRAIN_BYTES, and one append is bounded (a story is cut at
     * HTML_REPORT_STORY_MAX): out never holds more than its ceiling */
    kbuf_init(&out, HTML_REPORT_MAX_BYTES);
    int rc = render(run, cov, &out, page_drain, &p);
    if (rc == 0 && out.len)
        rc = page_drain(&p, &out);
    kbuf_free(&out);
    if (rc == 0)
        return kfile_commit(&p.file, err, errlen); /* also says why a write failed */
    if (p.file.failed_errno)
        return kfile_commit(&p.file, err, errlen);
    kfile_abandon(&p.file);
    if (p.over)
        snprintf(err, errlen, "%s: the page exceeds its %u-byte bound", path,
                 HTML_REPORT_MAX_BYTES);
    else
        snprintf(err, errlen, "%s: out of memory rendering the page", path);
    return -1;
}
