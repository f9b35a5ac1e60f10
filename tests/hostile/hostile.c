/* hostile: misbehaving HTTP/1.1 servers on loopback for the executor's tests. */
#define _GNU_SOURCE /* strcasestr */
#include "hostile.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sha256.h"

struct hostile {
    hostile_kind kind;
    int status;
    char *content_type, *body;
    int fd;
    char url[64];
    pthread_t thread;
    atomic_uint requests;
    atomic_uint active; /* connection threads still running */
    atomic_bool stopping;
    atomic_bool pass_preflight; /* answer kpct's preflight read with 404, uncounted */
    pthread_mutex_t log_lock;
    char *log[HOSTILE_LOG_MAX]; /* request lines in arrival order */
    size_t n_log;
};

typedef struct conn {
    hostile *h;
    int fd;
} conn;

/* poll() in 50 ms slices so a stopping server never waits long; returns poll's result. */
static int poll_in(hostile *h, int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        if (atomic_load(&h->stopping))
            return -1;
        int rc = poll(&p, 1, 50);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int listen_loopback(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static int send_all(int c, const void *p, size_t n);

/* Releases a digest whose value is not wanted (safe on a zeroed one). */
static void digest_drop(sha256_ctx *md)
{
    char unused[SHA256_HEX];
    sha256_final(md, unused);
}

/* Reads one request (headers and Content-Length body); returns 0 with the body's length
 * and SHA-256 in *body_len and digest, or -1 when the peer left. */
static int read_request(hostile *h, int c, bool *admin, size_t *body_len, char digest[SHA256_HEX])
{
    char buf[65536];
    size_t got = 0;
    for (;;) {
        if (poll_in(h, c, POLLIN, 5000) <= 0)
            return -1;
        ssize_t n = recv(c, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (!end) {
            if (got >= sizeof buf - 1)
                return -1;
            continue;
        }
        *admin = !strncmp(buf, "GET /__admin/", 13) ||
                 (atomic_load(&h->pass_preflight) &&
                  !strncmp(buf, HOSTILE_PREFLIGHT_LINE, strlen(HOSTILE_PREFLIGHT_LINE)));
        if (!*admin) {
            pthread_mutex_lock(&h->log_lock);
            if (h->n_log < HOSTILE_LOG_MAX)
                h->log[h->n_log++] = strndup(buf, strcspn(buf, "\r\n"));
            pthread_mutex_unlock(&h->log_lock);
        }
        size_t want = 0;
        for (char *h = buf; h && h < end; h = strstr(h, "\r\n") ? strstr(h, "\r\n") + 2 : NULL)
            if (!strncasecmp(h, "Content-Length:", 15))
                want = strtoul(h + 15, NULL, 10);
        size_t have = got - (size_t)(end + 4 - buf);
        sha256_ctx md = {0};
        if (sha256_init(&md) != 0)
            return -1;
        sha256_update(&md, end + 4, have);
        if (have < want && strcasestr(buf, "\r\nExpect: 100-continue\r\n") &&
            send_all(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 0) {
            digest_drop(&md);
            return -1;
        }
        while (have < want) {
            char sink[4096];
            if (poll_in(h, c, POLLIN, 5000) <= 0 || (n = recv(c, sink, sizeof sink, 0)) <= 0) {
                digest_drop(&md);
                return -1;
            }
            sha256_update(&md, sink, (size_t)n);
            have += (size_t)n;
        }
        *body_len = have;
        return sha256_final(&md, digest) == 0 ? 0 : -1;
    }
}

static int send_all(int c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t k = send(c, s, n, MSG_NOSIGNAL);
        if (k <= 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

static void answer(int c, int status, const char *ctype, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d Whatever\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                     status, ctype, strlen(body));
    send_all(c, head, (size_t)n);
    send_all(c, body, strlen(body));
}

/* Waits until the client closes (or 10 s). */
static void wait_close(hostile *h, int c)
{
    char sink[256];
    while (poll_in(h, c, POLLIN, 10000) > 0 && recv(c, sink, sizeof sink, 0) > 0)
        ;
}

/* Reads up to the end of the request head and nothing of the body; returns 0 or -1. */
static int read_head(hostile *h, int c)
{
    char buf[65536];
    size_t got = 0;
    while (got < sizeof buf - 1) {
        if (poll_in(h, c, POLLIN, 5000) <= 0)
            return -1;
        ssize_t n = recv(c, buf + got, 1, 0); /* byte by byte: leave the body unread */
        if (n <= 0)
            return -1;
        got += (size_t)n;
        if (got >= 4 && !memcmp(buf + got - 4, "\r\n\r\n", 4)) {
            buf[got] = '\0';
            char line[512];
            snprintf(line, sizeof line, "%.*s%s", (int)strcspn(buf, "\r\n"), buf,
                     strcasestr(buf, "\r\nExpect: 100-continue\r\n") ? " [expect-continue]" : "");
            pthread_mutex_lock(&h->log_lock);
            if (h->n_log < HOSTILE_LOG_MAX)
                h->log[h->n_log++] = strdup(line);
            pthread_mutex_unlock(&h->log_lock);
            return 0;
        }
    }
    return -1;
}

static void serve(hostile *h, int c)
{
    bool admin = false;
    if (h->kind == HOSTILE_EARLY_413) {
        /* like a server that refuses an announced oversize body: answer, close, never
         * read the body (the unread bytes make the close a reset) */
        if (read_head(h, c) == 0) {
            atomic_fetch_add(&h->requests, 1);
            const char r[] = "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 9\r\nConnection: close\r\n\r\ntoo large";
            send_all(c, r, sizeof r - 1);
        }
        return;
    }
    size_t body_len = 0, on_this = 0;
    char digest[SHA256_HEX];
    while (!atomic_load(&h->stopping) && read_request(h, c, &admin, &body_len, digest) == 0) {
        if (admin) { /* the runner's kpmock probe: we are not kpmock */
            answer(c, 404, "text/plain", "no admin here");
            continue;
        }
        unsigned nth = atomic_fetch_add(&h->requests, 1);
        if (++on_this == 2 && h->kind == HOSTILE_DROP_REUSED)
            return; /* the caller closes the connection */
        switch (h->kind) {
        case HOSTILE_OK:
            answer(c, 200, "application/json", "{\"ok\":true}");
            break;
        case HOSTILE_DIGEST:
        case HOSTILE_DROP_REUSED: {
            char r[160];
            snprintf(r, sizeof r, "{\"bytes\":%zu,\"sha256\":\"%s\"}", body_len, digest);
            answer(c, 200, "application/json", r);
            break;
        }
        case HOSTILE_FLAKY:
            if (nth == 0)
                answer(c, 503, "text/plain", "try later");
            else
                answer(c, 200, "application/json", "{\"ok\":true}");
            break;
        case HOSTILE_RATE_LIMITED:
            if (nth == 0) {
                char r[512];
                int n = snprintf(r, sizeof r,
                                 "HTTP/1.1 429 Too Many Requests\r\nRetry-After: %.64s\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                                 *h->body ? h->body : "1");
                send_all(c, r, (size_t)n);
            } else {
                answer(c, 200, "application/json", "{\"ok\":true}");
            }
            break;
        case HOSTILE_STATUS:
            answer(c, h->status, h->content_type, h->body);
            break;
        case HOSTILE_HANG:
            wait_close(h, c);
            return;
        case HOSTILE_EARLY_413: /* answered before the loop */
            return;
        case HOSTILE_RESET_MID_BODY: {
            const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1000\r\n\r\n";
            char part[100];
            memset(part, 'x', sizeof part);
            send_all(c, head, sizeof head - 1);
            send_all(c, part, sizeof part);
            struct linger l = {.l_onoff = 1, .l_linger = 0};
            setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
            return;
        }
        case HOSTILE_HUGE_BODY: {
            size_t total = 50u << 20;
            char head[256], chunk[65536];
            int n = snprintf(head, sizeof head,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\n\r\n",
                             total);
            memset(chunk, 'a', sizeof chunk);
            if (send_all(c, head, (size_t)n) < 0)
                return;
            for (size_t sent = 0; sent < total; sent += sizeof chunk)
                if (send_all(c, chunk, sizeof chunk) < 0)
                    return;
            return;
        }
        case HOSTILE_HEADER_FLOOD: {
            const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
            char line[64];
            if (send_all(c, head, sizeof head - 1) < 0)
                return;
            for (int i = 0; i < 10000; i++) {
                int n = snprintf(line, sizeof line, "X-Flood-%d: %d\r\n", i, i);
                if (send_all(c, line, (size_t)n) < 0)
                    return;
            }
            send_all(c, "Content-Length: 2\r\n\r\n{}", 24);
            return;
        }
        case HOSTILE_GARBAGE: {
            const char junk[] = "\x16\x03\x01 SSH-2.0-not-http \xff\xfe\r\n\r\n";
            send_all(c, junk, sizeof junk - 1);
            return;
        }
        case HOSTILE_CHUNKED_HUGE: {
            const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n";
            char chunk[8192 + 16];
            int n = snprintf(chunk, sizeof chunk, "2000\r\n");
            memset(chunk + n, 'a', 8192);
            memcpy(chunk + n + 8192, "\r\n", 2);
            if (send_all(c, head, sizeof head - 1) < 0)
                return;
            for (size_t sent = 0; sent < (50u << 20); sent += 8192)
                if (send_all(c, chunk, (size_t)n + 8192 + 2) < 0)
                    return;
            send_all(c, "0\r\n\r\n", 5);
            return;
        }
        case HOSTILE_SLOW_DRIP: {
            const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1000\r\n\r\n";
            send_all(c, head, sizeof head - 1);
            for (int i = 0; i < 1000 && !atomic_load(&h->stopping); i++) {
                if (send_all(c, " ", 1) < 0)
                    return;
                usleep(50000);
            }
            return;
        }
        }
    }
}

static void *conn_main(void *arg)
{
    conn *k = arg;
    serve(k->h, k->fd);
    close(k->fd);
    atomic_fetch_sub(&k->h->active, 1);
    free(k);
    return NULL;
}

static void *accept_loop(void *arg)
{
    hostile *h = arg;
    while (!atomic_load(&h->stopping)) {
        int c = accept(h->fd, NULL, NULL);
        if (c < 0)
            break;
        conn *k = malloc(sizeof *k);
        pthread_t t;
        if (!k) {
            close(c);
            continue;
        }
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        k->h = h;
        k->fd = c;
        atomic_fetch_add(&h->active, 1);
        if (pthread_create(&t, NULL, conn_main, k) != 0) {
            atomic_fetch_sub(&h->active, 1);
            close(c);
            free(k);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

hostile *hostile_start(hostile_kind kind, int status, const char *content_type, const char *body)
{
    hostile *h = calloc(1, sizeof *h);
    uint16_t port;
    if (!h)
        return NULL;
    h->kind = kind;
    pthread_mutex_init(&h->log_lock, NULL);
    h->status = status;
    h->content_type = strdup(content_type ? content_type : "application/json");
    h->body = strdup(body ? body : "");
    h->fd = listen_loopback(&port);
    if (h->fd < 0 || pthread_create(&h->thread, NULL, accept_loop, h) != 0) {
        if (h->fd >= 0)
            close(h->fd);
        free(h->content_type);
        free(h->body);
        free(h);
        return NULL;
    }
    snprintf(h->url, sizeof h->url, "http://127.0.0.1:%u", port);
    return h;
}

size_t hostile_log(hostile *h, char ***lines)
{
    pthread_mutex_lock(&h->log_lock);
    size_t n = h->n_log;
    *lines = h->log;
    pthread_mutex_unlock(&h->log_lock);
    return n;
}

const char *hostile_url(const hostile *h)
{
    return h->url;
}

unsigned hostile_requests(const hostile *h)
{
    return atomic_load(&((hostile *)h)->requests);
}

void hostile_dead_url(char *out, size_t outlen)
{
    uint16_t port = 1;
    int fd = listen_loopback(&port);
    if (fd >= 0)
        close(fd);
    snprintf(out, outlen, "http://127.0.0.1:%u", port);
}

void hostile_pass_preflight(hostile *h)
{
    atomic_store(&h->pass_preflight, true);
}

void hostile_stop(hostile *h)
{
    if (!h)
        return;
    atomic_store(&h->stopping, true);
    shutdown(h->fd, SHUT_RDWR);
    pthread_join(h->thread, NULL);
    while (atomic_load(&h->active) > 0)
        usleep(10000);
    close(h->fd);
    for (size_t i = 0; i < h->n_log; i++)
        free(h->log[i]);
    pthread_mutex_destroy(&h->log_lock);
    free(h->content_type);
    free(h->body);
    free(h);
}
