/* assert_json: the "expect" block — its load-time checks and its judgement of a
 * response: status, headers (case-insensitive names), body kind, and checks at JSON
 * Pointers. Every failure is one line saying what was expected and what came. */
#include "redact.h"
#include "case_int.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cJSON_Utils.h"

/* ---- showing values ---- */

/* Values are redacted before they are cut: a cut made first could split a secret and
 * leave its first part where the filter no longer recognises it. */

/* Redacts the part of s that can be shown (plus room for a secret straddling the cut)
 * into red (initialised here; caller frees); returns how many of its bytes to show: at
 * most CASE_MAX_SHOWN, cut on a character boundary, with *more set when s was cut. */
static size_t redact_for_show(kbuf *red, const char *s, size_t len, bool *more)
{
    kbuf_init(red, 3 * (CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES) + 64);
    size_t scan =
        len > CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES ? CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES : len;
    if (redact(s, scan, red) != 0) {
        kbuf_reset(red);
        kbuf_puts(red, "[value withheld: redaction ran out of room]");
    }
    size_t rn = red->len;
    *more = rn > CASE_MAX_SHOWN || len > CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES;
    size_t n = rn > CASE_MAX_SHOWN ? CASE_MAX_SHOWN : rn;
    while (n < rn && n > 0 && ((unsigned char)red->data[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void show_json(kbuf *out, const cJSON *item)
{
    if (!item) {
        kbuf_puts(out, "(nothing)");
        return;
    }
    char *txt = cJSON_PrintUnformatted(item);
    if (!txt) {
        kbuf_puts(out, "(unprintable)");
        return;
    }
    size_t len = strlen(txt);
    kbuf red;
    bool more;
    size_t n = redact_for_show(&red, txt, len, &more);
    kbuf_append(out, red.data ? red.data : "", n);
    if (more)
        kbuf_printf(out, "... (%zu bytes)", len);
    kbuf_free(&red);
    free(txt);
}

void show_text(kbuf *out, const char *s, size_t len)
{
    kbuf red;
    bool more;
    size_t n = redact_for_show(&red, s, len, &more);
    const char *r = red.data ? red.data : "";
    kbuf_puts(out, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)r[i];
        if (ch == '"' || ch == '\\')
            kbuf_printf(out, "\\%c", ch);
        else if (ch == '\n')
            kbuf_puts(out, "\\n");
        else if (ch == '\r')
            kbuf_puts(out, "\\r");
        else if (ch == '\t')
            kbuf_puts(out, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            kbuf_printf(out, "\\u%04x", ch);
        else
            kbuf_append(out, r + i, 1);
    }
    kbuf_puts(out, "\"");
    if (more)
        kbuf_printf(out, "... (%zu bytes)", len);
    kbuf_free(&red);
}

/* ---- load-time checks ---- */

static int check_regex(lctx *c, const case_doc *doc, const cJSON *re)
{
    if (!cJSON_IsString(re)) {
        lerr(c, doc, re, false, "\"regex\" must be a string, not %s", json_type_name(re));
        return 1;
    }
    regex_t rx;
    int rc = regcomp(&rx, re->valuestring, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &rx, msg, sizeof msg);
        lerr(c, doc, re, false, "bad regex \"%s\": %s", re->valuestring, msg);
        return 1;
    }
    regfree(&rx);
    return 0;
}

static int check_headers(lctx *c, const case_doc *doc, const cJSON *h, const var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(h)) {
        lerr(c, doc, h, false, "\"headers\" in expect must be an object, not %s",
             json_type_name(h));
        return 1;
    }
    for (const cJSON *e = h->child; e; e = e->next) {
        if (!cJSON_IsObject(e) || !e->child || e->child->next) {
            lerr(c, doc, e, false,
                 "header \"%s\" needs exactly one of {\"equals\": s}, {\"regex\": re}, "
                 "{\"exists\": true}, {\"absent\": true}",
                 e->string);
            problems++;
            continue;
        }
        const cJSON *m = e->child;
        if (strcmp(m->string, "equals") == 0) {
            if (!cJSON_IsString(m)) {
                lerr(c, doc, m, false, "\"equals\" of a header must be a string, not %s",
                     json_type_name(m));
                problems++;
            } else {
                problems += vars_check(c, doc, m, false, scope);
            }
        } else if (strcmp(m->string, "regex") == 0) {
            problems += check_regex(c, doc, m);
        } else if (strcmp(m->string, "exists") == 0 || strcmp(m->string, "absent") == 0) {
            if (!cJSON_IsBool(m)) {
                lerr(c, doc, m, false, "\"%s\" must be a boolean, not %s", m->string,
                     json_type_name(m));
                problems++;
            }
        } else {
            lerr(c, doc, m, true,
                 "unknown key \"%s\" in a header check (expected one of: equals, regex, exists, "
                 "absent)",
                 m->string);
            problems++;
        }
    }
    return problems;
}

static const char *const JSON_MATCHERS[] = {"equals",   "regex",  "type",   "exists", "absent",
                                            "contains", "one_of", "length", NULL};
static const char *const TYPES[] = {"string", "number", "integer", "boolean",
                                    "null",   "object", "array",   NULL};

static int check_json_checks(lctx *c, const case_doc *doc, const cJSON *list,
                             const var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsArray(list)) {
        lerr(c, doc, list, false, "\"json\" in expect must be an array of checks, not %s",
             json_type_name(list));
        return 1;
    }
    for (const cJSON *ck = list->child; ck; ck = ck->next) {
        if (!cJSON_IsObject(ck)) {
            lerr(c, doc, ck, false, "a json check must be an object, not %s", json_type_name(ck));
            problems++;
            continue;
        }
        const cJSON *matcher = NULL;
        int n_matchers = 0;
        bool bad = false;
        for (const cJSON *m = ck->child; m; m = m->next) {
            if (strcmp(m->string, "pointer") == 0)
                continue;
            if (!name_in(m->string, JSON_MATCHERS)) {
                lerr(c, doc, m, true,
                     "unknown key \"%s\" in a json check (expected pointer and one of: equals, "
                     "regex, type, exists, absent, contains, one_of, length)",
                     m->string);
                problems++;
                bad = true;
                continue;
            }
            n_matchers++;
            if (!matcher)
                matcher = m;
        }
        const cJSON *ptr = cJSON_GetObjectItemCaseSensitive(ck, "pointer");
        if (!ptr) {
            lerr(c, doc, ck, false, "missing required key \"pointer\" in a json check");
            problems++;
        } else if (!cJSON_IsString(ptr) || !pointer_valid(ptr->valuestring)) {
            lerr(c, doc, ptr, false,
                 "\"pointer\" must be a JSON Pointer (\"\" or \"/...\", with ~0 and ~1 escapes)");
            problems++;
        }
        if (bad)
            continue;
        if (n_matchers != 1) {
            lerr(c, doc, ck, false,
                 "a json check needs exactly one of equals, regex, type, exists, absent, "
                 "contains, one_of, length (it has %d)",
                 n_matchers);
            problems++;
            continue;
        }
        const char *k = matcher->string;
        if (strcmp(k, "regex") == 0) {
            problems += check_regex(c, doc, matcher);
        } else if (strcmp(k, "type") == 0) {
            if (!cJSON_IsString(matcher) || !name_in(matcher->valuestring, TYPES)) {
                lerr(c, doc, matcher, false,
                     "\"type\" must be one of string, number, integer, boolean, null, object, "
                     "array");
                problems++;
            }
        } else if (strcmp(k, "exists") == 0 || strcmp(k, "absent") == 0) {
            if (!cJSON_IsBool(matcher)) {
                lerr(c, doc, matcher, false, "\"%s\" must be a boolean, not %s", k,
                     json_type_name(matcher));
                problems++;
            }
        } else if (strcmp(k, "one_of") == 0) {
            if (!cJSON_IsArray(matcher) || !matcher->child) {
                lerr(c, doc, matcher, false, "\"one_of\" must be a non-empty array of values");
                problems++;
            } else {
                problems += vars_check(c, doc, matcher, true, scope);
            }
        } else if (strcmp(k, "length") == 0) {
            if (!json_whole(matcher, 0, 1e15)) {
                lerr(c, doc, matcher, false, "\"length\" must be a whole number >= 0");
                problems++;
            }
        } else {
            problems += vars_check(c, doc, matcher, true, scope);
        }
    }
    return problems;
}

int expect_check(lctx *c, const case_doc *doc, const cJSON *expect, const var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(expect)) {
        lerr(c, doc, expect, false, "\"expect\" must be an object, not %s", json_type_name(expect));
        return 1;
    }
    static const char *const keys[] = {"status", "headers", "body", "json", "klarna_error", NULL};
    for (const cJSON *m = expect->child; m; m = m->next) {
        if (!name_in(m->string, keys)) {
            lerr(c, doc, m, true,
                 "unknown key \"%s\" in expect (expected one of: status, headers, body, json, "
                 "klarna_error)",
                 m->string);
            problems++;
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(expect, "status");
    if (v) {
        bool ok = json_whole(v, 100, 599);
        if (cJSON_IsArray(v)) {
            ok = v->child != NULL;
            for (const cJSON *e = v->child; e; e = e->next)
                ok = ok && json_whole(e, 100, 599);
        }
        if (!ok) {
            lerr(c, doc, v, false,
                 "\"status\" must be an HTTP status (100-599) or a non-empty array of them");
            problems++;
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "headers")))
        problems += check_headers(c, doc, v, scope);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "body"))) {
        if (!cJSON_IsString(v) ||
            (strcmp(v->valuestring, "empty") != 0 && strcmp(v->valuestring, "json") != 0 &&
             strcmp(v->valuestring, "not_json") != 0)) {
            lerr(c, doc, v, false,
                 "\"body\" in expect must be \"empty\", \"json\" or \"not_json\"");
            problems++;
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "json")))
        problems += check_json_checks(c, doc, v, scope);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "klarna_error")))
        problems += klarna_check(c, doc, v);
    return problems;
}

