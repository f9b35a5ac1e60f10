/* case_body: request bodies — inline JSON, fixtures, picks, RFC 6902 patches (applied
 * with cJSON_Utils, op by op so a failure names its op), raw bytes and generated
 * documents; their load-time checks (including a trial application of a step's patch to
 * every market's fixture) and their construction when a step runs. */
#include "case_body.h"

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

bool case_pointer_first_is(const char *ptr, const char *name)
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

cJSON *case_body_borrow(const cJSON *item)
{
    if (cJSON_IsArray(item))
        return cJSON_CreateArrayReference(item->child);
    if (cJSON_IsObject(item))
        return cJSON_CreateObjectReference(item->child);
    return cJSON_Duplicate(item, 1);
}

/* Whether op, unless it is a "test", reaches the document's member name, or the whole
 * document, through its path or its from. */
static bool op_reaches(const cJSON *op, const char *name)
{
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
    if (o && strcmp(o, "test") == 0)
        return false;
    const char *at[] = {
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path")),
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "from")),
    };
    for (int k = 0; k < 2; k++)
        if (at[k] && (at[k][0] != '/' || case_pointer_first_is(at[k], name)))
            return true;
    return false;
}

/* Whether an op of patch reaches the document's member name (op_reaches). */
static bool patch_reaches(const cJSON *patch, const char *name)
{
    for (const cJSON *op = patch ? patch->child : NULL; op; op = op->next)
        if (op_reaches(op, name))
            return true;
    return false;
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

/* The object that holds the member ptr names, and that member's key (decoded; the
 * caller frees it); NULL when ptr's parent is not an object, or on OOM. */
static cJSON *member_parent(cJSON *doc, const char *ptr, char **key)
{
    *key = NULL;
    const char *slash = ptr ? strrchr(ptr, '/') : NULL;
    if (!slash)
        return NULL;
    char *parent_ptr = strndup(ptr, (size_t)(slash - ptr));
    if (!parent_ptr)
        return NULL;
    cJSON *parent = cJSONUtils_GetPointerCaseSensitive(doc, parent_ptr);
    free(parent_ptr);
    if (!cJSON_IsObject(parent))
        return NULL;
    next_token(slash, key);
    return *key ? parent : NULL;
}

/* Whether an op after op reaches the member that op's path ("/...") starts with, or the
 * whole document: then what op sets is changed later, and must be a copy. */
static bool later_op_reaches(const cJSON *op, const char *path)
{
    char *name = NULL;
    if (path[0] == '/')
        next_token(path, &name);
    if (!name)
        return true; /* not a member, or out of memory: a copy is always safe */
    bool reached = false;
    for (const cJSON *later = op->next; later && !reached; later = later->next)
        reached = op_reaches(later, name);
    free(name);
    return reached;
}

/* A "replace" of an object member, done in place so the member keeps its position
 * (cJSON_Utils removes and re-adds it at the end); with borrow, an array or object value
 * that no later op of the patch reaches is the op's own (a cJSON reference), not a copy.
 * Returns 0 done, 1 not handled. */
static int replace_in_place(cJSON *doc, const cJSON *op, bool borrow)
{
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
    const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"));
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
    if (!o || strcmp(o, "replace") != 0 || !path || !value)
        return 1;
    char *key;
    cJSON *parent = member_parent(doc, path, &key);
    int rc = 1;
    if (!parent || !cJSON_GetObjectItemCaseSensitive(parent, key))
        goto out;
    borrow =
        borrow && (cJSON_IsArray(value) || cJSON_IsObject(value)) && !later_op_reaches(op, path);
    cJSON *copy = borrow ? case_body_borrow(value) : cJSON_Duplicate(value, 1);
    if (copy && cJSON_ReplaceItemInObjectCaseSensitive(parent, key, copy))
        rc = 0;
    else
        cJSON_Delete(copy);
out:
    free(key);
    return rc;
}

/* Whether ptr names a member of an object that has no member of exactly that name.
 * cJSON_Utils takes out the member of a "remove", "replace" or "move" without regard to
 * case, even in its case-sensitive functions (detach_path calls
 * cJSON_DetachItemFromObject), so "/Name" would take out "name"; JSON Pointer (RFC 6901)
 * compares names exactly, so such an op finds nothing. */
static bool member_missing(cJSON *doc, const char *ptr)
{
    char *key;
    cJSON *parent = member_parent(doc, ptr, &key);
    bool missing = parent && !cJSON_GetObjectItemCaseSensitive(parent, key);
    free(key);
    return missing;
}

static int apply_one(cJSON *doc, const cJSON *op, bool borrow)
{
    if (replace_in_place(doc, op, borrow) == 0)
        return 0;
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
    const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"));
    const char *from = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "from"));
    if (o && (strcmp(o, "remove") == 0 || strcmp(o, "replace") == 0) && member_missing(doc, path))
        return 13;
    if (o && strcmp(o, "move") == 0 && member_missing(doc, from))
        return 5;
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
        int status = apply_one(doc, op, false);
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

