/* fuzz_mock: the mock's whole request handler, as kpct meets it — an embedded kpmock on
 * a loopback port, each request sent on its own connection and answered through
 * libmicrohttpd, the router, faults, auth, sessions, validation and the store. The input
 * is up to MAX_REQUESTS requests, FUZZ_SEP-separated: "METHOD URL\n", header lines up to
 * an empty line, then the body. The harness frames each one (Host, Content-Length,
 * Connection: close, and the mock's credentials unless the input sends Authorization),
 * writes "{sid}" in a URL as the last session_id answered, and resets the mock after
 * every input. Once an input has called the faults route, the harness waits at most
 * FAULT_WAIT_MS for each answer, and disarms every fault if a delay or hang longer than
 * FAULT_HOLD_MS is armed.
 * Oracles: the sanitizers; every request with a head under MAX_HEAD gets a whole HTTP answer with a
 * status from 100 to 599, never 500, unless the input armed a fault; every answer that says it is
 * JSON parses; the reset answers 204. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cJSON.h>

#include "fuzz_util.h"
#include "kbuf.h"
#include "mock.h"
#include "mock_admin.h"

#define MAX_REQUESTS   8
#define MAX_ANSWER     (4u << 20)
#define ANSWER_WAIT_S  5
#define FAULT_WAIT_MS  250 /* once a fault may be armed: a delay or hang is not waited out */
#define FAULT_HOLD_MS  200 /* longest delay or hang left armed */
#define AUTH_KPMOCK    "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\n" /* kpmock:kpmock */
#define SESSION_ID_MAX 64
#define MAX_HEAD       8192 /* well within the mock's 32 KiB connection memory */

static mock_server *srv;
static uint16_t port;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    mock_config cfg;
    mock_config_defaults(&cfg);
    cfg.port = 0;
    cfg.seed = 20261201;
    cfg.username = "kpmock";
    cfg.password = "kpmock";
    cfg.idle_timeout_s = ANSWER_WAIT_S;
    cfg.head_timeout_s = ANSWER_WAIT_S;
    cfg.max_sessions = 1000;
    char err[256];
    if (mock_server_start(&cfg, &srv, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_mock: %s\n", err);
        abort();
    }
    port = mock_server_port(srv);
    return 0;
}

/* Sends the whole request on a new connection and reads the answer to its end into
 * answer, waiting at most wait_ms for each read; returns 0, or -1 when the connection
 * failed or went quiet. */