/* ---- substitution of expected values ---- */

static int subst_member(const vars_ctx *v, cJSON *obj, const char *key, char *err, size_t errlen)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!old)
        return 0;
    cJSON *nv = vars_subst_json(v, old, err, errlen);
    if (!nv)
        return -1;
    /* unlike ReplaceItemViaPointer, this gives the new item its key */
    if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, key, nv)) {
        cJSON_Delete(nv);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

cJSON *expect_subst(const vars_ctx *v, const cJSON *expect, char *err, size_t errlen)
{
    cJSON *e = cJSON_Duplicate(expect, 1);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    cJSON *h = cJSON_GetObjectItemCaseSensitive(e, "headers");
    for (cJSON *m = h ? h->child : NULL; m; m = m->next)
        if (subst_member(v, m, "equals", err, errlen) != 0)
            goto fail;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(e, "json");
    for (cJSON *ck = list ? list->child : NULL; ck; ck = ck->next)
        if (subst_member(v, ck, "equals", err, errlen) != 0 ||
            subst_member(v, ck, "contains", err, errlen) != 0 ||
            subst_member(v, ck, "one_of", err, errlen) != 0)
            goto fail;
    return e;
fail:
    cJSON_Delete(e);
    return NULL;
}

/* ---- judging ---- */

static bool regex_match(const char *re, const char *s)
{
    regex_t rx;
    if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    bool ok = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

static bool status_in(const cJSON *spec, long status)
{
    if (cJSON_IsNumber(spec))
        return (long)spec->valuedouble == status;
    for (const cJSON *e = spec->child; e; e = e->next)
        if ((long)e->valuedouble == status)
            return true;
    return false;
}

static void judge_headers(const cJSON *spec, const case_response *resp, kbuf *why, int *failed)
{
    for (const cJSON *e = spec->child; e; e = e->next) {
        const cJSON *m = e->child;
        const char *name = e->string;
        size_t seen = 0;
        bool hit = false;
        for (size_t i = 0; i < resp->n_headers; i++) {
            const case_header *h = &resp->headers[i];
            if (!h->name || strcasecmp(h->name, name) != 0)
                continue;
            seen++;
            const char *val = h->value ? h->value : "";
            if (strcmp(m->string, "equals") == 0)
                hit = hit || strcmp(val, m->valuestring) == 0;
            else if (strcmp(m->string, "regex") == 0)
                hit = hit || regex_match(m->valuestring, val);
        }
        bool want_present = strcmp(m->string, "absent") == 0   ? cJSON_IsFalse(m)
                            : strcmp(m->string, "exists") == 0 ? cJSON_IsTrue(m)
                                                               : true;
        bool ok;
        if (strcmp(m->string, "exists") == 0 || strcmp(m->string, "absent") == 0)
            ok = want_present ? seen > 0 : seen == 0;
        else
            ok = hit;
        if (ok)
            continue;
        (*failed)++;
        kbuf_printf(why, "header %s: expected ", name);
        if (strcmp(m->string, "equals") == 0) {
            show_text(why, m->valuestring, strlen(m->valuestring));
        } else if (strcmp(m->string, "regex") == 0) {
            kbuf_printf(why, "to match /%s/", m->valuestring);
        } else {
            kbuf_puts(why, want_present ? "to be present" : "to be absent");
        }
        if (seen == 0) {
            kbuf_puts(why, ", but the response has no such header\n");
            continue;
        }
        kbuf_puts(why, ", got ");
        size_t shown = 0;
        for (size_t i = 0; i < resp->n_headers; i++) {
            const case_header *h = &resp->headers[i];
            if (!h->name || strcasecmp(h->name, name) != 0)
                continue;
            if (shown++)
                kbuf_puts(why, ", ");
            const char *val = h->value ? h->value : "";
            show_text(why, val, strlen(val));
        }
        kbuf_puts(why, "\n");
    }
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool type_is(const cJSON *v, const char *t)
{
    if (strcmp(t, "string") == 0)
        return cJSON_IsString(v);
    if (strcmp(t, "number") == 0)
        return cJSON_IsNumber(v);
    if (strcmp(t, "integer") == 0)
        return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
               v->valuedouble == floor(v->valuedouble) &&
               fabs(v->valuedouble) <= 9007199254740992.0;
    if (strcmp(t, "boolean") == 0)
        return cJSON_IsBool(v);
    if (strcmp(t, "null") == 0)
        return cJSON_IsNull(v);
    if (strcmp(t, "object") == 0)
        return cJSON_IsObject(v);
    return cJSON_IsArray(v);
}

static void judge_json_check(const cJSON *ck, const cJSON *body, kbuf *why, int *failed)
{
    const char *ptr = cJSON_GetObjectItemCaseSensitive(ck, "pointer")->valuestring;
    const cJSON *m = NULL;
    for (const cJSON *x = ck->child; x; x = x->next)
        if (strcmp(x->string, "pointer") != 0)
            m = x;
    const char *k = m->string;
    const cJSON *actual = cJSONUtils_GetPointerCaseSensitive((cJSON *)body, ptr);
    bool ok;
    bool absent_wanted = (strcmp(k, "absent") == 0 && cJSON_IsTrue(m)) ||
                         (strcmp(k, "exists") == 0 && cJSON_IsFalse(m));
    bool presence_only = strcmp(k, "absent") == 0 || strcmp(k, "exists") == 0;
    if (presence_only) {
        ok = absent_wanted ? actual == NULL : actual != NULL;
    } else if (!actual) {
        ok = false;
    } else if (strcmp(k, "equals") == 0) {
        ok = cJSON_Compare(actual, m, true);
    } else if (strcmp(k, "regex") == 0) {
        ok = cJSON_IsString(actual) && regex_match(m->valuestring, actual->valuestring);
    } else if (strcmp(k, "type") == 0) {
        ok = type_is(actual, m->valuestring);
    } else if (strcmp(k, "contains") == 0) {
        ok = false;
        if (cJSON_IsArray(actual)) {
            for (const cJSON *e = actual->child; e && !ok; e = e->next)
                ok = cJSON_Compare(e, m, true);
        } else if (cJSON_IsString(actual) && cJSON_IsString(m)) {
            ok = strstr(actual->valuestring, m->valuestring) != NULL;
        }
    } else if (strcmp(k, "one_of") == 0) {
        ok = false;
        for (const cJSON *e = m->child; e && !ok; e = e->next)
            ok = cJSON_Compare(actual, e, true);
    } else { /* length */
        long want = (long)m->valuedouble;
        if (cJSON_IsString(actual))
            ok = (long)utf8_length(actual->valuestring) == want;
        else if (cJSON_IsArray(actual) || cJSON_IsObject(actual))
            ok = cJSON_GetArraySize(actual) == want;
        else
            ok = false;
    }
    if (ok)
        return;
    (*failed)++;
    kbuf_printf(why, "json %s: expected ", ptr[0] ? ptr : "(whole body)");
    if (strcmp(k, "equals") == 0) {
        show_json(why, m);
    } else if (strcmp(k, "regex") == 0) {
        kbuf_printf(why, "a string matching /%s/", m->valuestring);
    } else if (strcmp(k, "type") == 0) {
        kbuf_printf(why, "type %s", m->valuestring);
    } else if (presence_only) {
        kbuf_puts(why, absent_wanted ? "to be absent" : "to exist");
    } else if (strcmp(k, "contains") == 0) {
        kbuf_puts(why, "to contain ");
        show_json(why, m);
    } else if (strcmp(k, "one_of") == 0) {
        kbuf_puts(why, "one of ");
        show_json(why, m);
    } else {
        kbuf_printf(why, "length %ld", (long)m->valuedouble);
    }
    if (!actual) {
        kbuf_printf(why, ", but nothing is at %s\n", ptr);
        return;
    }
    kbuf_puts(why, ", got ");
    if (strcmp(k, "length") == 0 &&
        (cJSON_IsString(actual) || cJSON_IsArray(actual) || cJSON_IsObject(actual))) {
        kbuf_printf(why, "length %ld: ",
                    cJSON_IsString(actual) ? (long)utf8_length(actual->valuestring)
                                           : (long)cJSON_GetArraySize(actual));
        show_json(why, actual);
    } else {
        show_json(why, actual);
        if (strcmp(k, "type") == 0 || strcmp(k, "length") == 0 || strcmp(k, "regex") == 0)
            kbuf_printf(why, " (%s)", json_type_name(actual));
    }
    kbuf_puts(why, "\n");
}

int expect_judge(const cJSON *expect, const case_response *resp, const cJSON *body, kbuf *why)
{
    int failed = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(expect, "status");
    if (v && !status_in(v, resp->status)) {
        failed++;
        kbuf_puts(why, "status: expected ");
        if (cJSON_IsArray(v)) {
            kbuf_puts(why, "one of ");
            show_json(why, v);
        } else {
            kbuf_printf(why, "%ld", (long)v->valuedouble);
        }
        kbuf_printf(why, ", got %ld\n", resp->status);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "headers")))
        judge_headers(v, resp, why, &failed);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "body"))) {
        const char *want = v->valuestring;
        if (strcmp(want, "empty") == 0 && resp->body_len != 0) {
            failed++;
            kbuf_printf(why, "body: expected empty, got %zu bytes: ", resp->body_len);
            show_text(why, resp->body, resp->body_len);
            kbuf_puts(why, "\n");
        } else if (strcmp(want, "json") == 0 && !body) {
            failed++;
            kbuf_printf(why,
                        "body: expected JSON, got %zu bytes that do not parse: ", resp->body_len);
            show_text(why, resp->body ? resp->body : "", resp->body_len);
            kbuf_puts(why, "\n");
        } else if (strcmp(want, "not_json") == 0 && body) {
            failed++;
            kbuf_puts(why, "body: expected something that is not JSON, got JSON: ");
            show_json(why, body);
            kbuf_puts(why, "\n");
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "json")) && v->child) {
        if (!body) {
            failed++;
            kbuf_printf(why, "json: expected a JSON body, got %zu bytes that do not parse: ",
                        resp->body_len);
            show_text(why, resp->body ? resp->body : "", resp->body_len);
            kbuf_puts(why, "\n");
        } else {
            for (const cJSON *ck = v->child; ck; ck = ck->next)
                judge_json_check(ck, body, why, &failed);
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "klarna_error")))
        failed += klarna_judge(v, resp, body, why);
    return failed ? 1 : 0;
}
