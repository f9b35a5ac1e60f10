/* mutate: runs a suite against the embedded mock once per built-in defect (mock/defect.c),
 * several mocks at once, and says which tests caught each defect — the kill matrix that
 * tells whether the suite would notice a mock (or a Klarna) breaking that clause.
 * Ownership: mutate_run fills caller-provided mutate_results whose killing-test ids it
 * allocates; mutate_results_clear frees them. Defect names, descriptions and clauses are
 * the mock's static rows. */
#ifndef KPCT_MUTATE_H
#define KPCT_MUTATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

/* Killing tests named per defect; the rest are only counted. */
#define MUTATE_MAX_KILLERS 20
/* Mocks (and engines) running at once. */
#define MUTATE_MAX_WORKERS 64

typedef struct mutate_result {
    const char *name;   /* the defect */
    const char *breaks; /* what it breaks, one line */
    const char *clause; /* the clause it violates */
    bool ran;           /* false: not run (the run was stopped, or a mock did not start) */
    bool killed;        /* some test failed or errored against it */
    size_t n_killers;   /* tests that failed or errored, all of them */
    char *killers[MUTATE_MAX_KILLERS]; /* the first of them ("id [MARKET]"), plan order */
    double seconds;                    /* wall time of its run */
} mutate_result;

typedef struct mutate_config {
    const char *const *markets; /* markets to run, at least one */
    size_t n_markets;
    unsigned workers;                /* defects run at once (1..MUTATE_MAX_WORKERS) */
    unsigned jobs;                   /* tests in flight per mock */
    uint64_t seed;                   /* seed of every mock (its ids) and of the run's credentials */
    const char *username, *password; /* the credentials every mock accepts */
    const volatile sig_atomic_t *stop; /* non-zero: start no further defect */
} mutate_config;

/* Runs the suite against a faithful mock first (the baseline), then against one mock per
 * defect of defects[0..n) (indices for mock_defect_at), filling results[i] (zeroed by
 * the caller) for defects[i]. Returns 0; 1 when the baseline did not pass (nothing else
 * runs: a red suite kills every defect and proves nothing; the first failing test is in
 * err); -1 with a reason in err when a mock or an engine could not start. */
int mutate_run(const mutate_config *cfg, const case_set *set, const size_t *defects, size_t n,
               mutate_result *results, char *err, size_t errlen);
/* Frees the results' killing-test ids (not the array); accepts NULL. */
void mutate_results_clear(mutate_result *results, size_t n);

#endif
