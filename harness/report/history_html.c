/* history_html: history.html — per group of comparable runs, the runs, a clause × run
 * matrix per market with every change of status marked, and the tests that flip. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "verdict.h"

/* the last, "not equal", is a reading that differs */
static const char *const clause_icon[CLAUSE_STATUS_COUNT] = {
    "&#10004;", "&#10008;", "&#9888;", "&#8631;", "&#8211;", "&#183;", "&#8800;"};

static void runs_table(html *o, const history *h, size_t g)
{
    html_put(o,
             "<div class=\"wide\"><table>\n<caption>Runs, oldest first</caption>\n<thead><tr><th "
             "scope=\"col\">run</th><th scope=\"col\">started</th><th scope=\"col\">folder</th>"
             "<th scope=\"col\">target</th><th scope=\"col\">base URL</th><th "
             "scope=\"col\">kpct</th><th scope=\"col\">seed</th><th scope=\"col\">tests</th>"
             "<th scope=\"col\">passed</th><th scope=\"col\">failed</th><th "
             "scope=\"col\">errored</th><th scope=\"col\">skipped</th><th "
             "scope=\"col\">flaky</th><th scope=\"col\">verdict</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < h->n_runs; i++) {
        const history_run *r = &h->runs[i];
        size_t n[RESULT_STATUS_COUNT], flaky;
        if (r->group != g)
            continue;
        run_report_tally(&r->run, n, &flaky);
        html_putf(o, "<tr><th scope=\"row\">#%zu</th><td>", i + 1);
        html_text(o, r->run.started_at);
        html_put(o, "</td><td><code>");
        html_text(o, r->dir);
        html_put(o, "</code></td><td>");
        html_text(o, r->run.target);
        html_put(o, "</td><td>");
        html_text(o, r->run.base_url);
        html_put(o, "</td><td>");
        html_text(o, r->run.version);
        html_putf(o,
                  "</td><td>%llu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td "
                  "class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td "
                  "class=\"n\">%zu</td><td class=\"s s-%s\">%s%s</td></tr>\n",
                  (unsigned long long)r->run.seed, r->run.count, n[RESULT_PASS], n[RESULT_FAIL],
                  n[RESULT_ERROR], n[RESULT_SKIP], flaky, verdict_name(verdict_of(&r->run)),
                  verdict_name(verdict_of(&r->run)), r->run.interrupted ? " (partial)" : "");
    }
    html_put(o, "</tbody>\n</table></div>\n");
}

static void matrix(html *o, const history *h, size_t g, const char *market)
{
    const history_run *last = history_group_latest(h, g);
    html_put(o, "<table class=\"matrix\">\n<caption>Clauses in ");
    html_text(o, market);
    html_put(o, ", run by run</caption>\n<thead><tr><th scope=\"col\">clause</th>");
    for (size_t i = 0; i < h->n_runs; i++)
        if (h->runs[i].group == g)
            html_putf(o, "<th scope=\"col\">#%zu</th>", i + 1);
    html_put(o, "</tr></thead>\n<tbody>\n");
    for (size_t c = 0; c < last->run.n_clauses && !o->full; c++) {
        const char *clause = last->run.clauses[c].id;
        int prev = -1;
        html_put(o, "<tr><th scope=\"row\"><code>");
        html_text(o, clause);
        html_put(o, "</code></th>");
        for (size_t i = 0; i < h->n_runs; i++) {
            if (h->runs[i].group != g)
                continue;
            int s = history_clause_status(&h->runs[i], market, clause);
            if (s < 0) {
                html_put(o, "<td class=\"muted\">not run</td>");
                continue;
            }
            bool changed = prev >= 0 && s != prev;
            const char *name = coverage_status_name((clause_status)s);
            html_putf(o, "<td class=\"s s-%s%s\">%s %s%s</td>", name, changed ? " changed" : "",
                      clause_icon[s], name, changed ? " <strong>(changed)</strong>" : "");
            prev = s;
        }
        html_put(o, "</tr>\n");
    }
    html_put(o, "</tbody>\n</table>\n");
}

/* The list changes() writes: where, and how many items it has so far. */
typedef struct change_list {
    html *o;
    const history *h;
    size_t items;
} change_list;

/* One clause's status change as part of its item in the list. */
static void change_item(void *ctx, const char *market, const char *clause, int from, int to,
                        size_t i, bool first)
{
    change_list *l = ctx;
    html *o = l->o;
    if (first) {
        html_put(o, l->items++ ? "</li>\n<li><code>" : "<ul>\n<li><code>");
        html_text(o, clause);
        html_put(o, "</code> [");
        html_text(o, market);
        html_putf(o, "]: %s", coverage_status_name((clause_status)from));
    }
    html_putf(o, " &rarr; <span class=\"s s-%s\">%s %s</span> in #%zu (",
              coverage_status_name((clause_status)to), clause_icon[to],
              coverage_status_name((clause_status)to), i + 1);
    html_text(o, l->h->runs[i].run.started_at);
    html_put(o, ")");
}

