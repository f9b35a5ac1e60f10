/* The command line and target parsing, as tables: what each argument list means, and
 * which URLs are production, playground or plain. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "exec.h"
#include "target.h"

typedef struct parse_row {
    const char *args[10];
    cli_command command;
    const char *cases_dir, *target, *market, *out_dir;
    unsigned jobs;
    long timeout_ms, connect_timeout_ms;
    int retries;
    unsigned shard_k, shard_n;
    int verbose;
} parse_row;

Test(cli_parse, reads_every_option_form)
{
    static const parse_row rows[] = {
        {{"run", NULL}, CLI_RUN, "cases", "mock", NULL, "reports", 8, 30000, 5000, -1, 0, 0, 0},
        {{"run", "mycases", "-j4", "--out=o", NULL},
         CLI_RUN,
         "mycases",
         "mock",
         NULL,
         "o",
         4,
         30000,
         5000,
         -1,
         0,
         0,
         0},
        {{"list", "--target", "playground-na", "--market", "US,CA", NULL},
         CLI_LIST,
         "cases",
         "playground-na",
         "US,CA",
         "reports",
         8,
         30000,
         5000,
         -1,
         0,
         0,
         0},
        {{"run", "--timeout", "0.5", "--connect-timeout=2", "--retries", "3", NULL},
         CLI_RUN,
         "cases",
         "mock",
         NULL,
         "reports",
         8,
         500,
         2000,
         3,
         0,
         0,
         0},
        {{"run", "--shard", "2/5", "-v", "-vv", NULL},
         CLI_RUN,
         "cases",
         "mock",
         NULL,
         "reports",
         8,
         30000,
         5000,
         -1,
         2,
         5,
         3},
        {{"lint", "x", NULL}, CLI_LINT, "x", "mock", NULL, "reports", 8, 30000, 5000, -1, 0, 0, 0},
        {{"--version", NULL},
         CLI_VERSION,
         "cases",
         "mock",
         NULL,
         "reports",
         8,
         30000,
         5000,
         -1,
         0,
         0,
         0},
        {{"run", "--help", NULL},
         CLI_HELP,
         "cases",
         "mock",
         NULL,
         "reports",
         8,
         30000,
         5000,
         -1,
         0,
         0,
         0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const parse_row *r = &rows[i];
        char *argv[12] = {"kpct"};
        int argc = 1;
        char err[256] = "";
        cli_options o;
        for (size_t k = 0; r->args[k]; k++)
            argv[argc++] = (char *)r->args[k];
        cr_assert_eq(cli_parse(argc, argv, &o, err, sizeof err), 0, "row %zu: %s", i, err);
        cr_expect_eq(o.command, r->command, "row %zu", i);
        cr_expect_str_eq(o.cases_dir, r->cases_dir, "row %zu", i);
        cr_expect_str_eq(o.target, r->target, "row %zu", i);
        if (r->market)
            cr_expect_str_eq(o.market, r->market, "row %zu", i);
        else
            cr_expect_null(o.market, "row %zu", i);
        cr_expect_str_eq(o.out_dir, r->out_dir, "row %zu", i);
        cr_expect_eq(o.jobs, r->jobs, "row %zu", i);
        cr_expect_eq(o.timeout_ms, r->timeout_ms, "row %zu", i);
        cr_expect_eq(o.connect_timeout_ms, r->connect_timeout_ms, "row %zu", i);
        cr_expect_eq(o.retries, r->retries, "row %zu", i);
        cr_expect_eq(o.shard_k, r->shard_k, "row %zu", i);
        cr_expect_eq(o.shard_n, r->shard_n, "row %zu", i);
        cr_expect_eq(o.verbose, r->verbose, "row %zu", i);
        cli_options_free(&o);
    }
}

Test(cli_parse, collects_repeated_ids_and_tags_and_the_rest)
{
    char *argv[] = {
        "kpct",  "run",         "--id",       "update.*",           "--id=read.ok", "--tag",
        "clock", "--seed",      "42",         "--min-coverage",     "99.5",         "--rate-limit",
        "2/20",  "--fail-fast", "--insecure", "--allow-production", "--cacert",     "ca.pem"};
    cli_options o;
    char err[256];
    cr_assert_eq(cli_parse(sizeof argv / sizeof argv[0], argv, &o, err, sizeof err), 0, "%s", err);
    cr_expect_eq(o.n_id_globs, 2);
    cr_expect_str_eq(o.id_globs[1], "read.ok");
    cr_expect_eq(o.n_tags, 1);
    cr_expect(o.seed_given && o.seed == 42);
    cr_expect_float_eq(o.min_coverage, 99.5, 1e-9);
    cr_expect_float_eq(o.create_per_s, 2, 1e-9);
    cr_expect_float_eq(o.other_per_s, 20, 1e-9);
    cr_expect(o.fail_fast && o.insecure && o.allow_production);
    cr_expect_str_eq(o.cacert, "ca.pem");
    cli_options_free(&o);
}

/* Parses argv (NULL-terminated, without "kpct"); returns cli_parse's answer. */
static int parse(const char *const *args, cli_options *o, char *err, size_t errlen)
{
    char *argv[16] = {"kpct"};
    int argc = 1;
    for (size_t k = 0; args[k] && argc < 15; k++)
        argv[argc++] = (char *)args[k];
    err[0] = '\0';
    return cli_parse(argc, argv, o, err, errlen);
}

