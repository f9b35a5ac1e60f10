/* cmd: kpct's commands as a table, one file each (cmd_run.c, cmd_list.c, cmd_lint.c, cmd_report.c).
 * main dispatches on it, the parser takes command names from it, --help lists it.
 * A command prints what the user sees and returns the exit status (CLI_EXIT_*). */
#ifndef KPCT_CMD_H
#define KPCT_CMD_H

#include <stddef.h>

#include "cli.h"

typedef struct cmd {
    const char *name;    /* as typed: "run" */
    cli_command id;      /* what cli_parse stores and option rows are checked against */
    const char *args;    /* after the name on its --help usage line */
    const char *summary; /* one line for --help */
    int (*run)(const cli_options *o);
} cmd;

/* The commands in --help order; *n gets their count. */
const cmd *cmd_table(size_t *n);
/* The command named name, or NULL. */
const cmd *cmd_find(const char *name);
/* The command with id, or NULL (help and version are not commands). */
const cmd *cmd_of(cli_command id);

/* kpct run: runs the plan against the target, writes the reports. */
int cmd_run(const cli_options *o);
/* kpct list: prints the plan (market, id, title, skip reason), runs nothing. */
int cmd_list(const cli_options *o);
/* kpct lint: loads and validates the case files only. */
int cmd_lint(const cli_options *o);
/* kpct report: rebuilds the pages of a run folder, or writes the history of several. */
int cmd_report(const cli_options *o);
/* kpct mutate: the suite against the embedded mock once per built-in defect. */
int cmd_mutate(const cli_options *o);
/* kpct diff: two runs compared clause by clause and test by test. */
int cmd_diff(const cli_options *o);
/* kpct merge: the runs of --shard K/N jobs written again as the one run they split. */
int cmd_merge(const cli_options *o);

#endif
