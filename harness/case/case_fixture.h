/* case_fixture: the markets of a case folder — fixtures/<MARKET>/market.json (the facts
 * ${market.KEY} reads) and the fixture documents request bodies start from. Calls
 * case_doc, case_fs, case_mem and case_diag.
 * Ownership: markets, fixtures and their names are owned by the set (case_mem.h); the
 * documents by set->docs. */
#ifndef KPCT_CASE_FIXTURE_H
#define KPCT_CASE_FIXTURE_H

#include "case_diag.h"

/* Loads and checks every market folder under dir/fixtures (none when it is absent)
 * into c->set's markets, reporting each problem. */
void case_fixture_load_all(case_lctx *c, const char *dir);

#endif
