/* case_body: request bodies — inline JSON, fixtures, picks, RFC 6902 patches (applied
 * with cJSON_Utils, op by op so a failure names its op), raw bytes and generated
 * documents; their load-time checks (including a trial application of every patch to
 * every market's fixture) and their construction when a step runs. */
#include "case_body.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON_Utils.h"

#include "case_diag.h"
#include "case_mem.h"
#include "case_vars.h"

bool case_pointer_valid(const char *p)
{
    if (!p)
        return false;
    if (!*p)
        return true;
    if (*p != '/')
        return false;
    for (; *p; p++)
        if (*p == '~' && p[1] != '0' && p[1] != '1')
            return false;
    return true;
}

/* ---- picks ---- */

/* Decodes the next reference token of a pointer into tok (malloc'd); returns the rest. */
static const char *next_token(const char *p, char **tok)
{
    p++; /* '/' */
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *t = malloc(n + 1);
    if (!t) {
        *tok = NULL;
        return p + n;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '~' && i + 1 < n) {
            t[o++] = p[i + 1] == '1' ? '/' : '~';
            i++;
        } else {
            t[o++] = p[i];
        }
    }
    t[o] = '\0';
    *tok = t;
    return p + n;
}

/* Copies the members at the pointers of picks from src into a new object (NULL + err). */
static cJSON *pick(const cJSON *src, const cJSON *picks, char *err, size_t errlen)
{
    cJSON *res = cJSON_CreateObject();
    char *tok = NULL;
    if (!res)
        goto oom;
    for (const cJSON *e = picks->child; e; e = e->next) {
        const char *ptr = e->valuestring;
        const cJSON *val = cJSONUtils_GetPointerCaseSensitive((cJSON *)src, ptr);
        if (!val || !ptr[0]) {
            snprintf(err, errlen, "pick \"%s\" finds nothing in the fixture", ptr);
            goto fail;
        }
        const cJSON *s = src;
        cJSON *d = res;
        const char *p = ptr;
        for (;;) {
            p = next_token(p, &tok);
            if (!tok)
                goto oom;
            if (!cJSON_IsObject(s)) {
                snprintf(err, errlen, "pick \"%s\" goes through an array: pick whole members", ptr);
                goto fail;
            }
            s = cJSON_GetObjectItemCaseSensitive(s, tok);
            if (!*p) {
                cJSON_DeleteItemFromObjectCaseSensitive(d, tok);
                cJSON *copy = cJSON_Duplicate(val, 1);
                if (!copy || !cJSON_AddItemToObject(d, tok, copy)) {
                    cJSON_Delete(copy);
                    goto oom;
                }
                break;
            }
            cJSON *next = cJSON_GetObjectItemCaseSensitive(d, tok);
            if (!next) {
                next = cJSON_AddObjectToObject(d, tok);
                if (!next)
                    goto oom;
            }
            d = next;
            free(tok);
            tok = NULL;
        }
        free(tok);
        tok = NULL;
    }
    return res;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    free(tok);
    cJSON_Delete(res);
    return NULL;
}

/* ---- patches ---- */

static const char *patch_reason(int status)
{
    switch (status) {
    case 1:
        return "test failed: the value differs";
    case 2:
        return "missing \"path\"";
    case 3:
        return "unknown op";
    case 4:
        return "missing \"from\"";
    case 5:
        return "\"from\" finds nothing";
    case 6:
    case 8:
        return "out of memory";
    case 7:
        return "missing \"value\"";
    case 9:
        return "the parent of the path does not exist or is not an object or array";
    case 10:
        return "array index out of range";
    case 11:
        return "not an array index";
    case 13:
        return "the path finds nothing";
    default:
        return "does not apply";
    }
}

/* A "replace" of an object member, done in place so the member keeps its position
 * (cJSON_Utils removes and re-adds it at the end). Returns 0 done, 1 not handled. */
