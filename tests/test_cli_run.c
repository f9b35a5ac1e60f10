/* kpct end to end, as a user runs it: exit statuses, reports, targets (embedded mock,
 * a mock over http and https, a dead endpoint, hostile servers), secrets. Each test
 * writes a small case tree and runs the kpct binary as a child process. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redact.h"
#include "b64.h"
#include "hostile/hostile.h"
#include "kfile.h"
#include "kpct_child.h"
#include "mock.h"
#include "report_check.h"
#include "test_mock_util.h"
#include "test_tmp.h"

static char *slurp(const char *path)
{
    char err[256];
    size_t len;
    char *s = kfile_read(path, 64u << 20, &len, err, sizeof err);
    return s ? s : strdup("");
}

/* Writes a case tree with the SE and DE fixtures of the real cases/ and one suite file. */
static void make_tree(char *dir, const char *suite_json)
{
    char cmd[1024], path[512], err[256];
    cr_assert_not_null(test_tmp_dir(dir, 256, "kpct-cases"));
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/fixtures' && cp -r '%s/fixtures/SE' '%s/fixtures/DE' '%s/fixtures/'",
             dir, getenv("KPCT_CASES"), getenv("KPCT_CASES"), dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/suite.json", dir);
    cr_assert_eq(kfile_write_atomic(path, suite_json, strlen(suite_json), err, sizeof err), 0, "%s",
                 err);
}

static const char passing_suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.create_read\", \"title\": \"create then read\", \"clauses\": [],\n"
    "  \"steps\": [\n"
    "   {\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/payments/v1/sessions\",\n"
    "     \"body\": {\"fixture\": \"session\"}},\n"
    "    \"expect\": {\"status\": 200}, \"capture\": {\"session_id\": \"/session_id\"}},\n"
    "   {\"name\": \"read\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/payments/v1/sessions/${session_id}\"},\n"
    "    \"expect\": {\"status\": 200}}]},\n"
    " {\"id\": \"smoke.unknown\", \"title\": \"unknown session\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 404}}]}]}\n";

static const char failing_suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.wrong\", \"title\": \"expects the wrong status\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/payments/v1/sessions\",\n"
    "    \"headers\": {\"X-Shop-Token\": \"${env:SHOP_TOKEN}\"}, \"body\": {\"fixture\": "
    "\"session\"}},\n"
    "    \"expect\": {\"status\": 201}}]}]}\n";

static void expect_reports(const char *out_dir, const char *tests)
{
    char path[512];
    snprintf(path, sizeof path, "%s/junit.xml", out_dir);
    cr_expect(report_check_schema(path), "%s is not valid", path);
    char *v = report_check_xpath(path, "string(/testsuites/@tests)");
    cr_expect_str_eq(v, tests, "%s", path);
    free(v);
    snprintf(path, sizeof path, "%s/results.json", out_dir);
    cr_expect(access(path, R_OK) == 0, "%s missing", path);
}

#define KPCT_CASES_PLACEHOLDER "@cases" /* replaced by the real cases folder */

typedef struct usage_row {
    const char *args[8];
    const char *message;
} usage_row;

