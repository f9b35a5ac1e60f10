/* HTTP tests of kpmock: a mock started in-process on a free loopback port, driven with
 * libcurl: the session calls, every reachable error of the contract, auth, bounds, expiry,
 * completed sessions, faults, quota, the journal and the admin API. */
#include "test_mock_util.h"

#include "b64.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static mock_server *srv;
static const char *base;

static void start_default(void)
{
    mock_config cfg;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tm_config(&cfg);
    srv = tm_start(&cfg);
    base = mock_server_url(srv);
}

static void stop(void)
{
    mock_server_stop(srv);
    srv = NULL;
}

TestSuite(mock_sessions, .init = start_default, .fini = stop);
TestSuite(mock_errors, .init = start_default, .fini = stop);
TestSuite(mock_auth, .init = start_default, .fini = stop);
TestSuite(mock_faults, .init = start_default, .fini = stop);
TestSuite(mock_admin, .init = start_default, .fini = stop);
TestSuite(mock_config, .init = start_default, .fini = stop);

static char *path_of(const char *id)
{
    char *p = malloc(128);
    snprintf(p, 128, "/payments/v1/sessions/%s", id);
    return p;
}

static cJSON *read_session(const char *id)
{
    tm_resp r;
    char *p = path_of(id);
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200, "read answered %ld: %s", r.status, r.body);
    cJSON *j = tm_json(&r);
    cr_assert_not_null(j);
    tm_resp_free(&r);
    free(p);
    return j;
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    cr_assert(cJSON_IsNumber(v), "%s is not a number", name);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    cr_assert(cJSON_IsString(v), "%s is not a string", name);
    return v->valuestring;
}

static bool lowercase_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return false;
        }
    }
    return true;
}

Test(mock_sessions, create_update_and_read_back)
{
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cJSON *j = tm_json(&r);
    const char *id = str(j, "session_id");
    cr_assert(lowercase_uuid(id), "session id %s", id);
    /* client_token: three base64url parts; the payload names session, market, environment */
    const char *tok = str(j, "client_token");
    const char *d1 = strchr(tok, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    cr_assert(d1 && d2 && !strchr(d2 + 1, '.') && d2[1], "token %s", tok);
    cr_assert_eq(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
                 strlen(tok));
    char b64[1024];
    size_t plen = (size_t)(d2 - d1 - 1), dlen;
    memcpy(b64, d1 + 1, plen);
    for (size_t i = 0; i < plen; i++)
        b64[i] = b64[i] == '-' ? '+' : b64[i] == '_' ? '/' : b64[i];
    b64[plen] = '\0';
    char *payload = b64_decode(b64, plen, &dlen);
    cr_assert_not_null(payload);
    cJSON *pj = cJSON_Parse(payload);
    cr_assert_str_eq(str(pj, "session_id"), id);
    cr_assert_str_eq(str(pj, "purchase_country"), "SE");
    cr_assert_str_eq(str(pj, "region"), "eu");
    cr_assert_str_eq(str(pj, "environment"), "playground");
    const cJSON *pmc = cJSON_GetObjectItemCaseSensitive(j, "payment_method_categories");
    cr_assert(cJSON_IsArray(pmc) && cJSON_GetArraySize(pmc) >= 1);
    cr_assert_str_eq(str(cJSON_GetArrayItem(pmc, 0), "identifier"), "klarna");
    char *p = path_of(id);
    tm_resp u;
    tm_request(base, "POST", p, TM_UPDATE_SE, TM_USERPWD, NULL, &u);
    cr_assert_eq(u.status, 204, "%s", u.body);
    cr_assert_eq(u.body_len, 0);
    char *cl = tm_header(&u, "Content-Length");
    cr_assert(!cl || strcmp(cl, "0") == 0, "204 with Content-Length %s", cl);
    cJSON *back = read_session(id);
    cr_assert_eq(num(back, "order_amount"), 20000);
    cr_assert_eq(num(back, "order_tax_amount"), 4000);
    cr_assert_eq(num(cJSON_GetArrayItem(cJSON_GetObjectItem(back, "order_lines"), 0), "quantity"),
                 2);
    cr_assert_str_eq(str(back, "locale"), "sv-SE", "omitted members are kept");
    cr_assert_str_eq(str(back, "status"), "incomplete");
    cr_assert_eq(strlen(str(back, "expires_at")), 20);
    cr_assert_str_eq(str(back, "client_token"), tok);
    cr_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(back, "payment_method_categories")));
    free(cl);
    free(payload);
    free(p);
    cJSON_Delete(pj);
    cJSON_Delete(back);
    cJSON_Delete(j);
    tm_resp_free(&u);
    tm_resp_free(&r);
}

/* A TM_SESSION_SE create carrying every read-only member with a client's value. */
#define SE_WITH_READ_ONLY                                                                          \
    "{\"purchase_country\":\"SE\",\"purchase_currency\":\"SEK\",\"locale\":\"sv-SE\","             \
    "\"status\":\"complete\",\"expires_at\":\"2038-01-19T03:14:07Z\",\"client_token\":\"mine\","   \
    "\"authorization_token\":\"auth-1\",\"session_id\":\"11111111-1111-4111-8111-111111111111\","  \
    "\"payment_method_categories\":[],"                                                            \
    "\"order_amount\":10000,\"order_tax_amount\":2000,\"order_lines\":[{\"type\":\"physical\","    \
    "\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,\"tax_rate\":2500,"                     \
    "\"total_amount\":10000,\"total_tax_amount\":2000}]}"

/* The read answer shows the mock's own status, expires_at, client_token and categories, and
 * none of the read-only members the client sent. */
static void expect_mock_owned(const cJSON *back, const char *token)
{
    const cJSON *pmc = cJSON_GetObjectItemCaseSensitive(back, "payment_method_categories");
    cr_expect_str_eq(str(back, "status"), "incomplete");
    cr_expect_str_neq(str(back, "expires_at"), "2038-01-19T03:14:07Z");
    cr_expect_str_eq(str(back, "client_token"), token);
    cr_expect(cJSON_IsArray(pmc) && cJSON_GetArraySize(pmc) == 1);
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(back, "authorization_token"));
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(back, "session_id"));
}