typedef struct refusal_row {
    const char *args[8];
    const char *message; /* exactly what follows "kpct: " */
} refusal_row;

/* A table rather than a ParameterizedTest: Criterion re-executes the binary per test, so
 * pointers inside parameters would not survive. */
static const refusal_row refusals[] = {
    {{NULL}, "no command given (expected run, list, lint, report, mutate, diff or merge)"},
    {{"bogus", NULL},
     "unknown command \"bogus\" (expected run, list, lint, report, mutate, diff or merge)"},
    {{"run", "--frob", NULL}, "unknown option \"--frob\""},
    {{"run", "--marekt=SE", NULL}, "unknown option \"--marekt\" (did you mean --market?)"},
    {{"run", "--jbos", "4", NULL}, "unknown option \"--jbos\" (did you mean --jobs?)"},
    {{"run", "--", NULL}, "unknown option \"--\""},
    {{"run", "-x", NULL}, "unknown option \"-x\""},
    {{"run", "-v4", NULL}, "unknown option \"-v4\""},
    {{"run", "--jobs", NULL}, "--jobs needs a value"},
    {{"run", "-j", NULL}, "-j needs a value"},
    {{"run", "--market", NULL}, "--market needs a value"},
    {{"run", "--insecure=yes", NULL}, "--insecure takes no value"},
    {{"run", "--verbose=2", NULL}, "--verbose takes no value"},
    {{"run", "--jobs", "x", NULL}, "--jobs wants a number from 1 to 256, not \"x\""},
    {{"run", "-jx", NULL}, "-j wants a number from 1 to 256, not \"x\""},
    {{"run", "-j", "0", NULL}, "-j wants a number from 1 to 256, not \"0\""},
    {{"run", "--jobs", " 4", NULL}, "--jobs wants a number from 1 to 256, not \" 4\""},
    {{"run", "--jobs=+4", NULL}, "--jobs wants a number from 1 to 256, not \"+4\""},
    {{"run", "--seed", "+5", NULL},
     "--seed wants a decimal integer from 0 to 18446744073709551615, not \"+5\""},
    {{"run", "--seed=-1", NULL},
     "--seed wants a decimal integer from 0 to 18446744073709551615, not \"-1\""},
    {{"run", "--seed", "18446744073709551616", NULL},
     "--seed wants a decimal integer from 0 to 18446744073709551615, not "
     "\"18446744073709551616\""},
    {{"run", "--seed", "0x10", NULL},
     "--seed wants a decimal integer from 0 to 18446744073709551615, not \"0x10\""},
    {{"run", "--seed", "", NULL},
     "--seed wants a decimal integer from 0 to 18446744073709551615, not \"\""},
    {{"run", "--retries", "11", NULL}, "--retries wants a number from 0 to 10, not \"11\""},
    {{"run", "--shard", "3/2", NULL}, "--shard wants K/N with 1 <= K <= N <= 1000, not \"3/2\""},
    {{"run", "--shard", "2", NULL}, "--shard wants K/N, e.g. 2/4, not \"2\""},
    {{"run", "--timeout", "0", NULL}, "--timeout wants seconds above 0 and up to 86400, not \"0\""},
    {{"run", "--connect-timeout=nan", NULL},
     "--connect-timeout wants seconds above 0 and up to 86400, not \"nan\""},
    {{"run", "--rate-limit", "4/x", NULL},
     "--rate-limit wants CREATE/OTHER per second, e.g. 4/40, not \"4/x\""},
    {{"run", "--min-coverage", "101", NULL},
     "--min-coverage wants a percentage from 0 to 100, not \"101\""},
    {{"run", "a", "b", NULL}, "unexpected argument \"b\" (one CASES_DIR at most)"},
    {{"merge", "run-1", "--target", "mock", NULL},
     "merge takes RUN_DIRs and --out only, not --target"},
    {{"merge", "run-1", "--shard", "1/2", NULL},
     "merge takes RUN_DIRs and --out only, not --shard"},
    {{"lint", "--target", "mock", NULL}, "lint takes only CASES_DIR, not --target"},
    {{"lint", "-j4", NULL}, "lint takes only CASES_DIR, not -j"},
    {{"lint", "--frob", NULL}, "unknown option \"--frob\""},
    {{"run", "--market", "", NULL}, "--market wants a market, a comma list or all, not \"\""},
    {{"run", "--unconfirmed", "no", NULL}, "--unconfirmed wants warn or fail, not \"no\""},
    {{"run", "--tags", NULL}, "run does not take --tags"},
    {{"lint", "--exclude-tag", "x", NULL}, "lint takes only CASES_DIR, not --exclude-tag"},
    {{"run", "--color", "blue", NULL}, "--color wants auto, always or never, not \"blue\""},
    {{"list", "-q", NULL}, "list does not take -q"},
    {{"report", NULL}, "report needs a RUN_DIR (a folder with results.json)"},
    {{"report", "a", "b", NULL}, "report takes one RUN_DIR (several with --history), not 2"},
    {{"report", "a", "--target", "mock", NULL}, "report does not take --target"},
    {{"run", "--history", NULL}, "run does not take --history"},
    {{"run", "--defect", "no-*", NULL}, "run does not take --defect"},
    {{"mutate", "--target", "mock", NULL}, "mutate does not take --target"},
    {{"mutate", "a", "b", NULL}, "unexpected argument \"b\" (one CASES_DIR at most)"},
    {{"diff", NULL}, "diff needs two runs, A and B (run folders or results.json files)"},
    {{"diff", "a", NULL}, "diff needs two runs, A and B (run folders or results.json files)"},
    {{"diff", "a", "b", "c", NULL}, "unexpected argument \"c\" (diff compares two runs: A B)"},
    {{"diff", "a", "b", "--market", "SE", NULL}, "diff does not take --market"},
    /* --var and --secret: never the value of a secret, even under a mistyped option */
    {{"run", "--var", "x", NULL}, "--var: \"=\" is missing: write NAME=VALUE"},
    {{"list", "--secret=k=abc", NULL},
     "--secret: the value of k is too short to be kept out of reports (secrets need at least 4 "
     "bytes)"},
    {{"lint", "--var", "k=v", NULL}, "lint takes only CASES_DIR, not --var"},
    {{"mutate", "--secret", "k=hunter2222", NULL}, "mutate does not take --secret"},
    {{"run", "--secrt=k=hunter2222", NULL}, "unknown option \"--secrt\" (did you mean --secret?)"},
    {{"run", "a", "k=hunter2222", NULL}, "unexpected argument \"k=...\" (one CASES_DIR at most)"},
};

