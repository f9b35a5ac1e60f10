/* console: per-test lines and the totals line. */
#include "console.h"

#include <string.h>

#include "xml.h"

#define CONSOLE_REASON_MAX 300 /* bytes of a reason on a test line */

/* Appends text with ANSI sequences and control characters neutralised (a server's
 * body must not drive the user's terminal), as one line of at most max bytes. */
static int safe_line(kbuf *out, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (xml_plain_line(out, s, n > max ? max : n) < 0)
        return -1;
    return n > max ? kbuf_puts(out, "...") : 0;
}

int console_test_line(kbuf *out, const test_result *t, bool show_market, bool colour)
{
    static const char *const word[] = {"PASS", "FAIL", "ERROR", "SKIP"};
    static const char *const ansi[] = {"\x1b[32m", "\x1b[31m", "\x1b[35m", "\x1b[33m"};
    const char *w = word[t->status];
    if (colour ? kbuf_printf(out, "%s%s\x1b[0m", ansi[t->status], w) : kbuf_puts(out, w))
        return -1;
    if (kbuf_printf(out, " %s", t->id) < 0)
        return -1;
    if (show_market && kbuf_printf(out, " [%s]", t->market) < 0)
        return -1;
    if (t->status != RESULT_SKIP && kbuf_printf(out, " (%.0f ms)", t->seconds * 1000.0) < 0)
        return -1;
    if (t->n_retries && kbuf_printf(out, " after %zu %s", t->n_retries,
                                    t->n_retries == 1 ? "retry" : "retries") < 0)
        return -1;
    if (t->status != RESULT_PASS && t->message) {
        if (kbuf_puts(out, ": ") < 0 || safe_line(out, t->message, CONSOLE_REASON_MAX) < 0)
            return -1;
    }
    if (kbuf_puts(out, "\n") < 0)
        return -1;
    if (t->status != RESULT_FAIL && t->status != RESULT_ERROR)
        return 0;
    /* a failure names what it broke: the variant's title and its clauses */
    if (kbuf_puts(out, "  \"") < 0 ||
        safe_line(out, t->title ? t->title : "", CONSOLE_REASON_MAX) < 0 ||
        kbuf_puts(out, "\" (clauses: ") < 0)
        return -1;
    for (size_t i = 0; i < t->n_clauses; i++)
        if ((i && kbuf_puts(out, ", ") < 0) ||
            safe_line(out, t->clauses[i], CONSOLE_REASON_MAX) < 0)
            return -1;
    return kbuf_puts(out, t->n_clauses ? ")\n" : "none)\n");
}

int console_progress(kbuf *out, size_t done, size_t total, size_t failures, double elapsed_s)
{
    return kbuf_printf(out, "[%zu/%zu] %zu failed or errored, %.1f s", done, total, failures,
                       elapsed_s);
}

int console_totals(kbuf *out, const run_report *run)
{
    size_t n[4], flaky;
    run_report_tally(run, n, &flaky);
    if (kbuf_printf(out, "%zu passed, %zu failed, %zu errored, %zu skipped", n[RESULT_PASS],
                    n[RESULT_FAIL], n[RESULT_ERROR], n[RESULT_SKIP]) < 0)
        return -1;
    if (kbuf_puts(out, "\n") < 0)
        return -1;
    if (flaky && kbuf_printf(out, "%zu flaky (passed only after retries)\n", flaky) < 0)
        return -1;
    return 0;
}
