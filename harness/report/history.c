/* history: reading, ordering and grouping run folders, and the lookups both history
 * pages are rendered from. */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_read.h"

void history_free(history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_runs; i++) {
        coverage_free(h->runs[i].cov);
        run_report_free(&h->runs[i].run);
        free(h->runs[i].dir);
    }
    free(h->runs);
    free(h);
}

static int by_start(const void *a, const void *b)
{
    const history_run *x = a, *y = b;
    int c = strcmp(x->run.started_at ? x->run.started_at : "",
                   y->run.started_at ? y->run.started_at : "");
    return c ? c : strcmp(x->dir, y->dir);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What must be equal for two runs to be compared: the case set and where it ran. */
static int group_key(const run_report *r, kbuf *key)
{
    if (r->case_digest)
        return kbuf_printf(key, "digest\n%s", r->case_digest);
    bool mock = r->target && !strcmp(r->target, "mock");
    if (kbuf_printf(key, "%s\n%s\n", r->target ? r->target : "",
                    mock ? "" : (r->base_url ? r->base_url : "")) < 0)
        return -1;
    for (size_t m = 0; m < r->n_markets; m++)
        if (kbuf_printf(key, "%s,", r->markets[m]) < 0)
            return -1;
    const char **ids = calloc(r->n_clauses + 1, sizeof *ids);
    int rc = ids ? 0 : -1;
    for (size_t c = 0; ids && c < r->n_clauses; c++)
        ids[c] = r->clauses[c].id;
    if (ids)
        qsort(ids, r->n_clauses, sizeof *ids, cmp_str);
    for (size_t c = 0; ids && c < r->n_clauses && rc == 0; c++)
        rc = kbuf_printf(key, "\n%s", ids[c]);
    free(ids);
    return rc;
}

static int assign_groups(history *h, char *err, size_t errlen)
{
    kbuf *keys = calloc(h->n_runs ? h->n_runs : 1, sizeof *keys);
    int rc = -1;
    if (!keys)
        goto out;
    for (size_t i = 0; i < h->n_runs; i++) {
        kbuf_init(&keys[i], 1u << 24);
        if (group_key(&h->runs[i].run, &keys[i]) < 0)
            goto out;
        h->runs[i].group = h->n_groups;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(kbuf_str(&keys[k]), kbuf_str(&keys[i]))) {
                h->runs[i].group = h->runs[k].group;
                break;
            }
        if (h->runs[i].group == h->n_groups)
            h->n_groups++;
    }
    rc = 0;
out:
    if (rc < 0)
        snprintf(err, errlen, "out of memory grouping the runs");
    for (size_t i = 0; keys && i < h->n_runs; i++)
        kbuf_free(&keys[i]);
    free(keys);
    return rc;
}

int history_load(const char *const *dirs, size_t n, history **out, char *err, size_t errlen)
{
    history *h = calloc(1, sizeof *h);
    char why[1024];
    if (n > HISTORY_MAX_RUNS) {
        snprintf(err, errlen, "%zu run folders: a history reads at most %d", n, HISTORY_MAX_RUNS);
        goto fail;
    }
    if (!h || !(h->runs = calloc(n ? n : 1, sizeof *h->runs))) {
        snprintf(err, errlen, "out of memory reading the runs");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        history_run *r = &h->runs[i];
        if (!(r->dir = strdup(dirs[i]))) {
            snprintf(err, errlen, "out of memory reading the runs");
            goto fail;
        }
        h->n_runs++;
        if (run_report_read(dirs[i], &r->run, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s", why);
            goto fail;
        }
        if (coverage_compute(&r->run, &r->cov) < 0) {
            snprintf(err, errlen, "out of memory computing the coverage of %s", dirs[i]);
            goto fail;
        }
    }
    qsort(h->runs, h->n_runs, sizeof *h->runs, by_start);
    if (assign_groups(h, err, errlen) < 0)
        goto fail;
    *out = h;
    return 0;
fail:
    history_free(h);
    return -1;
}

int history_clause_status(const history_run *r, const char *market, const char *clause)
{
    for (size_t m = 0; m < r->cov->n_markets; m++) {
        if (strcmp(r->cov->markets[m].market, market))
            continue;
        for (size_t c = 0; c < r->cov->n_clauses; c++)
            if (!strcmp(r->cov->clauses[c].id, clause))
                return (int)r->cov->markets[m].cells[c].status;
        return (int)CLAUSE_NOT_COVERED;
    }
    return -1;
}

const char **history_group_markets(const history *h, size_t g, size_t *n)
{
    size_t cap = 0, count = 0;
    for (size_t i = 0; i < h->n_runs; i++)
        cap += h->runs[i].group == g ? h->runs[i].cov->n_markets : 0;
    const char **out = cap ? calloc(cap, sizeof *out) : NULL;
    for (size_t i = 0; out && i < h->n_runs; i++) {
        if (h->runs[i].group != g)
            continue;
        for (size_t m = 0; m < h->runs[i].cov->n_markets; m++) {
            const char *mk = h->runs[i].cov->markets[m].market;
            bool seen = false;
            for (size_t k = 0; k < count && !seen; k++)
                seen = !strcmp(out[k], mk);
            if (!seen)
                out[count++] = mk;
        }
    }
    *n = out ? count : 0;
    return out;
}

size_t history_clause_changes(const history *h, size_t g, const char *market,
                              history_change_fn *each, void *ctx)
{
    const history_run *last = history_group_latest(h, g);
    size_t n_markets = 0, count = 0;
    const char **markets = last ? history_group_markets(h, g, &n_markets) : NULL;
    for (size_t m = 0; m < n_markets; m++) {
        if (market && strcmp(market, markets[m]))
            continue;
        for (size_t c = 0; c < last->run.n_clauses; c++) {
            const char *clause = last->run.clauses[c].id;
            int prev = -1;
            size_t seen = 0;
            for (size_t i = 0; i < h->n_runs; i++) {
                int s = h->runs[i].group == g
                            ? history_clause_status(&h->runs[i], markets[m], clause)
                            : -1;
                if (s < 0)
                    continue;
                if (prev >= 0 && s != prev) {
                    if (each)
                        each(ctx, markets[m], clause, prev, s, i, seen == 0);
                    if (!seen++)
                        count++;
                }
                prev = s;
            }
        }
    }
    free(markets);
    return count;
}

const test_result *history_find_test(const history_run *r, const char *market, const char *id)
{
    for (size_t i = 0; i < r->run.count; i++) {
        const test_result *t = &r->run.results[i];
        if (t->id && t->market && !strcmp(t->id, id) && !strcmp(t->market, market))
            return t;
    }
    return NULL;
}

size_t history_test_flips(const history *h, size_t g, size_t i, const test_result *t)
{
    for (size_t j = 0; j < i; j++)
        if (h->runs[j].group == g && history_find_test(&h->runs[j], t->market, t->id))
            return 0;
    int prev = -1;
    size_t n_flips = 0;
    for (size_t j = i; j < h->n_runs; j++) {
        const test_result *u =
            h->runs[j].group == g ? history_find_test(&h->runs[j], t->market, t->id) : NULL;
        if (!u)
            continue;
        n_flips += prev >= 0 && (int)u->status != prev;
        prev = (int)u->status;
    }
    return n_flips;
}

const history_run *history_group_latest(const history *h, size_t g)
{
    const history_run *last = NULL;
    for (size_t i = 0; i < h->n_runs; i++)
        if (h->runs[i].group == g)
            last = &h->runs[i];
    return last;
}
