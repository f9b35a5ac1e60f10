/* cli: kpct's options as one table — names, values, the commands that take them, the
 * --help text and the command-line defaults — and the parser driven by it. Parsing
 * only: the commands decide what runs and what the user sees.
 * Ownership: cli_parse fills a cli_options whose arrays and variable table (vars)
 * cli_options_free releases; strings point into argv or into the option table.
 * cli_usage's text is the caller's. */
#ifndef KPCT_CLI_H
#define KPCT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

/* Exit statuses, as --help lists them. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILED = 1,
    CLI_EXIT_ERRORED = 2,
    CLI_EXIT_USAGE = 64,
    CLI_EXIT_BAD_CASES = 65,
    CLI_EXIT_SOFTWARE = 70, /* kpct itself could not work (reports unwritable, OOM) */
};

typedef enum {
    CLI_RUN,
    CLI_LIST,
    CLI_LINT,
    CLI_REPORT,
    CLI_MUTATE,
    CLI_DIFF,
    CLI_MERGE,
    CLI_HELP,
    CLI_VERSION
} cli_command;

/* --color: auto = on a terminal when NO_COLOR is unset or empty. */
typedef enum { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER } cli_color;

/* A set of commands, for cli_option.commands. */
#define CLI_IN(command) (1u << (command))

/* The positional CASES_DIR when none is given, when it is a folder; else the suite
 * installed under the data directory (KPCT_DATADIR, set by meson), when that is one. */
#define CLI_CASES_DIR "cases"
#ifndef KPCT_DATADIR
#define KPCT_DATADIR "/usr/local/share/kpct"
#endif
#define CLI_INSTALLED_CASES_DIR KPCT_DATADIR "/cases"
/* kpct report --history and kpct merge read at most this many RUN_DIRs (merge: --shard's
 * largest N). */
#define CLI_MAX_RUN_DIRS 1000
/* --id and --tag may each be given at most this many times. */
#define CLI_MAX_REPEAT 256

typedef struct cli_options {
    cli_command command;
    const char *cases_dir;
    const char *target;
    const char *market; /* NULL = the target's default; "all"; or "SE,DE" */
    char *market_list;  /* owned: every --market joined by commas, when repeated */
    unsigned jobs;
    const char *out_dir;
    const char **id_globs;
    size_t n_id_globs;
    const char **tags;
    size_t n_tags;
    const char **exclude_tags; /* --exclude-tag: a test carrying any of them is left out */
    size_t n_exclude_tags;
    const char *last_failed; /* --last-failed RUN_DIR: only what failed or errored there */
    bool list_tags;          /* kpct list --tags: every tag with its test count */
    case_vars_defs *vars;    /* owned: every --var and --secret, as ${var:NAME}; NULL = none */
    const char **headers;    /* every --header 'Name: VALUE' as given, unexpanded */
    size_t n_headers;
    long timeout_ms;
    long connect_timeout_ms;
    int retries; /* -1 = the target's default (target_policy_of) */
    const char *cacert;
    const char *client_cert; /* --cert */
    const char *client_key;  /* --key */
    bool insecure;
    bool allow_production;
    double create_per_s; /* --rate-limit C/O; < 0 = the target's default */
    double other_per_s;
    bool fail_fast;
    unsigned shard_k, shard_n; /* run tests i with i % shard_n == shard_k - 1; 0/0 = all */
    double min_coverage;       /* < 0 = no threshold */
    int verbose;
    uint64_t seed;
    bool seed_given;
    int unconfirmed_warn; /* --unconfirmed: 1 warn, 0 fail, -1 = the target's default */
    bool quiet;           /* -q: print only the closing recap */
    cli_color color;      /* --color */
    /* kpct report and kpct merge */
    const char **run_dirs; /* the RUN_DIRs, in the order given */
    size_t n_run_dirs;
    bool history;              /* --history: several runs into history.html and history.md */
    bool out_given;            /* --out was given (report's default is the RUN_DIR itself) */
    const char **defect_globs; /* kpct mutate --defect; none = every defect */
    size_t n_defect_globs;
    const char *diff_a, *diff_b; /* kpct diff A B */
} cli_options;

/* One row of the option table: how it is written, what it takes, where it is accepted,
 * how --help shows it and what it stores. */
typedef struct cli_option {
    const char *name;     /* "--jobs" */
    char short_name;      /* 'j', or 0 */
    const char *value;    /* the value's name in --help ("N"); NULL = a flag, takes none */
    unsigned commands;    /* CLI_IN(CLI_RUN) | ...: the commands that accept it */
    const char *section;  /* the --help heading it is listed under; NULL = not listed */
    const char *label;    /* --help's left column when it is not "-j, --jobs N" */
    const char *help;     /* --help lines, '\n' between; "{default}" stands for the default */
    const char *fallback; /* the default, given to set before parsing; NULL = none here */
    /* Stores value (NULL for a flag) into o; as_given is the name as the user wrote it.
     * Returns 0, -1 with a reason in err (usage), or -2 when memory ran out. */
    int (*set)(const struct cli_option *row, cli_options *o, const char *as_given,
               const char *value, char *err, size_t errlen);
    size_t field; /* for the generic setters: offsetof the member they store into */
    /* Writes the default shown for "{default}"; NULL = the fallback. */
    void (*show)(const cli_options *defaults, char *buf, size_t n);
} cli_option;

/* The option table in --help order; *n gets the number of rows. */
const cli_option *cli_option_table(size_t *n);
/* Fills o with every default: the table's fallbacks, the engine's (jobs, timeouts) from
 * exec_config_defaults, and "the target's" markers. Returns 0, or -2 out of memory. */
int cli_options_defaults(cli_options *o);
/* Parses argv. Returns 0 and fills *o; -1 with a one-line reason in err (usage, exit
 * 64); -2 when memory ran out (exit 70). */
int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen);
/* Frees the option arrays; accepts NULL. */
void cli_options_free(cli_options *o);
/* The --help text, made from the command and option tables (new string, the caller
 * frees it), or NULL when memory ran out. */
char *cli_usage(void);

#endif
