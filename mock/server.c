/* server: the libmicrohttpd front of kpmock. Routes each request, applies armed faults,
 * checks credentials and quota, hands the Klarna calls to session.c and the admin
 * routes to admin.c, and turns their mock_reply into a response. Per-request state
 * lives only in the request's own struct (MHD's req_cls). */
#include "admin.h"
#include "auth.h"
#include "b64.h"
#include "connwatch.h"
#include "kbuf.h"
#include "kfile.h"
#include "mock_internal.h"
#include "session.h"
#include "sleeper.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SESSIONS_PATH "/payments/v1/sessions"
/* MHD's per-connection pool: it bounds the request line plus headers (bigger ones are
 * refused by MHD itself) and the size of each upload chunk. */
#define CONNECTION_MEMORY 32768
/* A chunked body past the cap is read and dropped so the 413 can still be sent at its
 * end, but only up to this many times the cap; beyond it the 413 goes out at once. A
 * body answered before its end is drained by a lingering close (connwatch.h) of this
 * many times the cap, at least CONNWATCH_LINGER_MIN_BYTES. */
#define DISCARD_FACTOR 4
/* Longest certificate or key file read for TLS. */
#define TLS_FILE_MAX (1024 * 1024)
/* Pretend length of a truncated answer, and what is actually sent of it. */
#define TRUNCATE_PROMISED 1024
static const char truncated_part[] = "{\"session_id\":\"";
/* The session life of the never-expire defect: 100 years, the longest --session-ttl. */
#define NEVER_TTL_S 3153600000u

typedef enum { WAIT_NONE, WAIT_DELAY, WAIT_HANG } wait_kind;

typedef enum { ROUTE_NONE, ROUTE_ADMIN, ROUTE_SESSIONS, ROUTE_SESSION } route;

typedef struct mock_request {
    int64_t start_us; /* monotonic, for duration_us */
    int64_t start_ms; /* mock clock, for the journal's time */
    char method[16];
    char *path;
    kbuf body; /* ceiling = cfg.max_body_bytes */
    uint64_t request_bytes;
    bool too_large;
    bool early;        /* answered before its body was read: the close must linger */
    route route;       /* of path, found once */
    const char *id;    /* in path, for ROUTE_SESSION */
    unsigned status;   /* answered status; 0 = closed without an answer */
    fault fault;       /* the fault that fired, kind FAULT_NONE if none */
    wait_kind waiting; /* set while suspended by a delay or hang fault */
    bool journaled;    /* the journal already has this request */
} mock_request;

void mock_config_defaults(mock_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bind_address = "127.0.0.1";
    cfg->port = 0;
    cfg->username = "kpmock";
    cfg->password = "kpmock";
    cfg->seed = 0;
    cfg->max_body_bytes = 1048576;
    cfg->max_sessions = 200000;
    cfg->max_store_bytes = 268435456;
    cfg->journal_size = 1000;
    cfg->max_connections = 512;
    cfg->per_ip_connections = 256;
    cfg->idle_timeout_s = 30;
    cfg->head_timeout_s = 10;
    cfg->threads = 2;
    cfg->session_ttl_s = 172800;
    cfg->expiry_base = MOCK_EXPIRY_FROM_CREATE;
    cfg->completed_answer = MOCK_COMPLETED_403_INVALID_OPERATION;
    cfg->quota = false;
    cfg->quota_create_per_s = 5;
    cfg->quota_other_per_s = 50;
}

/* The origin form of a request target: an absolute-form target ("http://host:port/path",
 * which HTTP/1.1 servers must accept, RFC 9112 §3.2.2, and which libmicrohttpd hands over
 * as sent) loses its scheme and authority; "http://host" alone is "/". */
static const char *origin_form(const char *url)
{
    const char *p = url;
    if (*url == '/')
        return url;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    if (p == url || strncmp(p, "://", 3) != 0)
        return url;
    p = strchr(p + 3, '/');
    return p ? p : "/";
}

