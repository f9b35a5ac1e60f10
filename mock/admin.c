/* admin: routing and bodies of the admin API; state changes go through the modules
 * that own the state (store, journal, faults, clock, quota). */
#include "admin.h"

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

static void method_not_allowed(mock_reply *r, const char *method, const char *path,
                               const char *allow)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%.15s is not allowed on %.80s (allowed: %s)", method, path, allow);
    mock_reply_admin_error(r, 405, msg);
    r->allow = allow;
}

static void health(mock_server *srv, mock_reply *r)
{
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
    char now[MCLOCK_TEXT_MAX];
    cJSON *o = cJSON_CreateObject();
    mclock_format(mclock_now(&srv->clock), now);
    if (o) {
        cJSON_AddStringToObject(o, "now", now);
        cJSON_AddNumberToObject(o, "offset_s", (double)mclock_offset_s(&srv->clock));
    }
    mock_reply_json(r, 200, o);
}

static void clock_post(mock_server *srv, const char *body, size_t len, mock_reply *r)
{
    cJSON *doc = mock_parse_object(body, len);
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(doc, "advance_s");
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(doc, "set");
    int64_t t;
    if (!doc || (!adv == !set)) {
        mock_reply_admin_error(r, 400,
                               "body must be {\"advance_s\": N} or {\"set\": \"RFC 3339 UTC\"}");
        goto out;
    }
    if (adv) {
        if (!cJSON_IsNumber(adv) || fabs(adv->valuedouble) > CLOCK_MAX_ADVANCE_S ||
            adv->valuedouble != floor(adv->valuedouble)) {
            mock_reply_admin_error(
                r, 400, "advance_s must be an integer number of seconds within 100 years");
            goto out;
        }
        t = mclock_now(&srv->clock) + (int64_t)adv->valuedouble;
    } else if (!cJSON_IsString(set) || mclock_parse(set->valuestring, &t) != 0) {
        mock_reply_admin_error(r, 400,
                               "set must be an RFC 3339 UTC time, e.g. 2026-11-25T12:00:00Z");
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

static void faults_post(mock_server *srv, const char *body, size_t len, mock_reply *r)
{
    char err[160];
    unsigned id;
    cJSON *doc = mock_parse_object(body, len), *o;
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

static void reset(mock_server *srv, mock_reply *r)
{
    store_clear(srv->store);
    journal_clear(srv->journal);
    fault_clear(srv->faults);
    mclock_reset(&srv->clock);
    quota_reset(srv->quota);
    mock_reply_empty(r, 204);
}

/* Matches "/__admin/sessions/{id}" and "/__admin/sessions/{id}/complete"; writes the id. */
static int session_route(const char *rest, char id[64], bool *complete)
{
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    if (n == 0 || n >= 64)
        return -1;
    if (slash && strcmp(slash, "/complete") != 0)
        return -1;
    memcpy(id, rest, n);
    id[n] = '\0';
    *complete = slash != NULL;
    return 0;
}

void admin_handle(mock_server *srv, const char *method, const char *path, const char *body,
                  size_t len, mock_reply *r)
{
    const char *route = path + strlen(ADMIN_PREFIX);
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0,
         del = strcmp(method, "DELETE") == 0;
    char id[64];
    bool complete;
    if (strcmp(route, "health") == 0) {
        if (get)
            health(srv, r);
        else
            method_not_allowed(r, method, path, "GET");
    } else if (strcmp(route, "reset") == 0) {
        if (post)
            reset(srv, r);
        else
            method_not_allowed(r, method, path, "POST");
    } else if (strcmp(route, "journal") == 0) {
        if (get) {
            mock_reply_json(r, 200, journal_json(srv->journal));
        } else if (del) {
            journal_clear(srv->journal);
            mock_reply_empty(r, 204);
        } else {
            method_not_allowed(r, method, path, "GET, DELETE");
        }
    } else if (strcmp(route, "faults") == 0) {
        if (post) {
            faults_post(srv, body, len, r);
        } else if (get) {
            mock_reply_json(r, 200, fault_list_json(srv->faults));
        } else if (del) {
            fault_clear(srv->faults);
            mock_reply_empty(r, 204);
        } else {
            method_not_allowed(r, method, path, "GET, POST, DELETE");
        }
    } else if (strcmp(route, "clock") == 0) {
        if (get)
            clock_json(srv, r);
        else if (post)
            clock_post(srv, body, len, r);
        else
            method_not_allowed(r, method, path, "GET, POST");
    } else if (strcmp(route, "sessions") == 0) {
        if (get)
            session_admin_list(srv, ADMIN_LISTING_MAX, r);
        else
            method_not_allowed(r, method, path, "GET");
    } else if (strncmp(route, "sessions/", 9) == 0 &&
               session_route(route + 9, id, &complete) == 0) {
        if (complete && post)
            session_admin_complete(srv, id, r);
        else if (!complete && get)
            session_admin_get(srv, id, r);
        else
            method_not_allowed(r, method, path, complete ? "POST" : "GET");
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "no admin route for %.15s %.100s", method, path);
        mock_reply_admin_error(r, 404, msg);
    }
}
