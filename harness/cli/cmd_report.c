/* cmd_report: kpct report — rebuilds report.html and summary.md from a run folder's
 * results.json and coverage.json alone, or with --history reads several run folders
 * into history.html and history.md, so CI can render the reports of archived runs. */
#include "cmd.h"

#include <stdio.h>

#include "coverage.h"
#include "history.h"
#include "msg.h"
#include "report.h"
#include "result.h"
#include "result_read.h"

/* Exit 65 is kpct's "the input is bad" status: here a run folder that cannot be read. */
#define REPORT_EXIT_BAD_RUN CLI_EXIT_BAD_CASES

static int one_run(const cli_options *o)
{
    const char *dir = o->run_dirs[0], *out = o->out_given ? o->out_dir : dir;
    char err[1024];
    run_report run = {0};
    coverage *cov = NULL;
    int rc;
    if (run_report_read(dir, &run, err, sizeof err) < 0) {
        msg_error("%s", err);
        return REPORT_EXIT_BAD_RUN;
    }
    if (coverage_compute(&run, &cov) < 0) {
        rc = msg_oom();
        goto out;
    }
    if (report_rebuild(&run, cov, out, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    size_t n;
    const reporter *table = report_table(&n);
    for (size_t i = 0; i < n; i++)
        if (table[i].rebuilt)
            printf("%s/%s\n", out, table[i].file);
    rc = CLI_EXIT_OK;
out:
    coverage_free(cov);
    run_report_free(&run);
    return rc;
}

static int history_of(const cli_options *o)
{
    char err[1024];
    history *h = NULL;
    if (history_load(o->run_dirs, o->n_run_dirs, &h, err, sizeof err) < 0) {
        msg_error("%s", err);
        return REPORT_EXIT_BAD_RUN;
    }
    int rc = CLI_EXIT_OK;
    if (history_write(h, o->out_dir, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
    } else {
        printf("%s/history.html\n%s/history.md\n", o->out_dir, o->out_dir);
        fprintf(stderr, "%zu run%s in %zu group%s\n", h->n_runs, h->n_runs == 1 ? "" : "s",
                h->n_groups, h->n_groups == 1 ? "" : "s");
    }
    history_free(h);
    return rc;
}

int cmd_report(const cli_options *o)
{
    return o->history ? history_of(o) : one_run(o);
}
