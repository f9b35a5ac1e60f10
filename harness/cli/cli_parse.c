/* cli_parse: the command line read against the option table (cli.c) — one command,
 * its operands, and each option as its row says; an unknown option is named as given,
 * with the closest known name when there is one. */
#include "cli.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

#define CLI_SUGGEST_EDITS 2 /* an unknown option this close to a known one gets "did you mean" */

/* ---- parsing --------------------------------------------------------------------- */

/* Levenshtein distance between a's first na bytes and b; SIZE_MAX for long names. */
static size_t edit_distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b), row[64];
    if (na >= 64 || nb >= 64)
        return SIZE_MAX;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The reason for an option the table does not have, naming it as given (name_len: the
 * part before '='), with the closest long option when there is one. */
static void unknown_option(const char *arg, size_t name_len, char *err, size_t errlen)
{
    size_t n_options;
    const cli_option *options = cli_option_table(&n_options);
    const cli_option *best = NULL;
    size_t best_d = CLI_SUGGEST_EDITS + 1;
    for (size_t i = 0; arg[1] == '-' && i < n_options; i++) {
        size_t d = edit_distance(arg, name_len, options[i].name);
        if (d < best_d && d + 2 < name_len) { /* a guess must keep some of what was typed */
            best_d = d;
            best = &options[i];
        }
    }
    /* the name only: what follows '=' may be a secret for an option that was mistyped,
     * and it was not registered for redaction ("--secrt=key=VALUE") */
    if (best)
        snprintf(err, errlen, "unknown option \"%.*s\" (did you mean %s?)", (int)name_len, arg,
                 best->name);
    else
        snprintf(err, errlen, "unknown option \"%.*s\"", (int)name_len, arg);
}

/* "run, list or lint" */
static void command_names(char *buf, size_t n)
{
    size_t count, used = 0;
    const cmd *c = cmd_table(&count);
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s",
                                 i == 0          ? ""
                                 : i + 1 < count ? ", "
                                                 : " or ",
                                 c[i].name);
}

/* Finds the row argv[*i] names and its value (taken from argv[*i + 1] when needed).
 * Fills *row, *value and as_given (the name as typed); *repeat counts a short flag
 * written several times ("-vv"). Returns 0 or -1 with a reason. */
static int take_option(int argc, char **argv, int *i, const cli_option **row, const char **value,
                       char *as_given, size_t as_len, int *repeat, char *err, size_t errlen)
{
    size_t n_options;
    const cli_option *options = cli_option_table(&n_options);
    const char *a = argv[*i];
    const cli_option *r = NULL;
    *value = NULL;
    *repeat = 1;
    if (a[1] == '-') { /* --name or --name=value */
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        for (size_t k = 0; k < n_options && !r; k++)
            if (strlen(options[k].name) == len && !strncmp(a, options[k].name, len))
                r = &options[k];
        if (!r) {
            unknown_option(a, len, err, errlen);
            return -1;
        }
        snprintf(as_given, as_len, "%s", r->name);
        if (eq) {
            if (!r->value) {
                snprintf(err, errlen, "%s takes no value", r->name);
                return -1;
            }
            *value = eq + 1;
        }
    } else { /* -j N, -jN, -v, -vv */
        for (size_t k = 0; k < n_options && !r; k++)
            if (options[k].short_name && options[k].short_name == a[1])
                r = &options[k];
        if (r && !r->value)
            for (const char *c = a + 2; *c && r; c++, (*repeat)++)
                if (*c != a[1])
                    r = NULL;
        if (!r) {
            unknown_option(a, strlen(a), err, errlen);
            return -1;
        }
        snprintf(as_given, as_len, "-%c", a[1]);
        if (r->value && a[2])
            *value = a + 2;
    }
    if (r->value && !*value) {
        if (*i + 1 >= argc) {
            snprintf(err, errlen, "%s needs a value", as_given);
            return -1;
        }
        *value = argv[++*i];
    }
    *row = r;
    return 0;
}

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ./cases when there is one, else the installed suite when there is one, else ./cases
 * (whose loading then says what was looked for). */
static const char *default_cases_dir(void)
{
    if (!is_folder(CLI_CASES_DIR) && is_folder(CLI_INSTALLED_CASES_DIR))
        return CLI_INSTALLED_CASES_DIR;
    return CLI_CASES_DIR;
}

