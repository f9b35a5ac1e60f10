/* Secrets a server echoes back in every encoding it might use — decoded, percent-encoded,
 * base64 and base64url at each alignment, JSON-escaped — never reach kpct's console, its
 * -vv trace, or any file of its run folder. An echoing loopback server answers 400 with
 * the request's Basic credentials in all those forms; every output is then searched
 * for each form and decoded every way a reader could decode it (tests/leak_check.c). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "b64.h"
#include "kbuf.h"
#include "kfile.h"
#include "leak_check.h"
#include "loopback.h"
#include "test_tmp.h"

#define USER "K4711_shop eu"
#define PASS "s3cr+t/p@ss:%\xc3\xa9!"
#define PAIR USER ":" PASS

static const char *const secrets[] = {USER, PASS, PAIR};

/* ---- the echoing server --------------------------------------------------------- */

/* base64 of pair with a bytes before it (and 3 - a after), both alphabets, padded and
 * not, and percent-encoded as a form body would carry it. */
static void base64_forms(kbuf *o, const char *pair)
{
    for (int a = 0; a < 3; a++) {
        kbuf in;
        kbuf_init(&in, 4096);
        kbuf_append(&in, "xyz", (size_t)a);
        kbuf_puts(&in, pair);
        kbuf_append(&in, "!!!", (size_t)(3 - a));
        for (int url = 0; url < 2; url++) {
            char *e = b64_encode(in.data, in.len, url);
            kbuf_printf(o, "%s ", e);
            if (!url) {
                leak_check_pct(o, e, false, false, false);
                kbuf_printf(o, "b64=%s; ", e + 1); /* a run starting mid-quantum */
            }
            free(e);
        }
        kbuf_free(&in);
    }
}

static void answer(void *ctx, int c)
{
    (void)ctx;
    kbuf req;
    kbuf_init(&req, 1 << 20);
    loopback_read_request(c, &req);
    char *pair = strdup("");
    const char *auth = req.data ? strcasestr(req.data, "\r\nauthorization: basic ") : NULL;
    if (auth) {
        auth += 23;
        size_t dl = 0;
        free(pair);
        pair = b64_decode(auth, strcspn(auth, "\r\n"), &dl);
        if (!pair)
            pair = strdup("");
    }
    kbuf body;
    kbuf_init(&body, 1 << 16);
    kbuf_puts(&body, "{\"echo_marker\": \"");
    if (auth)
        kbuf_append(&body, auth, strcspn(auth, "\r\n"));
    kbuf_printf(&body, " %s ", pair);
    char *colon = strchr(pair, ':');
    if (colon) {
        *colon = '\0';
        kbuf_printf(&body, "user=%s pass=%s ", pair, colon + 1);
        leak_check_pct(&body, pair, false, true, false);
        leak_check_pct(&body, colon + 1, true, false, false);
        *colon = ':';
    }
    for (int lower = 0; lower < 2; lower++)
        for (int plus = 0; plus < 2; plus++)
            for (int reserved = 0; reserved < 2; reserved++)
                leak_check_pct(&body, pair, lower, plus, reserved);
    leak_check_json_ascii(&body, pair);
    base64_forms(&body, pair);
    kbuf_puts(&body, "\"}");
    kbuf resp;
    kbuf_init(&resp, 1 << 17);
    kbuf_printf(&resp,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                "X-Echo: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                pair, body.len);
    kbuf_append(&resp, body.data, body.len);
    loopback_write_all(c, resp.data, resp.len);
    free(pair);
    kbuf_free(&req);
    kbuf_free(&body);
    kbuf_free(&resp);
}

/* ---- the run -------------------------------------------------------------------- */

static const char suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.echo\", \"title\": \"a server that echoes credentials\", \"clauses\": "
    "[],\n"
    "  \"steps\": [{\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": "
    "\"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
    "    \"expect\": {\"status\": 200}}]}]}\n";

/* The echo's mark: an output holding it shows the echo reached that output. */
static const char *const markers[] = {"echo_marker", NULL};

Test(harden_redact, no_output_of_a_run_holds_a_credential_in_any_encoding)
{
    char tree[256], out[300], cmd[1024], url[64], path[600];
    loopback srv;
    loopback_start(&srv, answer, NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
    cr_assert_not_null(test_tmp_dir(tree, sizeof tree, "kpct-echo"));
    snprintf(out, sizeof out, "%s/out", tree);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/cases/fixtures' && cp -r '%s/fixtures/SE' '%s/cases/fixtures/'", tree,
             getenv("KPCT_CASES"), tree);
    cr_assert_eq(system(cmd), 0);
    char err[256];
    snprintf(path, sizeof path, "%s/cases/suite.json", tree);
    cr_assert_eq(kfile_write_atomic(path, suite, strlen(suite), err, sizeof err), 0, "%s", err);
    char so[600], se[600];
    snprintf(so, sizeof so, "%s/stdout", tree);
    snprintf(se, sizeof se, "%s/stderr", tree);
    snprintf(cmd, sizeof cmd, "%s/cases", tree);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setenv("KLARNA_USERNAME", USER, 1);
        setenv("KLARNA_PASSWORD", PASS, 1);
        if (!freopen(so, "w", stdout) || !freopen(se, "w", stderr))
            _exit(99);
        execl(getenv("KPCT_BIN"), "kpct", "run", cmd, "--out", out, "--target", url, "-vv",
              (char *)NULL);
        _exit(98);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "kpct should fail the test: %d", st);
    /* stdout, stderr, and every file of the run folder, whichever reporters there are */
    unsigned seen = 0;
    size_t files = leak_check_run(tree, out, secrets, 3, markers, &seen);
    cr_expect_geq(files, 3, "junit.xml, results.json and coverage.json at least");
    cr_expect(seen & 1, "the echoed body reached no output: the test proved nothing");
    loopback_stop(&srv);
}

/* The checker itself finds what it must, or the test above proves nothing. */
Test(harden_redact, the_leak_check_sees_through_every_encoding)
{
    kbuf b;
    kbuf_init(&b, 1 << 16);
    base64_forms(&b, PAIR);
    /* each form alone must be caught */
    const char *p = b.data;
    size_t caught = 0, forms = 0;
    char why[512];
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n >= 8) {
            forms++;
            caught += leak_check(p, n, secrets, 3, why, sizeof why);
        }
        p += n + (p[n] == ' ');
    }
    cr_expect_eq(caught, forms);
    kbuf c;
    kbuf_init(&c, 4096);
    leak_check_pct(&c, PASS, true, true, true);
    leak_check_json_ascii(&c, PASS);
    cr_expect(leak_check(c.data, c.len, secrets, 3, why, sizeof why));
    kbuf_free(&b);
    kbuf_free(&c);
}
