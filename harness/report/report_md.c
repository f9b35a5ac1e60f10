/* report_md: summary.md, the short Markdown form of the sign-off report. */
#include "report_md.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"
#include "verdict.h"
#include "xml.h"

#define MD_REASON_MAX 300 /* bytes of a failure reason in a table cell */
#define MD_LINE_MAX   (64u << 10)
#define MD_CUT_NOTE   "\n_Summary cut at %zu bytes; report.html and results.json have everything._\n"

/* Lines are committed whole, so a cut never leaves half a table row. */
typedef struct md {
    kbuf *out;
    kbuf line;
    size_t max; /* room for the lines, the cut note kept aside */
    bool cut;
    bool oom;
} md;

static void commit(md *m)
{
    if (!m->cut && !m->oom) {
        if (m->line.len > MD_LINE_MAX || m->out->len + m->line.len > m->max)
            m->cut = true;
        else if (kbuf_append(m->out, m->line.data ? m->line.data : "", m->line.len) < 0)
            m->oom = true;
    }
    kbuf_reset(&m->line);
}

int md_escape(kbuf *out, const char *s, size_t max)
{
    kbuf plain;
    size_t n = s ? strlen(s) : 0;
    int rc = -1;
    kbuf_init(&plain, 3 * (n < max ? n : max) + 1);
    if (xml_plain_line(&plain, s ? s : "", n < max ? n : max) < 0)
        goto out;
    for (size_t i = 0; i < plain.len; i++) {
        char c = plain.data[i];
        const char *rep = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : NULL;
        if (rep) {
            if (kbuf_puts(out, rep) < 0)
                goto out;
            continue;
        }
        if (strchr("\\`*_[]#+!|~@$", c) && c && kbuf_append(out, "\\", 1) < 0)
            goto out;
        if (kbuf_append(out, &c, 1) < 0)
            goto out;
    }
    if (n > max && kbuf_puts(out, "...") < 0)
        goto out;
    rc = 0;
out:
    kbuf_free(&plain);
    return rc;
}

static void text(md *m, const char *s, size_t max)
{
    if (md_escape(&m->line, s, max) < 0)
        m->oom = true;
}