Test(cli_parse, refuses_bad_command_lines_with_an_exact_reason)
{
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        cli_options o;
        char err[512];
        int rc = parse(refusals[i].args, &o, err, sizeof err);
        cr_expect_eq(rc, -1, "row %zu: rc %d", i, rc);
        cr_expect_str_eq(err, refusals[i].message, "row %zu", i);
        if (rc == 0)
            cli_options_free(&o);
    }
}

Test(cli_parse, takes_the_whole_seed_range_and_repeated_short_flags)
{
    static const char *const top[] = {"run", "--seed", "18446744073709551615", "-vv", NULL};
    static const char *const zero[] = {"run", "--seed=0", "-v", "--verbose", NULL};
    static const char *const lint[] = {"lint", "-v", "cases", "--help", NULL};
    cli_options o;
    char err[512];
    cr_assert_eq(parse(top, &o, err, sizeof err), 0, "%s", err);
    cr_expect(o.seed_given && o.seed == UINT64_MAX);
    cr_expect_eq(o.verbose, 2);
    cli_options_free(&o);
    cr_assert_eq(parse(zero, &o, err, sizeof err), 0, "%s", err);
    cr_expect(o.seed_given && o.seed == 0);
    cr_expect_eq(o.verbose, 2);
    cli_options_free(&o);
    cr_assert_eq(parse(lint, &o, err, sizeof err), 0, "%s", err);
    cr_expect_eq(o.command, CLI_HELP);
    cli_options_free(&o);
}

