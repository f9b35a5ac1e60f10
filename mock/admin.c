/* admin: routing and bodies of the admin API; state changes go through the modules
 * that own the state (store, journal, faults, clock, quota). */
#include "admin.h"

#include "rfc3339.h"
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Largest clock move accepted at once: about 100 years. */
#define CLOCK_MAX_ADVANCE_S 3155760000.0
/* The clock stays within 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z: RFC 3339 has four
 * year digits, and repeated advances must not overflow the offset. */
#define CLOCK_MIN_S 0
#define CLOCK_MAX_S 253402300799LL

/* What a handler is given besides the server: the request body and, on the
 * sessions/{id} routes, the id. */
typedef struct admin_call {
    const char *body;
    size_t len;
    const char *id;
} admin_call;

typedef void admin_handler(mock_server *srv, const admin_call *c, mock_reply *r);

static void method_not_allowed(mock_reply *r, const char *method, const char *path,
                               const char *allow)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%.15s is not allowed on %.80s (allowed: %s)", method, path, allow);
    mock_reply_admin_error(r, 405, msg);
    r->allow = allow;
}

static void health_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "status", "ok");
        cJSON_AddStringToObject(o, "service", "kpmock");
        cJSON_AddStringToObject(o, "version", MOCK_VERSION);
        cJSON_AddNumberToObject(o, "sessions", (double)store_count(srv->store));
    }
    mock_reply_json(r, 200, o);
}

static void clock_json(mock_server *srv, mock_reply *r)
{
    char now[RFC3339_TEXT_MAX];
    cJSON *o = cJSON_CreateObject();
    rfc3339_format(mclock_now(&srv->clock), now);
    if (o) {
        cJSON_AddStringToObject(o, "now", now);
        cJSON_AddNumberToObject(o, "offset_s", (double)mclock_offset_s(&srv->clock));
    }
    mock_reply_json(r, 200, o);
}

static void clock_post(mock_server *srv, const admin_call *c, mock_reply *r)
{
    cJSON *doc = mock_parse_object(c->body, c->len);
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(doc, MOCK_ADMIN_CLOCK_ADVANCE);
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(doc, MOCK_ADMIN_CLOCK_SET);
    int64_t t;
    if (!doc || (!adv == !set)) {
        mock_reply_admin_error(r, 400,
                               "body must be {\"" MOCK_ADMIN_CLOCK_ADVANCE
                               "\": N} or {\"" MOCK_ADMIN_CLOCK_SET "\": \"RFC 3339 UTC\"}");
        goto out;
    }
    if (adv) {
        if (!cJSON_IsNumber(adv) || fabs(adv->valuedouble) > CLOCK_MAX_ADVANCE_S ||
            adv->valuedouble != floor(adv->valuedouble)) {
            mock_reply_admin_error(r, 400,
                                   MOCK_ADMIN_CLOCK_ADVANCE
                                   " must be an integer number of seconds within 100 years");
            goto out;
        }
        t = mclock_now(&srv->clock) + (int64_t)adv->valuedouble;
    } else if (!cJSON_IsString(set) || rfc3339_parse_utc(set->valuestring, &t) != 0) {
        mock_reply_admin_error(r, 400,
                               MOCK_ADMIN_CLOCK_SET
                               " must be an RFC 3339 UTC time, e.g. 2026-11-25T12:00:00Z");
        goto out;
    }
    if (t < CLOCK_MIN_S || t > CLOCK_MAX_S) {
        mock_reply_admin_error(r, 400,
                               "the clock must stay between 1970-01-01T00:00:00Z and "
                               "9999-12-31T23:59:59Z");
        goto out;
    }
    if (adv)
        mclock_advance(&srv->clock, (int64_t)adv->valuedouble);
    else
        mclock_set(&srv->clock, t);
    clock_json(srv, r);
out:
    cJSON_Delete(doc);
}

static void faults_post(mock_server *srv, const admin_call *c, mock_reply *r)
{
    char err[160];
    unsigned id;
    cJSON *doc = mock_parse_object(c->body, c->len), *o;
    if (!doc) {
        mock_reply_admin_error(r, 400, "body must be a JSON object describing the fault");
        return;
    }
    if (fault_arm(srv->faults, doc, &id, err, sizeof err) != 0) {
        mock_reply_admin_error(r, 400, err);
        cJSON_Delete(doc);
        return;
    }
    cJSON_Delete(doc);
    o = cJSON_CreateObject();
    if (o)
        cJSON_AddNumberToObject(o, "id", id);
    mock_reply_json(r, 201, o);
}

