/* case_expect: the "expect" block — its load-time checks and its judgement of a
 * response: status, headers (case-insensitive names), body kind, and checks at JSON
 * Pointers. Every failure is one line saying what was expected and what came. */
#include "case_expect.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cJSON_Utils.h"

#include "case_body.h"
#include "case_diag.h"
#include "case_klarna.h"
#include "case_regex.h"
#include "case_show.h"
#include "case_vars.h"

/* ---- load-time checks ---- */

static int check_regex(case_lctx *c, const case_doc *doc, const cJSON *re)
{
    if (!cJSON_IsString(re)) {
        case_err(c, doc, re, false, "\"regex\" must be a string, not %s", case_json_type_name(re));
        return 1;
    }
    /* judged before regcomp, which a costly regex can keep busy for gigabytes */
    char why[160];
    if (case_regex_check(re->valuestring, strlen(re->valuestring), why, sizeof why) != 0) {
        case_err(c, doc, re, false, "%s", why);
        return 1;
    }
    regex_t rx;
    int rc = regcomp(&rx, re->valuestring, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &rx, msg, sizeof msg);
        case_err(c, doc, re, false, "bad regex \"%s\": %s", re->valuestring, msg);
        return 1;
    }
    regfree(&rx);
    return 0;
}

static int check_headers(case_lctx *c, const case_doc *doc, const cJSON *h,
                         const case_var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(h)) {
        case_err(c, doc, h, false, "\"headers\" in expect must be an object, not %s",
                 case_json_type_name(h));
        return 1;
    }
    for (const cJSON *e = h->child; e; e = e->next) {
        if (!cJSON_IsObject(e) || !e->child || e->child->next) {
            case_err(c, doc, e, false,
                     "header \"%s\" needs exactly one of {\"equals\": s}, {\"regex\": re}, "
                     "{\"exists\": true}, {\"absent\": true}",
                     e->string);
            problems++;
            continue;
        }
        const cJSON *m = e->child;
        if (strcmp(m->string, "equals") == 0) {
            if (!cJSON_IsString(m)) {
                case_err(c, doc, m, false, "\"equals\" of a header must be a string, not %s",
                         case_json_type_name(m));
                problems++;
            } else {
                problems += case_vars_check(c, doc, m, false, scope);
            }
        } else if (strcmp(m->string, "regex") == 0) {
            problems += check_regex(c, doc, m);
        } else if (strcmp(m->string, "exists") == 0 || strcmp(m->string, "absent") == 0) {
            if (!cJSON_IsBool(m)) {
                case_err(c, doc, m, false, "\"%s\" must be a boolean, not %s", m->string,
                         case_json_type_name(m));
                problems++;
            }
        } else {
            case_err(
                c, doc, m, true,
                "unknown key \"%s\" in a header check (expected one of: equals, regex, exists, "
                "absent)",
                m->string);
            problems++;
        }
    }
    return problems;
}

static const char *const JSON_MATCHERS[] = {
    "equals", "not_equals", "regex",      "type",       "exists",   "absent", "contains",
    "one_of", "length",     "min_length", "max_length", "includes", NULL};
#define JSON_MATCHER_LIST                                                                          \
    "equals, not_equals, regex, type, exists, absent, contains, one_of, length, min_length, "      \
    "max_length, includes"
static const char *const TYPES[] = {"string", "number", "integer", "boolean",
                                    "null",   "object", "array",   NULL};

/* "includes" names its expected members as a request names its body: a fixture
 * (maybe picked and patched) or inline JSON; raw and generated bodies are not JSON. */
static int check_includes(case_lctx *c, const case_doc *doc, const cJSON *inc,
                          const case_var_scope *scope)
{
    if (!cJSON_IsObject(inc) || (!cJSON_GetObjectItemCaseSensitive(inc, "fixture") &&
                                 !cJSON_GetObjectItemCaseSensitive(inc, "inline"))) {
        case_err(c, doc, inc, false,
                 "\"includes\" must be {\"fixture\": name} (with pick and patch if needed) or "
                 "{\"inline\": value}");
        return 1;
    }
    bool is_json;
    return case_body_check(c, doc, inc, scope, &is_json);
}

