/* case_diag: the loader's diagnostics and the schema helpers its checkers share (see
 * case_diag.h). */
#define _GNU_SOURCE /* vasprintf */
#include "case_diag.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- diagnostics ---- */

/* Grows diags->items so that one slot stays free for the reserve diagnostic. */
static bool diag_room(case_lctx *c)
{
    if (c->diags->count + 1 < c->cap)
        return true;
    size_t cap = c->cap ? 2 * c->cap : 16;
    case_diag *n = realloc(c->diags->items, cap * sizeof *n);
    if (!n)
        return false;
    c->diags->items = n;
    c->cap = cap;
    return true;
}

static void diag_push(case_lctx *c, const char *file, int line, int col, const char *msg)
{
    char *f = NULL, *m = NULL;
    if (!diag_room(c) || !(f = strdup(file)) || !(m = strdup(msg))) {
        free(f);
        free(m);
        c->oom = true; /* the problem is lost, so the load must not succeed */
        return;
    }
    c->diags->items[c->diags->count++] = (case_diag){f, line, col, m};
}

int case_lctx_init(case_lctx *c, case_set *set, case_diags *diags, const char *what)
{
    *c = (case_lctx){.set = set, .diags = diags, .cap = diags->count};
    char *file = strdup(what), *msg = NULL;
    if (!file || asprintf(&msg, "out of memory while loading %s", what) < 0)
        msg = NULL;
    if (!file || !msg || !diag_room(c)) {
        free(file);
        free(msg);
        return -1;
    }
    c->reserve = (case_diag){file, 1, 1, msg};
    return 0;
}

int case_lctx_finish(case_lctx *c)
{
    if (c->oom || (c->set && c->set->oom)) {
        /* diag_room kept this slot free */
        c->diags->items[c->diags->count++] = c->reserve;
        c->reserve = (case_diag){0};
        return -1;
    }
    free(c->reserve.file);
    free(c->reserve.message);
    c->reserve = (case_diag){0};
    return c->diags->count ? -1 : 0;
}

void case_oom(case_lctx *c)
{
    c->oom = true;
}

static void diag_at(case_lctx *c, const char *file, int line, int col, const char *msg)
{
    if (c->full)
        return;
    /* a fixture shared by many cases must not repeat the same complaint */
    for (size_t i = 0; i < c->diags->count; i++) {
        const case_diag *d = &c->diags->items[i];
        if (d->line == line && d->col == col && strcmp(d->file, file) == 0 &&
            strcmp(d->message, msg) == 0)
            return;
    }
    if (c->diags->count == CASE_MAX_DIAGS) {
        char m[96];
        snprintf(m, sizeof m, "too many errors: stopped after %d (CASE_MAX_DIAGS)", CASE_MAX_DIAGS);
        diag_push(c, file, line, col, m);
        c->full = true;
        return;
    }
    diag_push(c, file, line, col, msg);
}

static void vdiag(case_lctx *c, const char *file, int line, int col, const char *fmt, va_list ap)
{
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        c->oom = true;
        return;
    }
    diag_at(c, file, line, col, msg);
    free(msg);
}

void case_ferr(case_lctx *c, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, file, line, col, fmt, ap);
    va_end(ap);
}

void case_err(case_lctx *c, const case_doc *doc, const cJSON *item, bool at_key, const char *fmt,
              ...)
{
    int line = 1, col = 1;
    if (at_key)
        jsonpos_key(doc->pos, item, &line, &col);
    else
        jsonpos_value(doc->pos, item, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, doc->path, line, col, fmt, ap);
    va_end(ap);
}

void case_diags_free(case_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    d->items = NULL;
    d->count = 0;
}

/* ---- schema helpers ---- */

const char *case_json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "invalid";
}

bool case_name_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

bool case_json_whole(const cJSON *v, double min, double max)
{
    /* bounds first: outside them the value may not fit the integer types at all */
    return cJSON_IsNumber(v) && v->valuedouble >= min && v->valuedouble <= max &&
           v->valuedouble == floor(v->valuedouble);
}

