/* exec_transfer: sets a libcurl easy handle up for one request and collects its
 * response headers and body under exec's bounds. */
#include "exec_transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int transfer_init(transfer *t)
{
    kbuf_init(&t->body, EXEC_MAX_BODY_BYTES);
    return (t->easy = curl_easy_init()) ? 0 : -1;
}

static void headers_clear(transfer *t)
{
    for (size_t i = 0; i < t->n_headers; i++) {
        free(t->headers[i].name);
        free(t->headers[i].value);
    }
    t->n_headers = 0;
    t->header_bytes = 0;
}

void transfer_free(transfer *t)
{
    if (t->easy)
        curl_easy_cleanup(t->easy);
    t->easy = NULL;
    curl_slist_free_all(t->req_headers);
    t->req_headers = NULL;
    headers_clear(t);
    free(t->headers);
    t->headers = NULL;
    kbuf_free(&t->body);
}

/* ---- the request ------------------------------------------------------------------- */

/* The request's headers as libcurl takes them; returns NULL when memory ran out (the
 * list is never empty: it always holds an Expect or a Content-Type line). */
static struct curl_slist *build_headers(const case_request *req)
{
    struct curl_slist *list = NULL, *l;
    kbuf line;
    kbuf_init(&line, CASE_MAX_VAR_BYTES + 4096);
    for (size_t i = 0; i < req->n_headers; i++) {
        kbuf_reset(&line);
        /* "Name;" is libcurl's way to send a header with an empty value */
        if (*req->headers[i].value
                ? kbuf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value)
                : kbuf_printf(&line, "%s;", req->headers[i].name))
            goto fail;
        if (!(l = curl_slist_append(list, kbuf_str(&line))))
            goto fail;
        list = l;
    }
    /* no "Expect: 100-continue" round trip on bodies over 1 KB, except on bodies big
     * enough to be refused unread (see EXEC_EXPECT_CONTINUE_BYTES) */
    bool has_body = case_request_has_body(req);
    bool big = has_body && req->body_len >= EXEC_EXPECT_CONTINUE_BYTES;
    if (!case_header_find(req->headers, req->n_headers, "Expect") && !big) {
        if (!(l = curl_slist_append(list, "Expect:")))
            goto fail;
        list = l;
    }
    if (has_body && !case_header_find(req->headers, req->n_headers, "Content-Type")) {
        if (!(l = curl_slist_append(list, "Content-Type: application/json")))
            goto fail;
        list = l;
    }
    kbuf_free(&line);
    return list;
fail:
    kbuf_free(&line);
    curl_slist_free_all(list);
    return NULL;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata);
static size_t on_header(char *p, size_t size, size_t nmemb, void *userdata);

/* A generated body, piece by piece as libcurl asks for it. */
static size_t on_read(char *p, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = case_generated_body(t->gen_len, t->gen_off, p, size * nmemb);
    t->gen_off += n;
    return n;
}

/* libcurl rewinds a body it must send again (a connection found dead as it was reused). */
static int on_seek(void *userdata, curl_off_t offset, int origin)
{
    transfer *t = userdata;
    if (origin != SEEK_SET || offset < 0 || (curl_off_t)t->gen_len < offset)
        return CURL_SEEKFUNC_CANTSEEK;
    t->gen_off = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

/* Long only because libcurl takes one option per call; the only decisions are TLS,
 * proxy, auth and how the method carries a body. */
static void set_options(transfer *t, const exec_config *cfg, const case_request *req, void *owner)
{
    CURL *c = t->easy;
    curl_easy_setopt(c, CURLOPT_PRIVATE, owner);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kpct/" KPCT_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->req_headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (cfg->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cacert);
    if (cfg->client_cert)
        curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_cert);
    if (cfg->client_key)
        curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
    if (cfg->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cfg->noproxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, cfg->noproxy);
    if (req->send_auth) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, req->username ? req->username : "");
        curl_easy_setopt(c, CURLOPT_PASSWORD, req->password ? req->password : "");
    }
    bool wants_body = !strcmp(req->method, "POST") || !strcmp(req->method, "PUT") ||
                      !strcmp(req->method, "PATCH");
    if (!strcmp(req->method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (case_request_has_body(req) || wants_body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(case_request_has_body(req) ? req->body_len : 0));
        if (req->body_generated) {
            t->gen_len = req->body_len;
            t->gen_off = 0;
            curl_easy_setopt(c, CURLOPT_POST, 1L); /* with the size: Content-Length, not chunks */
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, t);
            curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
            curl_easy_setopt(c, CURLOPT_SEEKDATA, t);
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        }
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }
}

int transfer_prepare(transfer *t, const exec_config *cfg, const case_request *req, void *owner)
{
    curl_easy_reset(t->easy);
    kbuf_reset(&t->body);
    t->body_over = false;
    headers_clear(t);
    t->headers_over = false;
    t->out_of_memory = false;
    t->errbuf[0] = '\0';
    curl_slist_free_all(t->req_headers);
    if (!(t->req_headers = build_headers(req)))
        return -1;
    set_options(t, cfg, req, owner);
    return 0;
}

/* ---- the response ------------------------------------------------------------------ */

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (kbuf_append(&t->body, p, n) < 0) {
        if (n > t->body.max - t->body.len)
            t->body_over = true;
        else
            t->out_of_memory = true;
        return 0; /* aborts the transfer */
    }
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb, len = n;
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
        headers_clear(t); /* a new response (after 100 Continue or similar) starts */
        return n;
    }
    if (!len || p[0] == ' ' || p[0] == '\t')
        return n; /* end of headers, or an obsolete folded line */
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return n;
    t->header_bytes += len;
    if (t->n_headers >= EXEC_MAX_HEADERS || t->header_bytes > EXEC_MAX_HEADER_BYTES) {
        t->headers_over = true;
        return 0;
    }
    if (!t->n_headers || (t->n_headers & (t->n_headers - 1)) == 0) {
        /* grow at powers of two */
        size_t cap = t->n_headers ? t->n_headers * 2 : 16;
        case_header *h = realloc(t->headers, cap * sizeof *h);
        if (!h)
            goto oom;
        t->headers = h;
    }
    const char *v = colon + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    char *name = strndup(p, (size_t)(colon - p));
    char *value = strndup(v, (size_t)(end - v));
    if (!name || !value) {
        free(name);
        free(value);
        goto oom;
    }
    t->headers[t->n_headers].name = name;
    t->headers[t->n_headers].value = value;
    t->n_headers++;
    return n;
oom:
    t->out_of_memory = true;
    return 0; /* aborts the transfer */
}

bool transfer_whole(const transfer *t, CURLcode code)
{
    return !t->body_over && !t->headers_over && !t->out_of_memory && code == CURLE_OK;
}

case_response transfer_response(const transfer *t, long status, double seconds)
{
    return (case_response){
        .status = status,
        .headers = t->headers,
        .n_headers = t->n_headers,
        .body = t->body.data ? t->body.data : "",
        .body_len = t->body.len,
        .seconds = seconds,
    };
}