Test(cli_usage, rejects_bad_command_lines_with_status_64)
{
    static const usage_row rows[] = {
        {{NULL}, "no command given"},
        {{"frobnicate", NULL}, "unknown command \"frobnicate\""},
        {{"run", "--frob", NULL}, "unknown option \"--frob\""},
        {{"run", "-j", "0", NULL}, "-j wants a number from 1 to 256"},
        {{"run", "-j", NULL}, "-j needs a value"},
        {{"run", "--shard", "3/2", NULL}, "--shard wants K/N"},
        {{"run", "--timeout", "-1", NULL}, "--timeout wants seconds"},
        {{"run", "--retries", "x", NULL}, "--retries wants a number"},
        {{"run", "--min-coverage", "101", NULL}, "--min-coverage wants a percentage"},
        {{"run", "--min-coverage", "nan", NULL}, "--min-coverage wants a percentage"},
        {{"run", "--timeout", "nan", NULL}, "--timeout wants seconds"},
        {{"run", "--rate-limit", "nan/1", NULL}, "--rate-limit wants CREATE/OTHER"},
        {{"run", "a", "b", NULL}, "unexpected argument \"b\""},
        {{"lint", "--target", "mock", NULL}, "lint takes only CASES_DIR"},
        {{"run", "--insecure=yes", NULL}, "--insecure takes no value"},
        {{"run", "--marekt=SE", NULL}, "unknown option \"--marekt\" (did you mean --market?)"},
        {{"run", "--seed", "+5", NULL}, "--seed wants a decimal integer from 0 to"},
        {{"list", "--market", NULL}, "--market needs a value"},
        {{"run", KPCT_CASES_PLACEHOLDER, "--id", "no.such.test*", NULL},
         "no test matches the --id/--tag selection"},
        {{"list", KPCT_CASES_PLACEHOLDER, "--tag", "no-such-tag", NULL},
         "no test matches the --id/--tag selection"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *args[8];
        for (size_t k = 0; k < 8; k++)
            args[k] = rows[i].args[k] && !strcmp(rows[i].args[k], KPCT_CASES_PLACEHOLDER)
                          ? getenv("KPCT_CASES")
                          : rows[i].args[k];
        kpct_child p = kpct_child_run(args, NULL);
        cr_expect_eq(p.status, 64, "row %zu: status %d", i, p.status);
        cr_expect(strstr(p.err, rows[i].message), "row %zu: stderr \"%s\"", i, p.err);
        kpct_child_free(&p);
    }
}

Test(cli_usage, prints_help_and_version)
{
    const char *help[] = {"--help", NULL}, *version[] = {"--version", NULL};
    kpct_child p = kpct_child_run(help, NULL);
    cr_expect_eq(p.status, 0);
    cr_expect(strstr(p.out, "Usage: kpct run"));
    cr_expect(strstr(p.out, "--min-coverage"));
    kpct_child_free(&p);
    p = kpct_child_run(version, NULL);
    cr_expect_eq(p.status, 0);
    cr_expect_str_eq(p.out, "kpct 0.1.0\n");
    kpct_child_free(&p);
}

Test(cli_targets, refuses_production_hosts_and_missing_credentials_with_status_64)
{
    static const char *const prod[] = {"https://api.klarna.com", "https://api-na.klarna.com/",
                                       "https://api-oc.klarna.com", "https://API.Klarna.COM.",
                                       "https://x.eu.klarna.com:443"};
    static const char *const env[] = {"KLARNA_USERNAME=test-user", "KLARNA_PASSWORD=test-pass",
                                      NULL};
    char tree[256];
    make_tree(tree, passing_suite);
    for (size_t i = 0; i < sizeof prod / sizeof prod[0]; i++) {
        const char *args[] = {"run", tree, "--target", prod[i], NULL};
        kpct_child p = kpct_child_run(args, env);
        cr_expect_eq(p.status, 64, "%s: %d", prod[i], p.status);
        cr_expect(strstr(p.err, "refusing the Klarna production host"), "%s: %s", prod[i], p.err);
        kpct_child_free(&p);
    }
    const char *args[] = {"run", tree, "--target", "playground-eu", NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 64);
    cr_expect(strstr(p.err, "set KLARNA_USERNAME and KLARNA_PASSWORD"), "%s", p.err);
    kpct_child_free(&p);
    static const char *const short_env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=pw",
                                            NULL};
    const char *playground[] = {"run", tree, "--target", "playground-eu", NULL};
    p = kpct_child_run(playground, short_env);
    cr_expect_eq(p.status, 64, "a password too short to redact must stop the run: %d", p.status);
    cr_expect(strstr(p.err, "must each be at least 4 bytes"), "%s", p.err);
    kpct_child_free(&p);
    static char huge[80000];
    snprintf(huge, sizeof huge, "KLARNA_PASSWORD=");
    memset(huge + 16, 'p', sizeof huge - 17);
    const char *const huge_env[] = {"KLARNA_USERNAME=shop-user", huge, NULL};
    p = kpct_child_run(playground, huge_env);
    cr_expect_eq(p.status, 64, "a password too long to redact must stop the run: %d", p.status);
    cr_expect(strstr(p.err, "may have at most 65536 bytes"), "%s", p.err);
    kpct_child_free(&p);
    const char *bad[] = {"run", tree, "--target", "ftp://example.com", NULL};
    p = kpct_child_run(bad, env);
    cr_expect_eq(p.status, 64);
    cr_expect(strstr(p.err, "unknown target"), "%s", p.err);
    kpct_child_free(&p);
    char inside[512];
    snprintf(inside, sizeof inside, "%s/reports", tree);
    const char *nested[] = {"run", tree, "--out", inside, NULL};
    p = kpct_child_run(nested, NULL);
    cr_expect_eq(p.status, 64);
    cr_expect(strstr(p.err, "the next run would read the reports as case files"), "%s", p.err);
    kpct_child_free(&p);
    const char *market[] = {"run", tree, "--market", "JP", NULL};
    p = kpct_child_run(market, NULL);
    cr_expect_eq(p.status, 64);
    cr_expect(strstr(p.err, "market \"JP\" has no fixtures"), "%s", p.err);
    kpct_child_free(&p);
}

Test(cli_cases, reports_bad_case_files_as_file_line_col_with_status_65_and_runs_nothing)
{
    char tree[256], out[512];
    make_tree(tree, "{\"suite\": \"smoke\", \"title\": \"t\", \"cases\": [\n"
                    "  {\"id\": \"a\", \"title\": \"t\", \"clauses\": [], \"stepz\": []}]}\n");
    snprintf(out, sizeof out, "%s-out", tree);
    const char *lint[] = {"lint", tree, NULL}, *run[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(lint, NULL);
    cr_expect_eq(p.status, 65);
    cr_expect(strstr(p.err, "/suite.json:2:"), "%s", p.err);
    kpct_child_free(&p);
    p = kpct_child_run(run, NULL);
    cr_expect_eq(p.status, 65);
    cr_expect(access(out, F_OK) != 0, "reports were written for bad case files");
    kpct_child_free(&p);
}

Test(cli_run, passes_against_the_embedded_mock_and_writes_valid_reports)
{
    char tree[256], out[512];
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 0, "stdout %s stderr %s", p.out, p.err);
    cr_expect(strstr(p.out, "PASS smoke.create_read ("), "%s", p.out);
    cr_expect(strstr(p.out, "\n2 passed, 0 failed, 0 errored, 0 skipped\n"), "%s", p.out);
    expect_reports(out, "2");
    kpct_child_free(&p);
}

Test(cli_run, exits_70_before_running_anything_when_the_report_folder_cannot_be_written)
{
    char tree[256], out[600], file[300], err[256];
    make_tree(tree, passing_suite);
    /* a regular file where the report folder's parent should be */
    snprintf(file, sizeof file, "%s-file", tree);
    cr_assert_eq(kfile_write_atomic(file, "x", 1, err, sizeof err), 0, "%s", err);
    snprintf(out, sizeof out, "%s/reports", file);
    const char *args[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 70, "stdout %s stderr %s", p.out, p.err);
    cr_expect(strstr(p.err, "cannot write reports to"), "%s", p.err);
    cr_expect(strstr(p.err, "nothing was run"), "%s", p.err);
    cr_expect(!strstr(p.out, "PASS"), "tests ran: %s", p.out);
    kpct_child_free(&p);
}

