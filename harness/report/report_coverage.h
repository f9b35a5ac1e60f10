/* report_coverage: a run's contract coverage as reports/coverage.json — per market, every
 * clause of the catalog with its tests' counts and status, then totals (docs/kpct.md).
 * Ownership: coverage_json_build hands out a cJSON tree the caller frees with cJSON_Delete. */
#ifndef KPCT_REPORT_COVERAGE_H
#define KPCT_REPORT_COVERAGE_H

#include <stddef.h>

#include <cJSON.h>

#include "coverage.h"
#include "result.h"

/* Builds the coverage document of run (cov computed from it); returns it, or NULL on OOM. */
cJSON *coverage_json_build(const run_report *run, const coverage *cov);
/* Builds and writes path atomically; returns 0, or -1 with a reason in err. */
int coverage_json_write(const run_report *run, const coverage *cov, const char *path, char *err,
                        size_t errlen);

#endif
