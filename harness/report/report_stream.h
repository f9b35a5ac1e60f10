/* report_stream: junit.xml and results.json written as the tests end, so a run holds no
 * test's exchanges after it ended. Each test's <testcase> and results.json object go, in
 * the order tests end, to a body file in the report folder, unlinked as soon as it is
 * made (a killed run leaves nothing of it); at the end the reports are assembled from
 * their headers, which need the totals, and the bodies copied back in plan order, into a
 * temporary file that is renamed: the final names appear only complete. The bytes are
 * those junit_write and json_results_write give for the same run.
 * Ownership: report_stream_open hands out a stream that report_stream_free releases; the
 * stream only reads the runs it is given. */
#ifndef KPCT_REPORT_STREAM_H
#define KPCT_REPORT_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

typedef struct report_stream report_stream;

/* Opens a stream for a run of n tests reported into dir (which must exist). Returns it,
 * or NULL with a reason in err. */
report_stream *report_stream_open(const char *dir, size_t n, char *err, size_t errlen);
/* Writes run->results[i] (ended: its status final) to the bodies; a test already written
 * is not written again. Returns 0, or -1 when it could not be written (the first such
 * reason is kept for the report_stream_finish_* calls, which then fail with it). */
int report_stream_add(report_stream *s, const run_report *run, size_t i);
/* Writes junit.xml (finish_junit) or results.json (finish_json) to path atomically from
 * run, whose results the stream was given (those it was not given are written now).
 * Returns 0, or -1 with a reason in err. */
int report_stream_finish_junit(report_stream *s, const run_report *run, const char *path, char *err,
                               size_t errlen);
int report_stream_finish_json(report_stream *s, const run_report *run, const char *path, char *err,
                              size_t errlen);
/* Closes the bodies and frees the stream; accepts NULL. */
void report_stream_free(report_stream *s);

#endif
