/* report_sample_main: writes the sample run's report folder (every reporter of the table)
 * to DIR, and the same run interrupted to DIR/interrupted, for the browser test. */
#include <stdio.h>

#include "coverage.h"
#include "report.h"
#include "report_sample.h"

static int write(run_report *run, const char *dir)
{
    char err[1024];
    coverage *cov = NULL;
    int rc =
        coverage_compute(run, &cov) == 0 && report_write_all(run, cov, dir, err, sizeof err) == 0;
    if (!rc)
        fprintf(stderr, "report_sample: %s\n", cov ? err : "out of memory");
    coverage_free(cov);
    run_report_free(run);
    return rc ? 0 : 1;
}

int main(int argc, char **argv)
{
    char sub[4096];
    if (argc != 2) {
        fprintf(stderr, "usage: report_sample DIR\n");
        return 64;
    }
    run_report run = report_sample_run("mock", "2026-11-25T19:00:00Z", true);
    run_report stopped = report_sample_run("mock", "2026-11-25T19:00:00Z", true);
    stopped.interrupted = 1;
    snprintf(sub, sizeof sub, "%s/interrupted", argv[1]);
    return write(&run, argv[1]) | write(&stopped, sub);
}
