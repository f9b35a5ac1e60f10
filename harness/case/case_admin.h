/* case_admin: the admin actions a step may ask of our mock — one table saying, for each
 * of clock_advance, clock_set, complete_session and fault, what it does in words, the
 * admin path it calls, whether it changes the mock for every test, how it is checked at
 * load time and how its request is built. The loader (case_step.c) and the runs
 * (case_run.c) both read it. Calls case_vars and case_diag, and the rules the mock
 * publishes (mock_admin.h, mock_fault.h, rfc3339.h).
 * Ownership: the table is static; build hands out a path and a body the caller frees
 * (free, cJSON_Delete). */
#ifndef KPCT_CASE_ADMIN_H
#define KPCT_CASE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case_diag.h"
#include "case_model.h"
#include "case_vars.h"

typedef struct case_admin_action {
    const char *name; /* the member of a step's "admin" object */
    const char *what; /* what it does, for skip reasons and failures */
    const char *path; /* the admin path it calls (a prefix for complete_session) */
    bool global;      /* changes the mock for every test: sent with no other test in flight */
    /* Checks the member's value v at load time; returns the number of problems. */
    int (*check)(case_lctx *c, const case_doc *doc, const cJSON *v, const case_var_scope *scope);
    /* Builds the call for value v: returns 0 with *path (caller frees) and *body (caller
     * deletes; NULL for none), or -1 with the reason in err. */
    int (*build)(const struct case_admin_action *self, const case_vars_ctx *vars, const cJSON *v,
                 char **path, cJSON **body, char *err, size_t errlen);
} case_admin_action;

/* The action called name, or NULL. */
const case_admin_action *case_admin_find(const char *name);
/* The actions' names in table order, ending with NULL (for key checks). */
const char *const *case_admin_names(void);

#endif
