/* Run and selection tests: the requests a test's steps become (URL, headers, auth,
 * bodies with variables and variant patches, admin calls), judging with captures,
 * step errors; and case_set_select's markets, targets, admin skips, globs and tags. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "case.h"
#include "case_tree.h"

#define SUITE                                                                                      \
    "{\"suite\": \"flow\", \"title\": \"t\", \"cases\": [\n"                                       \
    "{\"id\": \"flow.create_update\", \"title\": \"create, advance, update\", \"tags\": "          \
    "[\"flow\"],"                                                                                  \
    " \"clauses\": [\"c.one\"], \"markets\": [\"SE\"],\n"                                          \
    " \"steps\": [\n"                                                                              \
    "  {\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "                      \
    "\"/payments/v1/sessions\","                                                                   \
    " \"body\": {\"fixture\": \"cart\"}},\n"                                                       \
    "   \"expect\": {\"status\": 200}, \"capture\": {\"sid\": \"/session_id\", \"n\": \"/n\"}},\n" \
    "  {\"admin\": {\"clock_advance\": 10}},\n"                                                    \
    "  {\"name\": \"update\", \"request\": {\"method\": \"POST\", \"path\": \"/s/${sid}\","        \
    " \"auth\": \"none\", \"headers\": {\"X-Req\": \"${uuid}\", \"X-N\": \"n${n}\"},\n"            \
    "   \"body\": {\"inline\": {\"amount\": \"${n}\", \"c\": \"${market.currency}\"}}},\n"         \
    "   \"expect\": {\"status\": 204}, \"variant_target\": true},\n"                               \
    "  {\"name\": \"read\", \"request\": {\"method\": \"GET\", \"path\": \"/s/${sid}\","           \
    " \"auth\": {\"username\": \"u-${sid}\", \"password\": \"${env:KPCT_RUN_PW}\"}},\n"            \
    "   \"expect\": {\"json\": [{\"pointer\": \"/amount\", \"equals\": \"${n}\"}]}}],\n"           \
    " \"variants\": [\n"                                                                           \
    "  {\"id\": \"plain\", \"title\": \"as is\"},\n"                                               \
    "  {\"id\": \"negative\", \"title\": \"negative\", \"markets\": [\"US\"], \"tags\": "          \
    "[\"bad\"],"                                                                                   \
    "   \"patch\": [{\"op\": \"replace\", \"path\": \"/amount\", \"value\": -1}],"                 \
    "   \"expect\": {\"status\": 400}}]},\n"                                                       \
    "{\"id\": \"mock.only\", \"title\": \"t\", \"clauses\": [], \"targets\": [\"mock\"],"          \
    " \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/\"}, \"expect\": {}}]},\n"      \
    "{\"id\": \"remote.only\", \"title\": \"t\", \"clauses\": [], \"targets\": [\"playground\", "  \
    "\"url\"],"                                                                                    \
    " \"markets\": [\"US\"], \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/\"}, "   \
    "\"expect\": {}}]}\n"                                                                          \
    "]}\n"

static char *root;
static case_set *set;

static void setup(void)
{
    root = case_tree_new();
    case_tree_write(root, "fixtures/US/cart.json", "{\"order_amount\": 7}");
    case_tree_write(root, "flow.json", SUITE);
    char *diags = case_tree_load(root, &set);
    cr_assert_str_eq(diags, "");
    free(diags);
}

static void teardown(void)
{
    case_set_free(set);
    case_tree_free(root);
}

static const case_test *find_test(const char *market, case_target_kind target, bool kpmock,
                                  const char *id)
{
    case_filter f = {.market = market, .target = target, .target_is_kpmock = kpmock};
    return case_tree_test(set, &f, id);
}

static const char *header(const case_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

static int judge(case_run *run, long status, const char *body, kbuf *why)
{
    case_response r = {.status = status, .body = body, .body_len = strlen(body)};
    kbuf_reset(why);
    return case_run_judge(run, &r, why);
}

static void note_captured(void *arg, const char *value)
{
    kbuf_printf(arg, "%s;", value);
}

Test(case_run, builds_each_step_and_carries_captures_forward, .init = setup, .fini = teardown)
{
    setenv("KPCT_RUN_PW", "pw-from-env-123", 1);
    const case_test *t = find_test("SE", TARGET_MOCK, false, "flow.create_update.negative");
    case_env env = {"http://127.0.0.1:9/", "SE", "merchant", "secret", true, NULL, NULL, 0};
    case_run *run = case_run_new(set, t, &env);
    cr_assert(run);
    case_request req;
    char err[512];
    kbuf why;
    kbuf_init(&why, 1u << 16);

    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(req.method, "POST");
    cr_expect_str_eq(req.url, "http://127.0.0.1:9/payments/v1/sessions");
    cr_expect_str_eq(req.step_name, "create");
    cr_expect_eq(req.step_index, 0);
    cr_expect(req.send_auth && !req.is_admin);
    cr_expect_str_eq(req.username, "merchant");
    cr_expect_str_eq(req.password, "secret");
    cr_expect_str_eq(header(&req, "content-type"), "application/json");
    cr_expect_eq(req.body_len, strlen(req.body));
    cr_expect_str_eq(req.body, "{\"order_amount\":5}");
    cr_assert_eq(judge(run, 200, "{\"session_id\": \"abc-1\", \"n\": 5}", &why), 0, "%s",
                 kbuf_str(&why));

    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect(req.is_admin && req.admin_global && !req.send_auth);
    cr_expect_str_eq(req.step_name, "step 2");
    cr_expect_str_eq(req.method, "POST");
    cr_expect_str_eq(req.url, "http://127.0.0.1:9/__admin/clock");
    cr_expect_str_eq(req.body, "{\"advance_s\":10}");
    cr_assert_eq(judge(run, 200, "{\"now\": \"x\", \"offset_s\": 10}", &why), 0);

    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(req.url, "http://127.0.0.1:9/s/abc-1");
    cr_expect(!req.send_auth, "auth none");
    cr_expect_eq(strlen(header(&req, "X-Req")), 36);
    cr_expect_str_eq(header(&req, "X-N"), "n5");
    cr_expect_str_eq(req.body, "{\"amount\":-1,\"c\":\"SEK\"}", "the variant's patch applies");
    cr_expect_eq(judge(run, 204, "", &why), 1, "the variant's expect replaces the step's");
    cr_expect_str_eq(kbuf_str(&why), "status: expected 400, got 204");
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), 0, "a failed step ends the test");
    kbuf seen;
    kbuf_init(&seen, 256);
    case_run_each_captured(run, note_captured, &seen);
    cr_expect_str_eq(kbuf_str(&seen), "abc-1;abc-1;",
                     "the id the create was answered with, then the string captures (sid), not "
                     "the number (n)");
    kbuf_free(&seen);
    case_run_free(run);

    t = find_test("SE", TARGET_MOCK, false, "flow.create_update.plain");
    run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_assert_eq(judge(run, 200, "{\"session_id\": \"abc-1\", \"n\": 5}", &why), 0);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_assert_eq(judge(run, 204, "", &why), 0);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_expect_str_eq(req.body, "{\"amount\":5,\"c\":\"SEK\"}", "captured number stays a number");
    cr_assert_eq(judge(run, 204, "", &why), 0, "%s", kbuf_str(&why));
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_expect_str_eq(req.method, "GET");
    cr_expect(req.send_auth);
    cr_expect_str_eq(req.username, "u-abc-1");
    cr_expect_str_eq(req.password, "pw-from-env-123");
    cr_expect_null(req.body);
    cr_expect_eq(judge(run, 200, "{\"amount\": 5}", &why), 0, "%s", kbuf_str(&why));
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), 0);
    case_run_free(run);

    /* the env value read for auth is now a secret */
    kbuf red;
    kbuf_init(&red, 4096);
    redact("pw-from-env-123", 15, &red);
    cr_expect_str_eq(kbuf_str(&red), "***");
    kbuf_free(&red);
    kbuf_free(&why);
}