Test(cli_parse, takes_the_engines_defaults_and_leaves_the_rest_to_the_target)
{
    cli_options o;
    exec_config engine;
    exec_config_defaults(&engine);
    cr_assert_eq(cli_options_defaults(&o), 0);
    cr_expect_eq(o.jobs, engine.jobs);
    cr_expect_eq(o.timeout_ms, engine.timeout_ms);
    cr_expect_eq(o.connect_timeout_ms, engine.connect_timeout_ms);
    cr_expect_str_eq(o.cases_dir, CLI_CASES_DIR);
    cr_expect_str_eq(o.target, "mock");
    cr_expect_str_eq(o.out_dir, "reports");
    cr_expect_null(o.market);
    cr_expect_eq(o.retries, -1);
    cr_expect(o.create_per_s < 0 && o.other_per_s < 0);
    cli_options_free(&o);
}

/* The option table is what --help is made from: every row must be reachable and shown. */
Test(cli_help, lists_every_option_of_the_table_with_its_default)
{
    size_t n, n_cmds;
    const cli_option *rows = cli_option_table(&n);
    const cmd *cmds = cmd_table(&n_cmds);
    char *help = cli_usage();
    cli_options d;
    char line[128];
    cr_assert_not_null(help);
    cr_assert_eq(cli_options_defaults(&d), 0);
    for (size_t i = 0; i < n; i++) {
        const cli_option *r = &rows[i];
        cr_expect(r->commands != 0, "%s is accepted nowhere", r->name);
        cr_expect(r->set != NULL, "%s stores nothing", r->name);
        cr_expect_eq(strncmp(r->name, "--", 2), 0, "%s", r->name);
        for (size_t k = 0; k < i; k++) {
            cr_expect_str_neq(r->name, rows[k].name, "%s twice", r->name);
            cr_expect(!r->short_name || r->short_name != rows[k].short_name, "-%c twice",
                      r->short_name);
        }
        if (!r->section) /* not listed: --help itself, or shown in another row's label */
            continue;
        cr_expect_not_null(r->help, "%s", r->name);
        if (r->label) /* "--cert FILE, --key FILE", "-v, -vv" */
            snprintf(line, sizeof line, "  %s ", r->label);
        else if (r->value) /* "--jobs N " whether or not "-j, " comes first */
            snprintf(line, sizeof line, "%s %s ", r->name, r->value);
        else
            snprintf(line, sizeof line, "  %s ", r->name);
        cr_expect(strstr(help, line), "--help does not list \"%s\"", line);
    }
    for (size_t i = 0; i < n_cmds; i++) {
        snprintf(line, sizeof line, " kpct %s ", cmds[i].name);
        cr_expect(strstr(help, line), "--help does not list the command %s", cmds[i].name);
        cr_expect(strstr(help, cmds[i].summary), "%s", cmds[i].name);
    }
    cr_expect(!strstr(help, "{default}"), "a default was not filled in");
    snprintf(line, sizeof line, "(default %u;", d.jobs);
    cr_expect(strstr(help, line), "%s", line);
    snprintf(line, sizeof line, "(default %g)", (double)d.timeout_ms / 1000);
    cr_expect(strstr(help, line), "%s", line);
    snprintf(line, sizeof line, "(default %g)", (double)d.connect_timeout_ms / 1000);
    cr_expect(strstr(help, line), "%s", line);
    snprintf(line, sizeof line, "(default %s)", d.out_dir);
    cr_expect(strstr(help, line), "%s", line);
    cli_options_free(&d);
    free(help);
}

