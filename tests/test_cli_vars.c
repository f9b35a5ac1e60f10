/* kpct run and list with --var and --secret, end to end: bad definitions and undefined
 * variables end before anything runs (exit 64, exact messages, never the value of a
 * secret), and a secret sent in a header and a body to a server that echoes them back in
 * every encoding never reaches the console, the -vv trace or any file of the run folder. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "b64.h"
#include "kbuf.h"
#include "kfile.h"
#include "kpct_child.h"
#include "leak_check.h"
#include "loopback.h"

/* Bytes that every encoding changes: a space, +, /, @, :, % and a non-ASCII letter. */
#define SECRET "gw S3cr+t/k@y:%\xc3\xa9!"
#define TENANT "acme-tenant-4711"

static const char gateway_suite[] =
    "{\"suite\": \"gw\", \"title\": \"gateway\", \"cases\": [\n"
    " {\"id\": \"gw.create\", \"title\": \"create behind a gateway\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions\",\n"
    "    \"headers\": {\"X-Gateway-Key\": \"${var:gw_key}\", \"X-Tenant\": \"${var:tenant}\"},\n"
    "    \"body\": {\"fixture\": \"session\", \"patch\": [{\"op\": \"add\", \"path\":\n"
    "     \"/merchant_reference2\", \"value\": \"${var:gw_key}\"}]}},\n"
    "   \"expect\": {\"status\": 200}}]}]}\n";

/* ---- bad command lines ------------------------------------------------------------- */

typedef struct usage_row {
    const char *args[6];
    const char *message; /* the whole of stderr */
} usage_row;

#define TRY "\nTry 'kpct --help'.\n"

static const usage_row usage_rows[] = {
    {{"--var", "tenant"}, "kpct: --var: \"=\" is missing: write NAME=VALUE" TRY},
    {{"--var", "=x"}, "kpct: --var: the name is empty: write NAME=VALUE" TRY},
    {{"--var", "1x=y"},
     "kpct: --var: name \"1x\" is not [A-Za-z_][A-Za-z0-9_]* (a case reads it as ${var:NAME})" TRY},
    {{"--secret", "gw-key=" SECRET},
     "kpct: --secret: name \"gw-key\" is not [A-Za-z_][A-Za-z0-9_]* (a case reads it as "
     "${var:NAME})" TRY},
    {{"--secret", SECRET}, "kpct: --secret: \"=\" is missing: write NAME=VALUE" TRY},
    {{"--var", "gw_key=x", "--secret", "gw_key=" SECRET},
     "kpct: --secret: gw_key is defined twice (by --var or --secret)" TRY},
    {{"--var=tenant=a", "--var", "tenant=b"},
     "kpct: --var: tenant is defined twice (by --var or --secret)" TRY},
    {{"--secret", "gw_key=abc"},
     "kpct: --secret: the value of gw_key is too short to be kept out of reports (secrets need "
     "at least 4 bytes)" TRY},
    {{"--var", "a_name_of_sixty_five_bytes_is_one_byte_over_the_bound_of_sixty_4x=1"},
     "kpct: --var: name \"a_name_of_sixty_...\" is over 64 bytes" TRY},
    {{"--var"}, "kpct: --var needs a value" TRY},
};

Test(cli_vars, refuses_bad_definitions_with_status_64_and_never_shows_a_secret)
{
    char tree[256];
    kpct_child_tree(tree, gateway_suite);
    for (size_t i = 0; i < sizeof usage_rows / sizeof usage_rows[0]; i++) {
        const usage_row *r = &usage_rows[i];
        const char *args[12] = {"run", tree, "--out", "/nonexistent/never-written"};
        for (size_t k = 0; k < 6 && r->args[k]; k++)
            args[4 + k] = r->args[k];
        kpct_child c = kpct_child_run(args, NULL);
        cr_expect_eq(c.status, 64, "row %zu: %s", i, c.err);
        cr_expect_str_eq(c.err, r->message, "row %zu", i);
        cr_expect_str_eq(c.out, "", "row %zu", i);
        cr_expect(!strstr(c.err, "S3cr+t"), "row %zu shows the secret: %s", i, c.err);
        kpct_child_free(&c);
    }
}