static void reset_post(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    store_clear(srv->store);
    journal_clear(srv->journal);
    fault_clear(srv->faults);
    mclock_reset(&srv->clock);
    quota_reset(srv->quota);
    mock_reply_empty(r, 204);
}

static void journal_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    mock_reply_json(r, 200, journal_json(srv->journal));
}

static void journal_delete(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    journal_clear(srv->journal);
    mock_reply_empty(r, 204);
}

static void faults_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    mock_reply_json(r, 200, fault_list_json(srv->faults));
}

static void faults_delete(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    fault_clear(srv->faults);
    mock_reply_empty(r, 204);
}

static void clock_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    clock_json(srv, r);
}

static void sessions_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    (void)c;
    session_admin_list(srv, ADMIN_LISTING_MAX, r);
}

static void session_get(mock_server *srv, const admin_call *c, mock_reply *r)
{
    session_admin_get(srv, c->id, r);
}

static void session_complete(mock_server *srv, const admin_call *c, mock_reply *r)
{
    session_admin_complete(srv, c->id, r);
}

/* One admin route: its path (with an {id} segment between path and tail when tail is
 * set), the Allow header a wrong method gets, and a handler per method (NULL = not
 * allowed). */
typedef struct admin_route {
    const char *path;
    const char *tail;
    const char *allow;
    admin_handler *get, *post, *del;
} admin_route;

static const admin_route routes[] = {
    {MOCK_ADMIN_HEALTH, NULL, "GET", health_get, NULL, NULL},
    {MOCK_ADMIN_RESET, NULL, "POST", NULL, reset_post, NULL},
    {MOCK_ADMIN_JOURNAL, NULL, "GET, DELETE", journal_get, NULL, journal_delete},
    {MOCK_ADMIN_FAULTS, NULL, "GET, POST, DELETE", faults_get, faults_post, faults_delete},
    {MOCK_ADMIN_CLOCK, NULL, "GET, POST", clock_get, clock_post, NULL},
    {MOCK_ADMIN_SESSIONS, NULL, "GET", sessions_get, NULL, NULL},
    {MOCK_ADMIN_SESSIONS "/", "", "GET", session_get, NULL, NULL},
    {MOCK_ADMIN_SESSIONS "/", MOCK_ADMIN_COMPLETE_SUFFIX, "POST", NULL, session_complete, NULL},
};

/* Longest session id a sessions/{id} route takes, NUL included. */
#define ADMIN_ID_MAX 64

/* True when path is the route's; writes the {id} segment (non-empty, shorter than
 * ADMIN_ID_MAX, no '/') of an {id} route into id. */
static bool route_matches(const admin_route *rt, const char *path, char id[ADMIN_ID_MAX])
{
    size_t n = strlen(rt->path);
    if (!rt->tail)
        return strcmp(path, rt->path) == 0;
    if (strncmp(path, rt->path, n) != 0)
        return false;
    const char *seg = path + n, *slash = strchr(seg, '/');
    size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
    if (len == 0 || len >= ADMIN_ID_MAX || strcmp(seg + len, rt->tail) != 0)
        return false;
    memcpy(id, seg, len);
    id[len] = '\0';
    return true;
}

void admin_handle(mock_server *srv, const char *method, const char *path, const char *body,
                  size_t len, mock_reply *r)
{
    char id[ADMIN_ID_MAX];
    admin_call c = {body, len, id};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const admin_route *rt = &routes[i];
        if (!route_matches(rt, path, id))
            continue;
        admin_handler *h = strcmp(method, "GET") == 0      ? rt->get
                           : strcmp(method, "POST") == 0   ? rt->post
                           : strcmp(method, "DELETE") == 0 ? rt->del
                                                           : NULL;
        if (h)
            h(srv, &c, r);
        else
            method_not_allowed(r, method, path, rt->allow);
        return;
    }
    char msg[160];
    snprintf(msg, sizeof msg, "no admin route for %.15s %.100s", method, path);
    mock_reply_admin_error(r, 404, msg);
}