Test(mock_sessions, ignore_read_only_members_on_create_and_update)
{
    tm_resp r;
    char admin[128];
    tm_request(base, "POST", "/payments/v1/sessions", SE_WITH_READ_ONLY, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cJSON *j = tm_json(&r);
    const char *id = str(j, "session_id"), *token = str(j, "client_token");
    cr_assert_str_neq(id, "11111111-1111-4111-8111-111111111111");
    cr_assert_str_neq(token, "mine");
    cJSON *back = read_session(id);
    expect_mock_owned(back, token);
    cJSON_Delete(back);
    /* the same members in an update are ignored too, and the update still applies */
    char *p = path_of(id);
    tm_resp u;
    tm_request(base, "POST", p,
               "{\"status\":\"complete\",\"client_token\":\"mine\",\"authorization_token\":\"a\","
               "\"session_id\":\"x\",\"expires_at\":\"x\",\"payment_method_categories\":7,"
               "\"merchant_reference1\":\"after\"}",
               TM_USERPWD, NULL, &u);
    cr_assert_eq(u.status, 204, "%s", u.body);
    back = read_session(id);
    expect_mock_owned(back, token);
    cr_expect_str_eq(str(back, "merchant_reference1"), "after");
    cJSON_Delete(back);
    /* nor are they stored: the admin view of the stored session has none of them */
    snprintf(admin, sizeof admin, "/__admin/sessions/%s", id);
    tm_resp a;
    tm_request(base, "GET", admin, NULL, NULL, NULL, &a);
    cr_assert_eq(a.status, 200, "%s", a.body);
    cr_expect_null(strstr(a.body, "auth-1"), "%s", a.body);
    cr_expect_null(strstr(a.body, "\"authorization_token\""), "%s", a.body);
    cr_expect_null(strstr(a.body, "mine"), "%s", a.body);
    tm_resp_free(&a);
    tm_resp_free(&u);
    free(p);
    cJSON_Delete(j);
    tm_resp_free(&r);
}

/* Sends one raw HTTP/1.1 request to the test mock and returns the answer's status line. */
static void raw_status(const char *request, char *status_line, size_t len)
{
    static char out[16384];
    long n = tm_raw(mock_server_port(srv), request, strlen(request), out, sizeof out, 3000);
    cr_assert_gt(n, 0, "no answer to %s", request);
    snprintf(status_line, len, "%.*s", (int)strcspn(out, "\r\n"), out);
}

Test(mock_sessions, route_absolute_form_request_targets_like_origin_form)
{
    char req[2048], line[256];
    char *id = tm_create(base, NULL);
    const char *host = base + strlen("http://");
    snprintf(req, sizeof req,
             "POST %s/payments/v1/sessions HTTP/1.1\r\nHost: %s\r\n"
             "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             base, host, strlen(TM_SESSION_SE), TM_SESSION_SE);
    raw_status(req, line, sizeof line);
    cr_expect_str_eq(line, "HTTP/1.1 200 OK", "create in absolute form: %s", line);
    snprintf(req, sizeof req,
             "POST http://%s/payments/v1/sessions/%s HTTP/1.1\r\nHost: %s\r\n"
             "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
             host, id, host, strlen(TM_UPDATE_SE), TM_UPDATE_SE);
    raw_status(req, line, sizeof line);
    cr_expect_str_eq(line, "HTTP/1.1 204 No Content", "update in absolute form: %s", line);
    snprintf(req, sizeof req,
             "GET HTTP://example.com:80/payments/v1/sessions/%s HTTP/1.1\r\nHost: %s\r\n"
             "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\nConnection: close\r\n\r\n",
             id, host);
    raw_status(req, line, sizeof line);
    cr_expect_str_eq(line, "HTTP/1.1 200 OK", "read in absolute form: %s", line);
    cJSON *back = read_session(id);
    cr_expect_eq(num(back, "order_amount"), 20000);
    cJSON_Delete(back);
    /* an absolute-form target of an unknown path is still no route */
    snprintf(req, sizeof req,
             "GET http://%s/payments/v2/sessions HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
             host, host);
    raw_status(req, line, sizeof line);
    cr_expect_str_eq(line, "HTTP/1.1 404 Not Found", "%s", line);
    free(id);
}

Test(mock_sessions, region_follows_the_market_in_the_token)
{
    static const char us[] =
        "{\"purchase_country\":\"US\",\"purchase_currency\":\"USD\",\"locale\":\"en-US\","
        "\"order_amount\":10800,\"order_tax_amount\":800,\"order_lines\":[{\"name\":\"Hat\","
        "\"quantity\":1,\"unit_price\":10000,\"tax_rate\":0,\"total_amount\":10000,"
        "\"total_tax_amount\":0},{\"type\":\"sales_tax\",\"name\":\"Tax\",\"quantity\":1,"
        "\"unit_price\":800,\"tax_rate\":0,\"total_amount\":800,\"total_tax_amount\":0}]}";
    char *id = tm_create(base, us);
    tm_resp r;
    char *p = path_of(id);
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    const char *tok = strstr(r.body, "\"client_token\":\"");
    cr_assert_not_null(tok);
    /* the payload is the second part; decode it and look for the region */
    cJSON *j = tm_json(&r);
    const char *t = str(j, "client_token");
    const char *d1 = strchr(t, '.'), *d2 = strchr(d1 + 1, '.');
    char b[1024];
    size_t n = (size_t)(d2 - d1 - 1), dl;
    memcpy(b, d1 + 1, n);
    for (size_t i = 0; i < n; i++)
        b[i] = b[i] == '-' ? '+' : b[i] == '_' ? '/' : b[i];
    b[n] = '\0';
    char *payload = b64_decode(b, n, &dl);
    cr_assert(payload && strstr(payload, "\"region\":\"na\""), "payload %s", payload);
    free(payload);
    cJSON_Delete(j);
    tm_resp_free(&r);
    free(p);
    free(id);
}

Test(mock_sessions, a_forgotten_session_is_gone_and_the_others_stay)
{
    char *keep = tm_create(base, TM_SESSION_SE), *drop = tm_create(base, TM_SESSION_SE);
    cr_assert(mock_server_forget(srv, drop));
    cr_assert_not(mock_server_forget(srv, drop), "a second time there is nothing to forget");
    cr_assert_not(mock_server_forget(srv, "not-a-session-id"));
    char *p = path_of(drop);
    tm_resp r;
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    free(tm_assert_klarna_error(&r, 404, "NOT_FOUND"));
    tm_resp_free(&r);
    free(p);
    p = path_of(keep);
    tm_request(base, "POST", p, TM_UPDATE_SE, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 204, "%s", r.body);
    tm_resp_free(&r);
    free(p);
    free(keep);
    free(drop);
}

Test(mock_sessions, ids_are_deterministic_with_a_seed)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.seed = 7;
    mock_server *a = tm_start(&cfg), *b = tm_start(&cfg);
    char *ia = tm_create(mock_server_url(a), NULL), *ib = tm_create(mock_server_url(b), NULL);
    cr_assert_str_eq(ia, ib);
    cr_assert(lowercase_uuid(ia));
    free(ia);
    free(ib);
    mock_server_stop(a);
    mock_server_stop(b);
}

typedef struct bad_update {
    const char *body;
    const char *message;
} bad_update;

Test(mock_errors, rejects_bad_values_and_keeps_the_session_unchanged)
{
    static const bad_update rows[] = {
        {"{\"order_amount\":10001}", "Bad value: order_amount"},
        {"{\"order_tax_amount\":2500}", "Bad value: order_tax_amount"},
        {"{\"purchase_currency\":\"EUR\"}", "Bad value: purchase_currency"},
        {"{\"locale\":\"en-US\"}", "Bad value: locale"},
        {"{\"order_lines\":[{\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"
         "\"tax_rate\":2500,\"total_amount\":9000,\"total_tax_amount\":2000}]}",
         "order_lines[0].total_amount"},
        {"{\"order_lines\":[]}", "Bad value: order_lines"},
    };
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    cJSON *before = read_session(id);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        tm_resp r;
        tm_request(base, "POST", p, rows[i].body, TM_USERPWD, NULL, &r);
        char *msg = tm_assert_klarna_error(&r, 400, "BAD_VALUE");
        cr_assert(strstr(msg, rows[i].message), "row %zu: '%s' lacks '%s'", i, msg,
                  rows[i].message);
        free(msg);
        tm_resp_free(&r);
        cJSON *after = read_session(id);
        cr_assert(cJSON_Compare(before, after, 1), "row %zu changed the session", i);
        cJSON_Delete(after);
    }
    cJSON_Delete(before);
    free(p);
    free(id);
}

Test(mock_errors, rejects_a_bad_create_with_bad_value)
{
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions",
               "{\"purchase_country\":\"SE\",\"purchase_currency\":\"EUR\",\"order_amount\":0,"
               "\"order_lines\":[{\"name\":\"x\",\"quantity\":0,\"unit_price\":0,"
               "\"total_amount\":0}]}",
               TM_USERPWD, NULL, &r);
    char *msg = tm_assert_klarna_error(&r, 400, "BAD_VALUE");
    cr_assert(strstr(msg, "purchase_currency"), "%s", msg);
    free(msg);
    tm_resp_free(&r);
}