static int replace_in_place(cJSON *doc, const cJSON *op)
{
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
    const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"));
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
    if (!o || strcmp(o, "replace") != 0 || !path || !value)
        return 1;
    const char *slash = strrchr(path, '/');
    if (!slash)
        return 1;
    char *parent_ptr = strndup(path, (size_t)(slash - path));
    char *key = NULL;
    int rc = 1;
    if (!parent_ptr)
        goto out;
    cJSON *parent = cJSONUtils_GetPointerCaseSensitive(doc, parent_ptr);
    next_token(slash, &key);
    if (!cJSON_IsObject(parent) || !key || !cJSON_GetObjectItemCaseSensitive(parent, key))
        goto out;
    cJSON *copy = cJSON_Duplicate(value, 1);
    if (copy && cJSON_ReplaceItemInObjectCaseSensitive(parent, key, copy))
        rc = 0;
    else
        cJSON_Delete(copy);
out:
    free(parent_ptr);
    free(key);
    return rc;
}

static int apply_one(cJSON *doc, const cJSON *op)
{
    if (replace_in_place(doc, op) == 0)
        return 0;
    cJSON *arr = cJSON_CreateArray();
    if (!arr || !cJSON_AddItemReferenceToArray(arr, (cJSON *)op)) {
        cJSON_Delete(arr);
        return 6;
    }
    int status = cJSONUtils_ApplyPatchesCaseSensitive(doc, arr);
    cJSON_Delete(arr);
    return status;
}

int case_patch_apply(cJSON *doc, const cJSON *patch, char *err, size_t errlen)
{
    size_t i = 0;
    for (const cJSON *op = patch ? patch->child : NULL; op; op = op->next, i++) {
        int status = apply_one(doc, op);
        if (status) {
            snprintf(err, errlen, "patch[%zu] (%s %s): %s", i,
                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op")),
                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path")),
                     patch_reason(status));
            return -1;
        }
    }
    return 0;
}

/* About a hundred lines: one pass over the ops, each member of an op checked where it
 * is read, so that every problem of an op is reported in document order. */
int case_patch_check(case_lctx *c, const case_doc *doc, const cJSON *patch,
                     const case_var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsArray(patch)) {
        case_err(c, doc, patch, false, "\"patch\" must be an array of RFC 6902 operations, not %s",
                 case_json_type_name(patch));
        return 1;
    }
    for (const cJSON *op = patch->child; op; op = op->next) {
        if (!cJSON_IsObject(op)) {
            case_err(c, doc, op, false, "a patch operation must be an object, not %s",
                     case_json_type_name(op));
            problems++;
            continue;
        }
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(op, "op");
        if (!o) {
            case_err(c, doc, op, false, "missing required key \"op\" in a patch operation");
            problems++;
            continue;
        }
        static const char *const ops[] = {"add", "remove", "replace", "move", "copy", "test"};
        int kind = -1;
        for (int k = 0; k < 6 && cJSON_IsString(o); k++)
            if (strcmp(o->valuestring, ops[k]) == 0)
                kind = k;
        if (kind < 0) {
            case_err(c, doc, o, false,
                     "unknown patch op %s%s%s (expected add, remove, replace, move, copy or test)",
                     cJSON_IsString(o) ? "\"" : "",
                     cJSON_IsString(o) ? o->valuestring : "(not a string)",
                     cJSON_IsString(o) ? "\"" : "");
            problems++;
            continue;
        }
        bool wants_value = kind == 0 || kind == 2 || kind == 5;
        bool wants_from = kind == 3 || kind == 4;
        for (const cJSON *m = op->child; m; m = m->next) {
            bool ok = strcmp(m->string, "op") == 0 || strcmp(m->string, "path") == 0 ||
                      (wants_value && strcmp(m->string, "value") == 0) ||
                      (wants_from && strcmp(m->string, "from") == 0);
            if (!ok) {
                case_err(c, doc, m, true,
                         "unknown key \"%s\" in a %s operation (expected op, path%s)", m->string,
                         ops[kind],
                         wants_value  ? ", value"
                         : wants_from ? ", from"
                                      : "");
                problems++;
            }
        }
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
        if (!path) {
            case_err(c, doc, op, false, "missing required key \"path\" in a %s operation",
                     ops[kind]);
            problems++;
        } else if (!cJSON_IsString(path) || !case_pointer_valid(path->valuestring)) {
            case_err(c, doc, path, false,
                     "\"path\" must be a JSON Pointer (\"\" or \"/...\", with ~0 and ~1 escapes)");
            problems++;
        } else if (strstr(path->valuestring, "${")) {
            case_err(c, doc, path, false, "variables are not allowed in a patch path");
            problems++;
        } else if (kind != 5 &&
                   strstr(strrchr(path->valuestring, '/') ? strrchr(path->valuestring, '/') : "",
                          "~1")) {
            /* cJSON_Utils 1.7.15 decodes "~1" in the last token into the wrong byte */
            case_err(
                c, doc, path, false,
                "\"~1\" in the last token of a patch path is not supported (cJSON_Utils 1.7.15 "
                "mis-decodes it); patch the parent object instead");
            problems++;
        } else if (kind == 1 && !path->valuestring[0]) {
            case_err(c, doc, path, false, "a patch cannot remove the whole document");
            problems++;
        }
        if (wants_from) {
            const cJSON *from = cJSON_GetObjectItemCaseSensitive(op, "from");
            if (!from) {
                case_err(c, doc, op, false, "missing required key \"from\" in a %s operation",
                         ops[kind]);
                problems++;
            } else if (!cJSON_IsString(from) || !case_pointer_valid(from->valuestring)) {
                case_err(c, doc, from, false, "\"from\" must be a JSON Pointer (\"\" or \"/...\")");
                problems++;
            }
        }
        if (wants_value) {
            const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
            if (!value) {
                case_err(c, doc, op, false, "missing required key \"value\" in a %s operation",
                         ops[kind]);
                problems++;
            } else {
                problems += case_vars_check(c, doc, value, true, scope);
            }
        }
    }
    return problems;
}

