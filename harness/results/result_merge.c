/* result_merge: checks that the shards make one run, then moves their tests into plan
 * order (see result_merge.h). */
#include "result_merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbuf.h"

/* A test and the shard it came from. */
typedef struct placed {
    test_result *t;
    size_t shard;
} placed;

static int by_plan_index(const void *a, const void *b)
{
    long x = ((const placed *)a)->t->plan_index, y = ((const placed *)b)->t->plan_index;
    return (x > y) - (x < y);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int by_key(const void *a, const void *b)
{
    const test_result *x = ((const placed *)a)->t, *y = ((const placed *)b)->t;
    int c = cmp_str(x->suite, y->suite);
    if (!c)
        c = cmp_str(x->id, y->id);
    return c ? c : cmp_str(x->market, y->market);
}

static bool same_markets(const run_report *a, const run_report *b)
{
    if (a->n_markets != b->n_markets)
        return false;
    for (size_t m = 0; m < a->n_markets; m++)
        if (cmp_str(a->markets[m], b->markets[m]))
            return false;
    return true;
}

/* "SE,DE" for messages; cut short at the buffer's end. */
static const char *market_list(const run_report *r, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t m = 0; m < r->n_markets && used < n; m++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", m ? "," : "", r->markets[m]);
    return r->n_markets ? buf : "none";
}

/* The run-level checks: one case set, target and market list. */
static int check_runs(const run_report *s, const char *const *names, size_t n, char *err,
                      size_t errlen)
{
    char a[256], b[256];
    for (size_t i = 0; i < n; i++) {
        if (!s[i].case_digest) {
            snprintf(err, errlen,
                     "%s records no case_digest (written by an older kpct): cannot tell which "
                     "case files it ran",
                     names[i]);
            return -1;
        }
        if (strcmp(s[i].case_digest, s[0].case_digest)) {
            snprintf(err, errlen,
                     "%s and %s ran different case files (case_digest %.12s... and %.12s...)",
                     names[0], names[i], s[0].case_digest, s[i].case_digest);
            return -1;
        }
        if (cmp_str(s[i].target, s[0].target)) {
            snprintf(err, errlen, "%s ran against %s, %s against %s", names[0], s[0].target,
                     names[i], s[i].target);
            return -1;
        }
        if (!same_markets(&s[i], &s[0])) {
            snprintf(err, errlen, "%s ran markets %s, %s ran %s", names[0],
                     market_list(&s[0], a, sizeof a), names[i], market_list(&s[i], b, sizeof b));
            return -1;
        }
    }
    return 0;
}

/* The shard checks: all sharded or none; one N; every K from 1 to N exactly once. */
static int check_shards(const run_report *s, const char *const *names, size_t n, char *err,
                        size_t errlen)
{
    unsigned total = s[0].shard_n;
    for (size_t i = 0; i < n; i++) {
        if (!s[i].shard_n != !total) {
            size_t sharded = s[i].shard_n ? i : 0, whole = s[i].shard_n ? 0 : i;
            snprintf(err, errlen, "%s is shard %u/%u but %s ran the whole plan (no --shard)",
                     names[sharded], s[sharded].shard_k, s[sharded].shard_n, names[whole]);
            return -1;
        }
        if (s[i].shard_n != total) {
            snprintf(err, errlen, "%s is shard %u/%u but %s is shard %u/%u: not one split",
                     names[0], s[0].shard_k, total, names[i], s[i].shard_k, s[i].shard_n);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (total && s[j].shard_k == s[i].shard_k) {
                snprintf(err, errlen, "shard %u/%u is given twice: %s and %s", s[i].shard_k, total,
                         names[j], names[i]);
                return -1;
            }
    }
    if (total && n < total) {
        kbuf given;
        unsigned missing = 0;
        kbuf_init(&given, 1 << 14);
        for (unsigned k = total; k >= 1; k--) {
            bool have = false;
            for (size_t i = 0; i < n; i++)
                have |= s[i].shard_k == k;
            if (!have)
                missing = k;
        }
        for (unsigned k = 1; k <= total; k++)
            for (size_t i = 0; i < n; i++)
                if (s[i].shard_k == k)
                    kbuf_printf(&given, "%s%u", given.len ? ", " : "", k);
        snprintf(err, errlen, "shard %u/%u is missing (%zu of %u given: %s)", missing, total, n,
                 total, kbuf_str(&given));
        kbuf_free(&given);
        return -1;
    }
    return 0;
}

/* The test checks: each has a plan position inside its shard, and no test or position
 * is in two shards. Sorts all into plan order. */
static int check_tests(const run_report *s, const char *const *names, placed *all, size_t total,
                       char *err, size_t errlen)
{
    for (size_t i = 0; i < total; i++) {
        const run_report *r = &s[all[i].shard];
        const test_result *t = all[i].t;
        if (t->plan_index < 0) {
            snprintf(err, errlen,
                     "%s: test %s (market %s) has no plan_index (written by an older kpct)",
                     names[all[i].shard], t->id, t->market);
            return -1;
        }
        if (r->shard_n && (unsigned long)t->plan_index % r->shard_n != r->shard_k - 1) {
            snprintf(err, errlen,
                     "%s: test %s (market %s) has plan_index %ld, not one of shard %u/%u",
                     names[all[i].shard], t->id, t->market, t->plan_index, r->shard_k, r->shard_n);
            return -1;
        }
    }
    qsort(all, total, sizeof *all, by_key);
    for (size_t i = 1; i < total; i++)
        if (!by_key(&all[i - 1], &all[i])) {
            snprintf(err, errlen, "test %s of suite %s (market %s) is in both %s and %s",
                     all[i].t->id, all[i].t->suite, all[i].t->market, names[all[i - 1].shard],
                     names[all[i].shard]);
            return -1;
        }
    qsort(all, total, sizeof *all, by_plan_index);
    for (size_t i = 1; i < total; i++)
        if (all[i - 1].t->plan_index == all[i].t->plan_index) {
            snprintf(err, errlen, "tests %s (%s) and %s (%s) both have plan_index %ld",
                     all[i - 1].t->id, names[all[i - 1].shard], all[i].t->id, names[all[i].shard],
                     all[i].t->plan_index);
            return -1;
        }
    return 0;
}

static char *dup_or_null(const char *s, bool *ok)
{
    char *d = s ? strdup(s) : NULL;
    *ok &= !s || d;
    return d;
}

/* The merged header (copies; the first shard's, settings too, but for started_at, seconds
 * and interrupted).
 * Returns 0 or -2. */
static int header(const run_report *s, size_t n, size_t first, run_report *out)
{
    bool ok = true;
    const char *started = s[first].started_at;
    for (size_t i = 0; i < n; i++) {
        if (s[i].started_at && (!started || strcmp(s[i].started_at, started) < 0))
            started = s[i].started_at;
        out->seconds += s[i].seconds;
        out->interrupted |= s[i].interrupted;
    }
    out->target = dup_or_null(s[first].target, &ok);
    out->base_url = dup_or_null(s[first].base_url, &ok);
    out->version = dup_or_null(s[first].version, &ok);
    out->started_at = dup_or_null(started, &ok);
    out->case_digest = dup_or_null(s[first].case_digest, &ok);
    out->cases_commit = dup_or_null(s[first].cases_commit, &ok);
    out->seed = s[first].seed;
    out->settings = s[first].settings;
    if (s[first].n_markets && !(out->markets = calloc(s[first].n_markets, sizeof *out->markets)))
        ok = false;
    for (size_t m = 0; ok && m < s[first].n_markets; m++, out->n_markets++)
        out->markets[m] = dup_or_null(s[first].markets[m], &ok);
    return ok ? 0 : -2;
}

int result_merge(run_report *shards, const char *const *names, size_t n, run_report *out, char *err,
                 size_t errlen)
{
    run_report m;
    placed *all = NULL;
    size_t total = 0, first = 0, catalog = 0;
    int rc = -1;
    memset(&m, 0, sizeof m);
    if (n == 0) {
        snprintf(err, errlen, "no runs to merge");
        return -1;
    }
    if (check_runs(shards, names, n, err, errlen) < 0 ||
        check_shards(shards, names, n, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        total += shards[i].count;
        if (shards[i].shard_k < shards[first].shard_k)
            first = i;
    }
    catalog = first;
    for (size_t i = 0; i < n && !shards[catalog].n_clauses; i++)
        catalog = i;
    if (!(all = calloc(total ? total : 1, sizeof *all)) ||
        !(m.results = calloc(total ? total : 1, sizeof *m.results)))
        goto oom;
    for (size_t i = 0, k = 0; i < n; i++)
        for (size_t j = 0; j < shards[i].count; j++)
            all[k++] = (placed){&shards[i].results[j], i};
    if (check_tests(shards, names, all, total, err, errlen) < 0)
        goto out;
    if (header(shards, n, first, &m) < 0)
        goto oom;
    /* nothing can fail past this point: move the tests and the catalog */
    for (size_t i = 0; i < total; i++)
        m.results[i] = *all[i].t;
    m.count = total;
    for (size_t i = 0; i < n; i++) {
        free(shards[i].results);
        shards[i].results = NULL;
        shards[i].count = 0;
    }
    run_report *c = &shards[catalog];
    m.clauses = c->clauses;
    m.n_clauses = c->n_clauses;
    m.applicable = c->applicable;
    c->clauses = NULL;
    c->n_clauses = 0;
    c->applicable = NULL;
    *out = m;
    free(all);
    return 0;
oom:
    rc = -2;
    snprintf(err, errlen, "out of memory merging %zu runs", n);
out:
    free(all);
    /* the tests were never moved: only the header copies are m's own */
    free(m.results);
    m.results = NULL;
    m.count = 0;
    run_report_free(&m);
    return rc;
}