static route route_of(const char *url, const char **id)
{
    size_t n = strlen(SESSIONS_PATH);
    if (strncmp(url, MOCK_ADMIN_PREFIX, strlen(MOCK_ADMIN_PREFIX)) == 0)
        return ROUTE_ADMIN;
    if (strncmp(url, SESSIONS_PATH, n) != 0)
        return ROUTE_NONE;
    if (url[n] == '\0')
        return ROUTE_SESSIONS;
    if (url[n] != '/' || strchr(url + n + 1, '/'))
        return ROUTE_NONE;
    *id = url + n + 1;
    return ROUTE_SESSION;
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result add_header(struct MHD_Response *resp, const char *name, const char *value)
{
    return MHD_add_response_header(resp, name, value);
}

/* Records the request once: when its answer is queued (so a client that reads the
 * journal right after an answer finds it there), or at completion if it got none. */
static void journal_request(mock_server *srv, mock_request *req)
{
    if (req->journaled || req->route == ROUTE_ADMIN)
        return;
    req->journaled = true;
    journal_add(srv->journal, req->start_ms, req->method, req->path ? req->path : "", req->status,
                (uint64_t)(mono_us() - req->start_us), req->request_bytes,
                req->fault.kind != FAULT_NONE ? fault_kind_name(req->fault.kind) : NULL);
}

/* Queues resp (and lets go of it); once queued, the request is answered and journaled. */
static enum MHD_Result queue(mock_server *srv, struct MHD_Connection *conn, mock_request *req,
                             unsigned status, struct MHD_Response *resp)
{
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    if (ret == MHD_YES) {
        req->status = status;
        journal_request(srv, req);
    }
    return ret;
}

/* Turns r into a response and queues it; r's body is consumed. */
static enum MHD_Result send_reply(mock_server *srv, struct MHD_Connection *conn, mock_request *req,
                                  mock_reply *r)
{
    struct MHD_Response *resp;
    char num[24];
    if (r->body_len) {
        resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->body = NULL;
    } else {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    mock_reply_free(r);
    if (!resp)
        return MHD_NO;
    if ((r->content_type && !add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type)) ||
        (r->correlation_id[0] && !add_header(resp, "Klarna-Correlation-Id", r->correlation_id)) ||
        (r->allow && !add_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow)) ||
        (r->www_authenticate &&
         !add_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"kpmock\"")) ||
        (r->no_route && !add_header(resp, "X-Kpmock-Error", "no-route"))) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    if (r->retry_after) {
        snprintf(num, sizeof num, "%u", r->retry_after);
        if (!add_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num)) {
            MHD_destroy_response(resp);
            return MHD_NO;
        }
    }
    return queue(srv, conn, req, r->status, resp);
}

static ssize_t truncated_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    size_t n = sizeof truncated_part - 1;
    (void)cls;
    if (pos >= n)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    n -= (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, truncated_part + pos, n);
    return (ssize_t)n;
}

