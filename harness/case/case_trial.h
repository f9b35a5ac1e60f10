/* case_trial: each variant's patch tried, at load, on the variant_target step's body in
 * every market of its scope. The body of each market is built once per case (fixture
 * picked, the step's patch applied) and put back after each trial, so loading stays
 * linear in the number of variants. Calls case_body and case_diag.
 * Ownership: a case_trial owns the bodies it built; the rest is borrowed. */
#ifndef KPCT_CASE_TRIAL_H
#define KPCT_CASE_TRIAL_H

#include <cJSON.h>

#include "case_diag.h"
#include "case_model.h"
#include "case_vars.h"

/* The bodies a case's variant patches are tried on (one per market), built by the first
 * trial and reused by the next ones; freed by case_trial_free (accepts NULL). */
typedef struct case_trial case_trial;
/* Checks that a variant's patch applies to the variant_target step's body (built from
 * its fixture, pick and patch) for every market in scope; returns the number of problems.
 * *trial starts NULL and carries the built bodies from one variant of a case to the next. */
int case_trial_variant(case_lctx *c, const case_doc *doc, const cJSON *body, const cJSON *patch,
                       const case_var_scope *scope, case_trial **trial);
/* Frees a trial's bodies; accepts NULL. */
void case_trial_free(case_trial *t);

#endif
