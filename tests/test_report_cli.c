/* kpct report and the run's closing recap, as a user meets them: the kpct program run as
 * a child process on report folders (exact exit statuses and reasons), and a run against
 * kpmock with a defect (any currency accepted) whose recap, page and summary all name the
 * failing purchase_currency clause and its tests. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coverage.h"
#include "kfile.h"
#include "report.h"
#include "report_sample.h"
#include "test_mock_util.h"
#include "test_tmp.h"

typedef struct ran {
    int status;
    char *out, *err;
} ran;

static char *slurp(const char *path)
{
    char err[512];
    size_t len;
    char *text = kfile_read(path, 1u << 26, &len, err, sizeof err);
    cr_assert_not_null(text, "%s", err);
    return text;
}

/* Runs "env... $KPCT_BIN args" through the shell (every argument is ours, quoted). */
static ran kpct(const char *env, const char *args)
{
    char base[256], cmd[4096], path[300];
    ran r = {0};
    cr_assert_not_null(test_tmp_dir(base, sizeof base, "kpct-out"));
    snprintf(cmd, sizeof cmd, "%s '%s' %s >'%s/out' 2>'%s/err'", env ? env : "", getenv("KPCT_BIN"),
             args, base, base);
    int st = system(cmd);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    snprintf(path, sizeof path, "%s/out", base);
    r.out = slurp(path);
    snprintf(path, sizeof path, "%s/err", base);
    r.err = slurp(path);
    return r;
}

static void ran_free(ran *r)
{
    free(r->out);
    free(r->err);
}

/* The sample run's folder (every reporter), under a new temporary folder. */
static void sample_folder(char *dir, const char *started, bool currency_fails)
{
    char err[1024];
    coverage *cov = NULL;
    cr_assert_not_null(test_tmp_dir(dir, 256, "kpct-run"));
    run_report run = report_sample_run("mock", started, currency_fails);
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_assert_eq(report_write_all(&run, cov, dir, err, sizeof err), 0, "%s", err);
    coverage_free(cov);
    run_report_free(&run);
}

Test(kpct_report, rebuilds_the_pages_of_a_folder_into_out)
{
    char dir[256], out[300], args[1024], want[700];
    sample_folder(dir, "2026-11-25T19:00:00Z", true);
    snprintf(out, sizeof out, "%s/rebuilt", dir);
    snprintf(args, sizeof args, "report '%s' --out '%s'", dir, out);
    ran r = kpct(NULL, args);
    cr_expect_eq(r.status, 0, "%s", r.err);
    snprintf(want, sizeof want, "%s/report.html\n%s/summary.md\n", out, out);
    cr_expect_str_eq(r.out, want);
    const char *files[] = {"report.html", "summary.md"};
    for (size_t i = 0; i < 2; i++) {
        char a[600], b[600];
        snprintf(a, sizeof a, "%s/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/%s", out, files[i]);
        char *x = slurp(a), *y = slurp(b);
        cr_expect_str_eq(x, y, "%s", files[i]);
        free(x);
        free(y);
    }
    ran_free(&r);
}

Test(kpct_report, refuses_an_unreadable_folder_with_65_and_the_readers_reason)
{
    char dir[256], args[600], want[600], path[300];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-bad"));
    snprintf(args, sizeof args, "report '%s'", dir);
    ran r = kpct(NULL, args);
    cr_expect_eq(r.status, 65);
    snprintf(want, sizeof want, "kpct: %s/results.json: not found\n", dir);
    cr_expect_str_eq(r.err, want);
    ran_free(&r);
    snprintf(path, sizeof path, "%s/results.json", dir);
    cr_assert_eq(kfile_write_atomic(path, "{\"schema\": 1", 12, want, sizeof want), 0);
    r = kpct(NULL, args);
    cr_expect_eq(r.status, 65);
    snprintf(want, sizeof want, "kpct: %s/results.json: not JSON (at byte 11)\n", dir);
    cr_expect_str_eq(r.err, want);
    snprintf(path, sizeof path, "%s/report.html", dir);
    cr_expect_neq(access(path, F_OK), 0, "nothing is written for a bad folder");
    ran_free(&r);
}