/* How many of the request's headers are called name (any case). */
static size_t header_count(const case_request *req, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < req->n_headers; i++)
        n += strcasecmp(req->headers[i].name, name) == 0;
    return n;
}

Test(case_run, adds_the_runs_headers_to_every_request_unless_the_step_sets_them, .init = setup,
     .fini = teardown)
{
    setenv("KPCT_RUN_PW", "pw-from-env-123", 1);
    const case_header run_headers[] = {{"X-Api-Key", "gw-key-1"}, {"x-n", "from-the-run"}};
    case_env env = {"http://h", "SE", "merchant", "secret", true, NULL, run_headers, 2};
    const case_test *t = find_test("SE", TARGET_MOCK, false, "flow.create_update.plain");
    case_run *run = case_run_new(set, t, &env);
    case_request req;
    char err[512];
    kbuf why;
    kbuf_init(&why, 1u << 16);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(header(&req, "X-Api-Key"), "gw-key-1", "a request");
    cr_expect_str_eq(header(&req, "X-N"), "from-the-run");
    cr_expect_str_eq(header(&req, "Content-Type"), "application/json", "the body's own stays");
    cr_assert_eq(judge(run, 200, "{\"session_id\": \"abc-1\", \"n\": 5}", &why), 0);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect(req.is_admin);
    cr_expect_str_eq(header(&req, "X-Api-Key"), "gw-key-1", "an admin call");
    cr_assert_eq(judge(run, 204, "", &why), 0);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(header(&req, "X-N"), "n5", "the step's own value wins");
    cr_expect_eq(header_count(&req, "x-n"), 1, "and the run's is left out");
    cr_expect_str_eq(header(&req, "X-Api-Key"), "gw-key-1");
    case_run_free(run);
    kbuf_free(&why);
}

