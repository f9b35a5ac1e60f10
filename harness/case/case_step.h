/* case_step: one step of a case — a request (method, path, headers, auth, body) with
 * its expectations and captures, or an admin action on our mock — checked at load time
 * and described in a case_step_def. Calls case_admin, case_body, case_expect, case_vars,
 * case_mem and case_diag.
 * Ownership: the step definition is the caller's; what it points to is borrowed from
 * the document, or owned by the set (a default step name). */
#ifndef KPCT_CASE_STEP_H
#define KPCT_CASE_STEP_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case_diag.h"
#include "case_model.h"
#include "case_vars.h"

/* What the case check needs to know about a step beyond its definition. */
typedef struct case_step_facts {
    long variant_step; /* in: the step already marked variant_target (-1: none) */
    bool json_body;    /* out: the request's body is JSON (inline or a fixture) */
    bool captures_ok;  /* out: the step has a valid "capture": its names exist from the next */
} case_step_facts;

/* Checks step sj (index i) of a case against scope and fills st; returns the number of
 * problems. A step that is not an object is reported and left with no name. */
int case_step_check(case_lctx *c, const case_doc *doc, const cJSON *sj, size_t i,
                    const case_var_scope *scope, case_step_def *st, case_step_facts *facts);

#endif