/* Runs kpct on a terminal (util-linux script gives it a pty) and returns what it showed. */
static char *run_on_a_terminal(const char *tree, const char *out, bool no_color)
{
    char cmd[2048], path[600];
    snprintf(path, sizeof path, "%s.tty", out);
    snprintf(cmd, sizeof cmd, "%s script -qec \"'%s' run '%s' --out '%s'\" /dev/null > '%s' 2>&1",
             no_color ? "NO_COLOR=1" : "env -u NO_COLOR", getenv("KPCT_BIN"), tree, out, path);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    return slurp(path);
}

Test(cli_run, colours_only_a_terminal_and_never_with_no_color)
{
    char tree[256], out[512];
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    char *tty = run_on_a_terminal(tree, out, false);
    cr_expect(strstr(tty, "\x1b[32mPASS\x1b[0m smoke.create_read"), "no colour on a tty: %s", tty);
    cr_expect(strstr(tty, "2 passed, 0 failed, 0 errored, 0 skipped"), "%s", tty);
    free(tty);
    tty = run_on_a_terminal(tree, out, true);
    cr_expect(strstr(tty, "PASS smoke.create_read"), "%s", tty);
    cr_expect(!strstr(tty, "\x1b[3"), "colour despite NO_COLOR: %s", tty);
    free(tty);
    const char *args[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect(!strchr(p.out, '\x1b'), "escape sequences on a file: %s", p.out);
    kpct_child_free(&p);
}

/* Writes the suite examples of cases/README.md into tree as ex<N>.json; returns how many. */
static size_t write_readme_examples(const char *tree)
{
    static const char marker[] = "<!-- kpct:example suite -->\n```json\n";
    char path[600], err[256];
    snprintf(path, sizeof path, "%s/README.md", getenv("KPCT_CASES"));
    char *text = slurp(path);
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, marker));) {
        p += sizeof marker - 1;
        const char *end = strstr(p, "\n```");
        cr_assert_not_null(end, "an example block is not closed");
        snprintf(path, sizeof path, "%s/ex%zu.json", tree, n++);
        cr_assert_eq(kfile_write_atomic(path, p, (size_t)(end - p + 1), err, sizeof err), 0, "%s",
                     err);
        p = end;
    }
    free(text);
    return n;
}

Test(cli_run, runs_the_format_reference_examples_green_against_the_embedded_mock)
{
    char tree[256], out[512], path[600];
    make_tree(tree, passing_suite);
    snprintf(path, sizeof path, "%s/suite.json", tree);
    unlink(path);
    cr_assert_geq(write_readme_examples(tree), 2, "cases/README.md lost its suite examples");
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, "--market", "all", NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 0, "stdout %s stderr %s", p.out, p.err);
    cr_expect(strstr(p.out, " passed, 0 failed, 0 errored, 0 skipped\n"), "%s", p.out);
    cr_expect(!strstr(p.out, "\n0 passed"), "%s", p.out);
    kpct_child_free(&p);
}

Test(cli_run, keeps_classname_and_name_unique_across_markets)
{
    char tree[256], out[512], path[600];
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, "--market", "all", "-j", "3", NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 0, "stdout %s stderr %s", p.out, p.err);
    expect_reports(out, "4");
    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *v = report_check_xpath(path, "count(//testcase[@classname='smoke.DE'])");
    cr_expect_str_eq(v, "2");
    free(v);
    kpct_child_free(&p);
}

