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
/* Where junit_render_with takes each test's <testcase> element from: testcase appends
 * run->results[i]'s to out; drain (may be NULL) may empty out into a file as the
 * document grows, so that it need not be held whole. Both return 0, or -1. */
typedef struct junit_source {
    int (*testcase)(void *ctx, const run_report *run, size_t i, kbuf *out);
    int (*drain)(void *ctx, kbuf *out);
    void *ctx;
} junit_source;
/* junit_render with the testcases taken from src (a stream's, report_stream.h). */
int junit_render_with(const run_report *run, const junit_source *src, kbuf *out);
/* Appends t's <testcase> element as junit_render writes it in run; returns 0, or -1. */
int junit_testcase(kbuf *out, const run_report *run, const test_result *t);
/* The classname of t in run (its suite, with ".<MARKET>" when several ran), in name. */
const char *junit_classname(const run_report *run, const test_result *t, kbuf *name);
/* Renders and writes path atomically; returns 0, or -1 with a reason in err. */
int junit_write(const run_report *run, const char *path, char *err, size_t errlen);

#endif