int case_patch_try(cJSON *target, const cJSON *patch, bool borrow, const cJSON **failed, size_t *at)
{
    size_t i = 0;
    for (const cJSON *op = patch->child; op; op = op->next, i++) {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
        if (o && strcmp(o, "test") == 0)
            continue;
        int status = apply_one(target, op, borrow);
        if (status) {
            *failed = op;
            *at = i;
            return status;
        }
    }
    return 0;
}

int case_patch_trial(case_lctx *c, const case_doc *doc, const cJSON *patch, cJSON *target,
                     bool borrow, const char *what)
{
    const cJSON *op = NULL;
    size_t i = 0;
    int status = case_patch_try(target, patch, borrow, &op, &i);
    if (!status)
        return 0;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
    case_err(c, doc, path, false, "patch[%zu] (%s %s) does not apply to %s: %s", i,
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op")),
             cJSON_GetStringValue(path), what, patch_reason(status));
    return 1;
}

/* The fixture of market m that body names; NULL with err when there is none. */
static const case_fixture *fixture_of(const case_market *m, const cJSON *body, char *err,
                                      size_t errlen)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(body, "fixture"));
    const case_fixture *f = name ? case_market_fixture(m, name) : NULL;
    if (!f)
        snprintf(err, errlen, "no fixture \"%s\" for market %s", name ? name : "?",
                 m ? m->code : "?");
    return f;
}

/* The members of the object fixture in a new object: each member that patch reaches is a
 * copy; every other array or object borrows the fixture's (a cJSON reference), and each
 * key is the fixture's (a constant key). NULL on OOM. */
static cJSON *borrow_members(const cJSON *fixture, const cJSON *patch)
{
    cJSON *o = cJSON_CreateObject();
    for (const cJSON *e = fixture->child; o && e; e = e->next) {
        cJSON *m = patch_reaches(patch, e->string) ? cJSON_Duplicate(e, 1) : case_body_borrow(e);
        if (!m || !cJSON_AddItemToObjectCS(o, e->string, m)) {
            cJSON_Delete(m);
            cJSON_Delete(o);
            o = NULL;
        }
    }
    return o;
}

cJSON *case_body_fixture_base(const case_market *m, const cJSON *body, const cJSON *reach,
                              char *err, size_t errlen)
{
    const case_fixture *f = fixture_of(m, body, err, errlen);
    if (!f)
        return NULL;
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    if (picks)
        return pick(f->json, picks, err, errlen);
    cJSON *base = reach && cJSON_IsObject(f->json) && !patch_reaches(reach, "")
                      ? borrow_members(f->json, reach)
                      : cJSON_Duplicate(f->json, 1);
    if (!base)
        snprintf(err, errlen, "out of memory");
    return base;
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
    if (bad_picks || (!patch && !picks))
        return problems; /* nothing more to try: the body is the fixture as it is */
    cJSON *base = case_body_fixture_base(m, body, patch, err, sizeof err);
    if (!base) {
        case_err(c, doc, picks ? picks : fixture, false, "%s (market %s)", err, m->code);
        return problems + 1;
    }
    if (patch) {
        char what[128];
        snprintf(what, sizeof what, "fixtures/%s/%s.json", m->code, name);
        problems += case_patch_trial(c, doc, patch, base, true, what);
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
    /* the substitution makes a new tree: a fixture without picks needs no copy first */
    const case_fixture *f = fixture_of(m, body, err, errlen);
    if (!f)
        return NULL;
    const cJSON *picks = cJSON_GetObjectItemCaseSensitive(body, "pick");
    if (picks && !(base = pick(f->json, picks, err, errlen)))
        return NULL;
    json = case_vars_subst_json(v, picks ? base : f->json, err, errlen);
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
                    const cJSON *variant_patch, char **out, size_t *out_len, bool *generated,
                    char *err, size_t errlen)
{
    int rc = -1;
    cJSON *json = NULL;
    const cJSON *x;
    *out = NULL;
    *out_len = 0;
    *generated = false;
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
        /* not built: the executor sends case_generated_body's bytes as it goes */
        *out_len = (size_t)cJSON_GetObjectItemCaseSensitive(x, "bytes")->valuedouble;
        *generated = true;
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