/* Applies patch to target op by op, skipping "test" (its values may hold variables).
 * Returns 0, or the status of the first op that fails with that op in *failed and its
 * index in *at. */
static int trial_apply(cJSON *target, const cJSON *patch, const cJSON **failed, size_t *at)
{
    size_t i = 0;
    for (const cJSON *op = patch->child; op; op = op->next, i++) {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
        if (o && strcmp(o, "test") == 0)
            continue;
        int status = apply_one(target, op);
        if (status) {
            *failed = op;
            *at = i;
            return status;
        }
    }
    return 0;
}

/* Applies patch to target as trial_apply does and reports the first op that fails
 * against doc. Returns the number of problems. */
static int patch_trial(case_lctx *c, const case_doc *doc, const cJSON *patch, cJSON *target,
                       const char *what)
{
    const cJSON *op = NULL;
    size_t i = 0;
    int status = trial_apply(target, patch, &op, &i);
    if (!status)
        return 0;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
    case_err(c, doc, path, false, "patch[%zu] (%s %s) does not apply to %s: %s", i,
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op")),
             cJSON_GetStringValue(path), what, patch_reason(status));
    return 1;
}

/* The fixture of m named in body, picked (not patched): a new tree, or NULL. */
static cJSON *fixture_base(const case_market *m, const cJSON *body, char *err, size_t errlen)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "fixture"));
    const case_fixture *f = name ? case_market_fixture(m, name) : NULL;
    if (!f) {
        snprintf(err, errlen, "no fixture \"%s\" for market %s", name ? name : "?",
                 m ? m->code : "?");
        return NULL;
    }
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    if (picks)
        return pick(f->json, picks, err, errlen);
    cJSON *copy = cJSON_Duplicate(f->json, 1);
    if (!copy)
        snprintf(err, errlen, "out of memory");
    return copy;
}

