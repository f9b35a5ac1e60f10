/* history_md: history.md, the drift of the contract and the flipping tests as Markdown. */
#include "history.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report_md.h"
#include "verdict.h"

typedef struct out {
    kbuf *b;
    bool full;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!o->full && kbuf_vprintf(o->b, fmt, ap) < 0)
        o->full = true;
    va_end(ap);
}

static void text(out *o, const char *s, size_t max)
{
    if (!o->full && md_escape(o->b, s, max) < 0)
        o->full = true;
}

static void id(out *o, const char *s)
{
    if (!o->full && md_id(o->b, s) < 0)
        o->full = true;
}

/* The run numbers are 1-based over the whole history, as in the runs table. */
static void runs_table(out *o, const history *h, size_t g)
{
    put(o,
        "| run | started | folder | target | kpct | seed | tests | passed | failed | errored "
        "| skipped | flaky | verdict |\n|--:|---|---|---|---|---|--:|--:|--:|--:|--:|--:|---|\n");
    for (size_t i = 0; i < h->n_runs; i++) {
        const history_run *r = &h->runs[i];
        size_t n[RESULT_STATUS_COUNT], flaky;
        if (r->group != g)
            continue;
        run_report_tally(&r->run, n, &flaky);
        put(o, "| #%zu | ", i + 1);
        text(o, r->run.started_at, 64);
        put(o, " | ");
        text(o, r->dir, 300);
        put(o, " | ");
        text(o, r->run.target, 200);
        put(o, " | ");
        text(o, r->run.version, 64);
        put(o, " | %llu | %zu | %zu | %zu | %zu | %zu | %zu | %s%s |\n",
            (unsigned long long)r->run.seed, r->run.count, n[RESULT_PASS], n[RESULT_FAIL],
            n[RESULT_ERROR], n[RESULT_SKIP], flaky, verdict_name(verdict_of(&r->run)),
            r->run.interrupted ? " (partial)" : "");
    }
}

/* The list clause_changes() writes: where, and the history its run numbers are of. */
typedef struct change_list {
    out *o;
    const history *h;
    size_t items;
} change_list;

/* One clause's status change as part of its line in the list. */
static void change_item(void *ctx, const char *market, const char *clause, int from, int to,
                        size_t i, bool first)
{
    change_list *l = ctx;
    out *o = l->o;
    if (first) {
        put(o, l->items++ ? "\n- " : "- ");
        id(o, clause);
        put(o, " [");
        text(o, market, 64);
        put(o, "]: %s", coverage_status_name((clause_status)from));
    }
    put(o, " \xE2\x86\x92 %s in #%zu (", coverage_status_name((clause_status)to), i + 1);
    text(o, l->h->runs[i].run.started_at, 64);
    put(o, ")");
}

static void clause_changes(out *o, const history *h, size_t g)
{
    put(o, "\n#### Clause status changes\n\n");
    change_list l = {o, h, 0};
    if (history_clause_changes(h, g, NULL, change_item, &l))
        put(o, "\n");
    else
        put(o, "No clause changed status.\n");
}

static void flips(out *o, const history *h, size_t g)
{
    size_t rows = 0;
    put(o, "\n#### Tests that flip between runs\n\n");
    for (size_t i = 0; i < h->n_runs; i++) {
        const history_run *r = &h->runs[i];
        if (r->group != g)
            continue;
        for (size_t k = 0; k < r->run.count; k++) {
            const test_result *t = &r->run.results[k];
            size_t n_flips = history_test_flips(h, g, i, t);
            if (!n_flips)
                continue;
            if (!rows++)
                put(o, "| test | market | outcome per run | flips |\n|---|---|---|--:|\n");
            put(o, "| ");
            id(o, t->id);
            put(o, " | ");
            text(o, t->market, 64);
            put(o, " | ");
            bool sep = false;
            for (size_t j = 0; j < h->n_runs; j++) {
                if (h->runs[j].group != g)
                    continue;
                const test_result *u = history_find_test(&h->runs[j], t->market, t->id);
                put(o, "%s#%zu %s%s", sep ? ", " : "", j + 1,
                    u ? result_status_name(u->status) : "not run",
                    u && result_flaky(u) ? " (flaky)" : "");
                sep = true;
            }
            put(o, " | %zu |\n", n_flips);
        }
    }
    if (!rows)
        put(o, "No test changed outcome between runs.\n");
}

int history_md_render(const history *h, kbuf *b)
{
    out o = {.b = b};
    put(&o, "## kpct history: %zu %s in %zu %s\n", h->n_runs, h->n_runs == 1 ? "run" : "runs",
        h->n_groups, h->n_groups == 1 ? "group" : "groups");
    if (h->n_groups > 1)
        put(&o, "\nRuns of different case sets or targets are shown apart.\n");
    for (size_t g = 0; g < h->n_groups; g++) {
        const history_run *last = history_group_latest(h, g);
        put(&o, "\n### Group %zu: target ", g + 1);
        text(&o, last->run.target, 200);
        put(&o, ", markets ");
        for (size_t m = 0; m < last->run.n_markets; m++) {
            put(&o, m ? ", " : "");
            text(&o, last->run.markets[m], 64);
        }
        put(&o, ", %zu clauses", last->run.n_clauses);
        if (last->run.case_digest) {
            put(&o, ", case set ");
            text(&o, last->run.case_digest, 128);
        }
        put(&o, "\n\n");
        runs_table(&o, h, g);
        clause_changes(&o, h, g);
        flips(&o, h, g);
    }
    return o.full ? -1 : 0;
}