typedef struct policy_row {
    case_target_kind kind;
    const char *name;
    const char *market;
    unsigned retries;
    double create_per_s, other_per_s;
} policy_row;

Test(target_policy, gives_each_target_its_market_retries_and_pace)
{
    static const policy_row rows[] = {
        {TARGET_MOCK, "mock", "SE", 0, 0, 0},
        {TARGET_PLAYGROUND, "playground-eu", "SE", 2, 4, 40},
        {TARGET_PLAYGROUND, "playground-na", "US", 2, 4, 40},
        {TARGET_PLAYGROUND, "playground-oc", "AU", 2, 4, 40},
        {TARGET_PLAYGROUND, "https://API-OC.playground.klarna.com./", "AU", 2, 4, 40},
        {TARGET_PLAYGROUND, "https://api-xx.playground.klarna.com", "SE", 2, 4, 40},
        {TARGET_URL, "http://127.0.0.1:8080", "SE", 0, 0, 0},
        {TARGET_URL, NULL, "SE", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const target_policy *p = target_policy_of(rows[i].kind, rows[i].name);
        cr_assert_not_null(p, "row %zu", i);
        cr_expect_str_eq(p->default_market, rows[i].market, "row %zu", i);
        cr_expect_eq(p->retries, rows[i].retries, "row %zu", i);
        cr_expect_float_eq(p->create_per_s, rows[i].create_per_s, 1e-9, "row %zu", i);
        cr_expect_float_eq(p->other_per_s, rows[i].other_per_s, 1e-9, "row %zu", i);
    }
    cr_expect_str_eq(target_policy_of(TARGET_MOCK, "mock")->noproxy, "127.0.0.1,localhost");
}

Test(target_policy, paces_below_every_known_quota_and_is_what_help_says)
{
    size_t n;
    const target_policy *p = target_policies(&n);
    char *help = cli_usage(), text[128];
    cr_assert_not_null(help);
    for (size_t i = 0; i < n; i++) {
        if (p[i].quota_create_per_s > 0)
            cr_expect(p[i].create_per_s > 0 && p[i].create_per_s < p[i].quota_create_per_s, "%s",
                      p[i].name ? p[i].name : "any");
        if (p[i].quota_other_per_s > 0)
            cr_expect(p[i].other_per_s > 0 && p[i].other_per_s < p[i].quota_other_per_s, "%s",
                      p[i].name ? p[i].name : "any");
        if (p[i].region) {
            snprintf(text, sizeof text, "%s %s", p[i].region, p[i].default_market);
            cr_expect(strstr(help, text), "--help does not say %s", text);
        }
    }
    /* --help names one retry count for the mock and URLs: they must agree */
    cr_expect_eq(target_policy_of(TARGET_MOCK, "mock")->retries,
                 target_policy_of(TARGET_URL, NULL)->retries);
    cr_expect(strstr(help, "(default 0; 2 on the playground)"), "%s", help);
    cr_expect(strstr(help, "on the playground 4/40, under its 5/50 quota"), "%s", help);
    free(help);
}

typedef struct target_row {
    const char *spec;
    bool allow;
    int rc;
    case_target_kind kind;
    const char *base_url;
    const char *market;
} target_row;

Test(target_resolve, sorts_targets_and_refuses_production)
{
    static const target_row rows[] = {
        {"mock", false, 0, TARGET_MOCK, NULL, "SE"},
        {"playground-eu", false, 0, TARGET_PLAYGROUND, "https://api.playground.klarna.com", "SE"},
        {"playground-na", false, 0, TARGET_PLAYGROUND, "https://api-na.playground.klarna.com",
         "US"},
        {"playground-oc", false, 0, TARGET_PLAYGROUND, "https://api-oc.playground.klarna.com",
         "AU"},
        {"https://api-oc.playground.klarna.com/", false, 0, TARGET_PLAYGROUND,
         "https://api-oc.playground.klarna.com", "AU"},
        {"http://127.0.0.1:8080//", false, 0, TARGET_URL, "http://127.0.0.1:8080", "SE"},
        {"https://mock.shop.example/klarna", false, 0, TARGET_URL,
         "https://mock.shop.example/klarna", "SE"},
        {"https://klarna.com.evil.example", false, 0, TARGET_URL, "https://klarna.com.evil.example",
         "SE"},
        {"https://api.klarna.com", false, -1, TARGET_URL, NULL, NULL},
        {"https://api-na.klarna.com", false, -1, TARGET_URL, NULL, NULL},
        {"https://api-oc.klarna.com", false, -1, TARGET_URL, NULL, NULL},
        {"HTTPS://API.KLARNA.COM.", false, -1, TARGET_URL, NULL, NULL},
        {"https://klarna.com", false, -1, TARGET_URL, NULL, NULL},
        {"https://playground.klarna.com.klarna.com", false, -1, TARGET_URL, NULL, NULL},
        {"https://api.klarna.com", true, 0, TARGET_URL, "https://api.klarna.com", "SE"},
        {"ftp://example.com", false, -1, TARGET_URL, NULL, NULL},
        {"example.com", false, -1, TARGET_URL, NULL, NULL},
        {"playground-xx", false, -1, TARGET_URL, NULL, NULL},
        {"", false, -1, TARGET_URL, NULL, NULL},
        {"http://user:pw-4711@127.0.0.1:8080", false, -1, TARGET_URL, NULL, NULL},
        {"https://user@mock.shop.example/x", false, -1, TARGET_URL, NULL, NULL},
        {"https://mock.shop.example/x?a=1", false, -1, TARGET_URL, NULL, NULL},
        {"https://mock.shop.example/#x", false, -1, TARGET_URL, NULL, NULL},
        {"https://mock.shop.example/a@b", false, 0, TARGET_URL, "https://mock.shop.example/a@b",
         "SE"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const target_row *r = &rows[i];
        target t;
        char err[512] = "";
        int rc = target_resolve(r->spec, r->allow, &t, err, sizeof err);
        cr_expect_eq(rc, r->rc, "%s: rc %d (%s)", r->spec, rc, err);
        if (rc != 0) {
            cr_expect_neq(err[0], '\0', "%s: no reason", r->spec);
            cr_expect(!strstr(err, "pw-4711"), "%s: the reason shows the password: %s", r->spec,
                      err);
            continue;
        }
        cr_expect_eq(t.kind, r->kind, "%s", r->spec);
        if (r->base_url)
            cr_expect_str_eq(t.base_url, r->base_url, "%s", r->spec);
        cr_expect_str_eq(t.default_market, r->market, "%s", r->spec);
        target_close(&t);
    }
}