/* Checks {"generate": {"bytes": N}}; returns the number of problems. */
static int check_generate(case_lctx *c, const case_doc *doc, const cJSON *v)
{
    int problems = 0;
    if (!cJSON_IsObject(v)) {
        case_err(c, doc, v, false, "\"generate\" must be an object like {\"bytes\": 1100000}");
        return 1;
    }
    for (const cJSON *m = v->child; m; m = m->next)
        if (strcmp(m->string, "bytes") != 0) {
            case_err(c, doc, m, true, "unknown key \"%s\" in generate (expected one of: bytes)",
                     m->string);
            problems++;
        }
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "bytes");
    if (!b) {
        case_err(c, doc, v, false, "missing required key \"bytes\" in generate");
        problems++;
    } else if (!case_json_whole(b, 2, (double)CASE_MAX_GENERATED_BODY)) {
        case_err(c, doc, b, false,
                 "\"bytes\" must be a whole number from 2 to %u (CASE_MAX_GENERATED_BODY)",
                 CASE_MAX_GENERATED_BODY);
        problems++;
    }
    return problems;
}

/* Checks a fixture body against one market: the fixture exists, its variables resolve
 * there, each pick finds something, and the patch applies. Returns the number of
 * problems. */
static int check_fixture_in_market(case_lctx *c, const case_doc *doc, const cJSON *body,
                                   const case_var_scope *scope, size_t i)
{
    const cJSON *fixture = cJSON_GetObjectItemCaseSensitive(body, "fixture");
    const cJSON *patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    const char *name = fixture->valuestring;
    const case_market *m = scope->markets[i];
    const case_fixture *f = case_market_fixture(m, name);
    if (!f) {
        case_err(c, doc, fixture, false,
                 "unknown fixture \"%s\" for market %s: no fixtures/%s/%s.json", name, m->code,
                 m->code, name);
        return 1;
    }
    case_var_scope fscope = *scope;
    fscope.markets = &scope->markets[i];
    fscope.n_markets = 1;
    int problems = case_vars_check(c, f->doc, f->json, true, &fscope);
    char err[256];
    int bad_picks = 0;
    /* each pick on its own, so a problem points at the pick that has it */
    for (const cJSON *e = picks ? picks->child : NULL; e; e = e->next) {
        cJSON *one = cJSON_CreateArray();
        cJSON *res = NULL;
        if (one && cJSON_AddItemReferenceToArray(one, (cJSON *)e))
            res = pick(f->json, one, err, sizeof err);
        else
            snprintf(err, sizeof err, "out of memory");
        if (!res) {
            case_err(c, doc, e, false, "%s (market %s)", err, m->code);
            bad_picks++;
        }
        cJSON_Delete(res);
        cJSON_Delete(one);
    }
    problems += bad_picks;
    if (bad_picks)
        return problems;
    cJSON *base = fixture_base(m, body, err, sizeof err);
    if (!base) {
        case_err(c, doc, picks ? picks : fixture, false, "%s (market %s)", err, m->code);
        return problems + 1;
    }
    if (patch) {
        char what[128];
        snprintf(what, sizeof what, "fixtures/%s/%s.json", m->code, name);
        problems += patch_trial(c, doc, patch, base, what);
    }
    cJSON_Delete(base);
    return problems;
}

/* Checks {"fixture": NAME, "pick": [...], "patch": [...]}: the name, the picks and the
 * patch as written, then the body in every market of scope. Returns the number of
 * problems. */
static int check_fixture_body(case_lctx *c, const case_doc *doc, const cJSON *body,
                              const case_var_scope *scope)
{
    int problems = 0;
    const cJSON *fixture = cJSON_GetObjectItemCaseSensitive(body, "fixture");
    const cJSON *patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    if (!cJSON_IsString(fixture) || !fixture->valuestring[0] || strchr(fixture->valuestring, '/')) {
        case_err(c, doc, fixture, false,
                 "\"fixture\" must be a fixture name (a file of "
                 "fixtures/<MARKET>/ without .json)");
        return 1;
    }
    if (picks) {
        if (!cJSON_IsArray(picks) || !picks->child) {
            case_err(c, doc, picks, false, "\"pick\" must be a non-empty array of JSON Pointers");
            return 1;
        }
        for (const cJSON *e = picks->child; e; e = e->next)
            if (!cJSON_IsString(e) || !e->valuestring[0] || !case_pointer_valid(e->valuestring)) {
                case_err(c, doc, e, false, "a pick must be a JSON Pointer to a member (\"/...\")");
                problems++;
            }
        if (problems)
            return problems;
    }
    if (patch) {
        int pp = case_patch_check(c, doc, patch, scope);
        if (pp)
            return pp;
    }
    if (scope->n_markets == 0) {
        case_err(c, doc, fixture, false,
                 "unknown fixture \"%s\": there are no markets (no fixtures/<MARKET>/ folders)",
                 fixture->valuestring);
        return 1;
    }
    for (size_t i = 0; i < scope->n_markets; i++)
        problems += check_fixture_in_market(c, doc, body, scope, i);
    return problems;
}

