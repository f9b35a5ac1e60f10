/* The command line and target parsing, as tables: what each argument list means, and
 * which URLs are production, playground or plain. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