/* The truncate fault: 200 with a Content-Length the body never reaches, then a close. */
static enum MHD_Result send_truncated(mock_server *srv, struct MHD_Connection *conn,
                                      mock_request *req)
{
    struct MHD_Response *resp =
        MHD_create_response_from_callback(TRUNCATE_PROMISED, 256, truncated_reader, NULL, NULL);
    if (!resp)
        return MHD_NO;
    if (!add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json")) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    return queue(srv, conn, req, 200, resp);
}

/* 413 in the shape of the route: Klarna's error, or the admin API's {"error"}. */
static void reply_too_large(mock_server *srv, const mock_request *req, mock_reply *r)
{
    char msg[128];
    snprintf(msg, sizeof msg, "Request body is larger than %zu bytes", srv->cfg.max_body_bytes);
    if (req->route == ROUTE_ADMIN)
        mock_reply_admin_error(r, 413, msg);
    else
        mock_reply_klarna_error(srv, r, 413, "PAYLOAD_TOO_LARGE", msg);
}

static void reply_no_route(mock_reply *r, const char *method, const char *url)
{
    kbuf b;
    kbuf_init(&b, 1024);
    kbuf_puts(&b, "kpmock: no route for ");
    kbuf_append_cut(&b, method, strlen(method));
    kbuf_append_cut(&b, " ", 1);
    kbuf_append_cut(&b, url, strlen(url));
    kbuf_append_cut(&b, "\n", 1);
    mock_reply_free(r);
    r->status = 404;
    r->body_len = b.len;
    r->body = kbuf_steal(&b);
    r->content_type = "text/plain";
    r->no_route = true;
}

static void reply_unauthorized(mock_server *srv, mock_reply *r)
{
    static const char page[] =
        "<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\n"
        "<body><h1>401 Unauthorized</h1><p>This server could not verify that you are "
        "authorized to access the document requested.</p></body></html>\n";
    if (defect_on(srv, DEFECT_UNAUTHORIZED_JSON))
        mock_reply_klarna_error(srv, r, 401, "UNAUTHORIZED", "Bad credentials");
    else
        mock_reply_text(r, 401, "text/html", page, sizeof page - 1);
    r->www_authenticate = !defect_on(srv, DEFECT_NO_WWW_AUTHENTICATE);
}

/* auth_check, loosened by the auth defects: the half of "user:pass" that a defect stops
 * looking at is taken from the request itself. */
static bool authorized(mock_server *srv, const char *authz)
{
    bool any_user = defect_on(srv, DEFECT_USERNAME_NOT_CHECKED);
    bool any_pass = defect_on(srv, DEFECT_PASSWORD_NOT_CHECKED);
    char *plain, *colon;
    size_t len = 0;
    bool ok;
    if (!any_user && !any_pass && !defect_on(srv, DEFECT_NO_AUTH))
        return auth_check(authz, srv->cfg.username, srv->cfg.password);
    if (defect_on(srv, DEFECT_NO_AUTH))
        return true;
    if (!authz || strncasecmp(authz, "Basic ", 6) != 0 || strlen(authz) > AUTH_HEADER_MAX ||
        !(plain = b64_decode(authz + 6, strlen(authz + 6), &len)))
        return false;
    plain[len] = '\0';
    colon = strchr(plain, ':');
    if (colon)
        *colon = '\0';
    ok = colon && auth_check(authz, any_user ? plain : srv->cfg.username,
                             any_pass ? colon + 1 : srv->cfg.password);
    memset(plain, 0, len);
    free(plain);
    return ok;
}

/* Auth, quota, then the session call itself. */
static void answer_klarna(mock_server *srv, struct MHD_Connection *conn, mock_request *req,
                          mock_reply *r)
{
    const char *authz =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    bool create = req->route == ROUTE_SESSIONS;
    if (!authorized(srv, authz)) {
        reply_unauthorized(srv, r);
        return;
    }
    if (srv->cfg.quota &&
        !quota_admit(srv->quota, srv->cfg.username, create, sleeper_now_ms() / 1000)) {
        char msg[128];
        snprintf(msg, sizeof msg, "Rate limit exceeded: %u %s calls per second",
                 create ? srv->cfg.quota_create_per_s : srv->cfg.quota_other_per_s,
                 create ? "create-session" : "other");
        mock_reply_klarna_error(srv, r, 429, "RATE_LIMITED", msg);
        r->retry_after = 1;
        return;
    }
    if (create)
        session_create(srv, req->body.data, req->body.len, r);
    else if (strcmp(req->method, "GET") == 0)
        session_read(srv, req->id, r);
    else
        session_update(srv, req->id, req->body.data, req->body.len, r);
}

/* Suspends the connection for a delay or hang fault; returns MHD_NO if it cannot. */
static enum MHD_Result sleep_on(mock_server *srv, struct MHD_Connection *conn, mock_request *req,
                                wait_kind kind, unsigned ms)
{
    int fd = -1;
    if (kind == WAIT_HANG && !srv->cfg.tls_cert_file) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci)
            fd = ci->connect_fd;
    }
    req->waiting = kind;
    MHD_suspend_connection(conn);
    if (sleeper_add(srv->sleeper, conn, sleeper_now_ms() + ms, fd) != 0) {
        MHD_resume_connection(conn);
        return kind == WAIT_HANG ? MHD_NO : MHD_YES;
    }
    return MHD_YES;
}