int case_body_check(case_lctx *c, const case_doc *doc, const cJSON *body,
                    const case_var_scope *scope, bool *is_json)
{
    int problems = 0;
    *is_json = false;
    if (!cJSON_IsObject(body)) {
        case_err(
            c, doc, body, false,
            "\"body\" must be an object ({\"inline\": ...}, {\"fixture\": ...}, {\"raw\": ...} "
            "or {\"generate\": ...}), not %s",
            case_json_type_name(body));
        return 1;
    }
    static const char *const keys[] = {"inline", "fixture",  "patch", "pick",
                                       "raw",    "generate", NULL};
    int forms = 0;
    for (const cJSON *m = body->child; m; m = m->next) {
        if (!case_name_in(m->string, keys)) {
            case_err(c, doc, m, true,
                     "unknown key \"%s\" in a body (expected one of: inline, fixture, patch, pick, "
                     "raw, generate)",
                     m->string);
            problems++;
        } else if (strcmp(m->string, "patch") != 0 && strcmp(m->string, "pick") != 0) {
            forms++;
        }
    }
    if (problems)
        return problems;
    if (forms != 1) {
        case_err(c, doc, body, false,
                 "a body needs exactly one of inline, fixture, raw, generate (it has %d)", forms);
        return 1;
    }
    const cJSON *fixture = cJSON_GetObjectItemCaseSensitive(body, "fixture");
    const cJSON *patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    if (!fixture && (patch || picks)) {
        case_err(c, doc, patch ? patch : picks, true, "\"%s\" only goes with \"fixture\"",
                 patch ? "patch" : "pick");
        return 1;
    }
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(body, "inline"))) {
        *is_json = true;
        return case_vars_check(c, doc, v, true, scope);
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(body, "raw"))) {
        if (!cJSON_IsString(v)) {
            case_err(c, doc, v, false, "\"raw\" must be a string, not %s", case_json_type_name(v));
            return 1;
        }
        return 0;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(body, "generate")))
        return check_generate(c, doc, v);
    /* a fixture, maybe picked and patched */
    *is_json = true;
    return check_fixture_body(c, doc, body, scope);
}

/* ---- trials of variant patches ----
 * A case may have tens of thousands of variants, each tried on the variant_target step's
 * body in every market. The body of each market is built once (picked, the step's patch
 * applied) and each trial swaps only the members its ops reach for copies, applies the
 * patch, and puts the original members back: a trial costs what its patch touches, not
 * a copy of the body. */

/* A body variant patches are tried on. */
typedef struct trial_base {
    const case_market *market; /* NULL: the step's inline body */
    cJSON *json;               /* NULL: not built (the trial takes the slow way, which says why) */
    cJSON **members;           /* json's members in order; NULL: json is not an object */
    cJSON **by_address;        /* the same members, sorted by address */
    size_t n_members;
} trial_base;

struct case_body_trial {
    const cJSON *body; /* the step body the bases were built from */
    trial_base *bases;
    size_t n_bases, cap_bases;
};

static void trial_clear(case_body_trial *t)
{
    for (size_t i = 0; i < t->n_bases; i++) {
        cJSON_Delete(t->bases[i].json);
        free(t->bases[i].members);
        free(t->bases[i].by_address);
    }
    t->n_bases = 0;
}

void case_body_trial_free(case_body_trial *t)
{
    if (!t)
        return;
    trial_clear(t);
    free(t->bases);
    free(t);
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (cJSON *const *)a;
    uintptr_t y = (uintptr_t) * (cJSON *const *)b;
    return (x > y) - (x < y);
}