Test(cli_run, exits_1_on_a_failure_and_shows_the_story)
{
    char tree[256], out[512], path[600];
    static const char *const env[] = {"SHOP_TOKEN=shop-token", NULL};
    make_tree(tree, failing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(args, env);
    cr_expect_eq(p.status, 1, "stdout %s stderr %s", p.out, p.err);
    cr_expect(strstr(p.out, "FAIL smoke.wrong ("), "%s", p.out);
    expect_reports(out, "1");
    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *v = report_check_xpath(path, "string(//testcase/failure/@message)");
    cr_expect(strstr(v, "step 1 \"create\""), "%s", v);
    free(v);
    cr_expect(report_check_contains(path, "curl -sS -X POST"));
    kpct_child_free(&p);
}

Test(cli_run, exits_2_quickly_when_the_endpoint_is_down)
{
    char tree[256], out[512], url[64], path[600];
    static const char *const env[] = {"KLARNA_USERNAME=test-user", "KLARNA_PASSWORD=test-pass",
                                      NULL};
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    hostile_dead_url(url, sizeof url);
    const char *args[] = {"run", tree, "--out", out, "--target", url, NULL};
    kpct_child p = kpct_child_run(args, env);
    cr_expect_eq(p.status, 2, "stdout %s stderr %s", p.out, p.err);
    cr_expect(strstr(p.out, "0 passed, 0 failed, 2 errored, 0 skipped"), "%s", p.out);
    expect_reports(out, "2");
    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *v = report_check_xpath(path, "count(//testcase/error)");
    cr_expect_str_eq(v, "2");
    free(v);
    kpct_child_free(&p);
}

static mock_server *start_mock(const char *user, const char *pass, bool tls)
{
    static char cert[512], key[512];
    mock_config cfg;
    mock_config_defaults(&cfg);
    cfg.username = user;
    cfg.password = pass;
    cfg.seed = 7;
    if (tls) {
        snprintf(cert, sizeof cert, "%s/cert.pem", getenv("KPCT_TEST_CERTS"));
        snprintf(key, sizeof key, "%s/key.pem", getenv("KPCT_TEST_CERTS"));
        cfg.tls_cert_file = cert;
        cfg.tls_key_file = key;
    }
    return tm_start(&cfg);
}

Test(cli_run, runs_against_a_separate_mock_over_http_and_https)
{
    char tree[256], out[512], cacert[512];
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    snprintf(cacert, sizeof cacert, "%s/cert.pem", getenv("KPCT_TEST_CERTS"));
    mock_server *plain = start_mock("shop-user", "shop-pass", false),
                *tls = start_mock("shop-user", "shop-pass", true);
    const char *http[] = {"run", tree, "--out", out, "--target", mock_server_url(plain), NULL};
    kpct_child p = kpct_child_run(http, env);
    cr_expect_eq(p.status, 0, "http: %s %s", p.out, p.err);
    expect_reports(out, "2");
    kpct_child_free(&p);
    const char *https[] = {"run",      tree,   "--out", out, "--target", mock_server_url(tls),
                           "--cacert", cacert, NULL};
    p = kpct_child_run(https, env);
    cr_expect_eq(p.status, 0, "https: %s %s", p.out, p.err);
    kpct_child_free(&p);
    const char *unverified[] = {"run", tree, "--out", out, "--target", mock_server_url(tls), NULL};
    p = kpct_child_run(unverified, env);
    cr_expect_eq(p.status, 2, "https without the CA: %s %s", p.out, p.err);
    cr_expect(strstr(p.err, "certificate") && strstr(p.err, "--cacert"), "%s", p.err);
    kpct_child_free(&p);
    const char *insecure[] = {"run",        tree, "--out", out, "--target", mock_server_url(tls),
                              "--insecure", NULL};
    p = kpct_child_run(insecure, env);
    cr_expect_eq(p.status, 0, "https --insecure: %s %s", p.out, p.err);
    kpct_child_free(&p);
    mock_server_stop(plain);
    mock_server_stop(tls);
}

static bool file_has(const char *path, const char *needle)
{
    return report_check_contains(path, needle);
}

Test(cli_secrets, never_writes_a_secret_or_its_base64_anywhere)
{
    char tree[256], out[512], path[700];
    static const char *const env[] = {"KLARNA_USERNAME=leaky-user-4711",
                                      "KLARNA_PASSWORD=leaky-pass-0815",
                                      "SHOP_TOKEN=leaky-token-2342", NULL};
    make_tree(tree, failing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    mock_server *srv = start_mock("leaky-user-4711", "leaky-pass-0815", false);
    const char *args[] = {"run", tree, "--out", out, "--target", mock_server_url(srv), "-vv", NULL};
    kpct_child p = kpct_child_run(args, env);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    cr_expect(strstr(p.err, "X-Shop-Token: ***"), "the trace does not show the header: %s", p.err);
    const char *plain[] = {"leaky-user-4711", "leaky-pass-0815", "leaky-token-2342",
                           "leaky-user-4711:leaky-pass-0815"};
    char *needles[8];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        needles[n++] = strdup(plain[i]);
        needles[n++] = b64_encode(plain[i], strlen(plain[i]), 0);
    }
    const char *files[] = {"stdout", "stderr", "junit.xml", "results.json", "coverage.json"};
    for (size_t f = 0; f < 5; f++) {
        snprintf(path, sizeof path, "%s/%s", f < 2 ? p.dir : out, files[f]);
        cr_expect(access(path, R_OK) == 0 || f == 4, "%s missing", path);
        for (size_t i = 0; i < n; i++)
            cr_expect(!file_has(path, needles[i]), "%s contains %s", path, needles[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(needles[i]);
    kpct_child_free(&p);
    mock_server_stop(srv);
}

static const char quoting_suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.quoted\", \"title\": \"a secret with quotes everywhere\", "
    "\"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions/${env:QUOTED_TOKEN}\",\n"
    "    \"headers\": {\"X-Shop-Token\": \"${env:QUOTED_TOKEN}\"},\n"
    "    \"body\": {\"inline\": {\"token\": \"${env:QUOTED_TOKEN}\"}}},\n"
    "    \"expect\": {\"status\": 201, \"json\": [{\"pointer\": \"/x\", \"equals\": "
    "\"${env:QUOTED_TOKEN}\"}]}}]}]}\n";

Test(cli_secrets, redacts_secrets_with_quotes_and_backslashes_in_every_escaped_form)
{
    char tree[256], out[512], path[700];
    static const char *const env[] = {"QUOTED_TOKEN=it's-\"zq4711\"\\tok", NULL};
    make_tree(tree, quoting_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, "-vv", NULL};
    kpct_child p = kpct_child_run(args, env);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    cr_expect(strstr(p.err, "X-Shop-Token: ***"), "the trace does not show the header: %s", p.err);
    /* the distinctive middle of the value, which survives every escaping */
    const char *needles[] = {"zq4711", "it'\\''s"};
    const char *files[] = {"stdout", "stderr", "junit.xml", "results.json", "coverage.json"};
    for (size_t f = 0; f < 5; f++) {
        snprintf(path, sizeof path, "%s/%s", f < 2 ? p.dir : out, files[f]);
        for (size_t i = 0; i < 2; i++)
            cr_expect(!file_has(path, needles[i]), "%s contains %s", path, needles[i]);
    }
    kpct_child_free(&p);
}

Test(cli_run, writes_valid_partial_reports_when_interrupted)
{
    char tree[256], out[512], path[600];
    static const char *const env[] = {"KLARNA_USERNAME=test-user", "KLARNA_PASSWORD=test-pass",
                                      NULL};
    hostile *h = hostile_start(HOSTILE_HANG, 0, NULL, NULL);
    hostile_pass_preflight(h); /* the signal must find a test in flight */
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out",     out,  "--target", hostile_url(h),
                          "-j",  "1",  "--timeout", "60", NULL};
    kpct_child p = kpct_child_run_signal(args, env, 500, SIGINT);
    cr_expect_eq(p.status, 130, "%s %s", p.out, p.err);
    expect_reports(out, "2");
    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *v = report_check_xpath(path, "count(//testcase/error)");
    cr_expect_str_eq(v, "1");
    free(v);
    v = report_check_xpath(path, "count(//testcase/skipped)");
    cr_expect_str_eq(v, "1");
    free(v);
    kpct_child_free(&p);
    hostile_stop(h);
}

Test(cli_run, leaves_no_stale_reports_of_an_earlier_run_when_killed)
{
    char tree[256], out[512], path[600], err[256];
    static const char *const env[] = {"KLARNA_USERNAME=test-user", "KLARNA_PASSWORD=test-pass",
                                      NULL};
    hostile *h = hostile_start(HOSTILE_HANG, 0, NULL, NULL);
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *names[] = {"junit.xml", "results.json", "coverage.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        cr_assert_eq(kfile_write_atomic(path, "stale", 5, err, sizeof err), 0, "%s", err);
    }
    const char *args[] = {"run", tree, "--out",     out,  "--target", hostile_url(h),
                          "-j",  "1",  "--timeout", "60", NULL};
    kpct_child p = kpct_child_run_signal(args, env, 800, SIGKILL);
    cr_expect_eq(p.status, 128 + SIGKILL);
    /* a CI job must not publish the last run's reports as this run's */
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        cr_expect(access(path, F_OK) != 0, "%s survived a run that was killed", path);
    }
    kpct_child_free(&p);
    hostile_stop(h);
}

static const char admin_suite[] =
    "{\"suite\": \"clock\", \"title\": \"clock\", \"cases\": [\n"
    " {\"id\": \"clock.moves\", \"title\": \"the clock moves and sessions still work\", "
    "\"clauses\": [],\n"
    "  \"tags\": [\"clock\"], \"steps\": [\n"
    "   {\"name\": \"ten seconds pass\", \"admin\": {\"clock_advance\": 10}},\n"
    "   {\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/payments/v1/sessions\",\n"
    "     \"body\": {\"fixture\": \"session\"}}, \"expect\": {\"status\": 200}}]}]}\n";

/* Starts the kpmock program over https on a free port; fills url from its listening line. */
static tm_child start_kpmock(char *url, size_t urllen)
{
    char cert[512], key[512];
    snprintf(cert, sizeof cert, "%s/cert.pem", getenv("KPCT_TEST_CERTS"));
    snprintf(key, sizeof key, "%s/key.pem", getenv("KPCT_TEST_CERTS"));
    char *argv[] = {
        getenv("KPMOCK_BIN"), "--port",     "0",  "--username", "shop-user", "--password",
        "shop-pass",          "--tls-cert", cert, "--tls-key",  key,         NULL};
    tm_child c = tm_spawn(argv, false);
    tm_listening(c.out, "https", url, urllen);
    return c;
}

Test(cli_run, runs_mock_only_cases_on_a_kpmock_program_and_skips_them_elsewhere)
{
    char tree[256], out[512], url[256], cacert[512];
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    make_tree(tree, admin_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    snprintf(cacert, sizeof cacert, "%s/cert.pem", getenv("KPCT_TEST_CERTS"));
    tm_child mock = start_kpmock(url, sizeof url);
    const char *on_kpmock[] = {"run", tree,       "--out", out, "--target",
                               url,   "--cacert", cacert,  NULL};
    kpct_child p = kpct_child_run(on_kpmock, env);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "PASS clock.moves"), "%s", p.out);
    kpct_child_free(&p);
    kill(mock.pid, SIGTERM);
    tm_wait_exit(mock.pid);
    fclose(mock.out);

    hostile *h = hostile_start(HOSTILE_OK, 0, NULL, NULL);
    const char *elsewhere[] = {"run", tree, "--out", out, "--target", hostile_url(h), NULL};
    p = kpct_child_run(elsewhere, env);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "SKIP clock.moves: "), "%s", p.out);
    cr_expect_eq(hostile_requests(h), 0);
    expect_reports(out, "1");
    kpct_child_free(&p);
    hostile_stop(h);
}

