/* case_run: one running test — builds each step's request (path, headers, auth, body,
 * or an admin-API call on our mock), judges the response against the step's (or the
 * variant's) expectations, and captures variables for later steps. */
#define _GNU_SOURCE /* asprintf */
#include "case_admin.h"
#include "case_body.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cJSON_Utils.h"

#include "case_expect.h"
#include "case_keep.h"
#include "case_mem.h"
#include "case_show.h"
#include "case_vars.h"
#include "redact.h"

/* a step's own headers, then the run's (--header) */
#define CASE_MAX_REQ_HEADERS (64 + CASE_MAX_RUN_HEADERS)

struct case_run {
    const case_set *set;
    const case_test *test;
    const case_def *def;
    const cJSON *variant;
    const case_market *market;
    char *base_url, *market_code, *username, *password;
    bool is_kpmock;
    bool held;                      /* it holds its case's document (case_keep.h) */
    char *hold_err;                 /* why it could not: the first step errors with it */
    const case_vars_defs *defs;     /* the run's --var and --secret, borrowed */
    const case_header *run_headers; /* the run's --header, borrowed */
    size_t n_run_headers;
    case_vars_table vars;
    kprng rng;
    size_t next;         /* index of the next step to build */
    long pending;        /* step awaiting its response, or -1 */
    bool stopped;        /* a step failed or errored: no more steps */
    bool pending_create; /* the step awaiting its response creates a session */
    /* the session ids the test's creates were answered with, for case_run_each_captured */
    char *made[CASE_RUN_MAX_MADE];
    size_t n_made;
    /* the current request's storage */
    char *url, *body, *req_user, *req_pass;
    case_header headers[CASE_MAX_REQ_HEADERS];
    size_t n_headers;
};

