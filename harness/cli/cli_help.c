/* cli_help: the --help text, made from the command table (usage lines) and the option
 * table (sections, labels, help lines, defaults), so neither can drift from the parser. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kbuf.h"

#define CLI_HELP_COLUMN 24 /* where an option's help text starts */
#define CLI_ARGS_WIDTH  24 /* a command's arguments on its usage line, before its summary */
#define CLI_MAX_HELP    (64u << 10)

static const char usage_tail[] =
    "\n"
    "Exit status: 0 all passed (skips allowed); 1 a test failed, or coverage below\n"
    "--min-coverage; 2 a test errored (could not be judged: transport error, timeout,\n"
    "oversized answer, a step that could not be built) - errors win over failures;\n"
    "64 usage; 65 bad case files (nothing runs); 70 kpct could not work (the embedded\n"
    "mock did not start, the report folder cannot be written);\n"
    "130/143 interrupted by SIGINT/SIGTERM (partial reports are still written).\n"
    "Colour only on a TTY and never when NO_COLOR is set.\n";

/* Appends one option's entry: its label, then its help lines from CLI_HELP_COLUMN. */
static int usage_option(kbuf *b, const cli_option *row, const cli_options *defaults)
{
    char label[64], shown[256];
    const char *mark = strstr(row->help, "{default}");
    kbuf help;
    int rc = 0;
    if (row->label)
        snprintf(label, sizeof label, "%s", row->label);
    else if (row->short_name)
        snprintf(label, sizeof label, "-%c, %s%s%s", row->short_name, row->name,
                 row->value ? " " : "", row->value ? row->value : "");
    else
        snprintf(label, sizeof label, "%s%s%s", row->name, row->value ? " " : "",
                 row->value ? row->value : "");
    kbuf_init(&help, CLI_MAX_HELP);
    if (mark) {
        if (row->show)
            row->show(defaults, shown, sizeof shown);
        else
            snprintf(shown, sizeof shown, "%s", row->fallback ? row->fallback : "");
        rc |= kbuf_printf(&help, "%.*s%s%s", (int)(mark - row->help), row->help, shown,
                          mark + strlen("{default}"));
    } else {
        rc |= kbuf_puts(&help, row->help);
    }
    /* a label too wide for the column keeps two spaces before its help */
    size_t width =
        strlen(label) + 2 > CLI_HELP_COLUMN - 2 ? strlen(label) + 2 : CLI_HELP_COLUMN - 2;
    const char *line = kbuf_str(&help);
    rc |= kbuf_printf(b, "  %-*s", (int)width, label);
    for (bool first = true; line && !rc; first = false) {
        const char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        rc |= kbuf_printf(b, "%*s%.*s\n", first ? 0 : CLI_HELP_COLUMN, "", len, line);
        line = nl ? nl + 1 : NULL;
    }
    kbuf_free(&help);
    return rc;
}

char *cli_usage(void)
{
    kbuf b;
    cli_options defaults;
    size_t n_cmds, name_width = 0;
    const cmd *cmds = cmd_table(&n_cmds);
    const char *section = NULL;
    size_t n_options;
    const cli_option *options = cli_option_table(&n_options);
    int rc = cli_options_defaults(&defaults);
    kbuf_init(&b, CLI_MAX_HELP);
    for (size_t i = 0; i < n_cmds; i++)
        if (strlen(cmds[i].name) > name_width)
            name_width = strlen(cmds[i].name);
    for (size_t i = 0; i < n_cmds && !rc; i++)
        rc |= kbuf_printf(&b, "%s kpct %-*s %-*s%s\n", i ? "      " : "Usage:", (int)name_width,
                          cmds[i].name, CLI_ARGS_WIDTH, cmds[i].args, cmds[i].summary);
    rc |= kbuf_printf(&b, "       kpct --help | --version\n\nCASES_DIR defaults to \"%s\".\n",
                      CLI_CASES_DIR);
    for (size_t i = 0; i < n_options && !rc; i++) {
        if (!options[i].section)
            continue;
        if (!section || strcmp(section, options[i].section))
            rc |= kbuf_printf(&b, "\n%s:\n", options[i].section);
        section = options[i].section;
        rc |= usage_option(&b, &options[i], &defaults);
    }
    rc |= kbuf_puts(&b, usage_tail);
    cli_options_free(&defaults);
    if (rc) {
        kbuf_free(&b);
        return NULL;
    }
    return kbuf_steal(&b);
}
