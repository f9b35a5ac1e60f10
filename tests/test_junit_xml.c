/* The XML writer and the three reporters (JUnit, JSON, console): hostile text in,
 * schema-valid reports with exact counts out. */
#include <cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "kfile.h"
#include "report.h"
#include "report_check.h"
#include "report_json.h"
#include "report_junit.h"
#include "xml.h"

typedef struct escape_row {
    const char *name;
    const char *in;
    size_t len;
    int mode;
    const char *out;
} escape_row;

#define ROW(name, lit, mode, out)                                                                  \
    {                                                                                              \
        name, lit, sizeof(lit) - 1, mode, out                                                      \
    }

static const escape_row escape_rows[] = {
    ROW("markup", "<a href=\"x\">&'</a>", XML_TEXT, "&lt;a href=\"x\"&gt;&amp;'&lt;/a&gt;"),
    ROW("markup in an attribute", "<\"'>", XML_ATTR, "&lt;&quot;&apos;&gt;"),
    ROW("end of CDATA", "a]]>b", XML_TEXT, "a]]&gt;b"),
    ROW("ANSI colours", "\x1b[1;31mred\x1b[0m", XML_TEXT, "red"),
    ROW("ANSI OSC title", "\x1b]0;title\x07x", XML_TEXT, "x"),
    ROW("ANSI at the very end", "x\x1b", XML_TEXT, "x"),
    ROW("C0 controls",
        "a\x01\x08\x0b\x0c\x1f"
        "b",
        XML_TEXT,
        "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "b"),
    ROW("NUL inside", "a\0b", XML_TEXT,
        "a\xEF\xBF\xBD"
        "b"),
    ROW("newlines and tabs kept in text", "a\n\tb\r", XML_TEXT, "a\n\tb&#13;"),
    ROW("newlines and tabs encoded in attributes", "a\n\tb", XML_ATTR, "a&#10;&#9;b"),
    ROW("one line", "a\r\n\tb", XML_ATTR | XML_ONE_LINE, "a   b"),
    ROW("valid UTF-8 kept", "\xC3\xA5\xE2\x82\xAC\xF0\x9F\x98\x80", XML_TEXT,
        "\xC3\xA5\xE2\x82\xAC\xF0\x9F\x98\x80"),
    ROW("stray continuation byte",
        "a\x80"
        "b",
        XML_TEXT,
        "a\xEF\xBF\xBD"
        "b"),
    ROW("overlong slash", "\xC0\xAF", XML_TEXT, "\xEF\xBF\xBD\xEF\xBF\xBD"),
    ROW("surrogate", "\xED\xA0\x80", XML_TEXT, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
    ROW("truncated sequence", "\xE2\x82", XML_TEXT, "\xEF\xBF\xBD\xEF\xBF\xBD"),
    ROW("above U+10FFFF", "\xF4\x90\x80\x80", XML_TEXT,
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
    ROW("U+FFFE", "\xEF\xBF\xBE", XML_TEXT, "\xEF\xBF\xBD"),
};

Test(xml_escape, turns_every_hostile_input_into_well_formed_text)
{
    for (size_t i = 0; i < sizeof escape_rows / sizeof escape_rows[0]; i++) {
        const escape_row *r = &escape_rows[i];
        kbuf out;
        kbuf_init(&out, 4096);
        cr_assert_eq(xml_escape(&out, r->in, r->len, r->mode), 0, "%s", r->name);
        cr_expect_str_eq(kbuf_str(&out), r->out, "%s", r->name);
        kbuf_free(&out);
    }
}

Test(xml_escape, fails_cleanly_at_the_ceiling)
{
    kbuf out;
    kbuf_init(&out, 8);
    cr_expect_eq(xml_escape(&out, "<<<<<<", 6, XML_TEXT), -1);
    cr_expect_leq(out.len, 8);
    kbuf_free(&out);
}

static const char nasty[] = "step 1 \"update\": expected status 204, got 400\n"
                            "body: \x1b[31m<html>]]>\x01\xff\xfe & \"quotes\"</html>\x1b[0m";

static void sample(test_result *res, char **markets, size_t *n)
{
    static const char *const clauses[] = {"update.ok"};
    static const char *const tags[] = {"flow"};
    const char *ids[] = {"update.ok", "update.bad", "update.err", "update.skip", "update.flaky"};
    size_t k = 0;
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < 5; i++, k++) {
            test_result *r = &res[k];
            memset(r, 0, sizeof *r);
            cr_assert_eq(test_result_describe(r, i < 3 ? "update" : "misc", ids[i],
                                              "a title with <markup>", "cases/update.json", 0,
                                              clauses, 1, tags, 1, markets[m]),
                         0);
            r->seconds = 0.012;
            r->status = i == 0 || i == 4 ? RESULT_PASS
                        : i == 1         ? RESULT_FAIL
                        : i == 2         ? RESULT_ERROR
                                         : RESULT_SKIP;
            if (r->status != RESULT_PASS) {
                r->message = strdup(r->status == RESULT_SKIP ? "needs the reference mock" : nasty);
                r->detail = r->status == RESULT_SKIP ? NULL : strdup(nasty);
            }
            if (i == 0) {
                r->steps = calloc(1, sizeof *r->steps);
                r->steps[0].name = strdup("create");
                r->steps[0].method = strdup("POST");
                r->steps[0].url = strdup("http://127.0.0.1:1/payments/v1/sessions");
                r->steps[0].status = 200;
                r->n_steps = 1;
            }
            if (i == 4 || i == 1) {
                r->retries = calloc(1, sizeof *r->retries);
                r->retries[0].status = RESULT_ERROR;
                r->retries[0].message = strdup("step 1: Connection reset by peer");
                r->retries[0].detail = strdup(nasty);
                r->n_retries = 1;
            }
        }
    }
    *n = k;
}

static void free_sample(test_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++)
        test_result_clear(&res[i]);
}