int md_id(kbuf *out, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    bool plain = n > 0 && n <= 200;
    for (size_t i = 0; plain && i < n; i++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-", s[i]);
    return plain ? kbuf_printf(out, "`%s`", s) : md_escape(out, s, 200);
}

static void id(md *m, const char *s)
{
    if (md_id(&m->line, s) < 0)
        m->oom = true;
}

static void put(md *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(md *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (kbuf_vprintf(&m->line, fmt, ap) < 0)
        m->oom = true;
    va_end(ap);
}

static void head(md *m, const run_report *run, const coverage *cov)
{
    static const char *const mark[] = {"\xE2\x9C\x85", "\xE2\x9D\x8C", "\xE2\x9A\xA0\xEF\xB8\x8F",
                                       "\xE2\x8F\xB8\xEF\xB8\x8F"};
    static const char *const word[] = {"PASSED", "FAILED", "ERRORED", "INTERRUPTED"};
    verdict_kind v = verdict_of(run);
    kbuf why;
    kbuf_init(&why, 1u << 16);
    if (verdict_sentence(&why, run, cov) < 0)
        m->oom = true;
    put(m, "## kpct: %s %s\n\n", mark[v], word[v]);
    commit(m);
    text(m, kbuf_str(&why), MD_LINE_MAX / 2);
    put(m, "\n\n");
    commit(m);
    kbuf_free(&why);
    put(m, "Target ");
    text(m, run->target, 200);
    if (run->base_url && run->target && strcmp(run->base_url, run->target)) {
        put(m, " (");
        text(m, run->base_url, 500);
        put(m, ")");
    }
    put(m, ", started ");
    text(m, run->started_at, 64);
    put(m, ", %.2f s, seed %llu, kpct ", run->seconds, (unsigned long long)run->seed);
    text(m, run->version, 64);
    if (run->case_digest) {
        put(m, ", case set ");
        text(m, run->case_digest, 128);
    }
    put(m, "%s.\n\n", run->interrupted ? ". **Interrupted: the results are partial**" : "");
    commit(m);
}

static void markets(md *m, const run_report *run, const coverage *cov)
{
    put(m, "| market | tests | passed | failed | errored | skipped | flaky | clauses passing |\n"
           "|---|--:|--:|--:|--:|--:|--:|--:|\n");
    commit(m);
    for (size_t k = 0; k < cov->n_markets; k++) {
        const coverage_market *mc = &cov->markets[k];
        size_t n[4] = {0}, flaky = 0, total = 0;
        for (size_t i = 0; i < run->count; i++) {
            const test_result *t = &run->results[i];
            if (t->market && !strcmp(t->market, mc->market)) {
                n[t->status]++;
                flaky += result_flaky(t);
                total++;
            }
        }
        put(m, "| ");
        text(m, mc->market, 64);
        put(m, " | %zu | %zu | %zu | %zu | %zu | %zu | ", total, n[RESULT_PASS], n[RESULT_FAIL],
            n[RESULT_ERROR], n[RESULT_SKIP], flaky);
        if (cov->n_clauses)
            put(m, "%zu/%zu |\n", mc->by_status[CLAUSE_PASSING], mc->counted);
        else
            put(m, "no catalog |\n");
        commit(m);
    }
}

/* "AU, DE" — the markets where the clause is failing or erroring. */
static void problem_markets(md *m, const coverage *cov, size_t clause)
{
    bool any = false;
    for (size_t k = 0; clause != VERDICT_NO_CLAUSE && k < cov->n_markets; k++) {
        clause_status s = cov->markets[k].cells[clause].status;
        if (s != CLAUSE_FAILING && s != CLAUSE_ERRORING &&
            cov->markets[k].cells[clause].by_result[RESULT_ERROR] == 0)
            continue;
        put(m, any ? ", " : "");
        text(m, cov->markets[k].market, 64);
        any = true;
    }
    if (!any)
        put(m, "-");
}

static void problems(md *m, const run_report *run, const coverage *cov)
{
    verdict_problem *p = NULL;
    size_t n = 0;
    if (verdict_problems(run, &p, &n) < 0) {
        m->oom = true;
        return;
    }
    if (!n)
        goto out;
    put(m,
        "\n### Failing and erroring clauses (%zu)\n\n"
        "| clause | markets | tests | first failing test | reason |\n|---|---|--:|---|---|\n",
        n);
    commit(m);
    for (size_t i = 0; i < n && !m->cut; i++) {
        const test_result *t = p[i].first;
        put(m, "| ");
        if (p[i].clause == VERDICT_NO_CLAUSE)
            put(m, "(no catalog clause)");
        else
            id(m, run->clauses[p[i].clause].id);
        put(m, " | ");
        problem_markets(m, cov, p[i].clause);
        put(m, " | %zu failed, %zu errored | ", p[i].failed, p[i].errored);
        id(m, t->id);
        put(m, " [");
        text(m, t->market, 64);
        put(m, "]: ");
        text(m, t->title, 300);
        put(m, " | %s: ", result_status_name(t->status));
        text(m, t->message, MD_REASON_MAX);
        put(m, " |\n");
        commit(m);
    }
out:
    free(p);
}

int md_report_render(const run_report *run, const coverage *cov, size_t max, kbuf *out)
{
    char note[160];
    int len = snprintf(note, sizeof note, MD_CUT_NOTE, max);
    md m = {.out = out, .max = out->len + (max > (size_t)len ? max - (size_t)len : 0)};
    kbuf_init(&m.line, MD_LINE_MAX + 4096);
    head(&m, run, cov);
    markets(&m, run, cov);
    problems(&m, run, cov);
    if (m.cut && kbuf_puts(out, note) < 0)
        m.oom = true;
    kbuf_free(&m.line);
    return m.oom ? -1 : 0;
}

int md_report_write(const run_report *run, const coverage *cov, const char *path, char *err,
                    size_t errlen)
{
    kbuf out;
    int rc = -1;
    kbuf_init(&out, MD_REPORT_MAX_BYTES + 1);
    if (md_report_render(run, cov, MD_REPORT_MAX_BYTES, &out) < 0)
        snprintf(err, errlen, "%s: out of memory writing the summary", path);
    else
        rc = kfile_write_atomic(path, out.data ? out.data : "", out.len, err, errlen);
    kbuf_free(&out);
    return rc;
}
