/* console: what a person sees while a run goes: one line per test and the closing
 * totals line. Colour only when asked (the CLI decides: a TTY and no NO_COLOR). It streams,
 * so it is not in report.h's table of files.
 * Ownership: nothing is handed out; each call appends to the caller's kbuf. */
#ifndef KPCT_CONSOLE_H
#define KPCT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuf.h"
#include "result.h"

/* Appends "PASS id (12 ms)" (or FAIL/ERROR/SKIP with the short reason, and the market
 * in brackets when show_market) and a newline; a FAIL or ERROR line is followed by
 * '  "<title>" (clauses: a, b)'. Returns 0, or -1 at out's ceiling. */
int console_test_line(kbuf *out, const test_result *t, bool show_market, bool colour);
/* Appends the progress line a terminal keeps at the bottom, without a newline:
 * "[12/808] 1 failed or errored, 0.4 s". Returns 0, or -1 at out's ceiling. */
int console_progress(kbuf *out, size_t done, size_t total, size_t failures, double elapsed_s);
/* Appends exactly "N passed, N failed, N errored, N skipped" and a newline, then
 * "N flaky (passed only after retries)" on its own line when there were any. */
int console_totals(kbuf *out, const run_report *run);

#endif