/* kpct report takes one RUN_DIR, or several with --history. */
static int check_report(const cli_options *r, char *err, size_t errlen)
{
    if (!r->n_run_dirs)
        snprintf(err, errlen, "report needs a RUN_DIR (a folder with results.json)");
    else if (r->n_run_dirs > 1 && !r->history)
        snprintf(err, errlen, "report takes one RUN_DIR (several with --history), not %zu",
                 r->n_run_dirs);
    else
        return 0;
    return -1;
}

/* One pass over argv: the command, its operands and its options, then the rules that
 * need the whole line (operands per command, report and merge folders, the cases folder).
 * Over a hundred lines because each rule is a few lines that read the same state; split,
 * they would pass that state between functions for no reader's gain. */
int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
    cli_options r;
    bool have_command = false, have_dir = false;
    int rc = cli_options_defaults(&r);
    if (rc < 0)
        goto fail;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!have_command) {
            char names[256];
            const cmd *c = cmd_find(a);
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                r.command = CLI_HELP;
                goto done;
            }
            if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
                r.command = CLI_VERSION;
                goto done;
            }
            if (!c) {
                command_names(names, sizeof names);
                snprintf(err, errlen, "unknown command \"%s\" (expected %s)", a, names);
                rc = -1;
                goto fail;
            }
            r.command = c->id;
            have_command = true;
            continue;
        }
        if ((a[0] != '-' || !strcmp(a, "-")) && r.command == CLI_DIFF) {
            if (r.diff_b) {
                snprintf(err, errlen, "unexpected argument \"%s\" (diff compares two runs: A B)",
                         a);
                rc = -1;
                goto fail;
            }
            *(r.diff_a ? &r.diff_b : &r.diff_a) = a;
            continue;
        }
        if ((a[0] != '-' || !strcmp(a, "-")) &&
            (r.command == CLI_REPORT || r.command == CLI_MERGE)) {
            if (r.n_run_dirs >= CLI_MAX_RUN_DIRS) {
                snprintf(err, errlen, "more than %d RUN_DIRs", CLI_MAX_RUN_DIRS);
                rc = -1;
                goto fail;
            }
            const char **l = realloc(r.run_dirs, (r.n_run_dirs + 1) * sizeof *l);
            if (!l) {
                rc = -2;
                goto fail;
            }
            l[r.n_run_dirs++] = a;
            r.run_dirs = l;
            continue;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (have_dir) {
                /* "NAME=VALUE" is a --var or --secret that lost its option: not its value */
                const char *eq = strchr(a, '=');
                snprintf(err, errlen, "unexpected argument \"%.*s%s\" (one CASES_DIR at most)",
                         eq ? (int)(eq - a) : (int)strlen(a), a, eq ? "=..." : "");
                rc = -1;
                goto fail;
            }
            r.cases_dir = a;
            have_dir = true;
            continue;
        }
        const cli_option *row;
        const char *value;
        char as_given[64];
        int repeat;
        if ((rc = take_option(argc, argv, &i, &row, &value, as_given, sizeof as_given, &repeat, err,
                              errlen)) < 0)
            goto fail;
        if (!(row->commands & CLI_IN(r.command))) {
            const cmd *c = cmd_of(r.command);
            if (r.command == CLI_MERGE)
                snprintf(err, errlen, "merge takes RUN_DIRs and --out only, not %s", as_given);
            else if (strstr(c->args, "[options]"))
                snprintf(err, errlen, "%s does not take %s", c->name, as_given);
            else /* its usage line promises no options */
                snprintf(err, errlen, "%s takes only CASES_DIR, not %s", c->name, as_given);
            rc = -1;
            goto fail;
        }
        while (repeat--)
            if ((rc = row->set(row, &r, as_given, value, err, errlen)) < 0)
                goto fail;
        if (r.command == CLI_HELP || r.command == CLI_VERSION)
            goto done;
    }
    if (!have_command) {
        char names[256];
        command_names(names, sizeof names);
        snprintf(err, errlen, "no command given (expected %s)", names);
        rc = -1;
        goto fail;
    }
    if (r.command == CLI_REPORT && (rc = check_report(&r, err, errlen)) < 0)
        goto fail;
    if (r.command == CLI_DIFF && !r.diff_b) {
        snprintf(err, errlen, "diff needs two runs, A and B (run folders or results.json files)");
        rc = -1;
        goto fail;
    }
done:
    if (!have_dir)
        r.cases_dir = default_cases_dir();
    *o = r;
    return 0;
fail:
    if (rc == -2)
        snprintf(err, errlen, "out of memory");
    cli_options_free(&r);
    return rc;
}
