/* case_expect: the "expect" block — its load-time check, the substitution of variables
 * into expected values, and the judgement of a response. Calls case_klarna for the
 * Klarna error shape, case_show for values in failure texts, case_body (JSON Pointer
 * syntax), case_vars and case_diag.
 * Ownership: case_expect_subst hands out a copy the caller deletes; the rest borrows
 * and appends failures to the caller's buffer. */
#ifndef KPCT_CASE_EXPECT_H
#define KPCT_CASE_EXPECT_H

#include <cJSON.h>

#include "case.h"
#include "case_diag.h"
#include "case_model.h"
#include "case_vars.h"
#include "kbuf.h"

/* The longest value a regex is matched against, in bytes: glibc's regexec takes time
 * quadratic in it when a search fails, and a longer value fails its check unmatched. */
#define CASE_EXPECT_MAX_SUBJECT 16384

/* Checks an "expect" object at load time; returns the number of problems. */
int case_expect_check(case_lctx *c, const case_doc *doc, const cJSON *expect,
                      const case_var_scope *scope);
/* Returns a copy of expect with variables substituted in expected values and each
 * "includes" replaced by the JSON it names (fixtures of market m), or NULL with err. */
cJSON *case_expect_subst(const case_vars_ctx *v, const case_market *m, const cJSON *expect,
                         char *err, size_t errlen);
/* Judges a response; body is the parsed body or NULL. Returns 0 or 1 (failures appended
 * to why, one per line). */
int case_expect_judge(const cJSON *expect, const case_response *resp, const cJSON *body, kbuf *why);

#endif