Test(mock_errors, answers_bad_request_to_bodies_that_are_not_json_objects)
{
    static const char *bodies[] = {"",      "not json",           "[1,2]",
                                   "\"s\"", "{\"a\":1} trailing", "{\"a\":"};
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        for (int upd = 0; upd < 2; upd++) {
            tm_resp r;
            tm_request(base, "POST", upd ? p : "/payments/v1/sessions", bodies[i], TM_USERPWD, NULL,
                       &r);
            free(tm_assert_klarna_error(&r, 400, "BAD_REQUEST"));
            tm_resp_free(&r);
        }
    }
    free(p);
    free(id);
}

Test(mock_errors, answers_not_found_to_unknown_and_malformed_ids)
{
    static const char *ids[] = {
        "6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", /* well formed, unknown */
        "6F1C1A3E-2B1D-4C55-9D8E-0A1B2C3D4E5F", /* upper case */
        "6f1c1a3e2b1d4c559d8e0a1b2c3d4e5f",     /* no hyphens */
        "nope",
        "",
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char *p = path_of(ids[i]);
        for (int upd = 0; upd < 2; upd++) {
            tm_resp r;
            tm_request(base, upd ? "POST" : "GET", p, upd ? TM_UPDATE_SE : NULL, TM_USERPWD, NULL,
                       &r);
            char *msg = tm_assert_klarna_error(&r, 404, "NOT_FOUND");
            cr_assert_str_eq(msg, "Invalid session id");
            free(msg);
            tm_resp_free(&r);
        }
        free(p);
    }
}

Test(mock_errors, answers_405_with_allow_to_a_wrong_method)
{
    static const struct {
        const char *method;
        bool on_session;
        const char *allow;
    } rows[] = {
        {"PUT", false, "POST"},     {"GET", false, "POST"},        {"DELETE", false, "POST"},
        {"PUT", true, "GET, POST"}, {"DELETE", true, "GET, POST"}, {"PATCH", true, "GET, POST"},
    };
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        tm_resp r;
        tm_request(base, rows[i].method, rows[i].on_session ? p : "/payments/v1/sessions", NULL,
                   TM_USERPWD, NULL, &r);
        free(tm_assert_klarna_error(&r, 405, "METHOD_NOT_ALLOWED"));
        char *allow = tm_header(&r, "Allow");
        cr_assert_not_null(allow, "row %zu", i);
        cr_assert_str_eq(allow, rows[i].allow);
        free(allow);
        tm_resp_free(&r);
    }
    free(p);
    free(id);
}

Test(mock_errors, answers_unknown_routes_in_a_shape_unlike_klarna)
{
    static const char *paths[] = {"/x", "/payments/v1/session", "/payments/v1/sessions/a/b",
                                  "/payments/v2/sessions", "/"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        tm_resp r;
        char expect[256];
        tm_request(base, "GET", paths[i], NULL, TM_USERPWD, NULL, &r);
        cr_assert_eq(r.status, 404);
        snprintf(expect, sizeof expect, "kpmock: no route for GET %s\n", paths[i]);
        cr_assert_str_eq(r.body, expect);
        char *ct = tm_header(&r, "Content-Type"), *xe = tm_header(&r, "X-Kpmock-Error"),
             *cid = tm_header(&r, "Klarna-Correlation-Id");
        cr_assert_str_eq(ct, "text/plain");
        cr_assert_str_eq(xe, "no-route");
        cr_assert_null(cid);
        free(ct);
        free(xe);
        tm_resp_free(&r);
    }
}

Test(mock_errors, answers_413_to_a_large_body)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.max_body_bytes = 64;
    mock_server *s = tm_start(&cfg);
    tm_resp r;
    tm_request(mock_server_url(s), "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL,
               &r);
    char *msg = tm_assert_klarna_error(&r, 413, "PAYLOAD_TOO_LARGE");
    cr_assert(strstr(msg, "64 bytes"), "the cap is named: %s", msg);
    free(msg);
    tm_resp_free(&r);
    mock_server_stop(s);
}

Test(mock_errors, answers_413_before_reading_an_announced_large_body)
{
    static const char req[] = "POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\n"
                              "Content-Type: application/json\r\n"
                              "Content-Length: 2000000\r\n\r\n{\"a\":";
    char out[4096];
    /* only 5 of the 2,000,000 promised bytes are ever sent: the answer must come anyway */
    long n = tm_raw(mock_server_port(srv), req, sizeof req - 1, out, sizeof out, 3000);
    cr_assert_gt(n, 0);
    cr_assert(strncmp(out, "HTTP/1.1 413", 12) == 0, "got: %s", out);
    cr_assert(strstr(out, "PAYLOAD_TOO_LARGE"), "%s", out);
    cr_assert(strstr(out, "Klarna-Correlation-Id"), "%s", out);
    /* and the server goes on serving */
    free(tm_create(base, NULL));
}

Test(mock_errors, answers_413_to_a_chunked_body_over_the_cap)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.max_body_bytes = 16;
    mock_server *s = tm_start(&cfg);
    static const char req[] = "POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              "14\r\n{\"aaaaaaaaaaaaaaaaa\"\r\n"
                              "4\r\n:12}\r\n0\r\n\r\n";
    char out[4096];
    long n = tm_raw(mock_server_port(s), req, sizeof req - 1, out, sizeof out, 3000);
    cr_assert_gt(n, 0);
    cr_assert(strncmp(out, "HTTP/1.1 413", 12) == 0, "got: %s", out);
    mock_server_stop(s);
}

typedef struct auth_row {
    const char *userpwd; /* via libcurl, or NULL */
    const char *header;  /* raw Authorization header, or NULL */
} auth_row;

Test(mock_auth, answers_401_html_to_missing_wrong_and_malformed_credentials)
{
    static const auth_row rows[] = {
        {NULL, NULL},
        {"kpmock:wrong", NULL},
        {"someone:kpmock", NULL},
        {"kpmock:", NULL},
        {"kpmock:kpmockx", NULL},
        {NULL, "Authorization: Basic !!!notbase64"},
        {NULL, "Authorization: Bearer a3Btb2NrOmtwbW9jaw=="},
        {NULL, "Authorization: Basic a3Btb2Nr"}, /* "kpmock", no colon */
        {NULL, "Authorization: Basic"},
        {NULL, "Authorization: a3Btb2NrOmtwbW9jaw=="},
    };
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        for (int route = 0; route < 3; route++) {
            tm_resp r;
            const char *method = route == 1 ? "GET" : "POST";
            const char *path = route == 0 ? "/payments/v1/sessions" : p;
            tm_request(base, method, path, route == 1 ? NULL : TM_SESSION_SE, rows[i].userpwd,
                       rows[i].header, &r);
            cr_assert_eq(r.status, 401, "row %zu route %d: %ld %s", i, route, r.status, r.body);
            char *ct = tm_header(&r, "Content-Type"), *wa = tm_header(&r, "WWW-Authenticate"),
                 *cid = tm_header(&r, "Klarna-Correlation-Id");
            cr_assert_str_eq(ct, "text/html");
            cr_assert(wa && strncmp(wa, "Basic realm=\"", 13) == 0, "%s", wa);
            cr_assert_null(cid);
            cr_assert(strstr(r.body, "<html>"), "%s", r.body);
            cr_assert_null(tm_json(&r), "a 401 body must not be JSON");
            free(ct);
            free(wa);
            tm_resp_free(&r);
        }
    }
    free(p);
    free(id);
}

Test(mock_auth, accepts_the_scheme_in_any_case)
{
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, NULL,
               "Authorization: basic a3Btb2NrOmtwbW9jaw==", &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    tm_resp_free(&r);
}

Test(mock_auth, admin_routes_need_no_credentials)
{
    tm_admin(base, "GET", "/__admin/health", NULL, 200);
}