Test(cli_run, exits_1_when_contract_coverage_is_below_min_coverage)
{
    static const char contract[] =
        "{\"clauses\": [\n"
        "  {\"id\": \"c.read\", \"title\": \"reads\", \"source\": \"t\", \"mock_only\": false, "
        "\"unconfirmed\": false},\n"
        "  {\"id\": \"c.never\", \"title\": \"nobody covers this\", \"source\": \"t\", "
        "\"mock_only\": false, \"unconfirmed\": false}]}\n";
    static const char suite[] =
        "{\"suite\": \"cov\", \"title\": \"cov\", \"cases\": [\n"
        " {\"id\": \"cov.read\", \"title\": \"unknown session\", \"clauses\": [\"c.read\"],\n"
        "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
        "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
        "    \"expect\": {\"status\": 404}}]}]}\n";
    char tree[256], out[512], path[600], err[256];
    make_tree(tree, suite);
    snprintf(out, sizeof out, "%s-out", tree);
    snprintf(path, sizeof path, "%s/contract.json", tree);
    cr_assert_eq(kfile_write_atomic(path, contract, strlen(contract), err, sizeof err), 0);
    const char *strict[] = {"run", tree, "--out", out, "--min-coverage", "100", NULL};
    kpct_child p = kpct_child_run(strict, NULL);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "1 passed, 0 failed, 0 errored, 0 skipped"), "%s", p.out);
    cr_expect(strstr(p.err, "is below --min-coverage 100.0%"), "%s", p.err);
    kpct_child_free(&p);
    const char *lenient[] = {"run", tree, "--out", out, "--min-coverage", "50", NULL};
    p = kpct_child_run(lenient, NULL);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    kpct_child_free(&p);
}