static enum MHD_Result dispatch(mock_server *srv, struct MHD_Connection *conn, mock_request *req,
                                const char *url)
{
    mock_reply r = {0};
    route rt = req->route;
    bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    if (req->too_large) {
        reply_too_large(srv, req, &r);
    } else if (rt == ROUTE_ADMIN) {
        admin_handle(srv, req->method, url, req->body.data, req->body.len, &r);
    } else if (req->waiting == WAIT_NONE &&
               fault_take(srv->faults, req->method, url, &req->fault)) {
        switch (req->fault.kind) {
        case FAULT_STATUS:
            mock_reply_text(&r, req->fault.status,
                            req->fault.content_type ? req->fault.content_type : "application/json",
                            req->fault.body, req->fault.body ? strlen(req->fault.body) : 0);
            break;
        case FAULT_DELAY:
            return sleep_on(srv, conn, req, WAIT_DELAY, req->fault.delay_ms);
        case FAULT_HANG: {
            unsigned ms = req->fault.hang_ms;
            if (!ms)
                ms = srv->cfg.idle_timeout_s ? srv->cfg.idle_timeout_s * 1000u : FAULT_MAX_WAIT_MS;
            return sleep_on(srv, conn, req, WAIT_HANG, ms);
        }
        case FAULT_RESET:
            return MHD_NO;
        case FAULT_TRUNCATE:
            return send_truncated(srv, conn, req);
        case FAULT_RATE_LIMIT:
            mock_reply_klarna_error(srv, &r, 429, "RATE_LIMITED",
                                    "Rate limit exceeded (injected by a kpmock fault)");
            r.retry_after = req->fault.retry_after;
            break;
        default:
            break;
        }
    } else if (rt == ROUTE_NONE) {
        reply_no_route(&r, req->method, url);
    } else if ((rt == ROUTE_SESSIONS && !post) || (rt == ROUTE_SESSION && !get && !post)) {
        char msg[160];
        r.allow = rt == ROUTE_SESSIONS ? "POST" : "GET, POST";
        snprintf(msg, sizeof msg, "Method %s is not allowed on this resource (allowed: %s)",
                 req->method, r.allow);
        mock_reply_klarna_error(srv, &r, 405, "METHOD_NOT_ALLOWED", msg);
    } else {
        answer_klarna(srv, conn, req, &r);
    }
    return send_reply(srv, conn, req, &r);
}

/* True when a Content-Length header announces more than max bytes. */
static bool announced_too_large(const char *cl, size_t max)
{
    unsigned long long v = 0;
    if (!cl || !*cl)
        return false;
    for (const char *p = cl; *p; p++) {
        if (*p < '0' || *p > '9')
            return false; /* MHD itself refuses a malformed length */
        if (v > (ULLONG_MAX - 9) / 10)
            return true;
        v = v * 10 + (unsigned)(*p - '0');
    }
    return v > max;
}

/* The 413 before the body is over. MHD sends it and closes the connection; on_completed
 * then hands the socket to a lingering close, which drains the body still coming. */
static enum MHD_Result answer_early(mock_server *srv, struct MHD_Connection *conn,
                                    mock_request *req)
{
    mock_reply r = {0};
    req->early = true;
    reply_too_large(srv, req, &r);
    return send_reply(srv, conn, req, &r);
}

