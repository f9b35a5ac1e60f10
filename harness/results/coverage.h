/* coverage: contract coverage of a run — for each market run and each clause of the
 * run's catalog, how the tests covering it ended, rolled up into one status per clause
 * (docs/contract.md §5, docs/kpct.md). Computed from a run_report alone, once per run;
 * the reporters and the console read the result.
 * Ownership: a coverage owns its markets and cells but borrows the run's clause catalog
 * and market names: free it (coverage_free) before the run_report it was computed from. */
#ifndef KPCT_COVERAGE_H
#define KPCT_COVERAGE_H

#include <stddef.h>

#include "kbuf.h"
#include "result.h"

/* The roll-up of one clause in one market. */
typedef enum {
    CLAUSE_PASSING,         /* a test passed and none failed */
    CLAUSE_FAILING,         /* a test failed */
    CLAUSE_ERRORING,        /* tests could not be judged and none passed or failed */
    CLAUSE_SKIPPED_ONLY,    /* its tests were all skipped (e.g. mock-only on the playground) */
    CLAUSE_NOT_COVERED,     /* tests exist for this market but none was in the run */
    CLAUSE_NOT_APPLICABLE,  /* no test covers it in this market (e.g. US sales tax elsewhere) */
    CLAUSE_READING_DIFFERS, /* an unconfirmed reading of ours the target does not follow */
    CLAUSE_STATUS_COUNT
} clause_status;

/* One clause in one market: how the tests covering it ended, and the roll-up. */
typedef struct coverage_cell {
    size_t by_result[RESULT_STATUS_COUNT]; /* tests of this market covering the clause, by
                                              result_status */
    clause_status status;
} coverage_cell;

/* Everything computed for one market. */
typedef struct coverage_market {
    const char *market;   /* borrowed from the run */
    coverage_cell *cells; /* one per clause of the catalog, in catalog order */
    size_t by_status[CLAUSE_STATUS_COUNT];
    size_t applicable; /* catalog minus not-applicable */
    size_t covered;    /* a test ran (passed, failed or errored) */
    size_t counted;    /* denominator of the passing share: applicable minus mock-only skipped */
    double passing_pct;
} coverage_market;

typedef struct coverage {
    const result_clause *clauses; /* the run's catalog, borrowed */
    size_t n_clauses;
    coverage_market *markets; /* the run's markets in order, then any only results name */
    size_t n_markets;
} coverage;

/* Computes the coverage of run; returns 0 and *out (free with coverage_free), or -1 on
 * OOM with *out untouched. */
int coverage_compute(const run_report *run, coverage **out);
/* Frees a coverage; accepts NULL. */
void coverage_free(coverage *cov);
/* Returns "passing", "failing", "erroring", "skipped-only", "not-covered",
 * "not-applicable" or "reading-differs", the names coverage.json uses. */
const char *coverage_status_name(clause_status s);
/* Parses a name coverage_status_name returns; returns 0 and *out, or -1 for any other. */
int coverage_status_parse(const char *name, clause_status *out);
/* Whether a test covering the cell's clause ran (passed, failed or errored). */
bool coverage_cell_ran(const coverage_cell *cell);
/* Whether a result covers the clause id. */
bool coverage_result_covers(const test_result *t, const char *clause);
/* Appends the console closing line(s), e.g. "clauses: 42/42 covered, 42 passing" (one
 * per market when several ran; nothing when there is no catalog), and sets *passing_pct
 * (when not NULL) to the lowest per-market share of clauses with at least one passing test
 * and none failing (100 when there is no catalog). Returns 0, or -1 at out's ceiling. */
int coverage_summary(const coverage *cov, kbuf *out, double *passing_pct);

#endif