Test(mock_config, uses_configured_credentials)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.username = "merchant_1";
    cfg.password = "s3cret:with:colons";
    mock_server *s = tm_start(&cfg);
    tm_resp r;
    tm_request(mock_server_url(s), "POST", "/payments/v1/sessions", TM_SESSION_SE,
               "merchant_1:s3cret:with:colons", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    tm_resp_free(&r);
    tm_request(mock_server_url(s), "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL,
               &r);
    cr_assert_eq(r.status, 401);
    tm_resp_free(&r);
    mock_server_stop(s);
}

static long status_of(const char *method, const char *path, const char *body)
{
    tm_resp r;
    tm_request(base, method, path, body, TM_USERPWD, NULL, &r);
    long s = r.status;
    tm_resp_free(&r);
    return s;
}

static void advance(long seconds)
{
    char body[64];
    snprintf(body, sizeof body, "{\"advance_s\":%ld}", seconds);
    tm_admin(base, "POST", "/__admin/clock", body, 200);
}

Test(mock_sessions, expire_48_hours_after_creation)
{
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    advance(47 * 3600);
    cr_assert_eq(status_of("POST", p, TM_UPDATE_SE), 204);
    /* the mock's clock also runs in real time and keeps whole seconds: the creation time
     * is rounded down, so crossing a second boundary between the create and the GET costs
     * one second of margin, and a slowed run (valgrind) may lose more; hence 1 + slowdown */
    long margin = 1 + (long)tm_slowdown();
    advance(3600 - margin);
    cr_assert_eq(status_of("GET", p, NULL), 200, "alive %ld s before 48 h", margin);
    advance(margin);
    tm_resp r;
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    char *msg = tm_assert_klarna_error(&r, 404, "NOT_FOUND");
    cr_assert_str_eq(msg, "Invalid session id");
    free(msg);
    tm_resp_free(&r);
    cr_assert_eq(status_of("POST", p, TM_UPDATE_SE), 404, "an expired session stays gone");
    free(p);
    free(id);
}

Test(mock_sessions, expire_48_hours_after_the_last_update_when_configured)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.expiry_base = MOCK_EXPIRY_FROM_UPDATE;
    mock_server *s = tm_start(&cfg);
    const char *saved = base;
    base = mock_server_url(s);
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    advance(47 * 3600);
    cr_assert_eq(status_of("POST", p, TM_UPDATE_SE), 204);
    advance(47 * 3600);
    cr_assert_eq(status_of("GET", p, NULL), 200, "94 h after creation, 47 h after the update");
    tm_resp r;
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    cJSON *j = tm_json(&r);
    cr_assert_not_null(j);
    tm_resp_free(&r);
    cJSON_Delete(j);
    advance(3600);
    cr_assert_eq(status_of("GET", p, NULL), 404);
    free(p);
    free(id);
    base = saved;
    mock_server_stop(s);
}

static void check_completed(mock_completed_answer answer, long status, const char *code)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.completed_answer = answer;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    char *id = tm_create(u, NULL);
    char *p = path_of(id), admin[160];
    snprintf(admin, sizeof admin, "/__admin/sessions/%s/complete", id);
    tm_admin(u, "POST", admin, NULL, 204);
    tm_resp r;
    tm_request(u, "POST", p, TM_UPDATE_SE, TM_USERPWD, NULL, &r);
    free(tm_assert_klarna_error(&r, status, code));
    tm_resp_free(&r);
    tm_request(u, "GET", p, NULL, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200);
    cJSON *j = tm_json(&r);
    cr_assert_str_eq(str(j, "status"), "complete");
    cr_assert_eq(num(j, "order_amount"), 10000, "the refused update changed nothing");
    cJSON_Delete(j);
    tm_resp_free(&r);
    free(p);
    free(id);
    mock_server_stop(s);
}

Test(mock_sessions, refuse_updates_once_completed_with_403_by_default)
{
    check_completed(MOCK_COMPLETED_403_INVALID_OPERATION, 403, "INVALID_OPERATION");
}

Test(mock_sessions, refuse_updates_once_completed_with_404_when_configured)
{
    check_completed(MOCK_COMPLETED_404_SESSION_COMPLETED, 404, "SESSION_COMPLETED");
}

Test(mock_config, evicts_expired_sessions_at_the_cap_then_answers_503)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.max_sessions = 2;
    mock_server *s = tm_start(&cfg);
    const char *saved = base;
    base = mock_server_url(s);
    free(tm_create(base, NULL));
    advance(3600);
    char *young = tm_create(base, NULL);
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    char *msg = tm_assert_klarna_error(&r, 503, "SESSION_LIMIT");
    cr_assert(strstr(msg, "at most 2 sessions"), "%s", msg);
    free(msg);
    tm_resp_free(&r);
    /* the first session expires: a create evicts it and succeeds */
    advance(47 * 3600);
    free(tm_create(base, NULL));
    tm_request(base, "GET", "/__admin/health", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"sessions\":2"), "%s", r.body);
    tm_resp_free(&r);
    char *p = path_of(young);
    cr_assert_eq(status_of("GET", p, NULL), 200, "the live session was kept");
    free(p);
    free(young);
    base = saved;
    mock_server_stop(s);
}

Test(mock_config, answers_429_over_quota)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.quota = true;
    cfg.quota_create_per_s = 2;
    mock_server *s = tm_start(&cfg);
    int limited = 0, ok = 0;
    /* 2 creates per second: 5 quick creates cannot all fit unless they span 3 seconds */
    for (int i = 0; i < 5; i++) {
        tm_resp r;
        tm_request(mock_server_url(s), "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD,
                   NULL, &r);
        if (r.status == 429) {
            free(tm_assert_klarna_error(&r, 429, "RATE_LIMITED"));
            char *ra = tm_header(&r, "Retry-After");
            cr_assert_str_eq(ra, "1");
            free(ra);
            limited++;
        } else {
            cr_assert_eq(r.status, 200);
            ok++;
        }
        tm_resp_free(&r);
    }
    cr_assert_geq(limited, 1);
    cr_assert_geq(ok, 2);
    mock_server_stop(s);
}

Test(mock_config, keeps_quota_off_by_default)
{
    for (int i = 0; i < 12; i++)
        free(tm_create(base, NULL));
}

Test(mock_config, bounds_the_journal_and_counts_what_it_dropped)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.journal_size = 3;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    for (int i = 0; i < 5; i++) {
        tm_resp r;
        char path[32];
        snprintf(path, sizeof path, "/r%d", i);
        tm_request(u, "GET", path, NULL, NULL, NULL, &r);
        tm_resp_free(&r);
    }
    tm_resp r;
    tm_request(u, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cJSON *j = tm_json(&r);
    cr_assert_eq(num(j, "capacity"), 3);
    cr_assert_eq(num(j, "dropped"), 2);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "entries");
    cr_assert_eq(cJSON_GetArraySize(e), 3, "admin requests are not journaled: %s", r.body);
    for (int i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetArrayItem(e, i);
        char path[32];
        snprintf(path, sizeof path, "/r%d", i + 2);
        cr_assert_eq(num(x, "seq"), i + 3);
        cr_assert_str_eq(str(x, "path"), path);
        cr_assert_str_eq(str(x, "method"), "GET");
        cr_assert_eq(num(x, "status"), 404);
        cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(x, "fault")));
        cr_assert_eq(strlen(str(x, "time")), 24);
    }
    cJSON_Delete(j);
    tm_resp_free(&r);
    tm_admin(u, "DELETE", "/__admin/journal", NULL, 204);
    tm_request(u, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"dropped\":0") && strstr(r.body, "\"entries\":[]"), "%s", r.body);
    tm_resp_free(&r);
    mock_server_stop(s);
}

/* ---- faults ---- */