typedef struct xpath_row {
    const char *xpath;
    const char *want;
} xpath_row;

Test(junit_report, validates_against_the_strict_schema_with_counts_equal_to_children)
{
    char *markets[] = {"SE", "DE"};
    test_result res[10];
    size_t n;
    run_report run;
    char dir[256], path[512];
    sample(res, markets, &n);
    report_check_header(&run, res, n);
    run.markets = markets;
    run.n_markets = 2;
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_expect(report_check_schema(path), "%s does not validate", path);
    static const xpath_row rows[] = {
        {"string(/testsuites/@tests)", "10"},
        {"count(//testcase)", "10"},
        {"string(/testsuites/@failures)", "2"},
        {"count(//testcase/failure)", "2"},
        {"string(/testsuites/@errors)", "2"},
        {"count(//testcase/error)", "2"},
        {"count(//testcase/skipped)", "2"},
        {"count(//testsuite)", "4"},
        {"string(//testsuite[@name='update.SE']/@tests)", "3"},
        {"string(//testsuite[@name='update.SE']/@failures)", "1"},
        {"string(//testsuite[@name='misc.DE']/@skipped)", "1"},
        {"count(//testcase[@classname='update.DE' and @name='update.bad'])", "1"},
        {"count(//testcase/flakyError)", "2"},
        {"count(//testcase/rerunError)", "2"},
        {"string(//testsuite[1]/properties/property[@name='seed']/@value)", "42"},
        {"string(//testsuite[1]/properties/property[@name='market']/@value)", "SE"},
        {"string(//testsuite[1]/properties/property[@name='kpct.version']/@value)", "0.1.0"},
        {"string(//testcase[@name='update.bad']/failure/@type)", "assertion"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *v = report_check_xpath(path, rows[i].xpath);
        cr_expect_str_eq(v, rows[i].want, "%s", rows[i].xpath);
        free(v);
    }
    cr_expect(!report_check_contains(path, "\x1b"), "ANSI escape in the report");
    cr_expect(!report_check_contains(path, "]]>"), "CDATA end in the report");
    free_sample(res, n);
}

Test(junit_report, uses_the_bare_suite_as_classname_when_one_market_ran)
{
    char *markets[] = {"SE", "DE"};
    test_result res[10];
    size_t n;
    run_report run;
    char dir[256], path[512];
    sample(res, markets, &n);
    report_check_header(&run, res, 5);
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_expect(report_check_schema(path));
    char *v = report_check_xpath(path, "count(//testcase[@classname='update'])");
    cr_expect_str_eq(v, "3");
    free(v);
    free_sample(res, n);
}

Test(junit_report, gathers_a_group_whose_tests_are_apart_in_plan_order)
{
    static const struct {
        const char *suite, *id, *market;
    } plan[] = {{"a", "t0", "SE"}, {"b", "t1", "SE"}, {"a", "t2", "SE"},
                {"a", "t3", "DE"}, {"b", "t4", "SE"}, {"a", "t5", "SE"}};
    char *markets[] = {"SE", "DE"};
    test_result res[6];
    run_report run;
    char dir[256], path[512];
    for (size_t i = 0; i < 6; i++) {
        memset(&res[i], 0, sizeof res[i]);
        cr_assert_eq(test_result_describe(&res[i], plan[i].suite, plan[i].id, "t", "f.json", 1,
                                          NULL, 0, NULL, 0, plan[i].market),
                     0);
    }
    report_check_header(&run, res, 6);
    run.markets = markets;
    run.n_markets = 2;
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_expect(report_check_schema(path));
    static const xpath_row rows[] = {
        {"count(//testsuite)", "3"},
        {"string(//testsuite[1]/@name)", "a.SE"},
        {"string(//testsuite[1]/@tests)", "3"},
        {"string(//testsuite[1]/testcase[1]/@name)", "t0"},
        {"string(//testsuite[1]/testcase[2]/@name)", "t2"},
        {"string(//testsuite[1]/testcase[3]/@name)", "t5"},
        {"string(//testsuite[2]/@name)", "b.SE"},
        {"string(//testsuite[2]/testcase[2]/@name)", "t4"},
        {"string(//testsuite[3]/@name)", "a.DE"},
        {"count(//testsuite[3]/testcase)", "1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *v = report_check_xpath(path, rows[i].xpath);
        cr_expect_str_eq(v, rows[i].want, "%s", rows[i].xpath);
        free(v);
    }
    free_sample(res, 6);
}

Test(junit_report, is_valid_for_an_empty_run)
{
    run_report run;
    char dir[256], path[512];
    report_check_header(&run, NULL, 0);
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_expect(report_check_schema(path));
}

/* A report folder CI reads must hold every report it can, even when one cannot be
 * written: the others are still written, and the first failure is the one reported. */
Test(report_table, writes_the_rest_when_one_report_fails_and_gives_the_first_reason)
{
    run_report run;
    coverage *cov = NULL;
    char dir[256], path[512], err[1024] = "", want[1024];
    report_check_header(&run, NULL, 0);
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(mkdir(path, 0755), 0, "a folder where results.json goes");
    snprintf(path, sizeof path, "%s/results.json/x", dir);
    cr_assert_eq(mkdir(path, 0755), 0, "not empty, so no rename can replace it");
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(coverage_compute(&run, &cov), 0);
    cr_expect_eq(report_write_all(&run, cov, dir, err, sizeof err), -1);
    coverage_free(cov);
    snprintf(want, sizeof want, "%s/results.json", dir);
    cr_expect(strstr(err, want) != NULL, "the reason names results.json: %s", err);
    cr_expect(report_check_schema(path), "junit.xml was written before the failure");
    snprintf(path, sizeof path, "%s/coverage.json", dir);
    cr_expect(report_check_contains(path, "\"markets\""), "coverage.json was written after it");
    size_t n;
    const reporter *table = report_table(&n);
    cr_assert_eq(n, 5);
    cr_expect_str_eq(table[0].file, "junit.xml");
    cr_expect_str_eq(table[1].file, "results.json");
    cr_expect_str_eq(table[2].file, "coverage.json");
    cr_expect_str_eq(table[3].file, "report.html");
    cr_expect_str_eq(table[4].file, "summary.md");
}

Test(json_report, carries_schema_summary_and_every_test_as_valid_utf8)
{
    char *markets[] = {"SE", "DE"};
    test_result res[10];
    size_t n, len;
    run_report run;
    char dir[256], path[512], err[256];
    sample(res, markets, &n);
    report_check_header(&run, res, n);
    run.markets = markets;
    run.n_markets = 2;
    cr_assert_eq(report_check_write(&run, dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    char *text = kfile_read(path, 1u << 20, &len, err, sizeof err);
    cr_assert_not_null(text, "%s", err);
    cr_expect(!strstr(text, "\xff"), "invalid UTF-8 copied into JSON");
    cJSON *doc = cJSON_Parse(text);
    cr_assert_not_null(doc);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "schema")->valuestring,
                     JSON_RESULTS_SCHEMA);
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(summary, "tests")->valueint, 10);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(summary, "failed")->valueint, 2);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(summary, "flaky")->valueint, 2);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "tests");
    cr_expect_eq(cJSON_GetArraySize(arr), 10);
    const cJSON *second = cJSON_GetArrayItem(arr, 1);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(second, "status")->valuestring, "failed");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(second, "market")->valuestring, "SE");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(second, "retries")), 1);
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(arr, 0), "steps");
    cr_assert_eq(cJSON_GetArraySize(steps), 1);
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(steps, 0), "status")->valueint,
                 200);
    cJSON_Delete(doc);
    free(text);
    free_sample(res, n);
}