Test(cli_vars, bounds_the_count_and_the_bytes_of_the_variables)
{
    char tree[256];
    kpct_child_tree(tree, gateway_suite);
    /* 257 definitions: one over CASE_MAX_RUN_VARS */
    const char **args = calloc(2 + 2 * 257 + 1, sizeof *args);
    char(*defs)[32] = calloc(257, sizeof *defs);
    size_t n = 0;
    args[n++] = "list";
    args[n++] = tree;
    for (int i = 0; i < 257; i++) {
        snprintf(defs[i], sizeof defs[i], "v%d=x", i);
        args[n++] = "--var";
        args[n++] = defs[i];
    }
    kpct_child c = kpct_child_run(args, NULL);
    cr_expect_eq(c.status, 64, "%s", c.err);
    cr_expect_str_eq(c.err, "kpct: --var: more than 256 variables (CASE_MAX_RUN_VARS)" TRY);
    kpct_child_free(&c);
    free(args);
    free(defs);
    /* a value one byte over CASE_MAX_VAR_BYTES */
    size_t len = strlen("big=") + (64u << 10) + 1;
    char *big = malloc(len + 1);
    memcpy(big, "big=", 4);
    memset(big + 4, 'x', len - 4);
    big[len] = '\0';
    const char *args2[] = {"list", tree, "--var", big, NULL};
    c = kpct_child_run(args2, NULL);
    cr_expect_eq(c.status, 64, "%s", c.err);
    cr_expect_str_eq(c.err, "kpct: --var: the value of big is 65537 bytes, over 65536 "
                            "(CASE_MAX_VAR_BYTES)" TRY);
    kpct_child_free(&c);
    free(big);
}

/* ---- undefined variables ------------------------------------------------------------- */

static const char undefined_suite[] =
    "{\"suite\": \"gw\", \"title\": \"gateway\", \"cases\": [\n"
    " {\"id\": \"gw.header\", \"title\": \"a header from the command line\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\",\n"
    "    \"headers\": {\"X-Gateway-Key\": \"${var:gw_key}\", \"X-Tenant\": \"${var:tenant}\"}},\n"
    "   \"expect\": {\"status\": 404}}]},\n"
    " {\"id\": \"gw.fixture\", \"title\": \"a fixture that uses one\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions\", \"body\": {\"fixture\": \"gw_order\"}},\n"
    "   \"expect\": {\"status\": 200}}]},\n"
    " {\"id\": \"gw.variant\", \"title\": \"a variant that uses one\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
    "   \"expect\": {\"status\": 200}, \"variant_target\": true}],\n"
    "  \"variants\": [{\"id\": \"plain\", \"title\": \"plain\"},\n"
    "   {\"id\": \"tenant\", \"title\": \"tenant\", \"patch\": [{\"op\": \"add\",\n"
    "    \"path\": \"/merchant_reference2\", \"value\": \"${var:tenant}\"}]}]},\n"
    " {\"id\": \"gw.playground\", \"title\": \"skipped here\", \"clauses\": [],\n"
    "  \"targets\": [\"playground\"],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/${var:only_on_the_playground}\"},\n"
    "   \"expect\": {\"status\": 404}}]}]}\n";

/* fixtures/SE/gw_order.json: the SE session with a reference from the command line. */
static void write_order_fixture(const char *tree)
{
    char path[600], err[256];
    size_t len;
    snprintf(path, sizeof path, "%s/fixtures/SE/session.json", tree);
    char *session = kfile_read(path, 1 << 20, &len, err, sizeof err);
    cr_assert_not_null(session, "%s", err);
    cJSON *j = cJSON_Parse(session);
    cr_assert_not_null(j);
    cJSON_ReplaceItemInObjectCaseSensitive(j, "merchant_reference1",
                                           cJSON_CreateString("${var:order_ref}"));
    char *text = cJSON_Print(j);
    snprintf(path, sizeof path, "%s/fixtures/SE/gw_order.json", tree);
    cr_assert_eq(kfile_write_atomic(path, text, strlen(text), err, sizeof err), 0, "%s", err);
    free(text);
    cJSON_Delete(j);
    free(session);
}

Test(cli_vars, stops_run_and_list_on_an_undefined_variable_with_status_64_and_lint_passes)
{
    char tree[256], out[300], expected[2048];
    kpct_child_tree(tree, undefined_suite);
    write_order_fixture(tree);
    snprintf(out, sizeof out, "%s-out", tree);
    const char *lint[] = {"lint", tree, NULL};
    kpct_child c = kpct_child_run(lint, NULL);
    cr_expect_eq(c.status, 0, "lint checks the syntax only, as for ${env:...}: %s", c.err);
    kpct_child_free(&c);
    snprintf(expected, sizeof expected,
             "kpct: %s/suite.json:2: test gw.header uses ${var:gw_key}, which no --var or "
             "--secret defines\n"
             "kpct: %s/suite.json:2: test gw.header uses ${var:tenant}, which no --var or "
             "--secret defines\n"
             "kpct: %s/suite.json:7: test gw.fixture uses ${var:order_ref}, which no --var or "
             "--secret defines\n"
             "kpct: 3 tests use undefined variables; give --var NAME=VALUE (or --secret) for "
             "each; nothing was run" TRY,
             tree, tree, tree);
    for (int list = 0; list < 2; list++) {
        const char *args[] = {list ? "list" : "run", tree, "--out", out, NULL};
        c = kpct_child_run(args, NULL);
        cr_expect_eq(c.status, 64, "%s", c.err);
        cr_expect_str_eq(c.err, expected);
        cr_expect_str_eq(c.out, "");
        kpct_child_free(&c);
    }
    cr_expect_neq(access(out, F_OK), 0, "nothing was written");
    /* each missing name once, with the first test that uses it (gw.variant.tenant's is
     * gw.header's); defined, it runs; the skipped test needs none */
    const char *args[] = {"run",     tree,
                          "--out",   out,
                          "--var",   "tenant=" TENANT,
                          "--var",   "gw_key=k",
                          "--var",   "order_ref=ORDER-77",
                          "--color", "never",
                          NULL};
    c = kpct_child_run(args, NULL);
    cr_expect_eq(c.status, 0, "%s%s", c.out, c.err);
    cr_expect(strstr(c.out, "4 passed, 0 failed, 0 errored, 1 skipped"), "%s", c.out);
    kpct_child_free(&c);
}