/* Builds the base of market m (NULL: the inline body) into b; b->json stays NULL when the
 * body cannot be built or the step's own patch does not apply. Returns 0, or -1 on OOM. */
static int trial_base_build(trial_base *b, const cJSON *body, const case_market *m)
{
    *b = (trial_base){.market = m};
    if (m) {
        char err[256];
        b->json = fixture_base(m, body, err, sizeof err);
        const cJSON *step_patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
        const cJSON *op = NULL;
        size_t at = 0;
        if (b->json && step_patch && trial_apply(b->json, step_patch, &op, &at) != 0) {
            cJSON_Delete(b->json);
            b->json = NULL;
        }
    } else {
        b->json = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(body, "inline"), 1);
    }
    if (!cJSON_IsObject(b->json))
        return 0;
    for (const cJSON *e = b->json->child; e; e = e->next)
        b->n_members++;
    b->members = malloc((b->n_members + 1) * sizeof *b->members);
    b->by_address = malloc((b->n_members + 1) * sizeof *b->by_address);
    if (!b->members || !b->by_address) {
        free(b->members);
        free(b->by_address);
        cJSON_Delete(b->json);
        *b = (trial_base){.market = m};
        return -1;
    }
    size_t i = 0;
    for (cJSON *e = b->json->child; e; e = e->next, i++)
        b->members[i] = b->by_address[i] = e;
    qsort(b->by_address, b->n_members, sizeof *b->by_address, by_address);
    return 0;
}

/* The base of market m in t, built on first use; NULL on OOM. */
static trial_base *trial_base_of(case_body_trial *t, const cJSON *body, const case_market *m)
{
    if (t->body != body) {
        trial_clear(t);
        t->body = body;
    }
    for (size_t i = 0; i < t->n_bases; i++)
        if (t->bases[i].market == m)
            return &t->bases[i];
    if (t->n_bases == t->cap_bases) {
        size_t cap = t->cap_bases ? 2 * t->cap_bases : 4;
        trial_base *n = realloc(t->bases, cap * sizeof *n);
        if (!n)
            return NULL;
        t->bases = n;
        t->cap_bases = cap;
    }
    trial_base *b = &t->bases[t->n_bases];
    if (trial_base_build(b, body, m) != 0)
        return NULL;
    t->n_bases++;
    return b;
}

/* Whether every op that a trial applies reaches into a member ("/..."), never the whole
 * document: only then can a trial be undone member by member. */
static bool reaches_members_only(const cJSON *patch)
{
    for (const cJSON *op = patch->child; op; op = op->next) {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
        if (o && strcmp(o, "test") == 0)
            continue;
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"));
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(op, "from");
        if (!path || path[0] != '/' ||
            (from && (!cJSON_IsString(from) || from->valuestring[0] != '/')))
            return false;
    }
    return true;
}

/* Whether member name equals the first reference token of ptr ("/tok..."), decoded. */
static bool first_token_is(const char *ptr, const char *name)
{
    const char *p = ptr + 1;
    for (; *p && *p != '/'; p++, name++) {
        char ch = *p;
        if (ch == '~') {
            ch = p[1] == '1' ? '/' : '~';
            p++;
        }
        if (*name != ch)
            return false;
    }
    return *name == '\0';
}

/* Puts repl where member is in parent's list and takes member out (prev NULL marks it
 * out: a listed member's prev is never NULL). */
static void swap_member(cJSON *parent, cJSON *member, cJSON *repl)
{
    repl->next = member->next;
    repl->prev = member->prev;
    if (member == parent->child)
        parent->child = repl;
    else
        repl->prev->next = repl;
    if (repl->next)
        repl->next->prev = repl;
    else
        parent->child->prev = repl;
    member->next = member->prev = NULL;
}

/* Swaps every member of b that ptr's first token names for a copy; returns 0, or -1 on
 * OOM. */
