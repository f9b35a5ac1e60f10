/* diff: what changed between two runs, as data (see diff.h). */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normal.h"

/* A clause's roll-up in one market, from the tests covering it (coverage.json's rule,
 * without a catalog: a run rebuilt from results.json alone still compares). */
typedef enum { CS_NONE, CS_SKIPPED, CS_ERRORING, CS_PASSING, CS_FAILING } clause_roll;
static const char *const roll_name[] = {"not covered", "skipped-only", "erroring", "passing",
                                        "failing"};

typedef struct clause_row {
    const char *market, *id;
    clause_roll a, b;
    bool unconfirmed;
} clause_row;

static clause_roll roll_of(clause_roll now, result_status s)
{
    clause_roll r = s == RESULT_FAIL    ? CS_FAILING
                    : s == RESULT_PASS  ? CS_PASSING
                    : s == RESULT_ERROR ? CS_ERRORING
                                        : CS_SKIPPED;
    return r > now ? r : now;
}

static bool tagged(const test_result *t, const char *tag)
{
    for (size_t i = 0; i < t->n_tags; i++)
        if (!strcmp(t->tags[i], tag))
            return true;
    return false;
}

static bool same(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

static const test_result *find_test(const run_report *r, const char *id, const char *market)
{
    for (size_t i = 0; i < r->count; i++)
        if (same(r->results[i].id, id) && same(r->results[i].market, market))
            return &r->results[i];
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int add(diff_report *d, diff_kind kind, const char *market, const char *id, size_t step,
               const char *step_name, const char *what, const char *a, const char *b,
               bool unconfirmed)
{
    diff_change *grown = realloc(d->changes, (d->n_changes + 1) * sizeof *grown);
    if (!grown)
        return -1;
    d->changes = grown;
    diff_change c = {kind,           dup_or_null(market),    dup_or_null(id),
                     step,           dup_or_null(step_name), dup_or_null(what),
                     dup_or_null(a), dup_or_null(b),         unconfirmed};
    d->changes[d->n_changes++] = c;
    if (!unconfirmed)
        d->n_confirmed++;
    if ((market && !c.market) || (id && !c.id) || (step_name && !c.step_name) ||
        (what && !c.what) || (a && !c.a) || (b && !c.b))
        return -1;
    return 0;
}

/* Every (market, clause) either run covers, with both roll-ups. */
static int roll_clauses(const run_report *a, const run_report *b, clause_row **out, size_t *n_out)
{
    clause_row *rows = NULL;
    size_t n = 0;
    const run_report *runs[2] = {a, b};
    for (int side = 0; side < 2; side++) {
        for (size_t i = 0; i < runs[side]->count; i++) {
            const test_result *t = &runs[side]->results[i];
            for (size_t c = 0; c < t->n_clauses; c++) {
                clause_row *row = NULL;
                for (size_t k = 0; k < n && !row; k++)
                    if (same(rows[k].market, t->market) && same(rows[k].id, t->clauses[c]))
                        row = &rows[k];
                if (!row) {
                    clause_row *grown = realloc(rows, (n + 1) * sizeof *grown);
                    if (!grown) {
                        free(rows);
                        return -1;
                    }
                    rows = grown;
                    row = &rows[n++];
                    *row = (clause_row){t->market, t->clauses[c], CS_NONE, CS_NONE, false};
                }
                clause_roll *r = side ? &row->b : &row->a;
                *r = roll_of(*r, t->status);
                /* every test of an unconfirmed clause carries the tag, and only those */
                row->unconfirmed |= tagged(t, "unconfirmed");
            }
        }
    }
    *out = rows;
    *n_out = n;
    return 0;
}

/* The path of a URL with its volatile parts replaced: hosts and ports differ by run. */
static char *url_path(const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    p = p ? strchr(p + 3, '/') : NULL;
    return normal_body(p ? p : "", p ? strlen(p) : 0);
}

static int compare_steps(diff_report *d, const test_result *ta, const test_result *tb, bool unc)
{
    size_t n = ta->n_steps > tb->n_steps ? ta->n_steps : tb->n_steps;
    for (size_t i = 0; i < n; i++) {
        const result_step *x = i < ta->n_steps ? &ta->steps[i] : NULL;
        const result_step *y = i < tb->n_steps ? &tb->steps[i] : NULL;
        const char *name = x ? x->name : y->name;
        char sa[32], sb[32];
        if (!x || !y) {
            snprintf(sa, sizeof sa, x ? "%ld" : "(no step)", x ? x->status : 0);
            snprintf(sb, sizeof sb, y ? "%ld" : "(no step)", y ? y->status : 0);
            return add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "step", sa, sb, unc);
        }
        char *pa = url_path(x->url), *pb = url_path(y->url);
        int rc = 0;
        bool differs = true;
        if (!pa || !pb) {
            rc = -1;
        } else if (!same(x->method, y->method) || strcmp(pa, pb)) {
            char ra[4200], rb[4200];
            snprintf(ra, sizeof ra, "%s %s", x->method ? x->method : "", pa);
            snprintf(rb, sizeof rb, "%s %s", y->method ? y->method : "", pb);
            rc = add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "request", ra, rb, unc);
        } else if (x->status != y->status) {
            snprintf(sa, sizeof sa, "%ld", x->status);
            snprintf(sb, sizeof sb, "%ld", y->status);
            rc = add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "status", sa, sb, unc);
        } else if (!strncmp(pa, "/__admin/", 9)) {
            /* the mock's admin answers describe the mock (its clock offset moves with the
             * wall clock), not the contract: their status is all that compares */
            differs = false;
        } else if (!same(x->content_type, y->content_type)) {
            rc = add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "content type",
                     x->content_type, y->content_type, unc);
        } else if (x->correlation_id != y->correlation_id) {
            rc = add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "correlation id",
                     x->correlation_id ? "present" : "absent",
                     y->correlation_id ? "present" : "absent", unc);
        } else if (x->body && y->body && strcmp(x->body, y->body)) {
            rc =
                add(d, DIFF_ANSWER, ta->market, ta->id, i + 1, name, "body", x->body, y->body, unc);
        } else {
            differs = false;
        }
        free(pa);
        free(pb);
        if (rc < 0 || differs)
            return rc; /* the first difference of a test is the one to read */
    }
    return 0;
}

