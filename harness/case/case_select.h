/* case_select: a loaded set's cases and variants expanded into tests (once, at load, one
 * suite document at a time, with each situation's skip reasons), and the choice of one run's tests
 * (the public case_set_select). Calls case_mem and case_diag. Ownership: tests are written into
 * set->tests, owned by the set; case_set_select hands out an array the caller frees (its pointers
 * are borrowed from the set). */
#ifndef KPCT_CASE_SELECT_H
#define KPCT_CASE_SELECT_H

#include "case_diag.h"
#include "case_model.h"

/* The TGT_* bit of a target name ("mock", "playground", "url"), or 0 for another. */
unsigned case_target_bit(const char *name);
/* Expands the cases set->cases[first_case..] (those of the suite document just checked;
 * each variant, when a case has variants) into set->tests, while the
 * document's tree and positions are there: tests copy every string they keep. Returns 0,
 * or -1 on OOM. */
int case_set_expand_doc(case_lctx *c, size_t first_case);
/* Ends the expansion once every document is expanded: trims set->tests to its tests and
 * reports duplicate test ids with case_ferr. Returns 0, or -1 on OOM. */
int case_set_expand_end(case_lctx *c);

#endif