static int exchange(const kbuf *request, kbuf *answer, long wait_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        abort();
    struct timeval tv = {wait_ms / 1000, wait_ms % 1000 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = -1;
    const char *step = "connect";
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto out;
    step = "recv";
    for (size_t sent = 0; sent < request->len;) {
        ssize_t n = send(fd, request->data + sent, request->len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the mock may answer (413, 431) and close before it has read it all */
        sent += (size_t)n;
    }
    char buf[16384];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto out;
        }
        if (kbuf_append(answer, buf, (size_t)n) != 0) {
            errno = EFBIG;
            goto out;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "fuzz_mock: %s after %zu bytes of answer: %s\n", step, answer->len,
                strerror(errno));
    close(fd);
    return rc;
}

/* Whether a header line names one the harness sets itself. */
static bool framing_header(const char *line, size_t len)
{
    static const char *const names[] = {
        "content-length:", "transfer-encoding:", "connection:", "host:"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (len >= strlen(names[i]) && strncasecmp(line, names[i], strlen(names[i])) == 0)
            return true;
    return false;
}

/* Frames one request part into out, *head_len its head's length; returns whether it goes
 * to the faults route. */
static bool frame(const char *part, size_t len, const char *sid, kbuf *out, size_t *head_len)
{
    const char *end = part + len, *nl = memchr(part, '\n', len);
    const char *line_end = nl ? nl : end;
    const char *sp = memchr(part, ' ', (size_t)(line_end - part));
    const char *method = part, *url = sp ? sp + 1 : "/";
    size_t method_len = sp ? (size_t)(sp - part) : (size_t)(line_end - part);
    size_t url_len = sp ? (size_t)(line_end - url) : 1;
    const char *p = nl ? nl + 1 : end;
    const char *headers = p;
    while (p < end && *p != '\n') {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        p = e ? e + 1 : end;
    }
    const char *headers_end = p;
    const char *body = p < end ? p + 1 : end;
    size_t body_len = (size_t)(end - body);
    bool faults = url_len >= strlen(MOCK_ADMIN_FAULTS) &&
                  memcmp(url, MOCK_ADMIN_FAULTS, strlen(MOCK_ADMIN_FAULTS)) == 0;

    kbuf_append(out, method_len ? method : "GET", method_len ? method_len : 3);
    kbuf_puts(out, " ");
    for (size_t i = 0; i < url_len; i++) {
        if (url_len - i >= 5 && memcmp(url + i, "{sid}", 5) == 0) {
            kbuf_puts(out, sid);
            i += 4;
        } else if (url[i] != '\r') {
            kbuf_append(out, url + i, 1);
        }
    }
    /* the input's header lines go right after Host: one that starts with a blank folds
       into the line before it, which must not be one the harness needs */
    kbuf_printf(out, " HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", port);
    bool authz = false;
    for (const char *h = headers; h < headers_end;) {
        const char *e = memchr(h, '\n', (size_t)(headers_end - h));
        size_t hl = (size_t)((e ? e : headers_end) - h);
        while (hl && h[hl - 1] == '\r')
            hl--;
        if (hl && memchr(h, ':', hl) && !framing_header(h, hl)) {
            authz = authz || (hl >= 14 && strncasecmp(h, "authorization:", 14) == 0);
            kbuf_append(out, h, hl);
            kbuf_puts(out, "\r\n");
        }
        h = e ? e + 1 : headers_end;
    }
    if (!authz)
        kbuf_puts(out, AUTH_KPMOCK);
    kbuf_printf(out, "Connection: close\r\nContent-Length: %zu\r\n\r\n", body_len);
    *head_len = out->len;
    kbuf_append(out, body, body_len);
    return faults;
}

/* The answer's status (0 when it has no status line), its body and whether it is JSON. */
static unsigned parse_answer(const kbuf *a, const char **body, size_t *body_len, bool *json)
{
    unsigned status = 0;
    *body = NULL;
    *body_len = 0;
    *json = false;
    if (a->len < 12 || memcmp(a->data, "HTTP/1.", 7) != 0 ||
        sscanf(a->data + 9, "%3u", &status) != 1)
        return 0;
    const char *head_end = memmem(a->data, a->len, "\r\n\r\n", 4);
    if (!head_end)
        return 0;
    for (const char *h = a->data; h < head_end;) {
        const char *e = memmem(h, (size_t)(head_end - h), "\r\n", 2);
        size_t hl = (size_t)((e ? e : head_end) - h);
        if (hl >= 30 && strncasecmp(h, "Content-Type: application/json", 30) == 0)
            *json = true;
        h = e ? e + 2 : head_end;
    }
    *body = head_end + 4;
    *body_len = a->len - (size_t)(*body - a->data);
    return status;
}

/* Remembers the session_id an answer names. */
static void capture_sid(const char *body, size_t len, char sid[SESSION_ID_MAX + 1])
{
    static const char key[] = "\"session_id\":\"";
    const char *at = body ? fuzz_find(body, len, key, sizeof key - 1) : NULL;
    if (!at)
        return;
    at += sizeof key - 1;
    size_t n = 0;
    while (at + n < body + len && at[n] != '"' && n < SESSION_ID_MAX)
        n++;
    memcpy(sid, at, n);
    sid[n] = '\0';
}

/* One exchange of the harness's own with the mock (a fresh request of method on path);
 * returns the answer's status and leaves its body in answer. */
static unsigned admin_call(const char *method, const char *path, kbuf *answer, const char **body,
                           size_t *body_len)
{
    kbuf req;
    kbuf_init(&req, 4096);
    kbuf_printf(&req,
                "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                "Connection: close\r\nContent-Length: 0\r\n\r\n",
                method, path, port);
    kbuf_reset(answer);
    FUZZ_CHECK(exchange(&req, answer, ANSWER_WAIT_S * 1000L) == 0);
    kbuf_free(&req);
    bool json;
    return parse_answer(answer, body, body_len, &json);
}

/* Disarms every fault when one of them would hold a connection longer than
 * FAULT_HOLD_MS: each one held stays open in the mock after the harness gave up on it,
 * and enough of them would exhaust its connections. The mock's own listing says what is
 * armed, however the input spelled it. */
static void disarm_long_waits(void)
{
    kbuf answer;
    kbuf_init(&answer, MAX_ANSWER);
    const char *body;
    size_t body_len;
    FUZZ_CHECK(admin_call("GET", MOCK_ADMIN_FAULTS, &answer, &body, &body_len) == 200);
    cJSON *doc = cJSON_ParseWithLength(body, body_len);
    FUZZ_CHECK(doc != NULL);
    bool long_wait = false;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "faults"))
    {
        const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind"));
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(f, "delay_ms");
        if (!ms)
            ms = cJSON_GetObjectItemCaseSensitive(f, "hang_ms");
        if (kind && (strcmp(kind, "delay") == 0 || strcmp(kind, "hang") == 0))
            long_wait = long_wait || !cJSON_IsNumber(ms) || ms->valuedouble == 0 ||
                        ms->valuedouble > FAULT_HOLD_MS;
    }
    cJSON_Delete(doc);
    if (long_wait)
        FUZZ_CHECK(admin_call("DELETE", MOCK_ADMIN_FAULTS, &answer, &body, &body_len) / 100 == 2);
    kbuf_free(&answer);
}

