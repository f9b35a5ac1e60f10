/* report_junit: a run as JUnit XML valid against the strict Jenkins xUnit schema
 * (tests/data/junit-10.xsd). One <testsuite> per (suite, market); classname is
 * the suite when one market ran and "<suite>.<MARKET>" when several did, so
 * classname+name stays unique.
 * Ownership: nothing is handed out; junit_render appends to the caller's kbuf. */
#ifndef KPCT_REPORT_JUNIT_H
#define KPCT_REPORT_JUNIT_H

#include <stddef.h>

#include "kbuf.h"
#include "result.h"

/* Appends the whole document to out; returns 0, or -1 at out's ceiling or on OOM. */
int junit_render(const run_report *run, kbuf *out);
/* Renders and writes path atomically; returns 0, or -1 with a reason in err. */
int junit_write(const run_report *run, const char *path, char *err, size_t errlen);

#endif
