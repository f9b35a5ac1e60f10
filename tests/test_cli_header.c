/* kpct run and list with --header, end to end: bad headers end before anything is sent
 * (exit 64, exact messages, never a secret), and against a gateway in front of a kpmock
 * that answers 401 to any request without its key, the run's header reaches every request
 * -- the preflight, the kpmock probe, each step and admin call -- a step's own value wins,
 * and the key never reaches the console, the -vv trace or any file of the run folder. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "b64.h"
#include "kbuf.h"
#include "kfile.h"
#include "kpct_child.h"
#include "leak_check.h"
#include "loopback.h"
#include "test_mock_util.h"

/* Bytes that every encoding changes: a space, +, /, @, :, % and a non-ASCII letter. */
#define SECRET    "gw S3cr+t/k@y:%\xc3\xa9!"
#define WRONG_KEY "not-the-gateway-key"
#define TRY       "\nTry 'kpct --help'.\n"

/* A read, a create and read, an admin step (mock-only: it runs only when the probe saw
 * kpmock through the gateway), and a step that sets the gateway's header itself. */
static const char gateway_suite[] =
    "{\"suite\": \"gw\", \"title\": \"gateway\", \"cases\": [\n"
    " {\"id\": \"gw.create\", \"title\": \"create and read behind a gateway\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
    "   \"expect\": {\"status\": 200}, \"capture\": {\"sid\": \"/session_id\"}},\n"
    "  {\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/${sid}\"}, \"expect\": {\"status\": 200}}]},\n"
    " {\"id\": \"gw.admin\", \"title\": \"an admin call behind a gateway\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\",\n"
    "    \"path\": \"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
    "   \"expect\": {\"status\": 200}, \"capture\": {\"sid\": \"/session_id\"}},\n"
    "  {\"name\": \"place the order\", \"admin\": {\"complete_session\": \"${sid}\"}}]},\n"
    " {\"id\": \"gw.own\", \"title\": \"a step's own key wins\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\",\n"
    "    \"path\": \"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\",\n"
    "    \"headers\": {\"x-api-key\": \"" WRONG_KEY "\"}},\n"
    "   \"expect\": {\"status\": 401}}]}]}\n";

/* ---- bad command lines ------------------------------------------------------------- */

typedef struct usage_row {
    const char *args[6];
    const char *message; /* the whole of stderr */
} usage_row;

static const usage_row usage_rows[] = {
    {{"--header", "X-Api-Key"},
     "kpct: --header wants 'Name: VALUE', with a ':' after the name" TRY},
    {{"--header", ": " SECRET}, "kpct: --header: the name before ':' is empty" TRY},
    {{"--header", "X Api: " SECRET},
     "kpct: --header: \"X Api\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ "
     "only)" TRY},
    {{"--header", "Authorization: Basic " SECRET},
     "kpct: --header cannot set Authorization: kpct sends KLARNA_USERNAME and KLARNA_PASSWORD as "
     "Basic auth (and the case files test it): set those" TRY},
    {{"--header", "host: example.com"},
     "kpct: --header cannot set Host: the target's URL decides it" TRY},
    {{"--header", "Content-Length: 3"},
     "kpct: --header cannot set Content-Length: libcurl frames each request body" TRY},
    {{"--header", "transfer-encoding: chunked"},
     "kpct: --header cannot set Transfer-Encoding: libcurl frames each request body" TRY},
    {{"--header", "X-Api-Key: a-key", "--header", "x-api-key: b-key"},
     "kpct: --header x-api-key is given twice" TRY},
    {{"--header", "X-Api-Key: ${var:KEY}"},
     "kpct: --header X-Api-Key: ${var:KEY} is not defined: give --var or --secret KEY=VALUE" TRY},
    {{"--header", "X-Api-Key: ${uuid}"},
     "kpct: --header X-Api-Key: ${uuid} cannot be used here, only ${var:NAME} and ${env:NAME} "
     "(the value is the same for every request)" TRY},
    {{"--header", "X-Api-Key: ${var:KEY"},
     "kpct: --header X-Api-Key: unterminated variable reference \"${\" (write \"$${\" for a "
     "literal \"${\")" TRY},
    {{"--header", "X-Api-Key: ${env:KPCT_TEST_NEVER_SET}"},
     "kpct: --header X-Api-Key: environment variable KPCT_TEST_NEVER_SET is not set (used as "
     "${env:KPCT_TEST_NEVER_SET})" TRY},
    {{"--secret", "KEY=" SECRET "\r\nX-Injected: 1", "--header", "X-Api-Key: ${var:KEY}"},
     "kpct: --header X-Api-Key: the value holds a line break or another control character once "
     "expanded" TRY},
    {{"--var", "EMPTY=", "--header", "X-Api-Key: ${var:EMPTY}"},
     "kpct: --header X-Api-Key: the value is empty" TRY},
    {{"--header"}, "kpct: --header needs a value" TRY},
};