static void arm(const char *spec)
{
    tm_admin(base, "POST", "/__admin/faults", spec, 201);
}

Test(mock_faults, status_fault_answers_its_status_and_body_for_n_requests)
{
    arm("{\"kind\":\"status\",\"status\":503,\"body\":\"{\\\"x\\\":1}\",\"times\":2,"
        "\"method\":\"POST\",\"path\":\"/payments/v1/sessions*\"}");
    for (int i = 0; i < 2; i++) {
        tm_resp r;
        tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
        cr_assert_eq(r.status, 503);
        cr_assert_str_eq(r.body, "{\"x\":1}");
        char *ct = tm_header(&r, "Content-Type");
        cr_assert_str_eq(ct, "application/json");
        free(ct);
        tm_resp_free(&r);
    }
    free(tm_create(base, NULL)); /* used up */
    tm_resp r;
    tm_request(base, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"fault\":\"status\""), "%s", r.body);
    tm_resp_free(&r);
}

Test(mock_faults, match_by_method_and_exact_path)
{
    arm("{\"kind\":\"status\",\"status\":500,\"method\":\"GET\",\"path\":\"/x\"}");
    cr_assert_eq(status_of("POST", "/x", "{}"), 404, "other method: no fault");
    cr_assert_eq(status_of("GET", "/xy", NULL), 404, "exact path only");
    cr_assert_eq(status_of("GET", "/x", NULL), 500);
    cr_assert_eq(status_of("GET", "/x", NULL), 404, "times defaults to 1");
}

Test(mock_faults, times_zero_fires_until_cleared)
{
    arm("{\"kind\":\"status\",\"status\":502,\"times\":0}");
    for (int i = 0; i < 3; i++)
        cr_assert_eq(status_of("GET", "/x", NULL), 502);
    tm_resp r;
    tm_request(base, "GET", "/__admin/faults", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"kind\":\"status\"") && strstr(r.body, "\"remaining\":null"), "%s",
              r.body);
    tm_resp_free(&r);
    tm_admin(base, "DELETE", "/__admin/faults", NULL, 204);
    cr_assert_eq(status_of("GET", "/x", NULL), 404);
}

Test(mock_faults, delay_then_answers_normally)
{
    arm("{\"kind\":\"delay\",\"delay_ms\":300}");
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cJSON *j = tm_json(&r);
    const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "entries"), 0);
    cr_assert_geq(num(e, "duration_us"), 300000.0 * 0.9);
    cr_assert_str_eq(str(e, "fault"), "delay");
    cJSON_Delete(j);
    tm_resp_free(&r);
}

Test(mock_faults, reset_closes_without_an_answer)
{
    arm("{\"kind\":\"reset\"}");
    tm_resp r;
    tm_request(base, "GET", "/x", NULL, NULL, NULL, &r);
    cr_assert_eq(r.status, 0);
    cr_assert_eq(r.curl_code, CURLE_GOT_NOTHING, "curl said %d", r.curl_code);
    tm_resp_free(&r);
    cr_assert_eq(status_of("GET", "/x", NULL), 404);
}

Test(mock_faults, truncate_sends_less_than_promised)
{
    arm("{\"kind\":\"truncate\"}");
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.curl_code, CURLE_PARTIAL_FILE, "curl said %d", r.curl_code);
    tm_resp_free(&r);
}

Test(mock_faults, rate_limit_answers_429_with_retry_after)
{
    arm("{\"kind\":\"rate_limit\",\"retry_after\":7}");
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    free(tm_assert_klarna_error(&r, 429, "RATE_LIMITED"));
    char *ra = tm_header(&r, "Retry-After");
    cr_assert_str_eq(ra, "7");
    free(ra);
    tm_resp_free(&r);
}

Test(mock_faults, hang_ends_after_hang_ms_without_an_answer)
{
    arm("{\"kind\":\"hang\",\"hang_ms\":200}");
    tm_resp r;
    tm_request(base, "GET", "/x", NULL, NULL, NULL, &r);
    cr_assert_eq(r.curl_code, CURLE_GOT_NOTHING, "curl said %d", r.curl_code);
    tm_resp_free(&r);
}

typedef struct hang_arg {
    const char *base;
    tm_resp r;
} hang_arg;

static void *hang_client(void *p)
{
    hang_arg *a = p;
    tm_request(a->base, "GET", "/hang", NULL, NULL, NULL, &a->r);
    return NULL;
}

Test(mock_faults, hanging_requests_do_not_block_the_others)
{
    /* one worker thread, three hanging requests: a fourth request is still served */
    mock_config cfg;
    tm_config(&cfg);
    cfg.threads = 1;
    cfg.idle_timeout_s = 1;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    tm_admin(u, "POST", "/__admin/faults", "{\"kind\":\"hang\",\"times\":3,\"path\":\"/hang\"}",
             201);
    pthread_t t[3];
    hang_arg a[3];
    for (int i = 0; i < 3; i++) {
        a[i].base = u;
        pthread_create(&t[i], NULL, hang_client, &a[i]);
    }
    usleep(200000);
    tm_resp r;
    tm_request(u, "GET", "/__admin/health", NULL, NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    tm_resp_free(&r);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        /* bounded by the 1 s idle timeout: the client got nothing, not a hang forever */
        cr_assert_eq(a[i].r.curl_code, CURLE_GOT_NOTHING, "curl said %d", a[i].r.curl_code);
        tm_resp_free(&a[i].r);
    }
    mock_server_stop(s);
}

Test(mock_faults, stopping_the_server_ends_a_hang)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.idle_timeout_s = 30;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    tm_admin(u, "POST", "/__admin/faults", "{\"kind\":\"hang\"}", 201);
    hang_arg a = {.base = u};
    pthread_t t;
    pthread_create(&t, NULL, hang_client, &a);
    usleep(200000);
    mock_server_stop(s);
    pthread_join(t, NULL);
    cr_assert_neq(a.r.curl_code, CURLE_OK);
    tm_resp_free(&a.r);
}

Test(mock_faults, a_hang_ends_when_the_client_hangs_up)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.idle_timeout_s = 60; /* far beyond this test's timeout: only the hang-up can end it */
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    tm_admin(u, "POST", "/__admin/faults", "{\"kind\":\"hang\"}", 201);
    static const char req[] = "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n";
    char out[64];
    /* send, wait 100 ms for an answer that never comes, then close the socket */
    cr_assert_eq(tm_raw(mock_server_port(s), req, sizeof req - 1, out, sizeof out, 100), 0);
    cr_assert(tm_journal_has(u, "\"fault\":\"hang\"", NULL, 0),
              "the hanging request was not finished after the client left");
    mock_server_stop(s);
}

typedef struct bad_fault {
    const char *spec;
    const char *reason;
} bad_fault;

