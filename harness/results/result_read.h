/* result_read: a run rebuilt from its report folder — results.json for the run and its
 * tests, coverage.json beside it for the clause catalog and which clauses apply where —
 * so report, merge and diff work without the case files.
 * Ownership: on success the caller owns *out and frees it with run_report_free. */
#ifndef KPCT_RESULT_READ_H
#define KPCT_RESULT_READ_H

#include <stddef.h>

#include "result.h"

#define RESULT_READ_MAX_BYTES (256u << 20) /* ceiling of each file read */
#define RESULT_READ_MAX_DEPTH 16           /* ceiling of JSON nesting */

/* Reads dir/results.json (schema "kpct-results/1") and, when it exists, dir/coverage.json
 * back into *out; without coverage.json the run has no catalog. Returns 0, or -1 with a
 * one-line reason naming the file and what is wrong (not found, not JSON, wrong schema, a
 * member missing or of the wrong type, over a bound) and *out untouched. */
int run_report_read(const char *dir, run_report *out, char *err, size_t errlen);

#endif