/* ---- the echoing server ---------------------------------------------------------------- */

typedef struct echo_server {
    loopback srv;
    atomic_int saw_secret; /* requests whose header and body both carried it */
} echo_server;

/* The header's value in every form: raw, percent-encoded four ways, JSON-escaped, and
 * base64 and base64url at each offset. */
static void forms(kbuf *o, const char *v)
{
    kbuf_printf(o, "%s ", v);
    for (int lower = 0; lower < 2; lower++)
        for (int plus = 0; plus < 2; plus++)
            leak_check_pct(o, v, lower, plus, false);
    leak_check_json_ascii(o, v);
    for (int a = 0; a < 3; a++) {
        kbuf in;
        kbuf_init(&in, 4096);
        kbuf_append(&in, "xyz", (size_t)a);
        kbuf_puts(&in, v);
        for (int url = 0; url < 2; url++) {
            char *e = b64_encode(in.data, in.len, url);
            kbuf_printf(o, "%s ", e);
            free(e);
        }
        kbuf_free(&in);
    }
}

static void answer(void *ctx, int c)
{
    echo_server *s = ctx;
    kbuf req;
    kbuf_init(&req, 1 << 20);
    size_t head_end = loopback_read_request(c, &req);
    const char *key = req.data ? strcasestr(req.data, "\r\nx-gateway-key: ") : NULL;
    char *value = strndup(key ? key + 17 : "", key ? strcspn(key + 17, "\r\n") : 0);
    if (!strcmp(value, SECRET) && head_end && strstr(req.data + head_end, SECRET))
        atomic_fetch_add(&s->saw_secret, 1);
    kbuf echo;
    kbuf_init(&echo, 1 << 20);
    kbuf_puts(&echo, "echo_marker ");
    forms(&echo, value);
    kbuf_append(&echo, req.data ? req.data : "", req.len); /* the whole request, last */
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "echo", kbuf_str(&echo));
    char *text = cJSON_PrintUnformatted(body);
    kbuf resp;
    kbuf_init(&resp, 1 << 21);
    kbuf_printf(&resp,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                "X-Echo-Key: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                value, strlen(text), text);
    loopback_write_all(c, resp.data, resp.len);
    free(text);
    cJSON_Delete(body);
    free(value);
    kbuf_free(&echo);
    kbuf_free(&resp);
    kbuf_free(&req);
}

static void echo_start(echo_server *s)
{
    atomic_init(&s->saw_secret, 0);
    loopback_start(&s->srv, answer, s);
}

/* ---- the secret never comes out ------------------------------------------------------ */

static const char *const secrets[] = {SECRET};

/* What the outputs must hold: the echo (else the test proved nothing) and the --var. */
static const char *const markers[] = {"echo_marker", TENANT, NULL};

Test(cli_vars, sends_a_secret_and_never_writes_it_anywhere_in_any_encoding)
{
    char tree[256], out[300], url[64];
    echo_server srv;
    echo_start(&srv);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.srv.port);
    kpct_child_tree(tree, gateway_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    static const char *const env[] = {"KLARNA_USERNAME=shop-user", "KLARNA_PASSWORD=shop-pass",
                                      NULL};
    const char *args[] = {"run", tree,       "--out",          out,     "--target",
                          url,   "--secret", "gw_key=" SECRET, "--var", "tenant=" TENANT,
                          "-vv", NULL};
    kpct_child c = kpct_child_run(args, env);
    cr_expect_eq(c.status, 1, "the echo answers 400, a failure: %s%s", c.out, c.err);
    cr_expect_eq(atomic_load(&srv.saw_secret), 1, "the secret went out in the header and body");
    cr_expect(strstr(c.err, "-H 'X-Gateway-Key: ***'"), "the trace: %s", c.err);
    cr_expect(strstr(c.err, "-H 'X-Tenant: " TENANT "'"), "a --var is not a secret: %s", c.err);
    unsigned seen = 0;
    size_t files = leak_check_run(c.dir, out, secrets, 1, markers, &seen);
    cr_expect_geq(files, 5, "junit.xml, results.json, coverage.json, report.html, summary.md");
    cr_expect(seen & 1, "the echo reached no output: the test proved nothing");
    cr_expect(seen & 2, "the --var reached no output");
    kpct_child_free(&c);
    loopback_stop(&srv.srv);
}
