/* report_html: report.html, the one page a release manager reads at sign-off — the
 * verdict, the run, the clause × market matrix, every failed and errored test with its
 * story, flaky and skipped tests, and the passing tests as one compact table. One
 * self-contained file (inline style, one small inline script it does not need), printable.
 * Ownership: html_report_render appends to the caller's kbuf; nothing is handed out. */
#ifndef KPCT_REPORT_HTML_H
#define KPCT_REPORT_HTML_H

#include <stddef.h>

#include "coverage.h"
#include "kbuf.h"
#include "result.h"

#define HTML_REPORT_MAX_BYTES    (64u << 20) /* ceiling of one page */
#define HTML_REPORT_STORY_MAX    (16u << 10) /* bytes of one story shown; the rest is cut */
#define HTML_REPORT_WIDE_MARKETS 6           /* past this many markets, matrix cells are compact */

/* Appends the page of run; returns 0, or -1 at out's ceiling or on OOM. */
int html_report_render(const run_report *run, const coverage *cov, kbuf *out);
/* Writes the page to path atomically; returns 0, or -1 with a reason in err. */
int html_report_write(const run_report *run, const coverage *cov, const char *path, char *err,
                      size_t errlen);

#endif
