/* case_catalog: the clause catalog (contract.json at the top of a case folder) — its
 * load and check, and the lookup of a clause by id. Calls case_doc, case_fs, case_mem
 * and case_diag.
 * Ownership: clauses are stored in the set (case_mem.h) and their strings borrowed from
 * the catalog's document; case_catalog_find returns a pointer borrowed from the set. */
#ifndef KPCT_CASE_CATALOG_H
#define KPCT_CASE_CATALOG_H

#include <stdbool.h>

#include "case_diag.h"
#include "case_model.h"

/* Loads dir/contract.json, when there is one (*present tells), into c->set's clauses,
 * reporting each problem. */
void case_catalog_load(case_lctx *c, const char *dir, bool *present);
/* The clause of the set with this id, or NULL. */
const case_clause *case_catalog_find(const case_set *set, const char *id);

#endif
