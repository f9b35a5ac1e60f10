/* test_mock_util: libcurl and raw-socket plumbing for the kpmock suites. */
#include "test_mock_util.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

unsigned tm_slowdown(void)
{
    const char *v = getenv("KPCT_TEST_SLOWDOWN");
    long n = v ? strtol(v, NULL, 10) : 1;
    return n >= 1 && n <= 100 ? (unsigned)n : 1;
}

void tm_config(mock_config *cfg)
{
    mock_config_defaults(cfg);
    cfg->seed = 42;
    cfg->idle_timeout_s = 2 * tm_slowdown();
}

mock_server *tm_start(const mock_config *cfg)
{
    mock_server *srv = NULL;
    char err[256] = "";
    int rc = mock_server_start(cfg, &srv, err, sizeof err);
    cr_assert_eq(rc, 0, "mock_server_start: %s", err);
    cr_assert_not_null(srv);
    return srv;
}

typedef struct grow {
    char *p;
    size_t n;
} grow;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    grow *g = ud;
    size_t n = size * nmemb;
    char *q = realloc(g->p, g->n + n + 1);
    if (!q)
        return 0;
    memcpy(q + g->n, ptr, n);
    g->n += n;
    q[g->n] = '\0';
    g->p = q;
    return n;
}

static void request(const char *base, const char *method, const char *path, const char *body,
                    const char *userpwd, const char *extra_header, const char *cafile, tm_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    grow b = {0}, h = {0};
    char url[2048];
    memset(out, 0, sizeof *out);
    cr_assert_not_null(c);
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    if (extra_header)
        hdrs = curl_slist_append(hdrs, extra_header);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (userpwd)
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    if (cafile)
        curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L * (long)tm_slowdown());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    out->curl_code = curl_easy_perform(c);
    if (out->curl_code == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = b.p ? b.p : calloc(1, 1);
    out->body_len = b.n;
    out->headers = h.p ? h.p : calloc(1, 1);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
}

void tm_request(const char *base, const char *method, const char *path, const char *body,
                const char *userpwd, const char *extra_header, tm_resp *out)
{
    request(base, method, path, body, userpwd, extra_header, NULL, out);
}

void tm_request_tls(const char *base, const char *method, const char *path, const char *body,
                    const char *userpwd, const char *cafile, tm_resp *out)
{
    request(base, method, path, body, userpwd, NULL, cafile, out);
}

void tm_resp_free(tm_resp *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

char *tm_header(const tm_resp *r, const char *name)
{
    size_t n = strlen(name);
    const char *p = r->headers;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, len - (size_t)(v - p));
        }
        p = eol ? eol + 2 : NULL;
    }
    return NULL;
}

cJSON *tm_json(const tm_resp *r)
{
    const char *end = NULL;
    if (!r->body || !r->body_len)
        return NULL;
    return cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
}

char *tm_try_create(const char *base, const char *body, char *why, size_t whylen)
{
    tm_resp r;
    char *s = NULL;
    tm_request(base, "POST", "/payments/v1/sessions", body ? body : TM_SESSION_SE, TM_USERPWD, NULL,
               &r);
    cJSON *j = r.status == 200 ? tm_json(&r) : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "session_id");
    if (cJSON_IsString(id))
        s = strdup(id->valuestring);
    else
        snprintf(why, whylen, "create answered %ld: %s", r.status, r.body);
    cJSON_Delete(j);
    tm_resp_free(&r);
    return s;
}

char *tm_create(const char *base, const char *body)
{
    char why[512] = "";
    char *s = tm_try_create(base, body, why, sizeof why);
    cr_assert_not_null(s, "%s", why);
    return s;
}

long tm_raw(unsigned port, const char *data, size_t len, char *out, size_t outmax, int timeout_ms)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t got = 0;
    struct timespec t0, t;
    if (fd < 0)
        return -1;
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    for (size_t off = 0; off < len;) {
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (got + 1 < outmax) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= timeout_ms)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(timeout_ms - spent)) <= 0)
            break;
        ssize_t n = recv(fd, out + got, outmax - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    out[got] = '\0';
    close(fd);
    return (long)got;
}

char *tm_assert_klarna_error(const tm_resp *r, long status, const char *code)
{
    cr_assert_eq(r->status, status, "expected %ld, got %ld: %s", status, r->status, r->body);
    cJSON *j = tm_json(r);
    cr_assert_not_null(j, "error body is not JSON: %s", r->body);
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(j, "correlation_id");
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(j, "error_code");
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(j, "error_messages");
    cr_assert(cJSON_IsString(cid) && strlen(cid->valuestring) == 36, "%s", r->body);
    cr_assert(cJSON_IsString(ec), "%s", r->body);
    cr_assert_str_eq(ec->valuestring, code);
    cr_assert(cJSON_IsArray(msgs) && cJSON_GetArraySize(msgs) >= 1, "%s", r->body);
    char *hdr = tm_header(r, "Klarna-Correlation-Id");
    cr_assert_not_null(hdr, "no Klarna-Correlation-Id header");
    cr_assert_str_eq(hdr, cid->valuestring);
    char *ct = tm_header(r, "Content-Type");
    cr_assert(ct && strncmp(ct, "application/json", 16) == 0, "content type %s", ct);
    const cJSON *m0 = cJSON_GetArrayItem(msgs, 0);
    char *msg = strdup(cJSON_IsString(m0) ? m0->valuestring : "");
    free(hdr);
    free(ct);
    cJSON_Delete(j);
    return msg;
}

void tm_admin(const char *base, const char *method, const char *path, const char *body,
              long expect_status)
{
    tm_resp r;
    tm_request(base, method, path, body, NULL, NULL, &r);
    cr_assert_eq(r.status, expect_status, "%s %s answered %ld: %s", method, path, r.status, r.body);
    tm_resp_free(&r);
}

bool tm_journal_has(const char *base, const char *needle, char *last, size_t lastlen)
{
    bool found = false;
    for (int i = 0; i < 100 && !found; i++) {
        tm_resp r;
        tm_request(base, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
        found = r.body && strstr(r.body, needle) != NULL;
        if (last)
            snprintf(last, lastlen, "%s", r.body ? r.body : "");
        tm_resp_free(&r);
        if (!found)
            usleep(50000);
    }
    return found;
}

tm_child tm_spawn(char *const argv[], bool capture_stderr)
{
    int fds[2];
    tm_child c = {0};
    cr_assert_eq(pipe(fds), 0);
    c.pid = fork();
    cr_assert_geq(c.pid, 0);
    if (c.pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        if (capture_stderr)
            dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    c.out = fdopen(fds[0], "r");
    cr_assert_not_null(c.out);
    return c;
}

int tm_wait_exit(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st), "the child did not exit normally");
    return WEXITSTATUS(st);
}

unsigned tm_listening(FILE *out, const char *scheme, char *url, size_t urllen)
{
    static const char prefix[] = "kpmock listening on ";
    char line[512] = "", want[512];
    unsigned port = 0;
    cr_assert_not_null(fgets(line, sizeof line, out), "kpmock printed nothing");
    snprintf(want, sizeof want, "%s%s://127.0.0.1:%%u", prefix, scheme);
    cr_assert_eq(sscanf(line, want, &port), 1, "unexpected line: %s", line);
    snprintf(url, urllen, "%s://127.0.0.1:%u", scheme, port);
    snprintf(want, sizeof want, "%s%s\n", prefix, url);
    cr_assert(port > 0 && strcmp(line, want) == 0, "unexpected line: %s", line);
    return port;
}
