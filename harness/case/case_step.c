/* case_step: the load-time check of one step — a request with its expect and capture,
 * or an admin action (see case_step.h). */
#include "case_step.h"

#include <string.h>

#include "case_admin.h"
#include "case_body.h"
#include "case_expect.h"
#include "case_mem.h"

/* Checks an admin step's "admin" object: exactly one action of the table, then the
 * action's own check. Fills st->admin_action, st->admin_def and st->admin_what. */
static int check_admin(case_lctx *c, const case_doc *doc, case_step_def *st,
                       const case_var_scope *scope)
{
    int problems = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(st->json, "admin");
    if (!cJSON_IsObject(a)) {
        case_err(c, doc, a, false, "\"admin\" must be an object, not %s", case_json_type_name(a));
        return 1;
    }
    problems += case_check_keys(c, doc, a, "an admin step", case_admin_names(), NULL);
    if (problems)
        return problems;
    if (!a->child || a->child->next) {
        case_err(c, doc, a, false,
                 "an admin step needs exactly one of clock_advance, clock_set, complete_session, "
                 "fault");
        return problems + 1;
    }
    const cJSON *v = a->child;
    const case_admin_action *act = case_admin_find(v->string); /* known: check_keys passed */
    st->admin_action = v;
    st->admin_def = act;
    st->admin_what = act->what;
    return act->check(c, doc, v, scope);
}

static const char *const METHODS[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};

