/* test_mock_util: helpers shared by the kpmock test suites — start an in-process mock
 * on a free loopback port, make requests with libcurl or raw sockets, and parse answers.
 * Ownership: tm_resp owns its body and headers (tm_resp_free); strings returned by
 * tm_header and tm_create are the caller's to free; a tm_child's out is the caller's to
 * fclose. */
#ifndef KPCT_TEST_MOCK_UTIL_H
#define KPCT_TEST_MOCK_UTIL_H

#include "mock.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* A valid SE session: one taxed line. */
#define TM_SESSION_SE                                                                              \
    "{\"purchase_country\":\"SE\",\"purchase_currency\":\"SEK\",\"locale\":\"sv-SE\","             \
    "\"order_amount\":10000,\"order_tax_amount\":2000,\"order_lines\":[{\"type\":\"physical\","    \
    "\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,\"tax_rate\":2500,"                     \
    "\"total_amount\":10000,\"total_tax_amount\":2000}]}"
/* A valid cart update for TM_SESSION_SE: two boots. */
#define TM_UPDATE_SE                                                                               \
    "{\"order_amount\":20000,\"order_tax_amount\":4000,\"order_lines\":[{\"type\":\"physical\","   \
    "\"name\":\"Boot\",\"quantity\":2,\"unit_price\":10000,\"tax_rate\":2500,"                     \
    "\"total_amount\":20000,\"total_tax_amount\":4000}]}"
#define TM_USERPWD "kpmock:kpmock"

typedef struct tm_resp {
    long status;   /* 0 when the transfer failed */
    int curl_code; /* CURLcode */
    char *body;
    size_t body_len;
    char *headers; /* raw header block */
} tm_resp;

/* Returns how many times slower than usual the tests run (KPCT_TEST_SLOWDOWN, 1..100,
 * default 1; meson's valgrind setup sets it): waits meant as "long enough" scale by it. */
unsigned tm_slowdown(void);
/* Test defaults: mock_config_defaults, seed 42, 2 s idle timeout (times tm_slowdown). */
void tm_config(mock_config *cfg);
/* Starts a mock (asserting success). */
mock_server *tm_start(const mock_config *cfg);
/* Makes one request; body may be NULL; userpwd NULL = no auth; extra_header may be NULL. */
void tm_request(const char *base, const char *method, const char *path, const char *body,
                const char *userpwd, const char *extra_header, tm_resp *out);
/* Same with a CA file for https (NULL = none). */
void tm_request_tls(const char *base, const char *method, const char *path, const char *body,
                    const char *userpwd, const char *cafile, tm_resp *out);
/* Releases a response; accepts NULL. */
void tm_resp_free(tm_resp *r);
/* Returns a copy of the value of response header name (case-insensitive), or NULL. */
char *tm_header(const tm_resp *r, const char *name);
/* Parses the body as JSON (NULL if it is not). */
cJSON *tm_json(const tm_resp *r);
/* tm_create without assertions, for worker threads (Criterion's asserts are not
 * thread-safe): returns the new id, or NULL with the reason in why. */
char *tm_try_create(const char *base, const char *body, char *why, size_t whylen);
/* Creates a session from body (TM_SESSION_SE when NULL), asserting 200; returns its id. */
char *tm_create(const char *base, const char *body);
/* Sends raw bytes to 127.0.0.1:port and reads until the peer closes, timeout_ms passes or
 * outmax-1 bytes arrive; returns the bytes read (NUL-terminated in out), -1 if connect failed. */
long tm_raw(unsigned port, const char *data, size_t len, char *out, size_t outmax, int timeout_ms);
/* Asserts r is a Klarna error of status and code: JSON body with correlation_id,
 * error_code, error_messages[] and a matching Klarna-Correlation-Id header. Returns the
 * first message (caller frees). */
char *tm_assert_klarna_error(const tm_resp *r, long status, const char *code);
/* Admin POST with a JSON body; asserts the expected status. */
void tm_admin(const char *base, const char *method, const char *path, const char *body,
              long expect_status);
/* Polls GET /__admin/journal every 50 ms, for up to 5 s, until its body contains needle:
 * the server journals a request its client left on its own time. Returns whether it
 * did; the last body read goes to last (lastlen bytes) when last is not NULL. */
bool tm_journal_has(const char *base, const char *needle, char *last, size_t lastlen);

/* A program run as a child process, its stdout (and maybe stderr) readable from out. */
typedef struct tm_child {
    pid_t pid;
    FILE *out;
} tm_child;

/* Runs argv[0] with argv (NULL-terminated), its stdout piped to out, and its stderr too
 * when capture_stderr; asserts the fork succeeded. */
tm_child tm_spawn(char *const argv[], bool capture_stderr);
/* Waits for pid, asserts it exited normally, and returns its exit status. */
int tm_wait_exit(pid_t pid);
/* Reads the kpmock program's first line, "kpmock listening on URL\n", from out and asserts
 * URL is scheme "://127.0.0.1:" and a port above 0; copies URL into url (urllen bytes)
 * and returns the port. */
unsigned tm_listening(FILE *out, const char *scheme, char *url, size_t urllen);

#endif