Test(case_run, reports_failed_captures_and_admin_answers_as_errors, .init = setup, .fini = teardown)
{
    const case_test *t = find_test("SE", TARGET_MOCK, false, "flow.create_update.plain");
    case_env env = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
    case_request req;
    char err[512];
    kbuf why;
    kbuf_init(&why, 1u << 16);

    case_run *run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_expect(!req.send_auth, "no credentials, no auth");
    cr_expect_eq(judge(run, 200, "{\"session_id\": \"x\"}", &why), -1);
    cr_expect_str_eq(kbuf_str(&why),
                     "capture n: nothing at /n in the response body: {\"session_id\":\"x\"}");
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), 0);
    case_run_free(run);

    run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_expect_eq(judge(run, 200, "not json", &why), -1);
    cr_expect_str_eq(kbuf_str(&why), "capture sid: the response body is not JSON: \"not json\"");
    case_run_free(run);

    run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_assert_eq(judge(run, 200, "{\"session_id\": \"x\", \"n\": 1}", &why), 0);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_expect_eq(judge(run, 404, "{\"error\": \"no such route\"}", &why), -1);
    cr_expect_str_eq(kbuf_str(&why), "admin step (advances the mock clock) answered 404, expected "
                                     "2xx: \"{\\\"error\\\": \\\"no such route\\\"}\"");
    case_run_free(run);
    kbuf_free(&why);
}

