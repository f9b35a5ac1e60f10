/* case_select: a loaded set's cases and variants expanded into tests (once, at load,
 * with each situation's skip reasons), and the choice of one run's tests (the public
 * case_set_select). Calls case_mem and case_diag.
 * Ownership: tests are written into set->tests, owned by the set; case_set_select
 * hands out an array the caller frees (its pointers are borrowed from the set). */
#ifndef KPCT_CASE_SELECT_H
#define KPCT_CASE_SELECT_H

#include "case_diag.h"
#include "case_model.h"

/* The TGT_* bit of a target name ("mock", "playground", "url"), or 0 for another. */
unsigned case_target_bit(const char *name);
/* Expands every case of c->set (each variant of it, when it has variants) into
 * set->tests, one copy per situation whose skip reasons differ from the mock's, and
 * reports duplicate test ids with case_err. Returns 0, or -1 on OOM. */
int case_set_expand(case_lctx *c);
/* Once doc's own checks are done and its cases are set->cases[first_case..]: forgets
 * every source position of doc but those expansion and the later checks report at (each
 * case and variant, its "id", the suite's "suite"), so that a load holds the positions of
 * one suite document at a time. Keeps them all when memory is short. */
void case_select_retain_positions(case_set *set, case_doc *doc, size_t first_case);

#endif