Test(cli_header, refuses_bad_headers_with_status_64_and_never_shows_a_secret)
{
    char tree[256];
    kpct_child_tree(tree, gateway_suite);
    for (size_t i = 0; i < sizeof usage_rows / sizeof usage_rows[0]; i++) {
        const usage_row *r = &usage_rows[i];
        for (int list = 0; list < 2; list++) {
            const char *args[12] = {list ? "list" : "run", tree, "--out",
                                    "/nonexistent/never-written"};
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
    /* the commands that send nothing to a target of the user's refuse it */
    const char *mutate[] = {"mutate", tree, "--header", "X-Api-Key: k", NULL};
    kpct_child c = kpct_child_run(mutate, NULL);
    cr_expect_eq(c.status, 64);
    cr_expect_str_eq(c.err, "kpct: mutate does not take --header" TRY);
    kpct_child_free(&c);
    const char *lint[] = {"lint", tree, "--header", "X-Api-Key: k", NULL};
    c = kpct_child_run(lint, NULL);
    cr_expect_eq(c.status, 64);
    cr_expect_str_eq(c.err, "kpct: lint takes only CASES_DIR, not --header" TRY);
    kpct_child_free(&c);
}

Test(cli_header, bounds_the_count_and_the_bytes_of_the_headers)
{
    char tree[256];
    kpct_child_tree(tree, gateway_suite);
    /* 65 headers: one over CASE_MAX_RUN_HEADERS */
    const char *args[2 + 2 * 65 + 1] = {"list", tree};
    char names[65][32];
    size_t n = 2;
    for (int i = 0; i < 65; i++) {
        snprintf(names[i], sizeof names[i], "X-H%d: v", i);
        args[n++] = "--header";
        args[n++] = names[i];
    }
    kpct_child c = kpct_child_run(args, NULL);
    cr_expect_eq(c.status, 64, "%s", c.err);
    cr_expect_str_eq(c.err, "kpct: --header given more than 64 times (CASE_MAX_RUN_HEADERS)" TRY);
    kpct_child_free(&c);
    args[2 + 2 * 64] = NULL; /* 64 are fine */
    c = kpct_child_run(args, NULL);
    cr_expect_eq(c.status, 0, "%s", c.err);
    kpct_child_free(&c);
    /* "X-Big: " and 8186 bytes: one over CASE_MAX_RUN_HEADER_BYTES as given */
    char *big = malloc(8192 + 2);
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'x', 8186);
    big[8193] = '\0';
    const char *args2[] = {"list", tree, "--header", big, NULL};
    c = kpct_child_run(args2, NULL);
    cr_expect_eq(c.status, 64, "%s", c.err);
    cr_expect_str_eq(c.err,
                     "kpct: --header X-Big: over 8192 bytes (CASE_MAX_RUN_HEADER_BYTES)" TRY);
    kpct_child_free(&c);
    /* as given it fits, once expanded it does not: 8192 - "X-Big: " leaves 8185 */
    char *def = malloc(8192);
    memcpy(def, "BIG=", 4);
    memset(def + 4, 'y', 8186);
    def[8190] = '\0';
    const char *args3[] = {"list", tree, "--var", def, "--header", "X-Big: ${var:BIG}", NULL};
    c = kpct_child_run(args3, NULL);
    cr_expect_eq(c.status, 64, "%s", c.err);
    cr_expect_str_eq(c.err, "kpct: --header X-Big: the value is over 8185 bytes once expanded" TRY);
    kpct_child_free(&c);
    def[8189] = '\0'; /* 8185 bytes: exactly the bound */
    c = kpct_child_run(args3, NULL);
    cr_expect_eq(c.status, 0, "%s", c.err);
    kpct_child_free(&c);
    free(big);
    free(def);
}

/* ---- the gateway ----------------------------------------------------------------------- */

#define GW_LOG_MAX 512

/* A gateway in front of a kpmock: a request with X-Api-Key: SECRET is passed on (one per
 * connection, closed after the answer); any other is answered 401 by the gateway itself. */
typedef struct gateway {
    loopback srv; /* srv.port: where kpct reaches the gateway */
    int mock_port;
    pthread_mutex_t lock;
    char *lines[GW_LOG_MAX]; /* "+ GET /path" (with the key) or "- GET /path" (without) */
    size_t n_lines;
} gateway;

/* Passes the request on to the mock, asking it to close, and relays its answer. */
static void pass_on(const gateway *g, int c, const kbuf *req)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)g->mock_port)};
    int up = socket(AF_INET, SOCK_STREAM, 0);
    if (up < 0 || connect(up, (struct sockaddr *)&a, sizeof a) != 0) {
        if (up >= 0)
            close(up);
        return;
    }
    size_t line_end = (size_t)(strstr(req->data, "\r\n") - req->data) + 2;
    loopback_write_all(up, req->data, line_end);
    loopback_write_all(up, "Connection: close\r\n", 19);
    loopback_write_all(up, req->data + line_end, req->len - line_end);
    /* the answer, with the key echoed back after its status line, raw and in base64, so
     * the run's traces and stories would show it if redaction missed it */
    char buf[65536];
    bool echoed = false;
    for (ssize_t n; (n = read(up, buf, sizeof buf)) > 0;) {
        const char *eol = echoed ? NULL : memmem(buf, (size_t)n, "\r\n", 2);
        if (!eol) {
            loopback_write_all(c, buf, (size_t)n);
            continue;
        }
        char *b64 = b64_encode(SECRET, strlen(SECRET), false), *echo = NULL;
        int len = asprintf(&echo, "X-Echo-Key: %s\r\nX-Echo-Key-B64: %s\r\n", SECRET, b64);
        loopback_write_all(c, buf, (size_t)(eol + 2 - buf));
        if (len > 0)
            loopback_write_all(c, echo, (size_t)len);
        loopback_write_all(c, eol + 2, (size_t)(buf + n - (eol + 2)));
        free(b64);
        free(echo);
        echoed = true;
    }
    close(up);
}