/* Runs the real suite (SE) into out with args after "run CASES --out out". */
static void run_suite(const char *out, const char *const *extra, const char *const *env)
{
    const char *args[16] = {"run", getenv("KPCT_CASES"), "--out", out};
    size_t n = 4;
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    kpct_child p = kpct_child_run(args, env);
    cr_assert_eq(p.status, 0, "%s %s", p.out, p.err);
    kpct_child_free(&p);
}

Test(cli_diff, finds_no_difference_between_two_faithful_mocks_and_names_a_defects_clause)
{
    char base[256], a[300], b[300], c[300], out[300];
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "kpct-diff"));
    snprintf(a, sizeof a, "%s/a", base);
    snprintf(b, sizeof b, "%s/b", base);
    snprintf(c, sizeof c, "%s/c", base);
    snprintf(out, sizeof out, "%s/out", base);
    const char *seed1[] = {"--seed", "1", NULL}, *seed2[] = {"--seed", "2", NULL};
    run_suite(a, seed1, NULL);
    run_suite(b, seed2, NULL);
    const char *same[] = {"diff", a, b, "--out", out, NULL};
    kpct_child p = kpct_child_run(same, NULL);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect_str_eq(p.out, "no differences\n");
    kpct_child_free(&p);

    /* a mock that accepts any currency */
    static const char *const defect[] = {"no-currency-check"};
    mock_config cfg;
    mock_config_defaults(&cfg);
    cfg.username = "shop-user";
    cfg.password = "shop-pass";
    cfg.seed = 3;
    cfg.defects = defect;
    cfg.n_defects = 1;
    mock_server *srv = tm_start(&cfg);
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    const char *run[] = {"run",      getenv("KPCT_CASES"), "--out", c,
                         "--target", mock_server_url(srv), NULL};
    p = kpct_child_run(run, env);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    kpct_child_free(&p);
    mock_server_stop(srv);
    char results[400];
    snprintf(results, sizeof results, "%s/results.json", c);
    const char *differ[] = {"diff", a, results, "--out", out, NULL};
    p = kpct_child_run(differ, NULL);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    static const char *const lines[] = {
        "clause update.bad_value.purchase_currency.wrong_country [SE]: passing -> failing\n",
        "test update.bad_value.purchase_currency.wrong_country.foreign_currency [SE]: passed -> "
        "failed\n",
        "answer update.bad_value.purchase_currency.wrong_country.foreign_currency [SE] step 2 "
        "\"update\": status 400 -> 204\n",
        "clause error.several_fields [SE]: passing -> failing (unconfirmed)\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_expect(strstr(p.out, lines[i]), "missing: %s\nin:\n%s", lines[i], p.out);
    cr_expect(strstr(p.out, "on confirmed clauses: the runs disagree\n"), "%s", p.out);
    kpct_child_free(&p);
    char path[400];
    snprintf(path, sizeof path, "%s/diff.json", out);
    char *json = slurp(path);
    cr_expect(strstr(json, "\"agree\":\tfalse"), "%s", json);
    free(json);
    snprintf(path, sizeof path, "%s/diff.md", out);
    char *md = slurp(path);
    cr_expect(strstr(md, "| clause | SE | update.bad_value.purchase_currency.wrong_country |  |  | "
                         "passing | failing |  |\n"),
              "%s", md);
    free(md);

    const char *missing[] = {"diff", a, "/nonexistent/run", "--out", out, NULL};
    p = kpct_child_run(missing, NULL);
    cr_expect_eq(p.status, 65, "%s %s", p.out, p.err);
    cr_expect_str_eq(p.err, "kpct: /nonexistent/run/results.json: not found\n");
    kpct_child_free(&p);
}

Test(cli_mutate, names_the_survivor_and_exits_1_or_0_when_every_defect_is_killed)
{
    char base[256], out[300], path[400];
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "kpct-mutate"));
    snprintf(out, sizeof out, "%s/out", base);
    const char *two[] = {"mutate",   getenv("KPCT_CASES"),
                         "--defect", "update-200",
                         "--defect", "no-us-sales-*",
                         "-j",       "2",
                         "--out",    out,
                         NULL};
    kpct_child p = kpct_child_run(two, NULL);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "SURVIVED no-us-sales-tax-model ("), "%s", p.out);
    cr_expect(strstr(p.out, "no test fails against it (clause "
                            "update.bad_value.order_lines.us_sales_tax)\n"),
              "%s", p.out);
    cr_expect(strstr(p.out, "KILLED   update-200 ("), "%s", p.out);
    cr_expect(strstr(p.out, "1/2 defects killed ("), "%s", p.out);
    kpct_child_free(&p);
    snprintf(path, sizeof path, "%s/mutate.json", out);
    char *json = slurp(path);
    cr_expect(strstr(json, "\"schema\":\t\"kpct-mutate/1\""), "%s", json);
    cr_expect(strstr(json, "\"killed\":\t1,"), "%s", json);
    free(json);

    const char *us[] = {
        "mutate", getenv("KPCT_CASES"), "--defect", "no-us-sales-*", "--market", "US", "--out", out,
        NULL};
    p = kpct_child_run(us, NULL);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "1/1 defects killed ("), "%s", p.out);
    kpct_child_free(&p);

    const char *none[] = {"mutate", getenv("KPCT_CASES"), "--defect", "nope-*", NULL};
    p = kpct_child_run(none, NULL);
    cr_expect_eq(p.status, 64, "%s %s", p.out, p.err);
    cr_expect_str_eq(p.err, "kpct: no built-in defect matches --defect (kpmock --list-defects "
                            "lists them)\nTry 'kpct --help'.\n");
    kpct_child_free(&p);
}