Test(case_run, turns_what_cannot_be_built_into_step_errors, .init = setup, .fini = teardown)
{
    const case_test *t = find_test("SE", TARGET_MOCK, false, "flow.create_update.plain");
    case_request req;
    char err[512];
    kbuf why;
    kbuf_init(&why, 1u << 16);

    case_env remote = {"http://h", "SE", NULL, NULL, false, NULL, NULL, 0};
    case_run *run = case_run_new(set, t, &remote);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1);
    cr_assert_eq(judge(run, 200, "{\"session_id\": \"x\", \"n\": 1}", &why), 0);
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), -1);
    cr_expect_str_eq(err, "needs the reference mock: step 2 advances the mock clock");
    case_run_free(run);

    unsetenv("KPCT_RUN_PW");
    case_env env = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
    run = case_run_new(set, t, &env);
    const char *bodies[] = {"{\"session_id\": \"x\", \"n\": 1}", "{}", ""};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
        cr_assert_eq(judge(run, i == 0 ? 200 : 204, bodies[i], &why), 0, "%s", kbuf_str(&why));
    }
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), -1);
    cr_expect_str_eq(err, "auth: environment variable KPCT_RUN_PW is not set (used as "
                          "${env:KPCT_RUN_PW})");
    case_run_free(run);

    kbuf_reset(&why);
    run = case_run_new(set, t, &env);
    case_response r = {.status = 200, .body = "", .body_len = 0};
    cr_expect_eq(case_run_judge(run, &r, &why), -1, "judging before any request");
    case_run_free(run);
    kbuf_free(&why);
}

/* Loads a one-case tree: create a session, then complete it through the admin API. */
static const case_test *load_complete_session_case(void)
{
    root = case_tree_new();
    case_tree_write(root, "admin.json",
                    "{\"suite\": \"admin\", \"title\": \"t\", \"cases\": [{\"id\": "
                    "\"admin.complete\", \"title\": \"t\", \"clauses\": [], \"steps\": [\n"
                    "{\"request\": {\"method\": \"POST\", \"path\": \"/s\"}, \"expect\": "
                    "{\"status\": 200}, \"capture\": {\"sid\": \"/id\"}},\n"
                    "{\"admin\": {\"complete_session\": \"${sid}\"}}]}]}");
    char *diags = case_tree_load(root, &set);
    cr_assert_str_eq(diags, "");
    free(diags);
    const case_test *t = find_test("SE", TARGET_MOCK, true, "admin.complete");
    return t;
}