static void answer(void *ctx, int c)
{
    gateway *g = ctx;
    kbuf req;
    kbuf_init(&req, 4u << 20);
    loopback_read_request(c, &req);
    if (!req.len || !strstr(kbuf_str(&req), "\r\n")) {
        kbuf_free(&req);
        return;
    }
    const char *key = strcasestr(req.data, "\r\nx-api-key:");
    const char *head_end = strstr(req.data, "\r\n\r\n");
    bool keyed = false;
    if (key && key < head_end) {
        const char *v = key + 12;
        v += strspn(v, " ");
        keyed = (size_t)strcspn(v, "\r\n") == strlen(SECRET) && !strncmp(v, SECRET, strlen(SECRET));
    }
    /* "+ GET /path" without the query or the protocol */
    size_t target_end = strcspn(req.data, "?\r\n");
    const char *sp = memchr(req.data, ' ', target_end);
    const char *sp2 = sp ? memchr(sp + 1, ' ', target_end - (size_t)(sp + 1 - req.data)) : NULL;
    size_t shown = sp2 ? (size_t)(sp2 - req.data) : target_end;
    char *line = NULL;
    if (asprintf(&line, "%c %.*s", keyed ? '+' : '-', (int)shown, req.data) < 0)
        line = NULL;
    pthread_mutex_lock(&g->lock);
    if (line && g->n_lines < GW_LOG_MAX)
        g->lines[g->n_lines++] = line;
    else
        free(line);
    pthread_mutex_unlock(&g->lock);
    if (keyed) {
        pass_on(g, c, &req);
    } else {
        static const char denied[] =
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
            "WWW-Authenticate: ApiKey\r\nContent-Length: 26\r\n"
            "Connection: close\r\n\r\n{\"error\":\"gateway: no key\"}";
        loopback_write_all(c, denied, sizeof denied - 1);
    }
    kbuf_free(&req);
}

static void gateway_start(gateway *g, int mock_port)
{
    memset(g, 0, sizeof *g);
    pthread_mutex_init(&g->lock, NULL);
    g->mock_port = mock_port;
    loopback_start(&g->srv, answer, g);
}

/* How many logged lines start with prefix. */
static size_t gateway_count(gateway *g, const char *prefix)
{
    size_t n = 0;
    pthread_mutex_lock(&g->lock);
    for (size_t i = 0; i < g->n_lines; i++)
        n += !strncmp(g->lines[i], prefix, strlen(prefix));
    pthread_mutex_unlock(&g->lock);
    return n;
}

static void gateway_forget(gateway *g)
{
    pthread_mutex_lock(&g->lock);
    for (size_t i = 0; i < g->n_lines; i++)
        free(g->lines[i]);
    g->n_lines = 0;
    pthread_mutex_unlock(&g->lock);
}

static void gateway_stop(gateway *g)
{
    loopback_stop(&g->srv);
    gateway_forget(g);
    pthread_mutex_destroy(&g->lock);
}

/* The port of a base URL "http://127.0.0.1:PORT". */
static int port_of(const char *url)
{
    const char *colon = strrchr(url, ':');
    cr_assert_not_null(colon, "%s", url);
    return atoi(colon + 1);
}

/* ---- the key never comes out --------------------------------------------------------- */

static const char *const secrets[] = {SECRET};