/* ---- the preflight ---------------------------------------------------------------- */

/* Lines of text (a last line without a newline counts). */
static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

typedef struct preflight_row {
    const char *what;
    const char *cause; /* on stderr and in every test's message */
    const char *hint;  /* on stderr */
} preflight_row;

static const preflight_row preflight_rows[] = {
    {"wrong credentials", "rejected the credentials (HTTP 401 to GET /payments/v1/sessions/",
     "check KLARNA_USERNAME and KLARNA_PASSWORD"},
    {"an untrusted certificate", "is not trusted (SSL certificate problem",
     "pass --cacert FILE with the CA that signed it, or --insecure to skip verification"},
    {"a closed port", "refused the connection", "check that the target is up"},
    {"a server that answers garbage", "does not answer as an HTTP server",
     "check the URL's scheme, host and port"},
};

Test(cli_preflight, ends_a_run_against_a_broken_target_in_a_few_lines_with_status_2)
{
    char tree[256], out[512], path[600], dead[64], needle[600];
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    mock_server *other = start_mock("other-user", "other-pass", false),
                *tls = start_mock("shop-user", "shop-pass", true);
    hostile *garbage = hostile_start(HOSTILE_GARBAGE, 0, NULL, NULL);
    hostile_dead_url(dead, sizeof dead);
    const char *urls[] = {mock_server_url(other), mock_server_url(tls), dead, hostile_url(garbage)};
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    for (size_t i = 0; i < sizeof preflight_rows / sizeof preflight_rows[0]; i++) {
        const preflight_row *r = &preflight_rows[i];
        const char *args[] = {"run",   tree,       "--out", out, "--target",
                              urls[i], "--market", "SE,DE", NULL};
        kpct_child p = kpct_child_run(args, env);
        cr_expect_eq(p.status, 2, "%s: %s %s", r->what, p.out, p.err);
        cr_expect(strstr(p.err, r->cause), "%s: %s", r->what, p.err);
        cr_expect(strstr(p.err, r->hint), "%s: %s", r->what, p.err);
        cr_expect(strstr(p.err, "kpct: 4 tests not run, each reported as an error in "), "%s: %s",
                  r->what, p.err);
        cr_expect(!strncmp(p.out, "0 passed, 0 failed, 4 errored, 0 skipped\nreports: ", 50),
                  "%s: %s", r->what, p.out);
        cr_expect_leq(count_lines(p.out) + count_lines(p.err), 12, "%s: %s%s", r->what, p.out,
                      p.err);
        expect_reports(out, "4");
        snprintf(path, sizeof path, "%s/junit.xml", out);
        char *v = report_check_xpath(path, "count(//testcase/error[starts-with(@message, "
                                           "'not run: ')])");
        cr_expect_str_eq(v, "4", "%s", r->what);
        free(v);
        snprintf(path, sizeof path, "%s/results.json", out);
        snprintf(needle, sizeof needle, "\"not run: ");
        cr_expect(file_has(path, needle), "%s", r->what);
        kpct_child_free(&p);
    }
    cr_expect_eq(hostile_requests(garbage), 1, "one probe, no test");
    hostile_stop(garbage);
    mock_server_stop(other);
    mock_server_stop(tls);
}

Test(cli_preflight, lets_a_klarna_shaped_answer_through)
{
    char tree[256], out[512];
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    mock_server *m = start_mock("shop-user", "shop-pass", false);
    make_tree(tree, passing_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, "--target", mock_server_url(m), NULL};
    kpct_child p = kpct_child_run(args, env);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect_str_eq(p.err, "");
    kpct_child_free(&p);
    mock_server_stop(m);
}

/* ---- unconfirmed readings ----------------------------------------------------------- */

static const char unconfirmed_suite[] =
    "{\"suite\": \"reading\", \"title\": \"reading\", \"cases\": [\n"
    " {\"id\": \"reading.guess\", \"title\": \"a reading we could not confirm\", \"clauses\": [],\n"
    "  \"tags\": [\"unconfirmed\"],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 410}}]}]}\n";