Test(kpct_report, usage_errors_exit_64)
{
    static const char *const rows[][2] = {
        {"report", "kpct: report needs a RUN_DIR (a folder with results.json)\n"},
        {"report a b", "kpct: report takes one RUN_DIR (several with --history), not 2\n"},
        {"report a --jobs 2", "kpct: report does not take --jobs\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ran r = kpct(NULL, rows[i][0]);
        char want[300];
        snprintf(want, sizeof want, "%sTry 'kpct --help'.\n", rows[i][1]);
        cr_expect_eq(r.status, 64, "%s", rows[i][0]);
        cr_expect_str_eq(r.err, want, "%s", rows[i][0]);
        ran_free(&r);
    }
}

Test(kpct_report, history_orders_archived_runs_and_shows_the_drift)
{
    char a[256], b[256], c[256], out[300], args[2048];
    sample_folder(a, "2026-11-27T02:00:00Z", true);
    sample_folder(b, "2026-11-26T02:00:00Z", false);
    sample_folder(c, "2026-11-28T02:00:00Z", false);
    snprintf(out, sizeof out, "%s/history", a);
    snprintf(args, sizeof args, "report --history '%s' '%s' '%s' --out '%s'", a, b, c, out);
    ran r = kpct(NULL, args);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.err, "3 runs in 1 group\n");
    char path[400];
    snprintf(path, sizeof path, "%s/history.md", out);
    char *md = slurp(path);
    cr_expect(strstr(md, "- `update.bad_value.purchase_currency` [SE]: passing \xE2\x86\x92 "
                         "failing in #2 (2026-11-27T02:00:00Z) \xE2\x86\x92 passing in #3 "
                         "(2026-11-28T02:00:00Z)\n"),
              "%s", md);
    free(md);
    ran_free(&r);
}

/* The done-when of the sign-off reports: against a mock that takes any currency, the
 * recap, the page and the summary each name the failing purchase_currency clause. */
Test(kpct_run, names_the_failing_currency_clause_in_recap_page_and_summary)
{
    char url[256], out[256], args[2048], path[1600];
    char *argv[] = {getenv("KPMOCK_BIN"), "--port",    "0",        "--username",        "shop-user",
                    "--password",         "shop-pass", "--defect", "no-currency-check", NULL};
    tm_child mock = tm_spawn(argv, false);
    tm_listening(mock.out, "http", url, sizeof url);
    cr_assert_not_null(test_tmp_dir(out, sizeof out, "kpct-reports"));
    snprintf(args, sizeof args,
             "run '%s' --target '%s' --market SE --id 'update.bad_value.purchase_currency*' "
             "--out '%s' -q",
             getenv("KPCT_CASES"), url, out);
    ran r = kpct("KLARNA_USERNAME=shop-user KLARNA_PASSWORD=shop-pass", args);
    kill(mock.pid, SIGTERM);
    tm_wait_exit(mock.pid);
    fclose(mock.out);
    cr_expect_eq(r.status, 1, "%s %s", r.out, r.err);
    cr_expect_eq(strncmp(r.out, "FAILED: ", 8), 0, "-q prints only the recap: %s", r.out);
    cr_expect(!strstr(r.out, "\nPASS "), "-q prints no test line: %s", r.out);
    cr_expect(strstr(r.out, "  update.bad_value.purchase_currency (SE): "), "%s", r.out);
    cr_expect(strstr(r.out, "    first: FAIL update.bad_value.purchase_currency.wrong_country."),
              "%s", r.out);
    snprintf(path, sizeof path,
             "reports: %s/junit.xml, %s/results.json, %s/coverage.json, "
             "%s/report.html, %s/summary.md\n",
             out, out, out, out, out);
    cr_expect(strstr(r.out, path), "%s", r.out);
    snprintf(path, sizeof path, "%s/report.html", out);
    char *page = slurp(path);
    cr_expect(strstr(page, "<h3><code>update.bad_value.purchase_currency</code>"));
    cr_expect(strstr(page, "<article class=\"test failed\" id=\"t-SE-update.bad_value."
                           "purchase_currency.wrong_country."));
    free(page);
    snprintf(path, sizeof path, "%s/summary.md", out);
    char *md = slurp(path);
    cr_expect(strstr(md, "## kpct: \xE2\x9D\x8C FAILED\n"), "%s", md);
    cr_expect(strstr(md, "| `update.bad_value.purchase_currency` | SE | "), "%s", md);
    free(md);
    ran_free(&r);
}

/* A run's settings reach results.json, so the page can show them. */
Test(kpct_run, records_jobs_retries_and_rate_limit)
{
    char out[256], args[1024], path[400];
    cr_assert_not_null(test_tmp_dir(out, sizeof out, "kpct-reports"));
    snprintf(args, sizeof args,
             "run '%s' --market SE --id create.ok --out '%s' -j 3 --retries 1 --rate-limit 5/7 -q",
             getenv("KPCT_CASES"), out);
    ran r = kpct(NULL, args);
    cr_expect_eq(r.status, 0, "%s %s", r.out, r.err);
    snprintf(path, sizeof path, "%s/results.json", out);
    char *json = slurp(path);
    cr_expect(strstr(json, "\"settings\":\t{\n\t\t\"jobs\":\t3,\n\t\t\"retries\":\t1,\n\t\t"
                           "\"rate_limit\":\t{\n\t\t\t\"create_per_s\":\t5,\n\t\t\t"
                           "\"other_per_s\":\t7\n\t\t}\n\t}"),
              "%s", json);
    free(json);
    ran_free(&r);
}