static int copy_on_write(trial_base *b, const char *ptr)
{
    for (size_t i = 0; i < b->n_members; i++) {
        cJSON *m = b->members[i];
        /* a member without a key (cJSON's replace when its key copy ran out of memory)
         * is reached by no path */
        if (!m->prev || !m->string || !first_token_is(ptr, m->string))
            continue;
        cJSON *copy = cJSON_Duplicate(m, 1);
        if (!copy)
            return -1;
        swap_member(b->json, m, copy);
    }
    return 0;
}

/* Puts b back as it was built: what a trial added or copied is deleted, the original
 * members are relinked in their order. */
static void trial_restore(trial_base *b)
{
    cJSON *garbage = NULL;
    for (cJSON *e = b->json->child, *next; e; e = next) {
        next = e->next;
        if (!bsearch(&e, b->by_address, b->n_members, sizeof *b->by_address, by_address)) {
            e->prev = NULL;
            e->next = garbage;
            garbage = e;
        }
    }
    size_t n = b->n_members;
    b->json->child = n ? b->members[0] : NULL;
    for (size_t i = 0; i < n; i++) {
        b->members[i]->prev = b->members[i ? i - 1 : n - 1];
        b->members[i]->next = i + 1 < n ? b->members[i + 1] : NULL;
    }
    cJSON_Delete(garbage);
}

/* Tries patch on b in place (b->members set, the patch reaching members only) and puts b
 * back. Returns the number of problems. */
static int trial_in_place(case_lctx *c, const case_doc *doc, const cJSON *patch, trial_base *b,
                          const char *what)
{
    int problems = 0;
    for (const cJSON *op = patch->child; op; op = op->next) {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
        const char *from = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "from"));
        if (o && strcmp(o, "test") == 0)
            continue;
        if (copy_on_write(b, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"))) ||
            (from && copy_on_write(b, from))) {
            case_oom(c);
            problems = 1;
            goto out;
        }
    }
    problems = patch_trial(c, doc, patch, b->json, what);
out:
    trial_restore(b);
    return problems;
}

/* Tries patch on a copy of base. Returns the number of problems. */
static int trial_on_copy(case_lctx *c, const case_doc *doc, const cJSON *patch, const cJSON *base,
                         const char *what)
{
    cJSON *copy = cJSON_Duplicate(base, 1);
    if (!copy) {
        case_oom(c);
        return 1;
    }
    int problems = patch_trial(c, doc, patch, copy, what);
    cJSON_Delete(copy);
    return problems;
}

/* The trial of market m without a kept base: the body built from the fixture, the step's
 * patch and then the variant's applied, every failure reported. */
static int trial_from_scratch(case_lctx *c, const case_doc *doc, const cJSON *body,
                              const cJSON *patch, const case_market *m, const char *what)
{
    char err[256];
    cJSON *base = fixture_base(m, body, err, sizeof err);
    if (!base) {
        case_err(c, doc, patch, true, "%s (market %s)", err, m->code);
        return 1;
    }
    const cJSON *step_patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    int problems = 0;
    if (!step_patch || patch_trial(c, doc, step_patch, base, what) == 0)
        problems = patch_trial(c, doc, patch, base, what);
    cJSON_Delete(base);
    return problems;
}

/* Tries patch on the base of market m (NULL: the inline body). */
static int trial_one(case_lctx *c, const case_doc *doc, const cJSON *body, const cJSON *patch,
                     const case_market *m, case_body_trial *t, const char *what)
{
    trial_base *b = t ? trial_base_of(t, body, m) : NULL;
    if (b && b->json && b->members && reaches_members_only(patch))
        return trial_in_place(c, doc, patch, b, what);
    if (b && b->json)
        return trial_on_copy(c, doc, patch, b->json, what);
    if (m)
        return trial_from_scratch(c, doc, body, patch, m, what);
    case_oom(c); /* an inline body is always built, unless memory ran out */
    return 1;
}