Test(mock_faults, refuses_bad_fault_specs_with_a_reason)
{
    static const bad_fault rows[] = {
        {"", "JSON object"},
        {"[]", "JSON object"},
        {"{}", "kind"},
        {"{\"kind\":\"explode\"}", "kind"},
        {"{\"kind\":\"status\"}", "status"},
        {"{\"kind\":\"status\",\"status\":99}", "status"},
        {"{\"kind\":\"status\",\"status\":600}", "status"},
        {"{\"kind\":\"status\",\"status\":500,\"body\":1}", "body"},
        {"{\"kind\":\"delay\",\"delay_ms\":-1}", "delay_ms"},
        {"{\"kind\":\"delay\",\"delay_ms\":1.5}", "delay_ms"},
        {"{\"kind\":\"hang\",\"hang_ms\":9999999}", "hang_ms"},
        {"{\"kind\":\"reset\",\"times\":\"2\"}", "times"},
        {"{\"kind\":\"reset\",\"path\":5}", "path"},
        {"{\"kind\":\"reset\",\"path\":\"payments/*\"}", "path must start with /"},
        {"{\"kind\":\"rate_limit\",\"retry_after\":-3}", "retry_after"},
        /* an interim 1xx and nothing after it would be a hang */
        {"{\"kind\":\"status\",\"status\":100}", "status must be from 200 to 599"},
        {"{\"kind\":\"status\",\"status\":199}", "status must be from 200 to 599"},
        /* sent as a header: a CR LF used to close the connection instead of answering */
        {"{\"kind\":\"status\",\"status\":500,\"content_type\":\"text/plain\\r\\nX-Evil: 1\"}",
         "content_type must be printable ASCII"},
        /* a typo used to arm a fault that did something else (a delay of 0 ms) */
        {"{\"kind\":\"delay\",\"delay\":500}", "unknown member 'delay'"},
        {"{\"kind\":\"hang\",\"hang_ms\":10,\"timeout\":1}", "unknown member 'timeout'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        tm_resp r;
        tm_request(base, "POST", "/__admin/faults", rows[i].spec, NULL, NULL, &r);
        cr_assert_eq(r.status, 400, "row %zu: %ld %s", i, r.status, r.body);
        cJSON *j = tm_json(&r);
        cr_assert(strstr(str(j, "error"), rows[i].reason), "row %zu: %s", i, r.body);
        cJSON_Delete(j);
        tm_resp_free(&r);
    }
    tm_resp r;
    tm_request(base, "GET", "/__admin/faults", NULL, NULL, NULL, &r);
    cr_assert_str_eq(r.body, "{\"faults\":[]}");
    tm_resp_free(&r);
}

/* ---- admin ---- */

Test(mock_admin, health_reports_the_service_and_session_count)
{
    free(tm_create(base, NULL));
    tm_resp r;
    tm_request(base, "GET", "/__admin/health", NULL, NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cJSON *j = tm_json(&r);
    cr_assert_str_eq(str(j, "status"), "ok");
    cr_assert_str_eq(str(j, "service"), "kpmock");
    cr_assert_str_eq(str(j, "version"), "0.1.0");
    cr_assert_eq(num(j, "sessions"), 1);
    cJSON_Delete(j);
    tm_resp_free(&r);
}

Test(mock_admin, reset_clears_sessions_journal_faults_and_clock)
{
    char *id = tm_create(base, NULL);
    arm("{\"kind\":\"status\",\"status\":500,\"path\":\"/never\"}");
    advance(100);
    tm_admin(base, "POST", "/__admin/reset", NULL, 204);
    tm_resp r;
    tm_request(base, "GET", "/__admin/health", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"sessions\":0"), "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"entries\":[]"), "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "GET", "/__admin/faults", NULL, NULL, NULL, &r);
    cr_assert_str_eq(r.body, "{\"faults\":[]}");
    tm_resp_free(&r);
    tm_request(base, "GET", "/__admin/clock", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"offset_s\":0"), "%s", r.body);
    tm_resp_free(&r);
    free(id);
}

Test(mock_admin, clock_sets_and_advances)
{
    tm_resp r;
    tm_request(base, "POST", "/__admin/clock", "{\"set\":\"2030-01-02T03:04:05Z\"}", NULL, NULL,
               &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(strstr(r.body, "\"now\":\"2030-01-02T03:04:0"), "%s", r.body);
    tm_resp_free(&r);
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    cJSON *s = read_session(id);
    /* 48 h after a creation at 2030-01-02T03:04:05 (give or take the seconds ticking) */
    cr_assert(strncmp(str(s, "expires_at"), "2030-01-04T03:04:", 17) == 0, "%s",
              str(s, "expires_at"));
    cJSON_Delete(s);
    tm_request(base, "POST", "/__admin/clock", "{\"advance_s\":-60}", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    tm_resp_free(&r);
    static const char *bad[] = {
        "{}", "{\"advance_s\":1.5}", "{\"advance_s\":\"1\"}", "{\"set\":\"yesterday\"}",
        "{\"set\":\"2030-01-02T03:04:05+02:00\"}", "{\"set\":\"2030-02-30T00:00:00Z\"}",
        "{\"advance_s\":1,\"set\":\"2030-01-02T03:04:05Z\"}", "nope",
        /* the clock stays within four-digit years after 1970 */
        "{\"set\":\"1969-12-31T23:59:59Z\"}", "{\"set\":\"0000-01-01T00:00:00Z\"}",
        "{\"advance_s\":-3155760000}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tm_request(base, "POST", "/__admin/clock", bad[i], NULL, NULL, &r);
        cr_assert_eq(r.status, 400, "%s -> %ld", bad[i], r.status);
        cr_assert(strstr(r.body, "\"error\":"), "%s", r.body);
        tm_resp_free(&r);
    }
    free(p);
    free(id);
}

Test(mock_admin, lists_and_shows_sessions)
{
    char *a = tm_create(base, NULL), *b = tm_create(base, NULL);
    tm_resp r;
    tm_request(base, "GET", "/__admin/sessions", NULL, NULL, NULL, &r);
    cJSON *j = tm_json(&r);
    cr_assert_eq(num(j, "count"), 2);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "sessions")), 2);
    cr_assert(strstr(r.body, a) && strstr(r.body, b));
    cJSON_Delete(j);
    tm_resp_free(&r);
    char path[160];
    snprintf(path, sizeof path, "/__admin/sessions/%s", a);
    tm_request(base, "GET", path, NULL, NULL, NULL, &r);
    j = tm_json(&r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(j, "session_id"), a);
    cr_assert_str_eq(str(j, "status"), "incomplete");
    str(j, "created_at");
    str(j, "updated_at");
    str(j, "expires_at");
    cr_assert_eq(num(j, "order_amount"), 10000);
    cJSON_Delete(j);
    tm_resp_free(&r);
    tm_admin(base, "GET", "/__admin/sessions/6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", NULL, 404);
    tm_admin(base, "POST", "/__admin/sessions/6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f/complete", NULL,
             404);
    tm_admin(base, "POST", "/__admin/sessions/nope/complete", NULL, 404);
    free(a);
    free(b);
}

