/* report_md: summary.md, the run in a few lines of Markdown for $GITHUB_STEP_SUMMARY,
 * GitLab and PR comments — the verdict, one table row per market, the failing clauses with
 * their first failing test. Text from the target is escaped so it renders as text.
 * Ownership: md_report_render appends to the caller's kbuf; nothing is handed out. */
#ifndef KPCT_REPORT_MD_H
#define KPCT_REPORT_MD_H

#include <stddef.h>

#include "coverage.h"
#include "kbuf.h"
#include "result.h"

#define MD_REPORT_MAX_BYTES (1u << 20) /* GitHub's step-summary limit */

/* Appends the summary, at most max bytes: past it whole lines are dropped and a note
 * says so. Returns 0, or -1 on OOM. */
int md_report_render(const run_report *run, const coverage *cov, size_t max, kbuf *out);
/* Appends s as one line of Markdown text: line breaks and control characters become
 * spaces, invalid UTF-8 U+FFFD, Markdown's and HTML's special characters are escaped
 * (mentions and references too); at most max bytes of s. Returns 0, or -1 at the ceiling. */
int md_escape(kbuf *out, const char *s, size_t max);
/* Appends an id as a code span when it is made of id characters only (kpct's own ids
 * are), so it reads as written; anything else is md_escape'd. Returns as md_escape. */
int md_id(kbuf *out, const char *s);
/* Writes summary.md (MD_REPORT_MAX_BYTES) to path atomically; 0, or -1 with err. */
int md_report_write(const run_report *run, const coverage *cov, const char *path, char *err,
                    size_t errlen);

#endif