static void free_request(case_run *r)
{
    free(r->url);
    free(r->body);
    free(r->req_user);
    free(r->req_pass);
    r->url = r->body = r->req_user = r->req_pass = NULL;
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->n_headers = 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

case_run *case_run_new(const case_set *set, const case_test *test, const case_env *env)
{
    static atomic_uint_fast64_t runs;
    case_run *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    const case_test_priv *p = test->priv;
    r->set = set;
    r->test = test;
    r->def = p->def;
    r->pending = -1;
    char err[512];
    if (case_keep_hold(set, p->def, err, sizeof err) == 0) {
        r->held = true;
        r->variant = p->variant; /* bound by the hold */
    } else if (!(r->hold_err = strdup(err))) {
        case_run_free(r);
        return NULL;
    }
    r->is_kpmock = env->is_kpmock;
    r->defs = env->defs;
    r->run_headers = env->headers;
    r->n_run_headers = env->headers ? env->n_headers : 0;
    r->base_url = strdup(env->base_url ? env->base_url : "");
    r->market_code = dup_or_null(env->market);
    r->username = dup_or_null(env->username);
    r->password = dup_or_null(env->password);
    if (!r->base_url || (env->market && !r->market_code) || (env->username && !r->username) ||
        (env->password && !r->password)) {
        case_run_free(r);
        return NULL;
    }
    size_t bl = strlen(r->base_url);
    while (bl > 0 && r->base_url[bl - 1] == '/')
        r->base_url[--bl] = '\0';
    r->market = case_set_market(set, env->market);
    /* distinct seeds for runs started in the same instant, in any thread */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t n = atomic_fetch_add(&runs, 1) + 1;
    kprng_seed(&r->rng, ((uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
                         (uint64_t)getpid() << 40) +
                            n * 0x9e3779b97f4a7c15u);
    return r;
}

void case_run_each_captured(const case_run *r, void (*fn)(void *arg, const char *value), void *arg)
{
    for (size_t i = 0; i < r->n_made; i++)
        fn(arg, r->made[i]);
    for (size_t i = 0; i < r->vars.count; i++)
        if (cJSON_IsString(r->vars.values[i]))
            fn(arg, r->vars.values[i]->valuestring);
}

void case_run_free(case_run *r)
{
    if (!r)
        return;
    free_request(r);
    if (r->held)
        case_keep_release(r->set, r->def);
    free(r->hold_err);
    case_vars_clear(&r->vars);
    for (size_t i = 0; i < r->n_made; i++)
        free(r->made[i]);
    free(r->base_url);
    free(r->market_code);
    free(r->username);
    free(r->password);
    free(r);
}

static case_vars_ctx ctx_of(case_run *r)
{
    return (case_vars_ctx){&r->vars, r->market ? r->market->facts : NULL, r->base_url, &r->rng,
                           r->defs};
}

/* The variant's member key when st is the step the variant changes, else NULL. */
static const cJSON *variant_member(const case_run *r, const case_step_def *st, const char *key)
{
    if (!r->variant || r->def->variant_step != (long)st->index)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(r->variant, key);
}

static int add_header(case_run *r, const char *name, char *value, char *err, size_t errlen)
{
    if (r->n_headers == CASE_MAX_REQ_HEADERS) {
        free(value);
        snprintf(err, errlen, "more than %d request headers", CASE_MAX_REQ_HEADERS);
        return -1;
    }
    char *n = strdup(name);
    if (!n || !value) {
        free(n);
        free(value);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (strpbrk(value, "\r\n")) {
        free(n);
        free(value);
        snprintf(err, errlen, "header %s would contain a line break after substitution", name);
        return -1;
    }
    r->headers[r->n_headers++] = (case_header){n, value};
    return 0;
}

/* Adds the run's headers (--header) that the step does not set itself: the step's own
 * value wins for that step. */
static int add_run_headers(case_run *r, char *err, size_t errlen)
{
    size_t own = r->n_headers;
    for (size_t i = 0; i < r->n_run_headers; i++)
        if (!case_header_find(r->headers, own, r->run_headers[i].name) &&
            add_header(r, r->run_headers[i].name, strdup(r->run_headers[i].value), err, errlen))
            return -1;
    return 0;
}

static int build_admin(case_run *r, const case_step_def *st, case_request *req, char *err,
                       size_t errlen)
{
    case_vars_ctx v = ctx_of(r);
    const case_admin_action *act = st->admin_def;
    cJSON *body = NULL;
    char *path = NULL;
    int rc = -1;
    if (act->build(act, &v, st->admin_action, &path, &body, err, errlen) != 0)
        goto out;
    if (asprintf(&r->url, "%s%s", r->base_url, path) < 0) {
        r->url = NULL;
        goto oom;
    }
    if (body) {
        r->body = cJSON_PrintUnformatted(body);
        if (!r->body)
            goto oom;
        if (add_header(r, "Content-Type", strdup("application/json"), err, errlen) != 0)
            goto out;
    }
    if (add_run_headers(r, err, errlen) != 0)
        goto out;
    req->method = "POST";
    req->url = r->url;
    req->headers = r->headers;
    req->n_headers = r->n_headers;
    req->body = r->body;
    req->body_len = r->body ? strlen(r->body) : 0;
    req->send_auth = false;
    req->is_admin = true;
    req->admin_global = act->global;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    cJSON_Delete(body);
    free(path);
    return rc;
}

static int build_request(case_run *r, const case_step_def *st, case_request *req, char *err,
                         size_t errlen)
{
    case_vars_ctx v = ctx_of(r);
    const cJSON *rq = st->request;
    kbuf url;
    kbuf_init(&url, CASE_MAX_VAR_BYTES);
    int rc = -1;
    char why[1024] = "";
    if (kbuf_puts(&url, r->base_url) != 0) {
        snprintf(err, errlen, "base URL is longer than %u bytes", CASE_MAX_VAR_BYTES);
        goto out;
    }
    size_t path_at = url.len;
    if (case_vars_subst_text(&v, cJSON_GetObjectItemCaseSensitive(rq, "path")->valuestring, &url,
                             why, sizeof why) != 0) {
        snprintf(err, errlen, "path: %s", why);
        goto out;
    }
    /* Klarna meters create-session calls apart from the others (SE playground: 5/s and
     * 50/s): a POST to the sessions collection, whatever query follows */
    const char *method = cJSON_GetObjectItemCaseSensitive(rq, "method")->valuestring;
    size_t path_len = strcspn(url.data + path_at, "?#");
    req->is_create = !strcmp(method, "POST") && path_len == strlen(CASE_SESSIONS_PATH) &&
                     !strncmp(url.data + path_at, CASE_SESSIONS_PATH, path_len);
    r->pending_create = req->is_create;
    r->url = kbuf_steal(&url);
    if (!r->url) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(rq, "headers");
    for (const cJSON *e = h ? h->child : NULL; e; e = e->next) {
        char *val = case_vars_subst_string(&v, e->valuestring, why, sizeof why);
        if (!val) {
            snprintf(err, errlen, "header %s: %s", e->string, why);
            goto out;
        }
        if (add_header(r, e->string, val, err, errlen) != 0)
            goto out;
    }
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(rq, "body");
    if (body) {
        const cJSON *vpatch = variant_member(r, st, "patch");
        if (cJSON_GetObjectItemCaseSensitive(body, "fixture") && !r->market) {
            snprintf(err, errlen, "no fixtures for market %s",
                     r->market_code ? r->market_code : "(none)");
            goto out;
        }
        size_t len = 0;
        bool generated = false;
        if (case_body_build(&v, r->market, body, vpatch, &r->body, &len, &generated, why,
                            sizeof why) != 0) {
            snprintf(err, errlen, "body: %s", why);
            goto out;
        }
        req->body = r->body;
        req->body_len = len;
        req->body_generated = generated;
        if (!case_header_find(r->headers, r->n_headers, "Content-Type") &&
            add_header(r, "Content-Type", strdup("application/json"), err, errlen))
            goto out;
    }
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(rq, "auth");
    if (!auth || (cJSON_IsString(auth) && strcmp(auth->valuestring, "default") == 0)) {
        req->send_auth = r->username != NULL;
        req->username = r->username;
        req->password = r->password;
    } else if (cJSON_IsString(auth)) {
        req->send_auth = false;
    } else {
        /* A member left out keeps the run's own value: "the right user, a wrong password". */
        const cJSON *user = cJSON_GetObjectItemCaseSensitive(auth, "username");
        const cJSON *pass = cJSON_GetObjectItemCaseSensitive(auth, "password");
        if ((!user && !r->username) || (!pass && !r->password)) {
            snprintf(err, errlen,
                     "auth: the run has no %s to keep (set KLARNA_USERNAME and "
                     "KLARNA_PASSWORD)",
                     !user && !r->username ? "username" : "password");
            goto out;
        }
        r->req_user = user ? case_vars_subst_string(&v, user->valuestring, why, sizeof why)
                           : strdup(r->username);
        if (r->req_user)
            r->req_pass = pass ? case_vars_subst_string(&v, pass->valuestring, why, sizeof why)
                               : strdup(r->password);
        if (!r->req_user || !r->req_pass) {
            snprintf(err, errlen, "auth: %s", why[0] ? why : "out of memory");
            goto out;
        }
        req->send_auth = true;
        req->username = r->req_user;
        req->password = r->req_pass;
    }
    if (add_run_headers(r, err, errlen) != 0)
        goto out;
    req->method = cJSON_GetObjectItemCaseSensitive(rq, "method")->valuestring;
    req->url = r->url;
    req->headers = r->headers;
    req->n_headers = r->n_headers;
    rc = 0;
out:
    kbuf_free(&url);
    return rc;
}

int case_run_next(case_run *r, case_request *req, char *err, size_t errlen)
{
    if (r->stopped || r->next >= r->def->n_steps)
        return 0;
    if (r->hold_err) {
        snprintf(err, errlen, "%s", r->hold_err);
        r->stopped = true;
        return -1;
    }
    free_request(r);
    const case_step_def *st = &r->def->steps[r->next];
    *req = (case_request){0};
    req->step_index = st->index;
    req->step_name = st->name;
    int rc;
    if (st->admin) {
        if (!r->is_kpmock) {
            snprintf(err, errlen, "needs the reference mock: step %zu %s", st->index + 1,
                     st->admin_what);
            rc = -1;
        } else {
            rc = build_admin(r, st, req, err, errlen);
        }
    } else {
        rc = build_request(r, st, req, err, errlen);
    }
    if (rc != 0) {
        free_request(r);
        r->stopped = true;
        return -1;
    }
    r->pending = (long)r->next;
    r->next++;
    return 1;
}

/* Parses a response body as JSON; NULL when it is not exactly one JSON value. */
static cJSON *parse_body(const case_response *resp)
{
    if (!resp->body || resp->body_len == 0)
        return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(resp->body, resp->body_len, &end, 0);
    if (!j)
        return NULL;
    const char *stop = resp->body + resp->body_len;
    while (end && end < stop && strchr(" \t\r\n", *end) && *end)
        end++;
    if (!end || end != stop) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static void trim_newline(kbuf *why, size_t from)
{
    if (why->len > from && why->data[why->len - 1] == '\n')
        why->data[--why->len] = '\0';
}

/* Keeps the session id a create was answered with (a string of plausible length). */
static void note_made(case_run *r, const cJSON *body)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "session_id");
    if (!r->pending_create || !cJSON_IsString(id) || r->n_made == CASE_RUN_MAX_MADE ||
        strlen(id->valuestring) > CASE_RUN_MAX_MADE_ID)
        return;
    char *copy = strdup(id->valuestring);
    if (copy) /* out of memory: the session is only kept longer */
        r->made[r->n_made++] = copy;
}

int case_run_judge(case_run *r, const case_response *resp, kbuf *why)
{
    int rc = -1;
    cJSON *body = NULL, *expect = NULL;
    size_t start = why->len;
    if (r->pending < 0) {
        kbuf_puts(why, "no request to judge (case_run_judge without case_run_next)");
        return -1;
    }
    const case_step_def *st = &r->def->steps[r->pending];
    r->pending = -1;
    body = parse_body(resp);
    note_made(r, body);
    if (st->admin) {
        if (resp->status >= 200 && resp->status < 300) {
            rc = 0;
            goto out;
        }
        kbuf_printf(why, "admin step (%s) answered %ld, expected 2xx: ", st->admin_what,
                    resp->status);
        case_show_text(why, resp->body ? resp->body : "", resp->body_len);
        goto out;
    }
    const cJSON *spec = variant_member(r, st, "expect");
    if (!spec)
        spec = st->expect;
    char err[1024];
    case_vars_ctx v = ctx_of(r);
    expect = case_expect_subst(&v, r->market, spec, err, sizeof err);
    if (!expect) {
        kbuf_printf(why, "expectation cannot be built: %s", err);
        goto out;
    }
    if (case_expect_judge(expect, resp, body, why) != 0) {
        trim_newline(why, start);
        rc = 1;
        goto out;
    }
    for (const cJSON *c = st->capture ? st->capture->child : NULL; c; c = c->next) {
        if (!body) {
            kbuf_printf(why, "capture %s: the response body is not JSON: ", c->string);
            case_show_text(why, resp->body ? resp->body : "", resp->body_len);
            goto out;
        }
        const cJSON *val = cJSONUtils_GetPointerCaseSensitive(body, c->valuestring);
        if (!val) {
            kbuf_printf(why, "capture %s: nothing at %s in the response body: ", c->string,
                        c->valuestring);
            case_show_json(why, body);
            goto out;
        }
        if (case_vars_set(&r->vars, c->string, val, err, sizeof err) != 0) {
            kbuf_printf(why, "capture %s: %s", c->string, err);
            goto out;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        r->stopped = true;
    cJSON_Delete(body);
    cJSON_Delete(expect);
    return rc;
}