/* Every output of the run: its stdout and stderr, and each file of the run folder. */
static void expect_no_leak_anywhere(const kpct_child *c, const char *out)
{
    size_t files = leak_check_run(c->dir, out, secrets, 1, NULL, NULL);
    cr_expect_geq(files, 5, "junit.xml, results.json, coverage.json, report.html, summary.md");
}

Test(cli_header, passes_a_gateway_that_wants_its_key_on_every_request_and_never_shows_the_key)
{
    char tree[256], out[300], url[64], want[256];
    mock_config cfg;
    tm_config(&cfg);
    cfg.username = "gw-shop-user";
    cfg.password = "gw-shop-pass";
    mock_server *mock = tm_start(&cfg);
    gateway g;
    gateway_start(&g, port_of(mock_server_url(mock)));
    snprintf(url, sizeof url, "http://127.0.0.1:%d", g.srv.port);
    kpct_child_tree(tree, gateway_suite);
    snprintf(out, sizeof out, "%s-out", tree);
    static const char *const env[] = {"KLARNA_USERNAME=gw-shop-user",
                                      "KLARNA_PASSWORD=gw-shop-pass", "GW_KEY=" SECRET, NULL};

    /* without the header: the preflight meets the gateway's 401, nothing else is sent */
    const char *bare[] = {"run", tree, "--out", out, "--target", url, NULL};
    kpct_child c = kpct_child_run(bare, env);
    cr_expect_eq(c.status, 2, "%s%s", c.out, c.err);
    snprintf(want, sizeof want,
             "kpct: preflight: %s rejected the credentials (HTTP 401 to GET "
             "/payments/v1/sessions/00000000-0000-4000-8000-000000000000); check "
             "KLARNA_USERNAME and KLARNA_PASSWORD",
             url);
    cr_expect(strstr(c.err, want), "%s", c.err);
    cr_expect(strstr(c.err, "a gateway in front may want its header (--header)"), "%s", c.err);
    cr_expect_eq(gateway_count(&g, "+"), 0);
    cr_expect_eq(gateway_count(&g, "- GET /payments/v1/sessions/00000000-"), 1, "one preflight");
    cr_expect_eq(gateway_count(&g, "- POST"), 0, "no test was sent");
    kpct_child_free(&c);
    gateway_forget(&g);

    /* with it, from a --secret: every request carries the key, the step's own value wins */
    const char *keyed[] = {"run", tree,       "--out",       out,        "--target",
                           url,   "--secret", "KEY=" SECRET, "--header", "X-Api-Key: ${var:KEY}",
                           "-vv", NULL};
    c = kpct_child_run(keyed, env);
    cr_expect_eq(c.status, 0, "%s%s", c.out, c.err);
    cr_expect(strstr(c.out, "3 passed, 0 failed, 0 errored, 0 skipped"), "%s", c.out);
    cr_expect_eq(gateway_count(&g, "+ GET /__admin/health"), 1, "the kpmock probe had the key");
    cr_expect_eq(gateway_count(&g, "+ GET /payments/v1/sessions/00000000-"), 1,
                 "the preflight had the key");
    cr_expect_eq(gateway_count(&g, "+ POST /payments/v1/sessions"), 2, "both creates");
    cr_expect_eq(gateway_count(&g, "+ POST /__admin/"), 1, "the admin call had the key");
    cr_expect_eq(gateway_count(&g, "-"), 1, "only the step with its own key went without");
    cr_expect_eq(gateway_count(&g, "- GET /payments/v1/sessions/00000000-"), 1);
    cr_expect(strstr(c.err, "-H 'X-Api-Key: ***'"), "the trace shows it redacted: %s", c.err);
    cr_expect(strstr(c.err, "-H 'x-api-key: " WRONG_KEY "'"), "the step's own: %s", c.err);
    cr_expect(strstr(c.err, "X-Echo-Key: ***"), "the echo reached the trace: %s", c.err);
    cr_expect(strstr(c.err, "X-Echo-Key-B64: ***"), "%s", c.err);
    expect_no_leak_anywhere(&c, out);
    kpct_child_free(&c);
    gateway_forget(&g);

    /* from the environment, redacted alike */
    const char *from_env[] = {"run",      tree, "--out",    out,
                              "--target", url,  "--header", "X-Api-Key: ${env:GW_KEY}",
                              "-vv",      NULL};
    c = kpct_child_run(from_env, env);
    cr_expect_eq(c.status, 0, "%s%s", c.out, c.err);
    cr_expect_eq(gateway_count(&g, "-"), 1, "%s", c.err);
    cr_expect(strstr(c.err, "-H 'X-Api-Key: ***'"), "%s", c.err);
    expect_no_leak_anywhere(&c, out);
    kpct_child_free(&c);

    gateway_stop(&g);
    mock_server_stop(mock);
}