Test(mock_admin, answers_unknown_admin_routes_and_methods_with_json_errors)
{
    tm_resp r;
    tm_request(base, "GET", "/__admin/nope", NULL, NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    cr_assert(strstr(r.body, "\"error\":\"no admin route"), "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "DELETE", "/__admin/health", NULL, NULL, NULL, &r);
    cr_assert_eq(r.status, 405);
    char *allow = tm_header(&r, "Allow");
    cr_assert_str_eq(allow, "GET");
    free(allow);
    tm_resp_free(&r);
    tm_admin(base, "GET", "/__admin/reset", NULL, 405);
    tm_admin(base, "PUT", "/__admin/faults", NULL, 405);
    tm_admin(base, "GET", "/__admin/sessions/x/complete", NULL, 405);
}

Test(mock_config, serves_https_with_the_test_certificate)
{
    const char *dir = getenv("KPMOCK_TEST_CERTS");
    cr_assert_not_null(dir, "KPMOCK_TEST_CERTS is not set");
    char cert[512], key[512];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    mock_config cfg;
    tm_config(&cfg);
    cfg.tls_cert_file = cert;
    cfg.tls_key_file = key;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    cr_assert(strncmp(u, "https://127.0.0.1:", 18) == 0, "%s", u);
    tm_resp r;
    tm_request_tls(u, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, cert, &r);
    cr_assert_eq(r.status, 200, "curl %d, status %ld", r.curl_code, r.status);
    tm_resp_free(&r);
    mock_server_stop(s);
}

Test(mock_config, reports_start_failures_with_a_reason)
{
    mock_config cfg;
    mock_server *s = NULL;
    char err[256];
    tm_config(&cfg);
    cfg.tls_cert_file = "/nonexistent/cert.pem";
    cfg.tls_key_file = "/nonexistent/key.pem";
    cr_assert_eq(mock_server_start(&cfg, &s, err, sizeof err), -1);
    cr_assert(strstr(err, "TLS certificate"), "%s", err);
    tm_config(&cfg);
    cfg.bind_address = "not-an-address";
    cr_assert_eq(mock_server_start(&cfg, &s, err, sizeof err), -1);
    cr_assert(strstr(err, "not-an-address"), "%s", err);
    tm_config(&cfg);
    cfg.port = mock_server_port(srv); /* taken */
    cr_assert_eq(mock_server_start(&cfg, &s, err, sizeof err), -1);
    cr_assert(strstr(err, "cannot start serving"), "%s", err);
    cr_assert_null(s);
    mock_server_stop(NULL);
}

/* Mutated bodies: byte flips, cuts, duplications and deep nesting of a valid session,
 * seeded so a failure repeats. Every answer must be 200/204/400 (never 5xx, never a
 * dropped connection) and the server keeps serving. */
Test(mock_errors, survives_mutated_bodies)
{
    static const char alphabet[] = "{}[]\":,0123456789-.eE\\ntfu \x01\xff";
    char *id = tm_create(base, NULL);
    char *p = path_of(id);
    unsigned seed = 12345;
    size_t base_len = strlen(TM_SESSION_SE);
    for (int i = 0; i < 300; i++) {
        char *body = malloc(base_len * 2 + 4096);
        size_t n = base_len;
        memcpy(body, TM_SESSION_SE, base_len);
        int edits = 1 + (int)(rand_r(&seed) % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)rand_r(&seed) % (n ? n : 1);
            switch (rand_r(&seed) % 4) {
            case 0: /* flip a byte */
                body[at] = alphabet[(size_t)rand_r(&seed) % (sizeof alphabet - 1)];
                break;
            case 1: /* cut the tail */
                n = at;
                break;
            case 2: /* duplicate a slice (shorter near the end: never past the text) */
                if (n + 64 < base_len * 2) {
                    size_t k = n - at < 32 ? n - at : 32;
                    memmove(body + at + k, body + at, n - at);
                    n += k;
                }
                break;
            default: /* nest deeply */
                if (n + 2048 < base_len * 2 + 4096) {
                    memmove(body + at + 2000, body + at, n - at);
                    memset(body + at, '[', 2000);
                    n += 2000;
                }
                break;
            }
        }
        body[n] = '\0';
        for (int upd = 0; upd < 2; upd++) {
            tm_resp r;
            tm_request(base, "POST", upd ? p : "/payments/v1/sessions", body, TM_USERPWD, NULL, &r);
            cr_assert(r.status == 200 || r.status == 204 || r.status == 400,
                      "mutation %d answered %ld (curl %d): %s", i, r.status, r.curl_code, body);
            tm_resp_free(&r);
        }
        free(body);
    }
    free(tm_create(base, NULL));
    free(p);
    free(id);
}

/* A body of n members "<prefix>0": 0, "<prefix>1": 0, ... (caller frees). */
static char *many_members(const char *prefix, size_t n)
{
    size_t cap = n * (strlen(prefix) + 16) + 16, len = 0;
    char *b = malloc(cap);
    cr_assert_not_null(b);
    b[len++] = '{';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(b + len, cap - len, "%s\"%s%zu\":0", i ? "," : "", prefix, i);
    b[len++] = '}';
    b[len] = '\0';
    return b;
}

/* A 1 MB update of 90,000 new members used to cost members² compares under the shard
 * lock (about 30 s, past curl's 10 s timeout here); and a session could grow without
 * bound through updates. Now the merge is linear and the stored document is capped at
 * --max-body: a second such update would double it and gets 413, changing nothing. */
Test(mock_errors, merges_many_members_quickly_and_caps_the_stored_session)
{
    char *id = tm_create(base, NULL), *p = path_of(id);
    char *first = many_members("k", 90000), *second = many_members("j", 90000);
    tm_resp r, before, after;
    tm_request(base, "POST", p, first, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 204, "curl %d, status %ld: %.200s", r.curl_code, r.status, r.body);
    tm_resp_free(&r);
    /* compared as text: cJSON_Compare is itself quadratic in the number of members */
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &before);
    cr_assert_eq(before.status, 200);
    cr_assert(strstr(before.body, "\"k89999\":0"), "the last member was merged");
    tm_request(base, "POST", p, second, TM_USERPWD, NULL, &r);
    char *msg = tm_assert_klarna_error(&r, 413, "PAYLOAD_TOO_LARGE");
    cr_assert(strstr(msg, "1048576 bytes"), "the cap is named: %s", msg);
    free(msg);
    tm_resp_free(&r);
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &after);
    cr_assert_str_eq(after.body, before.body, "the refused update changed the session");
    tm_resp_free(&before);
    tm_resp_free(&after);
    free(first);
    free(second);
    free(p);
    free(id);
}

/* Of duplicate member names the last wins, on create and on update, and a read-back
 * carries each name once (the first used to win on create and both were stored). */
Test(mock_sessions, keep_the_last_of_duplicate_members)
{
    static const char create[] =
        "{\"order_amount\":1,\"purchase_country\":\"SE\",\"purchase_currency\":\"SEK\","
        "\"locale\":\"sv-SE\",\"order_amount\":10000,\"order_tax_amount\":2000,"
        "\"order_lines\":[{\"type\":\"physical\",\"name\":\"Boot\",\"quantity\":1,"
        "\"unit_price\":10000,\"tax_rate\":2500,\"total_amount\":10000,"
        "\"total_tax_amount\":2000}]}";
    char *id = tm_create(base, create), *p = path_of(id);
    tm_resp r;
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 200);
    const char *first = strstr(r.body, "\"order_amount\":");
    cr_assert(first && !strstr(first + 1, "\"order_amount\":"), "%s", r.body);
    cr_assert(strncmp(first, "\"order_amount\":10000", 20) == 0, "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "POST", p, "{\"locale\":\"xx\",\"locale\":\"en-SE\",\"locale\":\"sv-SE\"}",
               TM_USERPWD, NULL, &r);
    cr_assert_eq(r.status, 204, "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "GET", p, NULL, TM_USERPWD, NULL, &r);
    first = strstr(r.body, "\"locale\":");
    cr_assert(first && !strstr(first + 1, "\"locale\":"), "%s", r.body);
    cr_assert(strncmp(first, "\"locale\":\"sv-SE\"", 16) == 0, "%s", r.body);
    tm_resp_free(&r);
    free(p);
    free(id);
}

/* Sends a body with explicit length (it may hold NULs) and returns the raw answer. */
static long raw_post(const char *path, const char *body, size_t len, char *out, size_t outmax)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Basic a3Btb2NrOmtwbW9jaw==\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     path, len);
    char *req = malloc((size_t)n + len);
    cr_assert_not_null(req);
    memcpy(req, head, (size_t)n);
    memcpy(req + n, body, len);
    long got = tm_raw(mock_server_port(srv), req, (size_t)n + len, out, outmax, 3000);
    free(req);
    return got;
}

/* Raw control bytes, NULs and invalid UTF-8 used to be stored (cut at the NUL, or as
 * bytes that make the read answer invalid JSON); Klarna's JSON parser refuses them. */
