/* cli: kpct's command line — commands, options and the --help text. Parsing only;
 * main.c decides what runs and what the user sees.
 * Ownership: cli_parse fills a cli_options whose arrays cli_options_free releases;
 * strings point into argv. */
#ifndef KPCT_CLI_H
#define KPCT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses (SPEC §4.4). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILED = 1,
    CLI_EXIT_ERRORED = 2,
    CLI_EXIT_USAGE = 64,
    CLI_EXIT_BAD_CASES = 65,
    CLI_EXIT_SOFTWARE = 70, /* kpct itself could not work (reports unwritable, OOM) */
};

typedef enum { CLI_RUN, CLI_LIST, CLI_LINT, CLI_HELP, CLI_VERSION } cli_command;

typedef struct cli_options {
    cli_command command;
    const char *cases_dir; /* default "cases" */
    const char *target;    /* default "mock" */
    const char *market;    /* NULL = the target's default; "all"; or "SE,DE" */
    unsigned jobs;         /* default 8 */
    const char *out_dir;   /* default "reports" */
    const char **id_globs;
    size_t n_id_globs;
    const char **tags;
    size_t n_tags;
    long timeout_ms;         /* default 30000 */
    long connect_timeout_ms; /* default 5000 */
    int retries;             /* -1 = the target's default (0 mock and URLs, 2 playground) */
    const char *cacert;
    const char *client_cert; /* --cert */
    const char *client_key;  /* --key */
    bool insecure;
    bool allow_production;
    double create_per_s; /* --rate-limit C/O; < 0 = the target's default (playground 4/40) */
    double other_per_s;
    bool fail_fast;
    unsigned shard_k, shard_n; /* run tests i with i % shard_n == shard_k - 1; 0/0 = all */
    double min_coverage;       /* < 0 = no threshold */
    int verbose;
    uint64_t seed;
    bool seed_given;
} cli_options;

/* Parses argv. Returns 0 and fills *o, or -1 with a one-line reason in err (usage). */
int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen);
/* Frees the option arrays; accepts NULL. */
void cli_options_free(cli_options *o);
/* The --help text. */
const char *cli_usage(void);

#endif
