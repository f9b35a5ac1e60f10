/* Robustness of kpmock against malformed HTTP (raw sockets), and the kpmock program as a
 * process: its listening line, its exit statuses, and a clean stop on SIGTERM. */
#include "test_mock_util.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static mock_server *srv;

static void start(void)
{
    mock_config cfg;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tm_config(&cfg);
    cfg.idle_timeout_s = 1;
    srv = tm_start(&cfg);
}

static void stop(void)
{
    mock_server_stop(srv);
}

TestSuite(mock_malformed, .init = start, .fini = stop);

static void still_serving(void)
{
    free(tm_create(mock_server_url(srv), NULL));
}

typedef struct raw_row {
    const char *request;
    const char *expect_prefix; /* NULL = the connection may just be closed */
} raw_row;

Test(mock_malformed, refuses_bad_request_lines_and_keeps_serving)
{
    static const raw_row rows[] = {
        /* MHD closes on a request line it cannot parse at all */
        {"GARBAGE\r\n\r\n", NULL},
        {"GET\r\n\r\n", NULL},
        {"GET / HTTP/9.9\r\nHost: x\r\n\r\n", "HTTP/1.1 505"},
        {"POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
         "HTTP/1.1 400"},
        {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", NULL}, /* a TLS hello */
        {"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n", "HTTP/1.1 400"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[4096];
        long n = tm_raw(mock_server_port(srv), rows[i].request, strlen(rows[i].request), out,
                        sizeof out, 3000);
        cr_assert_geq(n, 0, "row %zu: connect failed", i);
        if (rows[i].expect_prefix)
            cr_assert(strncmp(out, rows[i].expect_prefix, strlen(rows[i].expect_prefix)) == 0,
                      "row %zu: got '%.60s'", i, out);
        else
            cr_assert(n == 0 || strncmp(out, "HTTP/1.1 4", 10) == 0, "row %zu: got '%.60s'", i,
                      out);
        still_serving();
    }
}

Test(mock_malformed, refuses_a_64_kb_header_and_keeps_serving)
{
    size_t big = 64 * 1024;
    char *req = malloc(big + 256), out[4096];
    int n = snprintf(req, 256, "GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', big);
    memcpy(req + n + big, "\r\n\r\n", 5);
    long got = tm_raw(mock_server_port(srv), req, strlen(req), out, sizeof out, 3000);
    /* MHD answers 431 (or closes): never a 200 */
    cr_assert(got == 0 || (strncmp(out, "HTTP/1.1 4", 10) == 0), "got '%.60s'", out);
    free(req);
    still_serving();
}

Test(mock_malformed, closes_slow_headers_after_the_idle_timeout)
{
    static const char partial[] = "GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Slow: a";
    char out[256];
    /* the request never completes: with a 1 s idle timeout the server hangs up first */
    long n = tm_raw(mock_server_port(srv), partial, sizeof partial - 1, out, sizeof out, 5000);
    cr_assert_eq(n, 0, "got '%s'", out);
    still_serving();
}

Test(mock_malformed, survives_a_client_that_vanishes_mid_body)
{
    static const char req[] = "POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                              "Content-Length: 500\r\n\r\n{\"purchase";
    char out[64];
    tm_raw(mock_server_port(srv), req, sizeof req - 1, out, sizeof out, 100);
    still_serving();
    /* the server notices the hang-up on its own time: wait for it (up to 5 s), rather
     * than race it (the journal was sometimes read first under ASan) */
    char last[512] = "";
    cr_assert(tm_journal_has(mock_server_url(srv), "\"status\":0", last, sizeof last),
              "the unanswered request is journaled: %s", last);
}

/* ---- the kpmock program ---- */

static const char *bin(void)
{
    const char *b = getenv("KPMOCK_BIN");
    cr_assert_not_null(b, "KPMOCK_BIN is not set");
    return b;
}

Test(mock_program, prints_one_listening_line_serves_and_stops_on_sigterm)
{
    char *argv[] = {(char *)bin(), "--port", "0",          "--seed", "1",
                    "--username",  "u",      "--password", "p",      NULL};
    tm_child c = tm_spawn(argv, false);
    char line[256], url[256];
    tm_listening(c.out, "http", url, sizeof url);
    tm_resp r;
    tm_request(url, "POST", "/payments/v1/sessions", TM_SESSION_SE, "u:p", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    tm_resp_free(&r);
    kill(c.pid, SIGTERM);
    cr_assert_eq(tm_wait_exit(c.pid), 0);
    cr_assert_null(fgets(line, sizeof line, c.out), "exactly one line: then '%s'", line);
    fclose(c.out);
}

Test(mock_program, takes_credentials_from_the_environment_and_stops_on_sigint)
{
    setenv("KPMOCK_USERNAME", "envuser", 1);
    setenv("KPMOCK_PASSWORD", "envpass", 1);
    char *argv[] = {(char *)bin(), NULL};
    tm_child c = tm_spawn(argv, false);
    unsetenv("KPMOCK_USERNAME");
    unsetenv("KPMOCK_PASSWORD");
    char url[256];
    tm_listening(c.out, "http", url, sizeof url);
    tm_resp r;
    tm_request(url, "GET", "/payments/v1/sessions/x", NULL, "envuser:envpass", NULL, &r);
    cr_assert_eq(r.status, 404, "authenticated, then not found");
    tm_resp_free(&r);
    kill(c.pid, SIGINT);
    cr_assert_eq(tm_wait_exit(c.pid), 0);
    fclose(c.out);
}

typedef struct usage_row {
    const char *args[4];
    int status;
    const char *says;
} usage_row;

Test(mock_program, exits_64_with_one_line_on_bad_arguments)
{
    static const usage_row rows[] = {
        {{"--port", "70000"}, 64, "--port"},
        {{"--port", "x"}, 64, "--port"},
        {{"--threads", "0"}, 64, "--threads"},
        {{"--expiry-base", "never"}, 64, "--expiry-base"},
        {{"--completed", "500"}, 64, "--completed"},
        {{"--bogus"}, 64, "unknown option '--bogus'"},
        {{"-x"}, 64, "unknown option '-x'"},
        {{"--port"}, 64, "'--port' needs a value"},
        {{"--quota=1"}, 64, "takes no value"},
        {{"--tls-cert", "x.pem"}, 64, "--tls-key"},
        {{"extra"}, 64, "extra"},
        {{"--password", ""}, 64, "password"},
        {{"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"}, 69, "TLS"},
        /* not an address is a bad argument, not a failure to start */
        {{"--bind", "999.1.1.1"}, 64, "--bind wants an IPv4 or IPv6 address, not '999.1.1.1'"},
        {{"--bind", "localhost"}, 64, "--bind"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *argv[8] = {(char *)bin()};
        for (int k = 0; k < 4 && rows[i].args[k]; k++)
            argv[k + 1] = (char *)rows[i].args[k];
        tm_child c = tm_spawn(argv, true);
        char line[512] = "", more[512];
        cr_assert_not_null(fgets(line, sizeof line, c.out), "row %zu: no message", i);
        cr_assert_null(fgets(more, sizeof more, c.out), "row %zu: more than one line: %s", i, more);
        cr_assert_eq(tm_wait_exit(c.pid), rows[i].status, "row %zu: %s", i, line);
        cr_assert(strstr(line, rows[i].says), "row %zu: '%s' lacks '%s'", i, line, rows[i].says);
        fclose(c.out);
    }
}

Test(mock_program, documents_every_option_in_help_and_never_prints_the_password)
{
    static const char *opts[] = {"--bind",
                                 "--port",
                                 "--username",
                                 "--password",
                                 "--seed",
                                 "--tls-cert",
                                 "--tls-key",
                                 "--max-body",
                                 "--max-sessions",
                                 "--max-store-bytes",
                                 "--journal-size",
                                 "--max-connections",
                                 "--per-ip-connections",
                                 "--idle-timeout",
                                 "--threads",
                                 "--session-ttl",
                                 "--expiry-base",
                                 "--completed",
                                 "--quota",
                                 "--quota-create",
                                 "--quota-other",
                                 "--help",
                                 "--version"};
    char *argv[] = {(char *)bin(), "--password", "hunter2secret", "--help", NULL};
    tm_child c = tm_spawn(argv, true);
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, c.out);
    buf[n] = '\0';
    cr_assert_eq(tm_wait_exit(c.pid), 0);
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        cr_assert(strstr(buf, opts[i]), "--help lacks %s", opts[i]);
    cr_assert_null(strstr(buf, "hunter2secret"));
    cr_assert(strstr(buf, "$KPMOCK_USERNAME,\n                          else kpmock)"),
              "--help names the default credentials");
    fclose(c.out);
    char *v[] = {(char *)bin(), "--version", NULL};
    c = tm_spawn(v, false);
    cr_assert_not_null(fgets(buf, sizeof buf, c.out));
    cr_assert_str_eq(buf, "kpmock 0.1.0\n");
    cr_assert_eq(tm_wait_exit(c.pid), 0);
    fclose(c.out);
}

Test(mock_program, exits_69_when_the_port_is_taken)
{
    mock_config cfg;
    tm_config(&cfg);
    mock_server *s = tm_start(&cfg);
    char port[16];
    snprintf(port, sizeof port, "%u", mock_server_port(s));
    char *argv[] = {(char *)bin(), "--port", port, "--password", "hunter2secret", NULL};
    tm_child c = tm_spawn(argv, true);
    char line[512] = "";
    cr_assert_not_null(fgets(line, sizeof line, c.out));
    cr_assert_eq(tm_wait_exit(c.pid), 69, "%s", line);
    cr_assert(strstr(line, "cannot start serving"), "%s", line);
    cr_assert_null(strstr(line, "hunter2secret"));
    fclose(c.out);
    mock_server_stop(s);
}

Test(mock_program, serves_https_with_tls_options)
{
    const char *dir = getenv("KPMOCK_TEST_CERTS");
    char cert[512], key[512], url[256];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    char *argv[] = {(char *)bin(), "--tls-cert", cert, "--tls-key", key, NULL};
    tm_child c = tm_spawn(argv, false);
    tm_listening(c.out, "https", url, sizeof url);
    tm_resp r;
    tm_request_tls(url, "GET", "/__admin/health", NULL, NULL, cert, &r);
    cr_assert_eq(r.status, 200, "curl %d", r.curl_code);
    tm_resp_free(&r);
    kill(c.pid, SIGTERM);
    cr_assert_eq(tm_wait_exit(c.pid), 0);
    fclose(c.out);
}

Test(mock_program, exits_69_on_a_certificate_that_is_not_one)
{
    const char *dir = getenv("KPMOCK_TEST_CERTS");
    char cert[512], key[512], line[512] = "";
    snprintf(cert, sizeof cert, "%s/key.pem", dir); /* swapped on purpose */
    snprintf(key, sizeof key, "%s/cert.pem", dir);
    char *argv[] = {(char *)bin(), "--tls-cert", cert, "--tls-key", key, NULL};
    tm_child c = tm_spawn(argv, true);
    cr_assert_not_null(fgets(line, sizeof line, c.out));
    cr_assert_eq(tm_wait_exit(c.pid), 69, "%s", line);
    cr_assert(strstr(line, "TLS"), "%s", line);
    fclose(c.out);
}