/* Checks a step's "request"; *json_body tells whether its body is JSON. */
static int check_request(case_lctx *c, const case_doc *doc, const cJSON *rq,
                         const case_var_scope *scope, bool *json_body)
{
    int problems = 0;
    *json_body = false;
    if (!cJSON_IsObject(rq)) {
        case_err(c, doc, rq, false, "\"request\" must be an object, not %s",
                 case_json_type_name(rq));
        return 1;
    }
    static const char *const keys[] = {"method", "path", "headers", "auth", "body", NULL};
    static const char *const req[] = {"method", "path", NULL};
    problems += case_check_keys(c, doc, rq, "a request", keys, req);
    const char *method = case_get_str(c, doc, rq, "method", "a request", &problems);
    if (method) {
        if (!case_name_in(method, METHODS)) {
            case_err(c, doc, cJSON_GetObjectItemCaseSensitive(rq, "method"), false,
                     "unknown method \"%s\" (expected GET, POST, PUT, PATCH, DELETE or HEAD)",
                     method);
            problems++;
        }
    }
    const char *path = case_get_str(c, doc, rq, "path", "a request", &problems);
    if (path) {
        const cJSON *pv = cJSON_GetObjectItemCaseSensitive(rq, "path");
        if (path[0] != '/') {
            case_err(c, doc, pv, false, "\"path\" must start with /");
            problems++;
        }
        problems += case_vars_check(c, doc, pv, false, scope);
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(rq, "headers");
    if (h && !cJSON_IsObject(h)) {
        case_err(c, doc, h, false, "\"headers\" must be an object of strings, not %s",
                 case_json_type_name(h));
        problems++;
    } else if (h) {
        for (const cJSON *e = h->child; e; e = e->next) {
            if (!case_matches_charset(e->string,
                                      "!#$%&'*+-.^_`|~0123456789"
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
                case_err(c, doc, e, true, "\"%s\" is not a valid header name", e->string);
                problems++;
            }
            if (!cJSON_IsString(e)) {
                case_err(c, doc, e, false, "header \"%s\" must be a string, not %s", e->string,
                         case_json_type_name(e));
                problems++;
            } else if (strpbrk(e->valuestring, "\r\n")) {
                case_err(c, doc, e, false, "header \"%s\" must not contain line breaks", e->string);
                problems++;
            } else {
                problems += case_vars_check(c, doc, e, false, scope);
            }
        }
    }
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(rq, "auth");
    if (auth) {
        if (cJSON_IsString(auth)) {
            if (strcmp(auth->valuestring, "default") != 0 && strcmp(auth->valuestring, "none")) {
                case_err(c, doc, auth, false,
                         "\"auth\" must be \"default\", \"none\" or {\"username\": ..., "
                         "\"password\": ...}");
                problems++;
            }
        } else if (cJSON_IsObject(auth)) {
            static const char *const ak[] = {"username", "password", NULL};
            static const char *const none[] = {NULL};
            problems += case_check_keys(c, doc, auth, "auth", ak, none);
            if (!auth->child) {
                case_err(c, doc, auth, false,
                         "\"auth\" needs \"username\", \"password\" or both (a member left out "
                         "keeps the run's own)");
                problems++;
            }
            case_get_str(c, doc, auth, "username", "auth", &problems);
            case_get_str(c, doc, auth, "password", "auth", &problems);
            problems += case_vars_check(c, doc, auth, true, scope);
        } else {
            case_err(c, doc, auth, false,
                     "\"auth\" must be \"default\", \"none\" or {\"username\": ..., \"password\": "
                     "...}, not %s",
                     case_json_type_name(auth));
            problems++;
        }
    }
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(rq, "body");
    if (body)
        problems += case_body_check(c, doc, body, scope, json_body);
    return problems;
}

/* Checks a step's "capture": variable names mapped to JSON Pointers. */
static int check_capture(case_lctx *c, const case_doc *doc, const cJSON *cap)
{
    int problems = 0;
    if (!cJSON_IsObject(cap)) {
        case_err(c, doc, cap, false,
                 "\"capture\" must be an object of variable name -> JSON Pointer, not %s",
                 case_json_type_name(cap));
        return 1;
    }
    for (const cJSON *e = cap->child; e; e = e->next) {
        if (!case_vars_valid_name(e->string)) {
            case_err(c, doc, e, true,
                     "\"%s\" cannot be a variable name ([A-Za-z_][A-Za-z0-9_]*, at most %d bytes, "
                     "not uuid, base_url, market or env)",
                     e->string, CASE_MAX_CAPTURE_NAME);
            problems++;
        }
        if (!cJSON_IsString(e) || !case_pointer_valid(e->valuestring)) {
            case_err(c, doc, e, false, "capture \"%s\" must be a JSON Pointer (\"\" or \"/...\")",
                     e->string);
            problems++;
        }
    }
    return problems;
}

int case_step_check(case_lctx *c, const case_doc *doc, const cJSON *sj, size_t i,
                    const case_var_scope *scope, case_step_def *st, case_step_facts *facts)
{
    int problems = 0;
    st->json = sj;
    st->index = i;
    facts->json_body = false;
    facts->captures_ok = false;
    if (!cJSON_IsObject(sj)) {
        case_err(c, doc, sj, false, "a step must be an object, not %s", case_json_type_name(sj));
        return 1;
    }
    const char *name = NULL;
    if (cJSON_GetObjectItemCaseSensitive(sj, "admin")) {
        static const char *const ak[] = {"name", "admin", NULL};
        problems += case_check_keys(c, doc, sj, "an admin step", ak, NULL);
        name = case_get_str(c, doc, sj, "name", "a step", &problems);
        st->admin = true;
        problems += check_admin(c, doc, st, scope);
    } else {
        static const char *const sk[] = {"name",           "request", "expect", "capture",
                                         "variant_target", "admin",   NULL};
        static const char *const sr[] = {"request", "expect", NULL};
        problems += case_check_keys(c, doc, sj, "a step", sk, sr);
        name = case_get_str(c, doc, sj, "name", "a step", &problems);
        st->request = cJSON_GetObjectItemCaseSensitive(sj, "request");
        st->expect = cJSON_GetObjectItemCaseSensitive(sj, "expect");
        st->capture = cJSON_GetObjectItemCaseSensitive(sj, "capture");
        if (st->request)
            problems += check_request(c, doc, st->request, scope, &facts->json_body);
        if (st->expect)
            problems += case_expect_check(c, doc, st->expect, scope);
        const cJSON *vt = cJSON_GetObjectItemCaseSensitive(sj, "variant_target");
        if (vt && !cJSON_IsBool(vt)) {
            case_err(c, doc, vt, false, "\"variant_target\" must be a boolean, not %s",
                     case_json_type_name(vt));
            problems++;
        } else if (cJSON_IsTrue(vt)) {
            st->variant_target = true;
            if (facts->variant_step >= 0) {
                case_err(c, doc, vt, true,
                         "a second step marked variant_target (the first is step %ld)",
                         facts->variant_step + 1);
                problems++;
            }
        }
        if (st->capture) {
            int cp = check_capture(c, doc, st->capture);
            problems += cp;
            facts->captures_ok = cp == 0;
        }
    }
    /* copied: the step outlives its document's tree (case_keep.h) */
    st->name = name ? case_set_text(c->set, name, NULL, NULL, NULL)
                    : case_set_printf(c->set, "step %zu", i + 1);
    return problems;
}