static int check_json_checks(case_lctx *c, const case_doc *doc, const cJSON *list,
                             const case_var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsArray(list)) {
        case_err(c, doc, list, false, "\"json\" in expect must be an array of checks, not %s",
                 case_json_type_name(list));
        return 1;
    }
    for (const cJSON *ck = list->child; ck; ck = ck->next) {
        if (!cJSON_IsObject(ck)) {
            case_err(c, doc, ck, false, "a json check must be an object, not %s",
                     case_json_type_name(ck));
            problems++;
            continue;
        }
        const cJSON *matcher = NULL;
        int n_matchers = 0;
        bool bad = false;
        for (const cJSON *m = ck->child; m; m = m->next) {
            if (strcmp(m->string, "pointer") == 0)
                continue;
            if (!case_name_in(m->string, JSON_MATCHERS)) {
                case_err(c, doc, m, true,
                         "unknown key \"%s\" in a json check (expected pointer and one "
                         "of: " JSON_MATCHER_LIST ")",
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
            case_err(c, doc, ck, false, "missing required key \"pointer\" in a json check");
            problems++;
        } else if (!cJSON_IsString(ptr) || !case_pointer_valid(ptr->valuestring)) {
            case_err(
                c, doc, ptr, false,
                "\"pointer\" must be a JSON Pointer (\"\" or \"/...\", with ~0 and ~1 escapes)");
            problems++;
        }
        if (bad)
            continue;
        if (n_matchers != 1) {
            case_err(c, doc, ck, false,
                     "a json check needs exactly one of " JSON_MATCHER_LIST " (it has %d)",
                     n_matchers);
            problems++;
            continue;
        }
        const char *k = matcher->string;
        if (strcmp(k, "regex") == 0) {
            problems += check_regex(c, doc, matcher);
        } else if (strcmp(k, "type") == 0) {
            if (!cJSON_IsString(matcher) || !case_name_in(matcher->valuestring, TYPES)) {
                case_err(c, doc, matcher, false,
                         "\"type\" must be one of string, number, integer, boolean, null, object, "
                         "array");
                problems++;
            }
        } else if (strcmp(k, "exists") == 0 || strcmp(k, "absent") == 0) {
            if (!cJSON_IsBool(matcher)) {
                case_err(c, doc, matcher, false, "\"%s\" must be a boolean, not %s", k,
                         case_json_type_name(matcher));
                problems++;
            }
        } else if (strcmp(k, "one_of") == 0) {
            if (!cJSON_IsArray(matcher) || !matcher->child) {
                case_err(c, doc, matcher, false, "\"one_of\" must be a non-empty array of values");
                problems++;
            } else {
                problems += case_vars_check(c, doc, matcher, true, scope);
            }
        } else if (strcmp(k, "length") == 0 || strcmp(k, "min_length") == 0 ||
                   strcmp(k, "max_length") == 0) {
            if (!case_json_whole(matcher, 0, 1e15)) {
                case_err(c, doc, matcher, false, "\"%s\" must be a whole number >= 0", k);
                problems++;
            }
        } else if (strcmp(k, "includes") == 0) {
            problems += check_includes(c, doc, matcher, scope);
        } else {
            problems += case_vars_check(c, doc, matcher, true, scope);
        }
    }
    return problems;
}

int case_expect_check(case_lctx *c, const case_doc *doc, const cJSON *expect,
                      const case_var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(expect)) {
        case_err(c, doc, expect, false, "\"expect\" must be an object, not %s",
                 case_json_type_name(expect));
        return 1;
    }
    static const char *const keys[] = {"status", "headers", "body", "json", "klarna_error", NULL};
    for (const cJSON *m = expect->child; m; m = m->next) {
        if (!case_name_in(m->string, keys)) {
            case_err(c, doc, m, true,
                     "unknown key \"%s\" in expect (expected one of: status, headers, body, json, "
                     "klarna_error)",
                     m->string);
            problems++;
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(expect, "status");
    if (v) {
        bool ok = case_json_whole(v, 100, 599);
        if (cJSON_IsArray(v)) {
            ok = v->child != NULL;
            for (const cJSON *e = v->child; e; e = e->next)
                ok = ok && case_json_whole(e, 100, 599);
        }
        if (!ok) {
            case_err(c, doc, v, false,
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
            case_err(c, doc, v, false,
                     "\"body\" in expect must be \"empty\", \"json\" or \"not_json\"");
            problems++;
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "json")))
        problems += check_json_checks(c, doc, v, scope);
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "klarna_error")))
        problems += case_klarna_check(c, doc, v);
    return problems;
}

