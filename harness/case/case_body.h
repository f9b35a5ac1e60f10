/* case_body: request bodies — inline JSON, fixtures, picks, RFC 6902 patches, raw
 * bytes and generated documents: their load-time checks and their construction when a
 * step runs. Calls case_vars, case_mem (fixture lookup) and case_diag.
 * Ownership: case_body_build and case_body_fixture_base hand out what the caller frees;
 * the checks borrow. */
#ifndef KPCT_CASE_BODY_H
#define KPCT_CASE_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case_diag.h"
#include "case_model.h"
#include "case_vars.h"

/* Checks a request body spec at load time (forms, patches, picks, fixtures of every
 * market in scope, generate bounds, variables). Returns the number of problems. */
int case_body_check(case_lctx *c, const case_doc *doc, const cJSON *body,
                    const case_var_scope *scope, bool *is_json);
/* Checks a patch (an array of RFC 6902 operations); returns the number of problems. */
int case_patch_check(case_lctx *c, const case_doc *doc, const cJSON *patch,
                     const case_var_scope *scope);
/* Applies a patch op by op; returns 0, or -1 with the failing op and why in err. */
int case_patch_apply(cJSON *doc, const cJSON *patch, char *err, size_t errlen);
/* Applies a patch to target op by op, skipping "test" (its values may hold variables):
 * returns 0, or the cJSON_Utils status of the first op that fails, that op in *failed and
 * its index in *at. With borrow (a trial, whose target is thrown away or put back, and
 * changed later only by copy-on-write), a "replace" that sets a member to an array or
 * object no later op reaches sets it to the patch's own value (a cJSON reference), not a
 * copy. */
int case_patch_try(cJSON *target, const cJSON *patch, bool borrow, const cJSON **failed,
                   size_t *at);
/* Applies a patch as case_patch_try does and reports the first op that fails ("does not
 * apply to what") against doc; returns the number of problems. */
int case_patch_trial(case_lctx *c, const case_doc *doc, const cJSON *patch, cJSON *target,
                     bool borrow, const char *what);
/* The fixture of market m that body names, picked (not patched): returns a new tree
 * (caller deletes), or NULL with err. With reach (a patch) and no pick, only the members
 * reach's ops go to are copies: the others borrow the fixture's values (cJSON
 * references), so the tree may be changed by reach or, member by member, after copying
 * what is changed (case_trial's copy-on-write), and never outlives the set. */
cJSON *case_body_fixture_base(const case_market *m, const cJSON *body, const cJSON *reach,
                              char *err, size_t errlen);
/* Builds the JSON of an inline or fixture body (picked, patched, variables substituted):
 * returns it (caller deletes), or NULL with err. */
cJSON *case_body_json(const case_vars_ctx *v, const case_market *m, const cJSON *body, char *err,
                      size_t errlen);
/* Builds a body: returns 0 with *out (caller frees) and *out_len (NULL = no body), or -1.
 * A generated body is not built: *generated is set, *out stays NULL and *out_len is its
 * size (its bytes are case_generated_body's). */
int case_body_build(const case_vars_ctx *v, const case_market *m, const cJSON *body,
                    const cJSON *variant_patch, char **out, size_t *out_len, bool *generated,
                    char *err, size_t errlen);
/* item borrowed: an array or object as a cJSON reference to its items (deleting it
 * leaves them), a scalar as a copy (it is one item). The caller deletes it; item must
 * outlive it and not change while it is shared. NULL on OOM. */
cJSON *case_body_borrow(const cJSON *item);
/* Whether the first reference token of ptr ("/tok...", decoded) is name. */
bool case_pointer_first_is(const char *ptr, const char *name);
/* Whether p is a syntactically valid JSON Pointer ("" or "/..." with only ~0 and ~1). */
bool case_pointer_valid(const char *p);

#endif