static void reset_mock(void)
{
    kbuf answer;
    kbuf_init(&answer, MAX_ANSWER);
    const char *body;
    size_t body_len;
    FUZZ_CHECK(admin_call("POST", MOCK_ADMIN_RESET, &answer, &body, &body_len) == 204);
    kbuf_free(&answer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (64u << 10))
        return 0;
    fuzz_input in = fuzz_input_of(data, size);
    const char *part;
    size_t len;
    char sid[SESSION_ID_MAX + 1] = "none";
    bool arms_fault = false;
    kbuf req, answer;
    kbuf_init(&req, 1u << 20);
    kbuf_init(&answer, MAX_ANSWER);
    for (int n = 0; n < MAX_REQUESTS && fuzz_take(&in, &part, &len); n++) {
        kbuf_reset(&req);
        kbuf_reset(&answer);
        size_t head_len = 0;
        bool to_faults = frame(part, len, sid, &req, &head_len);
        arms_fault = arms_fault || to_faults;
        int rc = exchange(&req, &answer, arms_fault ? FAULT_WAIT_MS : ANSWER_WAIT_S * 1000L);
        if (to_faults)
            disarm_long_waits();
        if (arms_fault || head_len > MAX_HEAD)
            continue; /* an armed fault may close, cut or stall the answer; libmicrohttpd
                         may close on a head past its connection memory */
        const char *body;
        size_t body_len;
        bool json;
        unsigned status = parse_answer(&answer, &body, &body_len, &json);
        if (rc != 0 || status == 0)
            fprintf(stderr, "fuzz_mock: no whole answer to:\n%.*s\n", (int)req.len, req.data);
        FUZZ_CHECK(rc == 0 && status >= 100 && status <= 599);
        if (status == 500)
            fprintf(stderr, "fuzz_mock: 500 for:\n%.*s\n", (int)req.len, req.data);
        FUZZ_CHECK(status != 500);
        if (json && body_len) {
            cJSON *doc = cJSON_ParseWithLength(body, body_len);
            FUZZ_CHECK(doc != NULL);
            cJSON_Delete(doc);
        }
        capture_sid(body, body_len, sid);
    }
    kbuf_free(&req);
    kbuf_free(&answer);
    reset_mock();
    return 0;
}
