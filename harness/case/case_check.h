/* case_check: the load-time check of suite documents and their cases — suite names
 * (unique across files), case keys, ids, clauses, markets and targets, the scope of
 * variables each step sees, steps (through case_step) and variants (their patches tried
 * on the variant_target step's body, through case_trial). Checked cases are appended to
 * the set. Calls case_step, case_body, case_trial, case_expect, case_catalog, case_select
 * (target names), case_mem and case_diag.
 * Ownership: a case_checker owns its suite registry (freed by case_checker_free) and
 * borrows the load context; case definitions are owned by the set. */
#ifndef KPCT_CASE_CHECK_H
#define KPCT_CASE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "case_diag.h"
#include "case_model.h"

/* A suite name seen so far, for duplicate names across files: where it is, kept as a
 * line and column because its document's tree and positions go once it is loaded. */
typedef struct case_suite_seen {
    const char *name; /* set-owned */
    const char *path;
    int line, col;
} case_suite_seen;

typedef struct case_checker {
    case_lctx *c;
    bool have_catalog; /* clause ids are checked against the catalog only when there is one */
    case_suite_seen *suites;
    size_t n_suites, cap_suites;
} case_checker;

/* Prepares a checker for up to n_files suite documents; returns 0, or -1 on OOM (also
 * marked in c). */
int case_checker_init(case_checker *k, case_lctx *c, bool have_catalog, size_t n_files);
/* Frees a checker's registry; accepts one that failed to initialise. */
void case_checker_free(case_checker *k);
/* Checks one suite document and appends its valid cases to the set, reporting each
 * problem; a document that holds no valid case adds nothing. */
void case_check_suite(case_checker *k, const case_doc *doc);

#endif