/* The connection's request-head deadline (MHD keeps it as the socket context). */
static connwatch_slot *conn_slot(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls)
{
    mock_server *srv = cls;
    mock_request *req = *req_cls;
    (void)version;
    url = origin_form(url);
    if (!req) {
        connwatch_head_done(srv->watch, conn_slot(conn));
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        req->start_us = mono_us();
        req->start_ms = mclock_now_ms(&srv->clock);
        snprintf(req->method, sizeof req->method, "%s", method);
        req->path = strdup(url);
        kbuf_init(&req->body, defect_on(srv, DEFECT_NO_BODY_LIMIT) ? srv->cfg.max_body_bytes * 16
                                                                   : srv->cfg.max_body_bytes);
        req->route = route_of(url, &req->id);
        *req_cls = req;
        if (!req->path)
            return MHD_NO;
        if (req->id)
            req->id = req->path + (req->id - url);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        /* Refuse an announced oversize body before reading any of it. */
        if (announced_too_large(cl, req->body.max)) {
            req->too_large = true;
            return answer_early(srv, conn, req);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        req->request_bytes += *upload_data_size;
        if (!req->too_large && kbuf_append(&req->body, upload_data, *upload_data_size) != 0) {
            req->too_large = true;
            kbuf_free(&req->body);
        }
        *upload_data_size = 0;
        if (req->too_large && req->request_bytes / DISCARD_FACTOR > req->body.max)
            return answer_early(srv, conn, req);
        return MHD_YES;
    }
    if (req->waiting != WAIT_NONE) {
        /* resumed by the sleeper */
        if (req->waiting == WAIT_HANG || atomic_load(&srv->stopping))
            return MHD_NO;
    }
    return dispatch(srv, conn, req, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    mock_server *srv = cls;
    mock_request *req = *req_cls;
    (void)toe;
    connwatch_request_done(srv->watch, conn_slot(conn));
    if (!req)
        return;
    if (req->early && req->status) {
        /* MHD closes its descriptor next; the duplicate keeps the socket open (no reset)
         * while the watch drains it */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        uint64_t max = (uint64_t)req->body.max * DISCARD_FACTOR;
        if (ci)
            connwatch_linger(srv->watch, dup(ci->connect_fd),
                             max > CONNWATCH_LINGER_MIN_BYTES ? max : CONNWATCH_LINGER_MIN_BYTES);
    }
    journal_request(srv, req);
    fault_release(&req->fault);
    kbuf_free(&req->body);
    free(req->path);
    free(req);
    *req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    mock_server *srv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? connwatch_open(srv->watch, ci->connect_fd) : NULL;
    } else {
        connwatch_close(srv->watch, *socket_context);
        *socket_context = NULL;
    }
}

/* Called by MHD once a request line has been read, before its headers. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
    mock_server *srv = cls;
    (void)uri;
    connwatch_request_line(srv->watch, conn_slot(conn));
    return NULL;
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    mock_server *srv = cls;
    char line[sizeof srv->last_log];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    pthread_mutex_lock(&srv->log_mu);
    memcpy(srv->last_log, line, sizeof line);
    pthread_mutex_unlock(&srv->log_mu);
}

/* Fills ss from the configured address; returns its length, or 0 if it is not an IP. */
static socklen_t bind_addr(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        return sizeof *a4;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        return sizeof *a6;
    }
    return 0;
}

static void free_server(mock_server *srv)
{
    if (!srv)
        return;
    store_free(srv->store);
    journal_free(srv->journal);
    fault_list_free(srv->faults);
    quota_free(srv->quota);
    free(srv->tls_cert);
    if (srv->tls_key) {
        memset(srv->tls_key, 0, strlen(srv->tls_key));
        free(srv->tls_key);
    }
    pthread_mutex_destroy(&srv->rng_mu);
    pthread_mutex_destroy(&srv->log_mu);
    free(srv);
}

/* Builds the server in the order its parts depend on (store, journal, faults, clock,
 * quota, defects, TLS files, the connection watch, then libmicrohttpd's daemon with every
 * bound as an option), undoing all of it on the first failure: one straight line of
 * setup, longer than a hundred lines, which splitting would turn into a chain of
 * half-built servers. */
