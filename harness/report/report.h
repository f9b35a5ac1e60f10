/* report: the table of file reporters a run leaves in its report folder — junit.xml,
 * results.json, coverage.json, report.html, summary.md — and one call that writes them all. The
 * console is not one of them: it streams while the run goes (console.h). Ownership: the table is
 * static; reporters only read the run and its coverage. */
#ifndef KPCT_REPORT_H
#define KPCT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "coverage.h"
#include "report_stream.h"
#include "result.h"

typedef struct reporter {
    const char *name; /* "junit" */
    const char *file; /* "junit.xml", inside the report folder */
    /* Writes the report of run (cov computed from it) to path atomically; returns 0, or -1
     * with a reason in err. */
    int (*write)(const run_report *run, const coverage *cov, const char *path, char *err,
                 size_t errlen);
    /* Writes it from a stream that took the run's tests as they ended (report_stream.h);
     * NULL for a reporter written from the run alone. Returns as write. */
    int (*finish)(report_stream *s, const run_report *run, const char *path, char *err,
                  size_t errlen);
    bool rebuilt; /* for people: `kpct report` rebuilds it from results.json and coverage.json */
} reporter;

/* Returns the reporters in the order they are written, and their number in *n. */
const reporter *report_table(size_t *n);
/* Writes every reporter's file into dir (each atomically; one that fails does not stop
 * the others). Returns 0, or -1 with the first failure's reason in err. */
int report_write_all(const run_report *run, const coverage *cov, const char *dir, char *err,
                     size_t errlen);
/* report_write_all for a run whose tests went to stream as they ended: the streamed
 * reports are assembled from it, the others written from run. */
int report_write_streamed(const run_report *run, const coverage *cov, report_stream *stream,
                          const char *dir, char *err, size_t errlen);
/* Writes only the reporters marked rebuilt (report.html, summary.md) into dir, as
 * report_write_all does; for a run read back from its folder. */
int report_rebuild(const run_report *run, const coverage *cov, const char *dir, char *err,
                   size_t errlen);

#endif