/* Lists every clause and market whose status changed in the group; returns how many. */
static size_t changes(html *o, const history *h, size_t g)
{
    change_list l = {o, h, 0};
    size_t n = history_clause_changes(h, g, NULL, change_item, &l);
    if (n)
        html_put(o, "</li>\n</ul>\n");
    return n;
}

static void flips(html *o, const history *h, size_t g)
{
    size_t rows = 0;
    html_put(o, "<h3>Tests that flip between runs</h3>\n");
    for (size_t i = 0; i < h->n_runs && !o->full; i++) {
        const history_run *r = &h->runs[i];
        if (r->group != g)
            continue;
        for (size_t k = 0; k < r->run.count; k++) {
            const test_result *t = &r->run.results[k];
            size_t n_flips = history_test_flips(h, g, i, t);
            if (!n_flips)
                continue;
            if (!rows++)
                html_put(o, "<table>\n<thead><tr><th scope=\"col\">test</th><th "
                            "scope=\"col\">market</th><th scope=\"col\">outcome per run</th><th "
                            "scope=\"col\">flips</th></tr></thead>\n<tbody>\n");
            html_put(o, "<tr><th scope=\"row\"><code>");
            html_text(o, t->id);
            html_put(o, "</code></th><td>");
            html_text(o, t->market);
            html_put(o, "</td><td>");
            for (size_t j = 0; j < h->n_runs; j++) {
                if (h->runs[j].group != g)
                    continue;
                const test_result *u = history_find_test(&h->runs[j], t->market, t->id);
                const char *name = u ? result_status_name(u->status) : "not run";
                html_putf(o, "<span class=\"s s-%s\">#%zu %s%s</span> ", name, j + 1, name,
                          u && result_flaky(u) ? " (flaky)" : "");
            }
            html_putf(o, "</td><td class=\"n\">%zu</td></tr>\n", n_flips);
        }
    }
    html_put(o, rows ? "</tbody>\n</table>\n" : "<p>No test changed outcome between runs.</p>\n");
}

int history_html_render(const history *h, kbuf *b)
{
    html o = {.out = b};
    html_head(&o, "kpct history");
    html_putf(&o, "<header>\n<h1>Contract history: %zu %s in %zu %s</h1>\n", h->n_runs,
              h->n_runs == 1 ? "run" : "runs", h->n_groups, h->n_groups == 1 ? "group" : "groups");
    html_put(&o, "<p>Runs are ordered by start time. Runs of different case sets or targets "
                 "are shown apart, in groups; within a group a cell marked <strong>(changed)"
                 "</strong> is where a clause's status differs from the run before.</p>\n"
                 "</header>\n<main>\n");
    for (size_t g = 0; g < h->n_groups && !o.full; g++) {
        const history_run *last = history_group_latest(h, g);
        size_t n_markets = 0;
        const char **markets = history_group_markets(h, g, &n_markets);
        html_putf(&o, "<section id=\"group-%zu\">\n<h2>Group %zu: target ", g + 1, g + 1);
        html_text(&o, last->run.target);
        html_putf(&o, ", %zu %s, %zu clauses", n_markets, n_markets == 1 ? "market" : "markets",
                  last->run.n_clauses);
        if (last->run.case_digest) {
            html_put(&o, ", case set <code>");
            html_text(&o, last->run.case_digest);
            html_put(&o, "</code>");
        }
        html_put(&o, "</h2>\n");
        runs_table(&o, h, g);
        html_put(&o, "<h3>Clause status changes</h3>\n");
        if (!changes(&o, h, g))
            html_put(&o, "<p>No clause changed status.</p>\n");
        /* a market's matrix opens when something in it changed */
        for (size_t m = 0; m < n_markets; m++) {
            size_t n = history_clause_changes(h, g, markets[m], NULL, NULL);
            html_putf(&o, "<details%s><summary>Clause drift in ", n ? " open" : "");
            html_text(&o, markets[m]);
            html_putf(&o, ": %zu %s changed</summary>\n", n, n == 1 ? "clause" : "clauses");
            matrix(&o, h, g, markets[m]);
            html_put(&o, "</details>\n");
        }
        flips(&o, h, g);
        html_put(&o, "</section>\n");
        free(markets);
    }
    html_put(&o, "</main>\n");
    html_foot(&o);
    return o.full ? -1 : 0;
}