Test(case_run, shows_a_bad_session_id_whole_or_not_at_all)
{
    /* a value cut short could hold the first part of a secret that redaction then misses */
    const case_test *t = load_complete_session_case();
    case_env env = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
    case_request req;
    char err[1024], body[2048];
    kbuf why;
    kbuf_init(&why, 1u << 16);
    const char *ids[] = {"a b", NULL};
    char long_id[1200];
    memset(long_id, 'k', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    long_id[5] = ' ';
    ids[1] = long_id;
    for (size_t i = 0; i < 2; i++) {
        case_run *run = case_run_new(set, t, &env);
        cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
        snprintf(body, sizeof body, "{\"id\": \"%s\"}", ids[i]);
        cr_assert_eq(judge(run, 200, body, &why), 0, "%s", kbuf_str(&why));
        cr_expect_eq(case_run_next(run, &req, err, sizeof err), -1);
        if (i == 0)
            cr_expect_str_eq(err, "complete_session: \"a b\" is not a session id");
        else
            cr_expect_str_eq(err, "complete_session: a value of 1199 bytes with '/', '?', '#', "
                                  "'%' or a space is not a session id");
        case_run_free(run);
    }
    kbuf_free(&why);
    teardown();
}

Test(case_run, completing_a_session_is_not_a_global_admin_call)
{
    /* the executor runs clock and fault calls alone; one session's completion need not */
    const case_test *t = load_complete_session_case();
    case_env env = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
    case_request req;
    char err[1024];
    kbuf why;
    kbuf_init(&why, 1u << 16);
    case_run *run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect(!req.admin_global);
    cr_assert_eq(judge(run, 200, "{\"id\": \"abc\"}", &why), 0, "%s", kbuf_str(&why));
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(req.url, "http://h/__admin/sessions/abc/complete");
    cr_expect(req.is_admin && !req.admin_global);
    case_run_free(run);
    kbuf_free(&why);
    teardown();
}

static char *ids(const char *market, case_target_kind target, bool kpmock, const char *const *globs,
                 size_t n_globs, const char *const *tags, size_t n_tags)
{
    case_filter f = {market, target, kpmock, globs, n_globs, tags, n_tags};
    const case_test **list = NULL;
    size_t n = 0;
    char err[256];
    cr_assert_eq(case_set_select(set, &f, &list, &n, err, sizeof err), 0, "%s", err);
    kbuf b;
    kbuf_init(&b, 1u << 16);
    for (size_t i = 0; i < n; i++)
        kbuf_printf(&b, "%s%s%s%s", i ? "\n" : "", list[i]->id, list[i]->skip_reason ? " | " : "",
                    list[i]->skip_reason ? list[i]->skip_reason : "");
    free(list);
    return kbuf_steal(&b);
}

typedef struct selection {
    const char *market;
    case_target_kind target;
    bool kpmock;
    const char *glob, *tag;
    const char *want;
} selection;

Test(case_select, picks_tests_by_market_target_glob_and_tag, .init = setup, .fini = teardown)
{
    static const selection table[] = {
        {"SE", TARGET_MOCK, false, NULL, NULL,
         "flow.create_update.plain\nflow.create_update.negative\nmock.only"},
        /* a variant's markets are added to its case's */
        {"US", TARGET_MOCK, false, NULL, NULL,
         "flow.create_update.negative\nmock.only\nremote.only | not applicable to target mock: "
         "applies to playground, url"},
        {"SE", TARGET_PLAYGROUND, false, NULL, NULL,
         "flow.create_update.plain | needs the reference mock: step 2 advances the mock clock\n"
         "flow.create_update.negative | needs the reference mock: step 2 advances the mock clock\n"
         "mock.only | not applicable to target playground: applies to mock"},
        {"SE", TARGET_URL, false, NULL, NULL,
         "flow.create_update.plain | needs the reference mock: step 2 advances the mock clock\n"
         "flow.create_update.negative | needs the reference mock: step 2 advances the mock clock\n"
         "mock.only | not applicable to target url: applies to mock"},
        {"SE", TARGET_URL, true, NULL, NULL,
         "flow.create_update.plain\nflow.create_update.negative\n"
         "mock.only | not applicable to target url: applies to mock"},
        {"SE", TARGET_MOCK, false, "flow.*", NULL,
         "flow.create_update.plain\nflow.create_update.negative"},
        {"SE", TARGET_MOCK, false, "*.neg*", NULL, "flow.create_update.negative"},
        {"SE", TARGET_MOCK, false, NULL, "bad", "flow.create_update.negative"},
        {"SE", TARGET_MOCK, false, NULL, "flow",
         "flow.create_update.plain\nflow.create_update.negative"},
        {"SE", TARGET_MOCK, false, NULL, "none", ""},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const selection *s = &table[i];
        char *got = ids(s->market, s->target, s->kpmock, &s->glob, s->glob ? 1 : 0, &s->tag,
                        s->tag ? 1 : 0);
        cr_expect_str_eq(got ? got : "", s->want, "selection %zu:\n got: %s\nwant: %s", i, got,
                         s->want);
        free(got);
    }
}

Test(case_select, refuses_a_market_without_fixtures, .init = setup, .fini = teardown)
{
    case_filter f = {.market = "NO", .target = TARGET_MOCK};
    const case_test **list = NULL;
    size_t n = 0;
    char err[256];
    cr_expect_eq(case_set_select(set, &f, &list, &n, err, sizeof err), -1);
    cr_expect_str_eq(err, "no fixtures for market NO (have: SE, US)");
}

/* An auth object that leaves a member out keeps the run's own value for it. */
Test(case_run, an_auth_member_left_out_keeps_the_runs_own)
{
    char *tree = case_tree_new();
    case_tree_write(tree, "fixtures/SE/cart.json", "{}");
    case_tree_write(tree, "auth.json",
                    "{\"suite\": \"a\", \"title\": \"t\", \"cases\": [{\"id\": \"wrong.password\", "
                    "\"title\": \"t\", \"clauses\": [], \"steps\": ["
                    "{\"request\": {\"method\": \"GET\", \"path\": \"/x\", \"auth\": "
                    "{\"password\": \"not-the-password\"}}, \"expect\": {\"status\": 401}},"
                    "{\"request\": {\"method\": \"GET\", \"path\": \"/x\", \"auth\": "
                    "{\"username\": \"someone-else\"}}, \"expect\": {\"status\": 401}}]}]}");
    char *diags = case_tree_load(tree, &set);
    cr_assert_str_eq(diags, "");
    free(diags);
    const case_test *t = find_test("SE", TARGET_MOCK, false, "wrong.password");
    case_env env = {"http://h", "SE", "merchant-user", "merchant-pass", true, NULL, NULL, 0};
    case_request req;
    char err[512];
    kbuf why;
    kbuf_init(&why, 4096);
    case_run *run = case_run_new(set, t, &env);
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect(req.send_auth);
    cr_expect_str_eq(req.username, "merchant-user");
    cr_expect_str_eq(req.password, "not-the-password");
    cr_assert_eq(judge(run, 401, "", &why), 0, "%s", kbuf_str(&why));
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s", err);
    cr_expect_str_eq(req.username, "someone-else");
    cr_expect_str_eq(req.password, "merchant-pass");
    case_run_free(run);

    case_env bare = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
    run = case_run_new(set, t, &bare);
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), -1);
    cr_expect_str_eq(err, "auth: the run has no username to keep (set KLARNA_USERNAME and "
                          "KLARNA_PASSWORD)");
    case_run_free(run);
    kbuf_free(&why);
    case_set_free(set);
    case_tree_free(tree);
}