/* Whether a member before m in obj has m's key (cJSON keeps both of a duplicate). */
bool case_key_seen_before(const cJSON *obj, const cJSON *m)
{
    for (const cJSON *p = obj->child; p != m; p = p->next)
        if (strcmp(p->string, m->string) == 0)
            return true;
    return false;
}

/* Reports unknown and duplicate keys of obj (what names it) and missing required keys. */
int case_check_keys(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *what,
                    const char *const *allowed, const char *const *required)
{
    int problems = 0;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (!case_name_in(m->string, allowed)) {
            char list[512] = "";
            size_t used = 0;
            for (size_t i = 0; allowed[i]; i++) {
                int n =
                    snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
                if (n < 0 || (size_t)n >= sizeof list - used)
                    break;
                used += (size_t)n;
            }
            case_err(c, doc, m, true, "unknown key \"%s\" in %s (expected one of: %s)", m->string,
                     what, list);
            problems++;
            continue;
        }
        if (case_key_seen_before(obj, m)) {
            case_err(c, doc, m, true, "duplicate key \"%s\" in %s", m->string, what);
            problems++;
        }
    }
    for (size_t i = 0; required && required[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, required[i])) {
            case_err(c, doc, obj, false, "missing required key \"%s\" in %s", required[i], what);
            problems++;
        }
    return problems;
}

bool case_matches_charset(const char *s, const char *charset)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(charset, *s))
            return false;
    return true;
}

/* A string member; reports a wrong type. Returns NULL when absent or wrong. */
const char *case_get_str(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *key,
                         const char *what, int *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        case_err(c, doc, v, false, "\"%s\" in %s must be a string, not %s", key, what,
                 case_json_type_name(v));
        (*problems)++;
        return NULL;
    }
    return v->valuestring;
}

/* Reports an id (of a clause, case or variant: kind, read from obj's "id") too long or
 * outside [a-z0-9_.-]+; NULL (absent or not a string, reported by case_get_str) passes. */
void case_check_id(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *id,
                   const char *kind, int *problems)
{
    if (id && strlen(id) > CASE_MAX_ID_BYTES) {
        /* not shown: it is long, and may not be text */
        case_err(c, doc, cJSON_GetObjectItemCaseSensitive(obj, "id"), false,
                 "%s id is %zu bytes, over %d (CASE_MAX_ID_BYTES)", kind, strlen(id),
                 CASE_MAX_ID_BYTES);
        (*problems)++;
    } else if (id && !case_matches_charset(id, CASE_LOWER_ID ".-")) {
        case_err(c, doc, cJSON_GetObjectItemCaseSensitive(obj, "id"), false,
                 "%s id \"%s\" must match [a-z0-9_.-]+", kind, id);
        (*problems)++;
    }
}

/* An array of non-empty strings; returns the array, or NULL when absent or wrong. */
const cJSON *case_get_str_array(case_lctx *c, const case_doc *doc, const cJSON *obj,
                                const char *key, const char *what, bool nonempty, int *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsArray(v)) {
        case_err(c, doc, v, false, "\"%s\" in %s must be an array of strings, not %s", key, what,
                 case_json_type_name(v));
        (*problems)++;
        return NULL;
    }
    if (nonempty && !v->child) {
        case_err(c, doc, v, false, "\"%s\" in %s must not be empty", key, what);
        (*problems)++;
        return NULL;
    }
    int bad = 0;
    for (const cJSON *e = v->child; e; e = e->next)
        if (!cJSON_IsString(e) || !e->valuestring[0]) {
            case_err(c, doc, e, false, "\"%s\" in %s must hold non-empty strings, not %s", key,
                     what, cJSON_IsString(e) ? "an empty string" : case_json_type_name(e));
            bad++;
        }
    *problems += bad;
    return bad ? NULL : v;
}