Test(mock_errors, answers_bad_request_to_bodies_json_forbids)
{
    static const struct {
        const char *body;
        size_t len;
        const char *says; /* as it reads in the JSON answer */
    } rows[] = {
#define ROW(lit, says) {lit, sizeof lit - 1, says}
        ROW("{\"purchase_country\":\"S\x00"
            "E\"}",
            "control byte 0x00 in a string at byte 22"),
        ROW("{\"merchant_reference1\":\"a\x01\"}", "control byte 0x01 in a string"),
        ROW("{\"x\":\"\xff\"}", "invalid UTF-8 at byte 6"),
        ROW("{\"x\":\"a\\u0000\"}", "\\\\u0000 in a string at byte 7 is not supported"),
        ROW("{\x00\"x\":1}", "control byte 0x00 outside a string"),
#undef ROW
    };
    char *id = tm_create(base, NULL), *p = path_of(id);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        for (int upd = 0; upd < 2; upd++) {
            char out[4096];
            long n = raw_post(upd ? p : "/payments/v1/sessions", rows[i].body, rows[i].len, out,
                              sizeof out);
            cr_assert_gt(n, 0, "row %zu: no answer", i);
            cr_assert(strncmp(out, "HTTP/1.1 400", 12) == 0, "row %zu: %s", i, out);
            cr_assert(strstr(out, "\"error_code\":\"BAD_REQUEST\""), "row %zu: %s", i, out);
            char *msg = strstr(out, "Malformed request: ");
            cr_assert(msg, "row %zu: %s", i, out);
            cr_assert(strstr(msg, rows[i].says), "row %zu: %s", i, msg);
        }
    }
    cJSON *s = read_session(id);
    cr_assert_eq(num(s, "order_amount"), 10000, "the refused updates changed nothing");
    cJSON_Delete(s);
    free(p);
    free(id);
}

/* The far end of the clock: 9999-12-31T23:59:59Z is reachable, one second past it is
 * not, whether set or advanced (repeated 100-year advances used to run on to year
 * 10099 and beyond, toward an overflow of the offset). */
Test(mock_admin, keeps_the_clock_within_four_digit_years)
{
    tm_admin(base, "POST", "/__admin/clock", "{\"set\":\"9999-12-31T23:59:58Z\"}", 200);
    tm_admin(base, "POST", "/__admin/clock", "{\"advance_s\":3155760000}", 400);
    tm_admin(base, "POST", "/__admin/clock", "{\"set\":\"10000-01-01T00:00:00Z\"}", 400);
    tm_resp r;
    tm_request(base, "GET", "/__admin/clock", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"now\":\"9999-12-31T23:5"), "%s", r.body);
    tm_resp_free(&r);
    tm_request(base, "POST", "/__admin/clock", "{\"advance_s\":3600}", NULL, NULL, &r);
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "9999-12-31T23:59:59Z"), "the bound is named: %s", r.body);
    tm_resp_free(&r);
    tm_admin(base, "POST", "/__admin/reset", NULL, 204);
}

/* An admin body over the cap is refused in the admin API's shape, not Klarna's. */
Test(mock_admin, refuses_a_large_body_in_its_own_shape)
{
    static const char req[] = "POST /__admin/faults HTTP/1.1\r\nHost: x\r\n"
                              "Content-Length: 2000000\r\nConnection: close\r\n\r\n{";
    char out[4096];
    long n = tm_raw(mock_server_port(srv), req, sizeof req - 1, out, sizeof out, 3000);
    cr_assert_gt(n, 0);
    cr_assert(strncmp(out, "HTTP/1.1 413", 12) == 0, "%s", out);
    cr_assert(strstr(out, "{\"error\":\"Request body is larger than 1048576 bytes\"}"), "%s", out);
    cr_assert_null(strstr(out, "Klarna-Correlation-Id"), "%s", out);
}

/* A chunked body is dropped as it arrives once past the cap, and past 4× the cap the
 * connection is closed: the mock neither keeps nor reads an endless upload. */
Test(mock_errors, closes_a_chunked_body_past_four_times_the_cap)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.max_body_bytes = 16;
    cfg.idle_timeout_s = 0; /* only the cap may end this upload */
    mock_server *s = tm_start(&cfg);
    char req[1024], out[4096];
    int n = snprintf(req, sizeof req,
                     "POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n100\r\n");
    memset(req + n, 'a', 256);
    n += 256;
    n += snprintf(req + n, sizeof req - (size_t)n, "\r\n100\r\n"); /* and more to come */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long got = tm_raw(mock_server_port(s), req, (size_t)n, out, sizeof out, 5000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_eq(got, 0, "closed without an answer, got '%.60s'", out);
    /* the server hung up; it did not sit waiting for the rest until our 5 s ran out */
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 4, "the upload was not cut off");
    tm_resp r;
    tm_request(mock_server_url(s), "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    cr_assert(strstr(r.body, "\"status\":0"), "%s", r.body);
    tm_resp_free(&r);
    tm_admin(mock_server_url(s), "GET", "/__admin/health", NULL, 200); /* still serving */
    mock_server_stop(s);
}

/* The other-calls quota counts reads and updates (not creates, not admin calls), and
 * its 429 says which allowance ran out. */
Test(mock_config, answers_429_when_reads_and_updates_pass_their_quota)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.quota = true;
    cfg.quota_other_per_s = 2;
    mock_server *s = tm_start(&cfg);
    const char *u = mock_server_url(s);
    char *id = tm_create(u, NULL), *p = path_of(id);
    int limited = 0;
    for (int i = 0; i < 8; i++) {
        tm_resp r;
        tm_request(u, i % 2 ? "GET" : "POST", p, i % 2 ? NULL : TM_UPDATE_SE, TM_USERPWD, NULL, &r);
        if (r.status == 429) {
            char *msg = tm_assert_klarna_error(&r, 429, "RATE_LIMITED");
            cr_assert(strstr(msg, "2 other calls per second"), "%s", msg);
            free(msg);
            limited++;
        } else {
            cr_assert(r.status == 200 || r.status == 204, "%ld %s", r.status, r.body);
        }
        tm_resp_free(&r);
    }
    cr_assert_geq(limited, 1, "8 quick calls at 2 per second");
    tm_admin(u, "GET", "/__admin/health", NULL, 200); /* admin calls are never limited */
    free(p);
    free(id);
    mock_server_stop(s);
}

/* --max-store-bytes bounds the text of all sessions together: creates past it get 503
 * (after evicting expired sessions), and so does an update that would grow a session
 * past it, which then changes nothing. */
Test(mock_config, caps_the_bytes_of_all_sessions)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.max_store_bytes = 2 * (sizeof TM_SESSION_SE - 1) + 40;
    mock_server *s = tm_start(&cfg);
    const char *saved = base;
    base = mock_server_url(s);
    char *a = tm_create(base, NULL);
    free(tm_create(base, NULL));
    tm_resp r;
    tm_request(base, "POST", "/payments/v1/sessions", TM_SESSION_SE, TM_USERPWD, NULL, &r);
    char *msg = tm_assert_klarna_error(&r, 503, "SESSION_LIMIT");
    cr_assert(strstr(msg, "bytes of session text (--max-store-bytes)"), "%s", msg);
    free(msg);
    tm_resp_free(&r);
    char *p = path_of(a);
    tm_request(base, "POST", p,
               "{\"merchant_data\":\""
               "0123456789012345678901234567890123456789"
               "0123456789\"}",
               TM_USERPWD, NULL, &r);
    free(tm_assert_klarna_error(&r, 503, "SESSION_LIMIT"));
    tm_resp_free(&r);
    cJSON *back = read_session(a);
    cr_assert_null(cJSON_GetObjectItemCaseSensitive(back, "merchant_data"), "changed nothing");
    cJSON_Delete(back);
    cr_assert_eq(status_of("POST", p, "{\"merchant_data\":\"m\"}"), 204, "small growth fits");
    advance(48 * 3600);
    free(tm_create(base, NULL)); /* the expired ones are evicted to make room */
    free(p);
    free(a);
    base = saved;
    mock_server_stop(s);
}
