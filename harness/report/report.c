/* report: the reporter table and the loop that writes a run's report folder. */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "kbuf.h"
#include "report_coverage.h"
#include "report_html.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_md.h"

#define REPORT_MAX_PATH 4096

static int write_junit(const run_report *run, const coverage *cov, const char *path, char *err,
                       size_t errlen)
{
    (void)cov;
    return junit_write(run, path, err, errlen);
}

static int write_results(const run_report *run, const coverage *cov, const char *path, char *err,
                         size_t errlen)
{
    (void)cov;
    return json_results_write(run, path, err, errlen);
}

static const reporter reporters[] = {
    {"junit", "junit.xml", write_junit, report_stream_finish_junit, false},
    {"results", "results.json", write_results, report_stream_finish_json, false},
    {"coverage", "coverage.json", coverage_json_write, NULL, false},
    {"html", "report.html", html_report_write, NULL, true},
    {"summary", "summary.md", md_report_write, NULL, true},
};

const reporter *report_table(size_t *n)
{
    *n = sizeof reporters / sizeof reporters[0];
    return reporters;
}

static int write_rows(const run_report *run, const coverage *cov, report_stream *stream,
                      const char *dir, bool rebuilt_only, char *err, size_t errlen)
{
    int rc = 0;
    kbuf path;
    kbuf_init(&path, REPORT_MAX_PATH);
    for (size_t i = 0; i < sizeof reporters / sizeof reporters[0]; i++) {
        const reporter *r = &reporters[i];
        char why[1024];
        if (rebuilt_only && !r->rebuilt)
            continue;
        kbuf_reset(&path);
        if (kbuf_printf(&path, "%s/%s", dir, r->file) < 0)
            snprintf(why, sizeof why, "%s/%s: path longer than %d bytes", dir, r->file,
                     REPORT_MAX_PATH);
        else if (stream && r->finish ? r->finish(stream, run, kbuf_str(&path), why, sizeof why) == 0
                                     : r->write(run, cov, kbuf_str(&path), why, sizeof why) == 0)
            continue;
        if (rc == 0)
            snprintf(err, errlen, "%s", why);
        rc = -1;
    }
    kbuf_free(&path);
    return rc;
}

int report_write_all(const run_report *run, const coverage *cov, const char *dir, char *err,
                     size_t errlen)
{
    return write_rows(run, cov, NULL, dir, false, err, errlen);
}

int report_write_streamed(const run_report *run, const coverage *cov, report_stream *stream,
                          const char *dir, char *err, size_t errlen)
{
    return write_rows(run, cov, stream, dir, false, err, errlen);
}

int report_rebuild(const run_report *run, const coverage *cov, const char *dir, char *err,
                   size_t errlen)
{
    return write_rows(run, cov, NULL, dir, true, err, errlen);
}
