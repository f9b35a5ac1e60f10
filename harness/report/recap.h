/* recap: the closing words of every run on the console — the verdict and why, the
 * failing and erroring clauses each with its first failing test (its title and clauses),
 * the total duration, and the reports written. Pure: built from the run, its coverage and
 * the paths, so `kpct run` only prints it (and -q prints nothing else).
 * Ownership: recap_build appends to the caller's kbuf; nothing is handed out. */
#ifndef KPCT_RECAP_H
#define KPCT_RECAP_H

#include <stdbool.h>
#include <stddef.h>

#include "coverage.h"
#include "kbuf.h"
#include "result.h"

#define RECAP_MAX_CLAUSES 20 /* clauses listed before "... and N more (report.html)" */

/* Appends the recap. paths are the reports written (n_paths of them, may be 0); colour
 * puts the verdict word in colour. Text from the target is made one safe terminal line.
 * Returns 0, or -1 at out's ceiling. */
int recap_build(kbuf *out, const run_report *run, const coverage *cov, const char *const *paths,
                size_t n_paths, bool colour);

#endif