/* The load tries every variant's patch on the variant_target step's body in each market,
 * sharing what the patches do not reach with the fixtures and the patches themselves
 * (case_trial.c): nested ops, two ops under one member, a whole member set and then
 * changed. The runs must then build the bodies the files say, and the patch texts must
 * be the files': a trial that changed what it shares would show in both. */
#define TRIAL_FIXTURE                                                                              \
    "{\"order_amount\": 10, \"billing_address\": {\"city\": \"Lund\", \"zip\": \"1\"},"            \
    " \"order_lines\": [{\"name\": \"a\", \"quantity\": 1}, {\"name\": \"b\", \"quantity\": 2}]}"

static const struct {
    const char *variant;
    const char *body; /* in SE: the fixture, the step's patch, the variant's */
    const char *patch_text;
} TRIALS[] = {
    {"plain",
     "{\"order_amount\":10,\"billing_address\":{\"city\":\"Malmo\",\"zip\":\"2\"},"
     "\"order_lines\":[{\"name\":\"a\",\"quantity\":1},{\"name\":\"b\",\"quantity\":2}]}",
     NULL},
    {"nested",
     "{\"order_amount\":10,\"billing_address\":{\"city\":\"Malmo\"},\"order_lines\":[{\"name\":"
     "\"a\",\"quantity\":5},{\"name\":\"z\",\"quantity\":2},{\"name\":\"c\"}]}",
     "[{\"op\":\"replace\",\"path\":\"/order_lines/0/quantity\",\"value\":5},{\"op\":\"replace\","
     "\"path\":\"/order_lines/1/name\",\"value\":\"z\"},{\"op\":\"remove\",\"path\":\"/"
     "billing_address/zip\"},{\"op\":\"add\",\"path\":\"/order_lines/"
     "-\",\"value\":{\"name\":\"c\"}}]"},
    {"whole_then_inside",
     "{\"order_amount\":10,\"billing_address\":{\"city\":\"Malmo\",\"zip\":\"2\"},"
     "\"order_lines\":[{\"name\":\"y\"}]}",
     "[{\"op\":\"replace\",\"path\":\"/order_lines\",\"value\":[{\"name\":\"x\"}]},{\"op\":"
     "\"replace\",\"path\":\"/order_lines/0/name\",\"value\":\"y\"}]"},
    {"whole",
     "{\"order_amount\":10,\"billing_address\":{\"city\":\"Malmo\",\"zip\":\"2\"},"
     "\"order_lines\":[{\"name\":\"only\"}]}",
     "[{\"op\":\"replace\",\"path\":\"/order_lines\",\"value\":[{\"name\":\"only\"}]}]"},
};

