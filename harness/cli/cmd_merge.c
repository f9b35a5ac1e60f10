/* cmd_merge: kpct merge — reads the report folders of --shard K/N runs, merges them into
 * the one run the whole plan would have made (result_merge.h) and writes every report of
 * the reporters table for it. Exit: as kpct run's for the merged results (0, 1, 2), 64
 * for usage, 65 for runs that cannot be read or do not make one run, 70 when a report
 * cannot be written. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "coverage.h"
#include "kbuf.h"
#include "msg.h"
#include "report.h"
#include "result.h"
#include "result_merge.h"
#include "result_read.h"

/* Exit status for input that is not a set of shards of one run (EX_DATAERR, as for bad
 * case files). */
#define MERGE_EXIT_BAD_INPUT CLI_EXIT_BAD_CASES

/* Whether --out names one of the folders being merged: a failed write would then lose a
 * shard. */
static bool out_is_input(const cli_options *o)
{
    char *out = realpath(o->out_dir, NULL);
    bool same = false;
    for (size_t i = 0; out && i < o->n_run_dirs && !same; i++) {
        char *in = realpath(o->run_dirs[i], NULL);
        same = in && !strcmp(in, out);
        free(in);
    }
    free(out);
    return same;
}

/* Writes the merged run's reports and prints its totals; returns the exit status. */
static int write_merged(const cli_options *o, const run_report *run)
{
    char err[1024];
    coverage *cov = NULL;
    kbuf text;
    size_t by_status[RESULT_STATUS_COUNT], flaky;
    int rc;
    if (coverage_compute(run, &cov) < 0)
        return msg_oom();
    kbuf_init(&text, 1u << 20);
    if (report_write_all(run, cov, o->out_dir, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    printf("merged %zu run%s (%zu tests) into %s\n", o->n_run_dirs, o->n_run_dirs == 1 ? "" : "s",
           run->count, o->out_dir);
    console_totals(&text, run);
    coverage_summary(cov, &text, NULL);
    fputs(kbuf_str(&text), stdout);
    run_report_tally(run, by_status, &flaky);
    rc = by_status[RESULT_ERROR] || run->interrupted ? CLI_EXIT_ERRORED
         : by_status[RESULT_FAIL]                    ? CLI_EXIT_FAILED
                                                     : CLI_EXIT_OK;
out:
    kbuf_free(&text);
    coverage_free(cov);
    return rc;
}

int cmd_merge(const cli_options *o)
{
    run_report *shards = NULL, merged;
    size_t n_read = 0;
    char err[1024];
    int rc;
    memset(&merged, 0, sizeof merged);
    if (o->n_run_dirs == 0)
        return msg_usage("merge needs at least one RUN_DIR (the --out folder of each shard)");
    if (out_is_input(o)) {
        snprintf(err, sizeof err, "--out %s is one of the RUN_DIRs: write the merge elsewhere",
                 o->out_dir);
        return msg_usage(err);
    }
    if (!(shards = calloc(o->n_run_dirs, sizeof *shards)))
        return msg_oom();
    for (; n_read < o->n_run_dirs; n_read++)
        if (run_report_read(o->run_dirs[n_read], &shards[n_read], err, sizeof err) < 0) {
            msg_error("%s", err);
            rc = MERGE_EXIT_BAD_INPUT;
            goto out;
        }
    int merged_rc = result_merge(shards, o->run_dirs, n_read, &merged, err, sizeof err);
    if (merged_rc == -2) {
        rc = msg_oom();
        goto out;
    }
    if (merged_rc < 0) {
        msg_error("cannot merge: %s", err);
        rc = MERGE_EXIT_BAD_INPUT;
        goto out;
    }
    rc = write_merged(o, &merged);
out:
    fflush(stdout);
    for (size_t i = 0; i < n_read; i++)
        run_report_free(&shards[i]);
    free(shards);
    run_report_free(&merged);
    return rc;
}
