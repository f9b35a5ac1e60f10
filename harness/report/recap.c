/* recap: the console's closing summary of a run. */
#include "recap.h"

#include <stdlib.h>
#include <string.h>

#include "verdict.h"
#include "xml.h"

#define RECAP_TEXT_MAX 300 /* bytes of a title or reason on a recap line */

static const char *const ansi[] = {"\x1b[32m", "\x1b[31m", "\x1b[35m", "\x1b[33m"};
static const char *const word[] = {"PASSED", "FAILED", "ERRORED", "INTERRUPTED"};

/* Text from outside as one terminal-safe line, cut at max bytes. */
static int line_text(kbuf *out, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (xml_plain_line(out, s ? s : "", n > max ? max : n) < 0)
        return -1;
    return n > max ? kbuf_puts(out, "...") : 0;
}

static int clause_markets(kbuf *out, const coverage *cov, size_t clause)
{
    bool any = false;
    for (size_t m = 0; clause != VERDICT_NO_CLAUSE && m < cov->n_markets; m++) {
        const coverage_cell *cell = &cov->markets[m].cells[clause];
        if (!cell->by_result[RESULT_FAIL] && !cell->by_result[RESULT_ERROR])
            continue;
        if (kbuf_printf(out, "%s%s", any ? ", " : " (", cov->markets[m].market) < 0)
            return -1;
        any = true;
    }
    return any ? kbuf_puts(out, ")") : 0;
}

static int problem(kbuf *out, const run_report *run, const coverage *cov, const verdict_problem *p)
{
    const test_result *t = p->first;
    const char *id =
        p->clause == VERDICT_NO_CLAUSE ? "(no catalog clause)" : run->clauses[p->clause].id;
    if (kbuf_puts(out, "  ") < 0 || line_text(out, id, RECAP_TEXT_MAX) < 0 ||
        clause_markets(out, cov, p->clause) < 0 ||
        kbuf_printf(out, ": %zu failed, %zu errored\n    first: %s ", p->failed, p->errored,
                    t->status == RESULT_FAIL ? "FAIL" : "ERROR") < 0 ||
        line_text(out, t->id, RECAP_TEXT_MAX) < 0 || kbuf_puts(out, " [") < 0 ||
        line_text(out, t->market, 64) < 0 || kbuf_puts(out, "] \"") < 0 ||
        line_text(out, t->title, RECAP_TEXT_MAX) < 0 || kbuf_puts(out, "\" (clauses: ") < 0)
        return -1;
    for (size_t i = 0; i < t->n_clauses; i++)
        if ((i && kbuf_puts(out, ", ") < 0) || line_text(out, t->clauses[i], RECAP_TEXT_MAX) < 0)
            return -1;
    if (kbuf_puts(out, ")\n      ") < 0 || line_text(out, t->message, RECAP_TEXT_MAX) < 0)
        return -1;
    return kbuf_puts(out, "\n");
}

int recap_build(kbuf *out, const run_report *run, const coverage *cov, const char *const *paths,
                size_t n_paths, bool colour)
{
    verdict_kind v = verdict_of(run);
    verdict_problem *p = NULL;
    size_t n = 0;
    int rc = -1;
    kbuf why;
    kbuf_init(&why, 1u << 16);
    if (verdict_problems(run, &p, &n) < 0 || verdict_sentence(&why, run, cov) < 0)
        goto out;
    if ((colour ? kbuf_printf(out, "%s%s\x1b[0m: ", ansi[v], word[v])
                : kbuf_printf(out, "%s: ", word[v])) < 0 ||
        line_text(out, kbuf_str(&why), why.len) < 0 || kbuf_puts(out, "\n") < 0)
        goto out;
    if (n && kbuf_puts(out, "failing and erroring clauses:\n") < 0)
        goto out;
    for (size_t i = 0; i < n && i < RECAP_MAX_CLAUSES; i++)
        if (problem(out, run, cov, &p[i]) < 0)
            goto out;
    if (n > RECAP_MAX_CLAUSES && kbuf_printf(out, "  ... and %zu more clauses (see report.html)\n",
                                             n - RECAP_MAX_CLAUSES) < 0)
        goto out;
    if (kbuf_printf(out, "%zu tests in %.2f s\n", run->count, run->seconds) < 0)
        goto out;
    for (size_t i = 0; i < n_paths; i++)
        if (kbuf_printf(out, "%s%s", i ? ", " : "reports: ", paths[i]) < 0)
            goto out;
    rc = n_paths ? kbuf_puts(out, "\n") : 0;
out:
    kbuf_free(&why);
    free(p);
    return rc;
}