/* ---- substitution of expected values ---- */

static int subst_member(const case_vars_ctx *v, cJSON *obj, const char *key, char *err,
                        size_t errlen)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!old)
        return 0;
    cJSON *nv = case_vars_subst_json(v, old, err, errlen);
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

/* Replaces an "includes" spec by the JSON it names. */
static int resolve_includes(const case_vars_ctx *v, const case_market *m, cJSON *ck, char *err,
                            size_t errlen)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(ck, "includes");
    if (!spec)
        return 0;
    char why[512];
    cJSON *nv = case_body_json(v, m, spec, why, sizeof why);
    if (!nv) {
        snprintf(err, errlen, "includes: %s", why);
        return -1;
    }
    if (!cJSON_ReplaceItemInObjectCaseSensitive(ck, "includes", nv)) {
        cJSON_Delete(nv);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

cJSON *case_expect_subst(const case_vars_ctx *v, const case_market *m, const cJSON *expect,
                         char *err, size_t errlen)
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
            subst_member(v, ck, "one_of", err, errlen) != 0 ||
            subst_member(v, ck, "not_equals", err, errlen) != 0 ||
            resolve_includes(v, m, ck, err, errlen) != 0)
            goto fail;
    return e;
fail:
    cJSON_Delete(e);
    return NULL;
}

/* ---- judging ---- */

/* Matches s against re: 1 when it matches, 0 when not, -1 when s is longer than
 * CASE_EXPECT_MAX_SUBJECT and is not matched at all (glibc's regexec takes time quadratic
 * in the subject on a failing search, and the subject comes from the target). */
static int regex_match(const char *re, const char *s)
{
    if (strlen(s) > CASE_EXPECT_MAX_SUBJECT)
        return -1;
    regex_t rx;
    if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return 0;
    int hit = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return hit;
}