int mock_server_start(const mock_config *cfg, mock_server **out, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    mock_server *srv = NULL;
    bool tls;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    const char *host = cfg->bind_address ? cfg->bind_address : "127.0.0.1";
    if (!cfg->username || !cfg->password || !*cfg->username) {
        snprintf(err, errlen, "credentials are not set (username and password are required)");
        goto fail;
    }
    if (!bind_addr(host, cfg->port, &ss)) {
        snprintf(err, errlen, "bind address '%.64s' is not an IPv4 or IPv6 address", host);
        goto fail;
    }
    if (!cfg->tls_cert_file != !cfg->tls_key_file) {
        snprintf(err, errlen, "TLS needs both a certificate and a key file");
        goto fail;
    }
    tls = cfg->tls_cert_file != NULL;
    srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    pthread_mutex_init(&srv->rng_mu, NULL);
    pthread_mutex_init(&srv->log_mu, NULL);
    srv->cfg = *cfg;
    srv->cfg.bind_address = host;
    size_t bad = 0;
    if (defect_set_parse(cfg->defects, cfg->n_defects, &srv->defects, &bad) != 0) {
        snprintf(err, errlen, "unknown defect '%.64s' (kpmock --list-defects lists them)",
                 cfg->defects[bad]);
        goto fail;
    }
    if (srv->cfg.threads == 0)
        srv->cfg.threads = 1;
    kprng_seed(&srv->rng, cfg->seed);
    mclock_init(&srv->clock);
    atomic_init(&srv->stopping, false);
    srv->store = store_new(cfg->max_sessions,
                           defect_on(srv, DEFECT_NEVER_EXPIRE) ? NEVER_TTL_S : cfg->session_ttl_s,
                           cfg->expiry_base == MOCK_EXPIRY_FROM_UPDATE);
    srv->journal = journal_new(cfg->journal_size);
    srv->faults = fault_list_new();
    srv->quota = quota_new(cfg->quota_create_per_s, cfg->quota_other_per_s);
    if (srv->store)
        store_limit_bytes(srv->store, cfg->max_store_bytes);
    if (!srv->store || !srv->journal || !srv->faults || !srv->quota) {
        snprintf(err, errlen, "out of memory (session store or journal too large?)");
        goto fail;
    }
    if (tls) {
        char ferr[256];
        size_t len;
        srv->tls_cert = kfile_read(cfg->tls_cert_file, TLS_FILE_MAX, &len, ferr, sizeof ferr);
        if (!srv->tls_cert) {
            snprintf(err, errlen, "TLS certificate: %s", ferr);
            goto fail;
        }
        srv->tls_key = kfile_read(cfg->tls_key_file, TLS_FILE_MAX, &len, ferr, sizeof ferr);
        if (!srv->tls_key) {
            snprintf(err, errlen, "TLS key: %s", ferr);
            goto fail;
        }
        flags |= MHD_USE_TLS;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->sleeper = sleeper_new();
    if (!srv->sleeper) {
        snprintf(err, errlen, "cannot start the timer thread");
        goto fail;
    }
    srv->watch = connwatch_new(cfg->head_timeout_s, cfg->idle_timeout_s);
    if (!srv->watch) {
        snprintf(err, errlen, "cannot start the connection watch thread");
        goto fail;
    }
    errno = 0;
    /* The logger goes first so that complaints about later options reach it, not stderr.
     * A pool size of 1 means "no pool" to MHD (and a warning), so it is left out then; with
     * TLS off, the MHD_OPTION_END in its place ends the list and key/cert are ignored. */
    srv->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_log, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_URI_LOG_CALLBACK,
        on_request_line, srv,
        srv->cfg.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_CONNECTION_LIMIT,
        srv->cfg.threads > 1 ? srv->cfg.threads : cfg->max_connections,
        tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, srv->tls_key, MHD_OPTION_HTTPS_MEM_CERT,
        srv->tls_cert, MHD_OPTION_END);
    if (!srv->daemon) {
        int e = errno;
        pthread_mutex_lock(&srv->log_mu);
        if (srv->last_log[0])
            snprintf(err, errlen, "cannot start serving on %s:%u: %s", host, (unsigned)cfg->port,
                     srv->last_log);
        else
            snprintf(err, errlen, "cannot start serving on %s:%u: %s", host, (unsigned)cfg->port,
                     e ? strerror(e) : "libmicrohttpd refused the configuration");
        pthread_mutex_unlock(&srv->log_mu);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : cfg->port;
    if (ss.ss_family == AF_INET6)
        snprintf(srv->url, sizeof srv->url, "%s://[%s]:%u", tls ? "https" : "http", host,
                 (unsigned)srv->port);
    else
        snprintf(srv->url, sizeof srv->url, "%s://%s:%u", tls ? "https" : "http", host,
                 (unsigned)srv->port);
    *out = srv;
    return 0;
fail:
    if (srv) {
        sleeper_free(srv->sleeper);
        connwatch_free(srv->watch);
        free_server(srv);
    }
    return -1;
}

uint16_t mock_server_port(const mock_server *srv)
{
    return srv->port;
}

const char *mock_server_url(const mock_server *srv)
{
    return srv->url;
}

bool mock_server_forget(mock_server *srv, const char *id)
{
    return store_remove(srv->store, id);
}

void mock_server_stop(mock_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, true);
    /* every suspended connection must be resumed before MHD may stop */
    sleeper_stop(srv->sleeper);
    MHD_stop_daemon(srv->daemon);
    /* after MHD: closing its connections releases their slots */
    connwatch_free(srv->watch);
    sleeper_free(srv->sleeper);
    free_server(srv);
}