Test(case_run, variant_trials_at_load_change_nothing_they_share)
{
    char *tree = case_tree_new();
    case_tree_write(tree, "fixtures/SE/lines.json", TRIAL_FIXTURE);
    case_tree_write(tree, "fixtures/US/lines.json", TRIAL_FIXTURE);
    case_tree_write(
        tree, "trial.json",
        "{\"suite\": \"trial\", \"title\": \"t\", \"cases\": [{\"id\": \"trial\", \"title\": \"t\","
        " \"clauses\": [], \"markets\": [\"SE\", \"US\"], \"steps\": [{\"request\": {\"method\":"
        " \"POST\", \"path\": \"/p\", \"body\": {\"fixture\": \"lines\", \"patch\": [{\"op\":"
        " \"replace\", \"path\": \"/billing_address\", \"value\": {\"city\": \"Malmo\", \"zip\":"
        " \"2\"}}]}}, \"expect\": {\"status\": 204}, \"variant_target\": true}],"
        " \"variants\": [{\"id\": \"nested\", \"patch\": ["
        "  {\"op\": \"replace\", \"path\": \"/order_lines/0/quantity\", \"value\": 5},"
        "  {\"op\": \"replace\", \"path\": \"/order_lines/1/name\", \"value\": \"z\"},"
        "  {\"op\": \"remove\", \"path\": \"/billing_address/zip\"},"
        "  {\"op\": \"add\", \"path\": \"/order_lines/-\", \"value\": {\"name\": \"c\"}}]},"
        " {\"id\": \"whole_then_inside\", \"patch\": ["
        "  {\"op\": \"replace\", \"path\": \"/order_lines\", \"value\": [{\"name\": \"x\"}]},"
        "  {\"op\": \"replace\", \"path\": \"/order_lines/0/name\", \"value\": \"y\"}]},"
        " {\"id\": \"whole\", \"patch\": ["
        "  {\"op\": \"replace\", \"path\": \"/order_lines\", \"value\": [{\"name\": \"only\"}]}]},"
        " {\"id\": \"plain\"}]}]}");
    char *diags = case_tree_load(tree, &set);
    cr_assert_str_eq(diags, "");
    free(diags);
    for (size_t i = 0; i < sizeof TRIALS / sizeof TRIALS[0]; i++) {
        char id[64];
        snprintf(id, sizeof id, "trial.%s", TRIALS[i].variant);
        const case_test *t = find_test("SE", TARGET_MOCK, false, id);
        if (TRIALS[i].patch_text)
            cr_expect_str_eq(t->patch_text, TRIALS[i].patch_text, "%s", id);
        else
            cr_expect_null(t->patch_text, "%s", id);
        case_env env = {"http://h", "SE", NULL, NULL, true, NULL, NULL, 0};
        case_run *run = case_run_new(set, t, &env);
        case_request req;
        char err[512];
        cr_assert_eq(case_run_next(run, &req, err, sizeof err), 1, "%s: %s", id, err);
        cr_expect_eq(req.body_len, strlen(TRIALS[i].body), "%s", id);
        cr_expect_str_eq(req.body, TRIALS[i].body, "%s", id);
        case_run_free(run);
    }
    case_set_free(set);
    set = NULL;
    case_tree_free(tree);
}