/* Appends why a value of len bytes was not matched against a regex. */
static void show_too_long(kbuf *why, const char *what, size_t len)
{
    kbuf_printf(why, ", got %s of %zu bytes, longer than the %d a regex is matched against\n", what,
                len, CASE_EXPECT_MAX_SUBJECT);
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
        size_t seen = 0, too_long = 0; /* too_long: bytes of the first value too long */
        bool hit = false;
        for (size_t i = 0; i < resp->n_headers; i++) {
            const case_header *h = &resp->headers[i];
            if (!h->name || strcasecmp(h->name, name) != 0)
                continue;
            seen++;
            const char *val = h->value ? h->value : "";
            if (strcmp(m->string, "equals") == 0)
                hit = hit || strcmp(val, m->valuestring) == 0;
            else if (strcmp(m->string, "regex") == 0 && !hit) {
                int rx = regex_match(m->valuestring, val);
                hit = rx == 1;
                if (rx < 0 && too_long == 0)
                    too_long = strlen(val);
            }
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
        kbuf_puts(why, "header ");
        case_show_text(why, name, strlen(name));
        kbuf_puts(why, ": expected ");
        if (strcmp(m->string, "equals") == 0) {
            case_show_text(why, m->valuestring, strlen(m->valuestring));
        } else if (strcmp(m->string, "regex") == 0) {
            kbuf_puts(why, "to match ");
            case_show_text(why, m->valuestring, strlen(m->valuestring));
        } else {
            kbuf_puts(why, want_present ? "to be present" : "to be absent");
        }
        if (seen == 0) {
            kbuf_puts(why, ", but the response has no such header\n");
            continue;
        }
        if (too_long) {
            show_too_long(why, "a value", too_long);
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
            case_show_text(why, val, strlen(val));
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

/* Appends a JSON Pointer token (escaping ~ and /) to path. */
static void path_push(kbuf *path, const char *token)
{
    kbuf_puts(path, "/");
    for (const char *t = token; *t; t++) {
        if (*t == '~')
            kbuf_puts(path, "~0");
        else if (*t == '/')
            kbuf_puts(path, "~1");
        else
            kbuf_append(path, t, 1);
    }
}

static void path_pop(kbuf *path, size_t mark)
{
    if (path->len > mark) {
        path->len = mark;
        path->data[mark] = '\0';
    }
}

/* Whether got includes want: every member of an object want is in got with a value that
 * includes it; arrays are equal element by element (strict: inside an array, objects are
 * equal, extra members included); other values are equal. On the first difference writes
 * "member <pointer>: ..." to why and returns false. */
static bool includes(const cJSON *want, const cJSON *got, kbuf *path, bool strict, kbuf *why)
{
    size_t mark = path->len;
    if (cJSON_IsObject(want) && cJSON_IsObject(got)) {
        for (const cJSON *w = want->child; w; w = w->next) {
            path_push(path, w->string);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
            if (!g) {
                kbuf_printf(why, "member %s absent", kbuf_str(path));
                return false;
            }
            if (!includes(w, g, path, strict, why))
                return false;
            path_pop(path, mark);
        }
        for (const cJSON *g = strict ? got->child : NULL; g; g = g->next) {
            if (cJSON_GetObjectItemCaseSensitive(want, g->string))
                continue;
            path_push(path, g->string);
            kbuf_printf(why, "member %s: expected to be absent, got ", kbuf_str(path));
            case_show_json(why, g);
            return false;
        }
        return true;
    }
    if (cJSON_IsArray(want) && cJSON_IsArray(got)) {
        int nw = cJSON_GetArraySize(want), ng = cJSON_GetArraySize(got);
        if (nw != ng) {
            kbuf_printf(why, "member %s: expected %d elements, got %d: ",
                        path->len ? kbuf_str(path) : "\"\"", nw, ng);
            case_show_json(why, got);
            return false;
        }
        int i = 0;
        for (const cJSON *w = want->child, *g = got->child; w && g; w = w->next, g = g->next, i++) {
            char idx[24];
            snprintf(idx, sizeof idx, "%d", i);
            path_push(path, idx);
            if (!includes(w, g, path, true, why))
                return false;
            path_pop(path, mark);
        }
        return true;
    }
    if (cJSON_Compare(want, got, true))
        return true;
    kbuf_printf(why, "member %s: expected ", path->len ? kbuf_str(path) : "\"\"");
    case_show_json(why, want);
    kbuf_puts(why, ", got ");
    case_show_json(why, got);
    return false;
}

static long length_of(const cJSON *v)
{
    if (cJSON_IsString(v))
        return (long)utf8_length(v->valuestring);
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        return (long)cJSON_GetArraySize(v);
    return -1;
}

/* Judges one "json" check against the body: one branch per matcher (equals, not_equals,
 * regex, type, exists, absent, contains, one_of, length bounds, includes), each short,
 * in the order the case-file reference lists them; a hundred lines because the matchers
 * share the pointer lookup and the failure line, which splitting would repeat. */
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
    int rx = 0; /* what regex_match said, for a regex */
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
        rx = cJSON_IsString(actual) ? regex_match(m->valuestring, actual->valuestring) : 0;
        ok = rx == 1;
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
    } else if (strcmp(k, "not_equals") == 0) {
        ok = !cJSON_Compare(actual, m, true);
    } else if (strcmp(k, "includes") == 0) {
        kbuf path, diff;
        kbuf_init(&path, 1u << 16);
        kbuf_init(&diff, 1u << 16);
        kbuf_puts(&path, ptr);
        ok = includes(m, actual, &path, false, &diff);
        if (!ok) {
            (*failed)++;
            kbuf_printf(why, "json %s: %s\n", ptr[0] ? ptr : "(whole body)", kbuf_str(&diff));
        }
        kbuf_free(&path);
        kbuf_free(&diff);
        return;
    } else { /* length, min_length, max_length */
        long want = (long)m->valuedouble, got = length_of(actual);
        ok = got >= 0 && (strcmp(k, "length") == 0       ? got == want
                          : strcmp(k, "min_length") == 0 ? got >= want
                                                         : got <= want);
    }
    if (ok)
        return;
    (*failed)++;
    kbuf_printf(why, "json %s: expected ", ptr[0] ? ptr : "(whole body)");
    if (strcmp(k, "equals") == 0) {
        case_show_json(why, m);
    } else if (strcmp(k, "regex") == 0) {
        kbuf_puts(why, "a string matching ");
        case_show_text(why, m->valuestring, strlen(m->valuestring));
    } else if (strcmp(k, "type") == 0) {
        kbuf_printf(why, "type %s", m->valuestring);
    } else if (presence_only) {
        kbuf_puts(why, absent_wanted ? "to be absent" : "to exist");
    } else if (strcmp(k, "contains") == 0) {
        kbuf_puts(why, "to contain ");
        case_show_json(why, m);
    } else if (strcmp(k, "one_of") == 0) {
        kbuf_puts(why, "one of ");
        case_show_json(why, m);
    } else if (strcmp(k, "not_equals") == 0) {
        kbuf_puts(why, "anything but ");
        case_show_json(why, m);
    } else if (strcmp(k, "includes") == 0) {
        kbuf_puts(why, "to include ");
        case_show_json(why, m);
    } else {
        kbuf_printf(why, "%s %ld",
                    strcmp(k, "length") == 0       ? "length"
                    : strcmp(k, "min_length") == 0 ? "length at least"
                                                   : "length at most",
                    (long)m->valuedouble);
    }
    if (!actual) {
        kbuf_printf(why, ", but nothing is at %s\n", ptr);
        return;
    }
    if (rx < 0) {
        show_too_long(why, "a string", strlen(actual->valuestring));
        return;
    }
    kbuf_puts(why, ", got ");
    bool is_length = strstr(k, "length") != NULL;
    if (is_length && length_of(actual) >= 0) {
        kbuf_printf(why, "length %ld: ", length_of(actual));
        case_show_json(why, actual);
    } else {
        case_show_json(why, actual);
        if (strcmp(k, "type") == 0 || is_length || strcmp(k, "regex") == 0)
            kbuf_printf(why, " (%s)", case_json_type_name(actual));
    }
    kbuf_puts(why, "\n");
}

int case_expect_judge(const cJSON *expect, const case_response *resp, const cJSON *body, kbuf *why)
{
    int failed = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(expect, "status");
    if (v && !status_in(v, resp->status)) {
        failed++;
        kbuf_puts(why, "status: expected ");
        if (cJSON_IsArray(v)) {
            kbuf_puts(why, "one of ");
            case_show_json(why, v);
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
            case_show_text(why, resp->body, resp->body_len);
            kbuf_puts(why, "\n");
        } else if (strcmp(want, "json") == 0 && !body) {
            failed++;
            kbuf_printf(why,
                        "body: expected JSON, got %zu bytes that do not parse: ", resp->body_len);
            case_show_text(why, resp->body ? resp->body : "", resp->body_len);
            kbuf_puts(why, "\n");
        } else if (strcmp(want, "not_json") == 0 && body) {
            failed++;
            kbuf_puts(why, "body: expected something that is not JSON, got JSON: ");
            case_show_json(why, body);
            kbuf_puts(why, "\n");
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "json")) && v->child) {
        if (!body) {
            failed++;
            kbuf_printf(why, "json: expected a JSON body, got %zu bytes that do not parse: ",
                        resp->body_len);
            case_show_text(why, resp->body ? resp->body : "", resp->body_len);
            kbuf_puts(why, "\n");
        } else {
            for (const cJSON *ck = v->child; ck; ck = ck->next)
                judge_json_check(ck, body, why, &failed);
        }
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(expect, "klarna_error")))
        failed += case_klarna_judge(v, resp, body, why);
    return failed ? 1 : 0;
}
