/* kpct run's preflight against targets that break in the ways the tests of test_cli_run.c
 * do not cover: one that takes the connection and never answers, and a proxy that wants
 * credentials (407). Each ends the run with exit 2 in a few console lines naming the
 * cause, and every test is still in the reports as an error "not run: ...". */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostile/hostile.h"
#include "kfile.h"
#include "kpct_child.h"
#include "report_check.h"

static const char two_tests[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.create\", \"title\": \"create\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
    "    \"expect\": {\"status\": 200}}]},\n"
    " {\"id\": \"smoke.unknown\", \"title\": \"unknown session\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 404}}]}]}\n";

/* The run ended at the preflight: exit 2, the cause and hint on stderr, the count, and
 * both tests errors "not run: <cause>" in junit.xml and results.json. */
static void expect_stopped(const kpct_child *c, const char *out, const char *what,
                           const char *cause, const char *hint)
{
    char path[600], needle[700];
    cr_expect_eq(c->status, 2, "%s: %s%s", what, c->out, c->err);
    cr_expect(strstr(c->err, cause), "%s: %s", what, c->err);
    cr_expect(strstr(c->err, hint), "%s: %s", what, c->err);
    cr_expect(strstr(c->err, "kpct: 2 tests not run, each reported as an error in "), "%s: %s",
              what, c->err);
    cr_expect(!strncmp(c->out, "0 passed, 0 failed, 2 errored, 0 skipped\n", 41), "%s: %s", what,
              c->out);
    cr_expect_leq(kpct_child_lines(c->out) + kpct_child_lines(c->err), 12, "%s: %s%s", what, c->out,
                  c->err);
    snprintf(path, sizeof path, "%s/junit.xml", out);
    cr_expect(report_check_schema(path), "%s: %s is not valid", what, path);
    char *v =
        report_check_xpath(path, "count(//testcase/error[starts-with(@message, 'not run: ')])");
    cr_expect_str_eq(v, "2", "%s", what);
    free(v);
    snprintf(path, sizeof path, "%s/results.json", out);
    snprintf(needle, sizeof needle, "\"not run: ");
    cr_expect(report_check_contains(path, needle), "%s: %s", what, path);
    cr_expect(report_check_contains(path, cause), "%s: %s names no cause", what, path);
}

Test(cli_preflight, ends_at_a_target_that_never_answers_within_the_timeout)
{
    char tree[256], out[300];
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    hostile *hang = hostile_start(HOSTILE_HANG, 0, NULL, NULL);
    cr_assert_not_null(hang);
    kpct_child_tree(tree, two_tests);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run",       tree, "--out", out, "--target", hostile_url(hang),
                          "--timeout", "1",  NULL};
    kpct_child c = kpct_child_run(args, env);
    expect_stopped(&c, out, "a hanging target", " did not answer within 1 s (",
                   "check that the target is up, or raise --connect-timeout / --timeout");
    cr_expect_eq(hostile_requests(hang), 1, "one probe, no test");
    kpct_child_free(&c);
    hostile_stop(hang);
}

Test(cli_preflight, ends_at_a_proxy_that_wants_credentials)
{
    char tree[256], out[300], dead[64], proxy_env[128];
    static const char *env[] = {"KLARNA_USERNAME=shop-user",
                                "KLARNA_PASSWORD=shop-pass",
                                NULL,
                                "no_proxy=",
                                "NO_PROXY=",
                                NULL};
    hostile *proxy = hostile_start(HOSTILE_STATUS, 407, "text/plain", "proxy credentials, please");
    cr_assert_not_null(proxy);
    snprintf(proxy_env, sizeof proxy_env, "http_proxy=%s", hostile_url(proxy));
    env[2] = proxy_env;
    /* nothing listens at the target: only the proxy can answer */
    hostile_dead_url(dead, sizeof dead);
    kpct_child_tree(tree, two_tests);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *args[] = {"run", tree, "--out", out, "--target", dead, NULL};
    kpct_child c = kpct_child_run(args, env);
    char cause[128];
    snprintf(cause, sizeof cause, "the proxy to %s wants credentials (HTTP 407)", dead);
    expect_stopped(&c, out, "a proxy answering 407", cause,
                   "put them in http_proxy, or set no_proxy");
    cr_expect_geq(hostile_requests(proxy), 1, "the proxy was asked");
    kpct_child_free(&c);
    /* with a user in the proxy URL: rejected, naming the variable and never its value */
    snprintf(proxy_env, sizeof proxy_env, "http_proxy=http://proxy-user:proxy-pass-4711@%s",
             hostile_url(proxy) + strlen("http://"));
    c = kpct_child_run(args, env);
    snprintf(cause, sizeof cause,
             "the proxy to %s rejected the credentials in http_proxy (HTTP 407)", dead);
    expect_stopped(&c, out, "a proxy rejecting its credentials", cause,
                   "check the user and password in http_proxy");
    cr_expect(!strstr(c.err, "proxy-pass-4711") && !strstr(c.out, "proxy-pass-4711"), "%s", c.err);
    kpct_child_free(&c);
    hostile_stop(proxy);
}