Test(cli_unconfirmed, warn_reports_a_failing_unconfirmed_test_as_reading_differs_and_passes)
{
    char tree[256], out[512], path[600];
    make_tree(tree, unconfirmed_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *warn[] = {"run", tree, "--out", out, "--unconfirmed", "warn", NULL};
    kpct_child p = kpct_child_run(warn, NULL);
    cr_expect_eq(p.status, 0, "%s %s", p.out, p.err);
    cr_expect(strstr(p.out, "DIFF reading.guess ("), "%s", p.out);
    cr_expect(strstr(p.out, "step 1 \"read\": status: expected 410, got 404\n"), "%s", p.out);
    cr_expect(strstr(p.out, "0 passed, 0 failed, 0 errored, 0 skipped\n"
                            "1 reading differs (unconfirmed readings the target does not "
                            "follow; not failures)\n"),
              "%s", p.out);
    expect_reports(out, "1");
    snprintf(path, sizeof path, "%s/junit.xml", out);
    char *v = report_check_xpath(path, "string(//testcase/skipped/@message)");
    cr_expect_str_eq(v, "reading differs: step 1 \"read\": status: expected 410, got 404");
    free(v);
    v = report_check_xpath(path, "string(//testcase/skipped/@type)");
    cr_expect_str_eq(v, "reading-differs");
    free(v);
    cr_expect(report_check_contains(path, "curl -sS -X GET") ||
              report_check_contains(path, "curl -sS"));
    snprintf(path, sizeof path, "%s/results.json", out);
    cr_expect(file_has(path, "\"reading-differs\""));
    cr_expect(file_has(path, "\"reading_differs\":"));
    kpct_child_free(&p);
    const char *fail[] = {"run", tree, "--out", out, NULL};
    p = kpct_child_run(fail, NULL);
    cr_expect_eq(p.status, 1, "the mock's default is fail: %s %s", p.out, p.err);
    cr_expect(strstr(p.out, "FAIL reading.guess ("), "%s", p.out);
    kpct_child_free(&p);
    const char *bad[] = {"run", tree, "--unconfirmed", "maybe", NULL};
    p = kpct_child_run(bad, NULL);
    cr_expect_eq(p.status, 64);
    cr_expect_str_eq(p.err, "kpct: --unconfirmed wants warn or fail, not \"maybe\"\n"
                            "Try 'kpct --help'.\n");
    kpct_child_free(&p);
}

/* ---- command-line papercuts ------------------------------------------------------- */

static const char tagged_suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.good\", \"title\": \"good\", \"clauses\": [], \"tags\": [\"flow\"],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 404}}]},\n"
    " {\"id\": \"smoke.bad\", \"title\": \"bad\", \"clauses\": [], \"tags\": [\"flow\", "
    "\"slow\"],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 410}}]}]}\n";

Test(cli_papercuts, markets_in_any_case_repeat_and_add_up)
{
    char tree[256];
    make_tree(tree, tagged_suite);
    const char *args[] = {"list", tree, "--market", "se", "--market", "de,SE", NULL};
    kpct_child p = kpct_child_run(args, NULL);
    cr_expect_eq(p.status, 0, "%s", p.err);
    cr_expect_str_eq(p.out, "SE\tsmoke.good\tgood\nSE\tsmoke.bad\tbad\n"
                            "DE\tsmoke.good\tgood\nDE\tsmoke.bad\tbad\n");
    cr_expect_str_eq(p.err, "4 tests\n");
    kpct_child_free(&p);
}

Test(cli_papercuts, lists_tags_excludes_tags_and_prints_the_version_after_a_command)
{
    char tree[256];
    make_tree(tree, tagged_suite);
    const char *tags[] = {"list", tree, "--tags", NULL};
    kpct_child p = kpct_child_run(tags, NULL);
    cr_expect_str_eq(p.out, "flow\t2\nslow\t1\n");
    cr_expect_str_eq(p.err, "2 tags\n");
    kpct_child_free(&p);
    const char *exclude[] = {"list", tree, "--exclude-tag", "slow", NULL};
    p = kpct_child_run(exclude, NULL);
    cr_expect_str_eq(p.out, "smoke.good\tgood\n");
    kpct_child_free(&p);
    const char *version[] = {"run", tree, "--version", NULL};
    p = kpct_child_run(version, NULL);
    cr_expect_eq(p.status, 0);
    cr_expect_str_eq(p.out, "kpct " KPCT_VERSION "\n");
    kpct_child_free(&p);
}

Test(cli_papercuts, last_failed_reruns_only_what_failed_there)
{
    char tree[256], out[512];
    make_tree(tree, tagged_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *first[] = {"run", tree, "--out", out, NULL};
    kpct_child p = kpct_child_run(first, NULL);
    cr_expect_eq(p.status, 1, "%s", p.out);
    kpct_child_free(&p);
    const char *again[] = {"list", tree, "--last-failed", out, NULL};
    p = kpct_child_run(again, NULL);
    cr_expect_str_eq(p.out, "smoke.bad\tbad\n");
    kpct_child_free(&p);
    const char *missing[] = {"list", tree, "--last-failed", "/nonexistent", NULL};
    p = kpct_child_run(missing, NULL);
    cr_expect_eq(p.status, 64);
    cr_expect(!strncmp(p.err, "kpct: --last-failed /nonexistent: ", 34), "%s", p.err);
    kpct_child_free(&p);
}

/* The reports a run streams as its tests end, read back and written whole by `kpct merge`,
 * are the same bytes: the stream writes what the whole-run writers write. */
Test(cli_stream, writes_the_reports_a_merge_of_its_folder_writes_again)
{
    char tree[256], out[512], merged[512];
    make_tree(tree, tagged_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    snprintf(merged, sizeof merged, "%s-merged", tree);
    const char *run[] = {"run", tree, "--out", out, "-j", "4", NULL};
    kpct_child p = kpct_child_run(run, NULL);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err); /* a failing test has a story */
    kpct_child_free(&p);
    const char *merge[] = {"merge", out, "--out", merged, NULL};
    p = kpct_child_run(merge, NULL);
    cr_expect_eq(p.status, 1, "%s %s", p.out, p.err); /* the merged run failed too */
    kpct_child_free(&p);
    const char *files[] = {"junit.xml", "results.json", "report.html", "summary.md"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char a_path[600], b_path[600];
        snprintf(a_path, sizeof a_path, "%s/%s", out, files[i]);
        snprintf(b_path, sizeof b_path, "%s/%s", merged, files[i]);
        char *a = slurp(a_path), *b = slurp(b_path);
        cr_expect(*a && !strcmp(a, b), "%s differs from its merge", files[i]);
        free(a);
        free(b);
    }
    DIR *d = opendir(out);
    cr_assert_not_null(d);
    size_t entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += e->d_name[0] != '.';
    closedir(d);
    cr_expect_eq(entries, 5, "the five reports and no body or temporary file");
}
