/* diff: two runs compared — clause by clause (each market's roll-up of the tests that
 * cover it), test by test (status), and for tests both ran, answer by answer (status,
 * content type, Klarna-Correlation-Id presence, the normalised body of each step).
 * Pure: works on two run_reports (a run, or one rebuilt from results.json).
 * Ownership: diff_runs fills a diff_report whose changes and strings diff_report_free
 * releases; the runs are only read. */
#ifndef KPCT_DIFF_H
#define KPCT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuf.h"
#include "result.h"

typedef enum {
    DIFF_CLAUSE, /* a clause's status in a market changed */
    DIFF_TEST,   /* a test's status changed */
    DIFF_ANSWER, /* a step of a test both ran answered differently */
    DIFF_ONLY_A, /* a test only A has */
    DIFF_ONLY_B  /* a test only B has */
} diff_kind;

typedef struct diff_change {
    diff_kind kind;
    char *market;
    char *id;         /* the clause or the test */
    size_t step;      /* DIFF_ANSWER: 1-based step */
    char *step_name;  /* DIFF_ANSWER */
    char *what;       /* DIFF_ANSWER: "status", "content type", "correlation id", "body" */
    char *a, *b;      /* the two sides as text; NULL for a side that has none */
    bool unconfirmed; /* touches only unconfirmed clauses: reported, not a disagreement */
} diff_change;

typedef struct diff_report {
    diff_change *changes; /* clauses, then tests (with their answers), in A's plan order */
    size_t n_changes;
    size_t n_confirmed; /* changes that are not unconfirmed-only */
} diff_report;

/* Compares a with b. Returns 0 and fills *out, or -1 when memory ran out. */
int diff_runs(const run_report *a, const run_report *b, diff_report *out);
/* Appends one change as a console line (no newline), e.g.
 * "clause update.ok [SE]: passing -> failing". Returns 0, or -1 at out's ceiling. */
int diff_line(kbuf *out, const diff_change *c);
/* Frees the report's contents; accepts NULL. */
void diff_report_free(diff_report *d);

#endif