int diff_runs(const run_report *a, const run_report *b, diff_report *out)
{
    diff_report d = {0};
    clause_row *rows = NULL;
    size_t n_rows = 0;
    if (roll_clauses(a, b, &rows, &n_rows) < 0)
        goto oom;
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].a != rows[i].b &&
            add(&d, DIFF_CLAUSE, rows[i].market, rows[i].id, 0, NULL, NULL, roll_name[rows[i].a],
                roll_name[rows[i].b], rows[i].unconfirmed) < 0)
            goto oom;
    for (size_t i = 0; i < a->count; i++) {
        const test_result *ta = &a->results[i];
        const test_result *tb = find_test(b, ta->id, ta->market);
        bool unc = tagged(ta, "unconfirmed");
        if (!tb) {
            if (add(&d, DIFF_ONLY_A, ta->market, ta->id, 0, NULL, NULL,
                    result_status_name(ta->status), NULL, unc) < 0)
                goto oom;
            continue;
        }
        if (ta->status != tb->status &&
            add(&d, DIFF_TEST, ta->market, ta->id, 0, NULL, NULL, result_status_name(ta->status),
                result_status_name(tb->status), unc) < 0)
            goto oom;
        if (ta->status != RESULT_SKIP && tb->status != RESULT_SKIP &&
            compare_steps(&d, ta, tb, unc) < 0)
            goto oom;
    }
    for (size_t i = 0; i < b->count; i++) {
        const test_result *tb = &b->results[i];
        if (!find_test(a, tb->id, tb->market) &&
            add(&d, DIFF_ONLY_B, tb->market, tb->id, 0, NULL, NULL, NULL,
                result_status_name(tb->status), tagged(tb, "unconfirmed")) < 0)
            goto oom;
    }
    free(rows);
    *out = d;
    return 0;
oom:
    free(rows);
    diff_report_free(&d);
    return -1;
}

int diff_line(kbuf *out, const diff_change *c)
{
    const char *unc = c->unconfirmed ? " (unconfirmed)" : "";
    switch (c->kind) {
    case DIFF_CLAUSE:
        return kbuf_printf(out, "clause %s [%s]: %s -> %s%s", c->id, c->market, c->a, c->b, unc);
    case DIFF_TEST:
        return kbuf_printf(out, "test %s [%s]: %s -> %s%s", c->id, c->market, c->a, c->b, unc);
    case DIFF_ANSWER:
        return kbuf_printf(out, "answer %s [%s] step %zu \"%s\": %s %s -> %s%s", c->id, c->market,
                           c->step, c->step_name ? c->step_name : "", c->what,
                           c->a ? c->a : "(none)", c->b ? c->b : "(none)", unc);
    case DIFF_ONLY_A:
        return kbuf_printf(out, "only in A: %s [%s] (%s)%s", c->id, c->market, c->a, unc);
    default:
        return kbuf_printf(out, "only in B: %s [%s] (%s)%s", c->id, c->market, c->b, unc);
    }
}

void diff_report_free(diff_report *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_changes; i++) {
        diff_change *c = &d->changes[i];
        free(c->market);
        free(c->id);
        free(c->step_name);
        free(c->what);
        free(c->a);
        free(c->b);
    }
    free(d->changes);
    d->changes = NULL;
    d->n_changes = d->n_confirmed = 0;
}
