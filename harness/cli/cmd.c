/* cmd: the command table. A new command is one row here and one cmd_<name>.c. */
#include "cmd.h"

#include <string.h>

static const cmd commands[] = {
    {"run", CLI_RUN, "[CASES_DIR] [options]", "run the cases against a target, write reports",
     cmd_run},
    {"list", CLI_LIST, "[CASES_DIR] [options]", "print what would run (id, title, skip reason)",
     cmd_list},
    {"lint", CLI_LINT, "[CASES_DIR]", "load and validate the cases only", cmd_lint},
    {"report", CLI_REPORT, "RUN_DIR... [options]",
     "rebuild report.html and summary.md (--history: of several runs)", cmd_report},
    {"mutate", CLI_MUTATE, "[CASES_DIR] [options]",
     "run the suite against the mock once per built-in defect: which are caught", cmd_mutate},
    {"diff", CLI_DIFF, "A B [options]", "compare two runs (folders or results.json)", cmd_diff},
    {"merge", CLI_MERGE, "RUN_DIR... [--out DIR]", "merge the report folders of --shard runs",
     cmd_merge},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const cmd *cmd_table(size_t *n)
{
    *n = N_COMMANDS;
    return commands;
}

const cmd *cmd_find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

const cmd *cmd_of(cli_command id)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (commands[i].id == id)
            return &commands[i];
    return NULL;
}