int case_body_trial_variant(case_lctx *c, const case_doc *doc, const cJSON *body,
                            const cJSON *patch, const case_var_scope *scope,
                            case_body_trial **trial)
{
    if (!*trial)
        *trial = calloc(1, sizeof **trial); /* NULL (OOM): every trial from scratch */
    if (cJSON_GetObjectItemCaseSensitive(body, "inline"))
        return trial_one(c, doc, body, patch, NULL, *trial,
                         "the variant_target step's inline body");
    if (!cJSON_GetObjectItemCaseSensitive(body, "fixture"))
        return 0;
    int problems = 0;
    for (size_t i = 0; i < scope->n_markets; i++) {
        const case_market *m = scope->markets[i];
        char what[160];
        snprintf(what, sizeof what, "the variant_target step's body for market %s", m->code);
        problems += trial_one(c, doc, body, patch, m, *trial, what);
    }
    return problems;
}

/* ---- building a body when a step runs ---- */

static int print_body(cJSON *json, char **out, size_t *out_len, char *err, size_t errlen)
{
    char *txt = cJSON_PrintUnformatted(json);
    if (!txt) {
        snprintf(err, errlen, "out of memory printing the body");
        return -1;
    }
    size_t n = strlen(txt);
    if (n > CASE_MAX_GENERATED_BODY) {
        snprintf(err, errlen, "body is %zu bytes, over %u (CASE_MAX_GENERATED_BODY)", n,
                 CASE_MAX_GENERATED_BODY);
        free(txt);
        return -1;
    }
    *out = txt;
    *out_len = n;
    return 0;
}

static int apply_substituted(const case_vars_ctx *v, cJSON *doc, const cJSON *patch,
                             const char *what, char *err, size_t errlen)
{
    char why[512];
    cJSON *p = case_vars_subst_json(v, patch, why, sizeof why);
    if (!p) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -1;
    }
    int rc = case_patch_apply(doc, p, why, sizeof why);
    cJSON_Delete(p);
    if (rc)
        snprintf(err, errlen, "%s: %s", what, why);
    return rc;
}

cJSON *case_body_json(const case_vars_ctx *v, const case_market *m, const cJSON *body, char *err,
                      size_t errlen)
{
    cJSON *json = NULL, *base = NULL;
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(body, "inline");
    if (x)
        return case_vars_subst_json(v, x, err, errlen);
    base = fixture_base(m, body, err, errlen);
    if (!base)
        return NULL;
    json = case_vars_subst_json(v, base, err, errlen);
    cJSON_Delete(base);
    if (!json)
        return NULL;
    const cJSON *patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    if (patch && apply_substituted(v, json, patch, "the step's patch", err, errlen) != 0) {
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

int case_body_build(const case_vars_ctx *v, const case_market *m, const cJSON *body,
                    const cJSON *variant_patch, char **out, size_t *out_len, char *err,
                    size_t errlen)
{
    int rc = -1;
    cJSON *json = NULL;
    const cJSON *x;
    *out = NULL;
    *out_len = 0;
    if (!body)
        return 0;
    if ((x = cJSON_GetObjectItemCaseSensitive(body, "raw"))) {
        *out = strdup(x->valuestring);
        *out_len = strlen(x->valuestring);
        if (!*out) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        return 0;
    }
    if ((x = cJSON_GetObjectItemCaseSensitive(body, "generate"))) {
        size_t n = (size_t)cJSON_GetObjectItemCaseSensitive(x, "bytes")->valuedouble;
        char *b = malloc(n + 1);
        if (!b) {
            snprintf(err, errlen, "out of memory generating %zu bytes", n);
            return -1;
        }
        if (n >= 10) {
            /* {"pad":"xxx...x"} is 10 bytes plus the padding */
            memcpy(b, "{\"pad\":\"", 8);
            memset(b + 8, 'x', n - 10);
            memcpy(b + n - 2, "\"}", 2);
        } else {
            /* too small for a member: an empty object and trailing whitespace */
            memset(b, ' ', n);
            memcpy(b, "{}", 2);
        }
        b[n] = '\0';
        *out = b;
        *out_len = n;
        return 0;
    }
    json = case_body_json(v, m, body, err, errlen);
    if (!json)
        goto out;
    if (variant_patch &&
        apply_substituted(v, json, variant_patch, "the variant's patch", err, errlen) != 0)
        goto out;
    rc = print_body(json, out, out_len, err, errlen);
out:
    cJSON_Delete(json);
    return rc;
}
