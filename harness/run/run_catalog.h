/* run_catalog: what a run_report keeps of the case set once the run is over — its clause
 * catalog, and which clauses apply in each market run — so coverage and every later
 * report need the run_report alone.
 * Ownership: the run_report owns what run_catalog_fill puts into it (run_report_free). */
#ifndef KPCT_RUN_CATALOG_H
#define KPCT_RUN_CATALOG_H

#include <stddef.h>

#include "case.h"
#include "result.h"

/* Copies set's clause catalog into run->clauses and fills run->applicable for each of
 * run->markets: a clause applies in a market unless the set has tests for it only in other
 * markets, whatever the target and selection. Replaces any catalog run had. Returns 0, or
 * -1 (OOM) with a reason in err and run unchanged. */
int run_catalog_fill(run_report *run, const case_set *set, char *err, size_t errlen);

#endif
