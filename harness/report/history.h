/* history: several runs of one contract read side by side — the archived nightly runs —
 * to show when each clause changed status (the contract's drift), which tests flip
 * between runs (stability), and the runs' metadata. Runs of different case sets or
 * targets are kept in separate groups, never mixed.
 * Ownership: history_load hands out a history the caller frees with history_free; it owns
 * its runs (each a run_report read from its folder) and their coverage. */
#ifndef KPCT_HISTORY_H
#define KPCT_HISTORY_H

#include <stddef.h>

#include "coverage.h"
#include "kbuf.h"
#include "result.h"

#define HISTORY_MAX_RUNS  1000        /* run folders one history reads */
#define HISTORY_MAX_BYTES (64u << 20) /* ceiling of history.html and history.md each */

typedef struct history_run {
    char *dir; /* the folder it was read from, as given */
    run_report run;
    coverage *cov;
    size_t group; /* index of its group */
} history_run;

typedef struct history {
    history_run *runs; /* ordered by started_at (then folder) */
    size_t n_runs;
    size_t n_groups; /* groups numbered in order of their first run */
} history;

/* Reads each folder with run_report_read and orders the runs by start time. Runs are
 * grouped by their case_digest when they have one, else by target, base URL (not for the
 * embedded mock, whose port changes every run), markets and the set of clause ids. Returns
 * 0 and *out, or -1 with "DIR: <the reader's reason>" (or the bound) and *out untouched. */
int history_load(const char *const *dirs, size_t n, history **out, char *err, size_t errlen);
/* Frees a history; accepts NULL. */
void history_free(history *h);
/* Appends history.md; returns 0, or -1 at out's ceiling. */
int history_md_render(const history *h, kbuf *out);
/* Appends history.html; returns 0, or -1 at out's ceiling. */
int history_html_render(const history *h, kbuf *out);
/* Writes history.html and history.md into dir, each atomically; returns 0, or -1 with
 * the reason in err (a file not written is left as it was). */
int history_write(const history *h, const char *dir, char *err, size_t errlen);

/* ---- lookups both renderers (history_md.c, history_html.c) read ---- */

/* How often the status of test t (of run i, found by market and id) changes over the
 * runs of group g from run i on; 0 also when an earlier run of the group has the test,
 * so each (test, market) is counted once, at its first run. */
size_t history_test_flips(const history *h, size_t g, size_t i, const test_result *t);
/* The status of clause c in market mk of run r, or -1 when r did not run mk. */
int history_clause_status(const history_run *r, const char *market, const char *clause);
/* The markets of group g: in order of first appearance over its runs. Returns a new
 * array of borrowed names (free() it) and their number in *n, or NULL with *n 0. */
const char **history_group_markets(const history *h, size_t g, size_t *n);
/* The latest run of group g (runs are ordered by start time), whose catalog the group is
 * read by (a group's runs share their clause ids); NULL when the group has no run. */
const history_run *history_group_latest(const history *h, size_t g);
/* One change of a clause's status in a group: in market, clause went from status `from`
 * to `to` (clause_status values) in run i of h; first: its first change in that market. */
typedef void history_change_fn(void *ctx, const char *market, const char *clause, int from, int to,
                               size_t i, bool first);
/* Calls each (NULL: none) for every status change of every clause of group g in market
 * (NULL: every market), by market, clause and run; returns how many (market, clause)
 * pairs changed. */
size_t history_clause_changes(const history *h, size_t g, const char *market,
                              history_change_fn *each, void *ctx);
/* The result of test id in market mk of run r, or NULL when it is not there. */
const test_result *history_find_test(const history_run *r, const char *market, const char *id);

#endif