Test(console, turns_c0_and_c1_controls_into_spaces_and_drops_ansi_sequences)
{
    static const char in[] = "a\x1b[2Jb\tc\xc2\x9b"
                             "31md\xc2\x85"
                             "e\xc3\xa9\xff";
    kbuf out;
    kbuf_init(&out, 256);
    cr_assert_eq(xml_plain_line(&out, in, sizeof in - 1), 0);
    cr_expect_str_eq(kbuf_str(&out), "ab c 31md e\xc3\xa9\xEF\xBF\xBD");
    kbuf_free(&out);
}

Test(console, prints_one_line_per_test_and_the_exact_totals_line)
{
    char *markets[] = {"SE", "DE"};
    test_result res[10];
    size_t n;
    run_report run;
    kbuf out;
    sample(res, markets, &n);
    report_check_header(&run, res, 5);
    kbuf_init(&out, 1 << 16);
    for (size_t i = 0; i < 5; i++)
        console_test_line(&out, &res[i], false, false);
    console_totals(&out, &run);
    cr_expect_str_eq(kbuf_str(&out),
                     "PASS update.ok (12 ms)\n"
                     "FAIL update.bad (12 ms) after 1 retry: step 1 \"update\": expected status "
                     "204, got 400 body: <html>]]> \xEF\xBF\xBD\xEF\xBF\xBD & "
                     "\"quotes\"</html>\n"
                     "  \"a title with <markup>\" (clauses: update.ok)\n"
                     "ERROR update.err (12 ms): step 1 \"update\": expected status 204, got 400 "
                     "body: <html>]]> \xEF\xBF\xBD\xEF\xBF\xBD & "
                     "\"quotes\"</html>\n"
                     "  \"a title with <markup>\" (clauses: update.ok)\n"
                     "SKIP update.skip: needs the reference mock\n"
                     "PASS update.flaky (12 ms) after 1 retry\n"
                     "2 passed, 1 failed, 1 errored, 1 skipped\n"
                     "1 flaky (passed only after retries)\n");
    kbuf_free(&out);
    free_sample(res, n);
}
