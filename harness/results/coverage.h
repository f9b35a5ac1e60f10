/* coverage: contract coverage of a run — for each market run and each clause of the
 * catalog, whether a test covered it and how its tests ended (SPEC §3.5, §4.4). */
#ifndef KPCT_COVERAGE_H
#define KPCT_COVERAGE_H

#include <stddef.h>

#include "case.h"
#include "kbuf.h"
#include "result.h"

/* Writes coverage as JSON to path (atomically). Returns 0, or -1 with a reason in err. */
int coverage_write_json(const case_set *set, const run_report *run, const char *path, char *err,
                        size_t errlen);
/* Appends the console closing line(s), e.g. "clauses: 42/42 covered, 42 passing" (one
 * per market when several ran), and sets *passing_pct to the lowest per-market share of
 * clauses with at least one passing test and no failing one (100 when there is no catalog). */
int coverage_summary(const case_set *set, const run_report *run, kbuf *out, double *passing_pct);

#endif
