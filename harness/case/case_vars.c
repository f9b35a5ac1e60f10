/* case_vars: ${...} references — their grammar, the load-time check that each can
 * exist, the per-run variable table, and substitution into text and JSON. */
#include "case_vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_diag.h"
#include "case_keep.h"
#include "case_mem.h"
#include "redact.h"

static bool name_char(char c, bool first)
{
    return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

static bool ident(const char *s, size_t n)
{
    if (n == 0 || n > CASE_MAX_CAPTURE_NAME)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i], i == 0))
            return false;
    return true;
}

bool case_vars_valid_name(const char *name)
{
    size_t n = strlen(name);
    return ident(name, n) && strcmp(name, "uuid") != 0 && strcmp(name, "base_url") != 0 &&
           strcmp(name, "market") != 0 && strcmp(name, "env") != 0;
}

int case_vars_next(const char *s, size_t *pos, case_var_ref *ref, char *err, size_t errlen)
{
    size_t i = *pos;
    for (; s[i]; i++) {
        if (s[i] != '$')
            continue;
        if (s[i + 1] == '$' && s[i + 2] == '{') {
            *ref = (case_var_ref){VAR_ESCAPE, NULL, 0, i, i + 3};
            *pos = i + 3;
            return 1;
        }
        if (s[i + 1] != '{')
            continue;
        const char *close = strchr(s + i + 2, '}');
        if (!close) {
            snprintf(err, errlen,
                     "unterminated variable reference \"${\" (write \"$${\" for a literal \"${\")");
            return -1;
        }
        const char *in = s + i + 2;
        size_t n = (size_t)(close - in);
        case_var_ref r = {VAR_CAPTURE, in, n, i, (size_t)(close - s) + 1};
        if (n == 4 && memcmp(in, "uuid", 4) == 0) {
            r.kind = VAR_UUID;
        } else if (n == 8 && memcmp(in, "base_url", 8) == 0) {
            r.kind = VAR_BASE_URL;
        } else if (n > 7 && memcmp(in, "market.", 7) == 0) {
            r.kind = VAR_MARKET;
            r.name = in + 7;
            r.name_len = n - 7;
            for (size_t k = 0; k < r.name_len; k++)
                if (!name_char(r.name[k], false))
                    goto bad;
        } else if (n > 4 && memcmp(in, "var:", 4) == 0) {
            r.kind = VAR_RUN;
            r.name = in + 4;
            r.name_len = n - 4;
            if (!ident(r.name, r.name_len))
                goto bad;
        } else if (n > 4 && memcmp(in, "env:", 4) == 0) {
            r.kind = VAR_ENV;
            r.name = in + 4;
            r.name_len = n - 4;
            if (r.name_len > 256)
                goto bad;
            for (size_t k = 0; k < r.name_len; k++)
                if (!name_char(r.name[k], k == 0))
                    goto bad;
        } else if (!ident(in, n) || (n == 6 && memcmp(in, "market", 6) == 0) ||
                   (n == 3 && memcmp(in, "env", 3) == 0)) {
            goto bad;
        }
        *ref = r;
        *pos = r.end;
        return 1;
    bad:
        snprintf(err, errlen,
                 "malformed variable reference \"${%.*s}\" (expected ${name}, ${market.KEY}, "
                 "${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})",
                 (int)(n > 64 ? 64 : n), in);
        return -1;
    }
    *pos = i;
    return 0;
}

/* ---- load-time checks ---- */

/* Whether s is exactly the n bytes of name (a reference's name is not NUL-terminated). */
static bool same_name(const char *s, const char *name, size_t n)
{
    return strlen(s) == n && memcmp(s, name, n) == 0;
}

/* The member of obj (a market.json) called by the n bytes of name, or NULL. */
static const cJSON *member_n(const cJSON *obj, const char *name, size_t n)
{
    for (const cJSON *f = obj ? obj->child : NULL; f; f = f->next)
        if (same_name(f->string, name, n))
            return f;
    return NULL;
}

static int check_string(case_lctx *c, const case_doc *doc, const cJSON *item, const char *s,
                        const case_var_scope *scope)
{
    int problems = 0;
    size_t pos = 0;
    case_var_ref r;
    char err[256];
    for (;;) {
        int rc = case_vars_next(s, &pos, &r, err, sizeof err);
        if (rc == 0)
            break;
        if (rc < 0) {
            case_err(c, doc, item, false, "%s", err);
            return problems + 1;
        }
        if (r.kind == VAR_CAPTURE) {
            bool found = false;
            for (size_t k = 0; k < scope->n_captured && !found; k++)
                found = same_name(scope->captured[k], r.name, r.name_len);
            if (!found) {
                case_err(c, doc, item, false,
                         "undefined variable \"${%.*s}\": no earlier step captures it",
                         (int)r.name_len, r.name);
                problems++;
            }
        } else if (r.kind == VAR_MARKET) {
            for (size_t k = 0; k < scope->n_markets; k++) {
                const case_market *m = scope->markets[k];
                if (!member_n(m->facts, r.name, r.name_len)) {
                    case_err(
                        c, doc, item, false,
                        "undefined variable \"${market.%.*s}\": fixtures/%s/market.json has no "
                        "key \"%.*s\"",
                        (int)r.name_len, r.name, m->code, (int)r.name_len, r.name);
                    problems++;
                    break;
                }
            }
        }
    }
    return problems;
}

int case_vars_check(case_lctx *c, const case_doc *doc, const cJSON *item, bool deep,
                    const case_var_scope *scope)
{
    int problems = 0;
    if (!item)
        return 0;
    if (cJSON_IsString(item))
        return check_string(c, doc, item, item->valuestring, scope);
    if (deep)
        for (const cJSON *ch = item->child; ch; ch = ch->next)
            problems += case_vars_check(c, doc, ch, true, scope);
    return problems;
}

/* ---- the run-time table ---- */

int case_vars_set(case_vars_table *t, const char *name, const cJSON *value, char *err,
                  size_t errlen)
{
    int rc = -1;
    char *printed = cJSON_PrintUnformatted(value);
    cJSON *copy = NULL;
    char *name_copy = NULL;
    if (!printed) {
        snprintf(err, errlen, "out of memory capturing \"%s\"", name);
        goto out;
    }
    if (strlen(printed) > CASE_MAX_VAR_BYTES) {
        snprintf(err, errlen, "captured value of \"%s\" is %zu bytes, over %u (CASE_MAX_VAR_BYTES)",
                 name, strlen(printed), CASE_MAX_VAR_BYTES);
        goto out;
    }
    copy = cJSON_Duplicate(value, 1);
    if (!copy) {
        snprintf(err, errlen, "out of memory capturing \"%s\"", name);
        goto out;
    }
    for (size_t i = 0; i < t->count; i++) {
        if (strcmp(t->names[i], name) == 0) {
            cJSON_Delete(t->values[i]);
            t->values[i] = copy;
            copy = NULL;
            rc = 0;
            goto out;
        }
    }
    if (t->count == CASE_MAX_VARS) {
        snprintf(err, errlen, "too many variables: more than %d (CASE_MAX_VARS)", CASE_MAX_VARS);
        goto out;
    }
    name_copy = strdup(name);
    if (!name_copy) {
        snprintf(err, errlen, "out of memory capturing \"%s\"", name);
        goto out;
    }
    t->names[t->count] = name_copy;
    t->values[t->count] = copy;
    t->count++;
    name_copy = NULL;
    copy = NULL;
    rc = 0;
out:
    free(printed);
    free(name_copy);
    cJSON_Delete(copy);
    return rc;
}

static const cJSON *get_n(const case_vars_table *t, const char *name, size_t n)
{
    for (size_t i = 0; i < t->count; i++)
        if (same_name(t->names[i], name, n))
            return t->values[i];
    return NULL;
}

const cJSON *case_vars_get(const case_vars_table *t, const char *name)
{
    return get_n(t, name, strlen(name));
}

void case_vars_clear(case_vars_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->names[i]);
        cJSON_Delete(t->values[i]);
    }
    t->count = 0;
}

/* ---- the run's variables (--var, --secret) ---- */

/* a run variable's name is read by ident(), whose bound is a capture's */
_Static_assert(CASE_MAX_RUN_VAR_NAME == CASE_MAX_CAPTURE_NAME, "one bound for variable names");

int case_vars_define(case_vars_defs *d, const char *assignment, bool secret, char *err,
                     size_t errlen)
{
    const char *eq = strchr(assignment, '=');
    size_t n = eq ? (size_t)(eq - assignment) : 0;
    char *name = NULL, *value = NULL;
    /* no reason below shows the value: it may be a secret */
    if (!eq) {
        snprintf(err, errlen, "\"=\" is missing: write NAME=VALUE");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "the name is empty: write NAME=VALUE");
        return -1;
    }
    if (n > CASE_MAX_RUN_VAR_NAME) {
        snprintf(err, errlen, "name \"%.*s...\" is over %d bytes", 16, assignment,
                 CASE_MAX_RUN_VAR_NAME);
        return -1;
    }
    if (!ident(assignment, n)) {
        snprintf(err, errlen,
                 "name \"%.*s\" is not [A-Za-z_][A-Za-z0-9_]* (a case reads it as ${var:NAME})",
                 (int)n, assignment);
        return -1;
    }
    if (case_vars_defined(d, assignment, n)) {
        snprintf(err, errlen, "%.*s is defined twice (by --var or --secret)", (int)n, assignment);
        return -1;
    }
    if (d->count == CASE_MAX_RUN_VARS) {
        snprintf(err, errlen, "more than %d variables (CASE_MAX_RUN_VARS)", CASE_MAX_RUN_VARS);
        return -1;
    }
    if (strlen(eq + 1) > CASE_MAX_VAR_BYTES) {
        snprintf(err, errlen, "the value of %.*s is %zu bytes, over %u (CASE_MAX_VAR_BYTES)",
                 (int)n, assignment, strlen(eq + 1), CASE_MAX_VAR_BYTES);
        return -1;
    }
    /* registered before anything else is done with it, so nothing can show it */
    if (secret && redact_add(eq + 1) < 0) {
        snprintf(err, errlen,
                 "the value of %.*s is too short to be kept out of reports (secrets need at "
                 "least %d bytes)",
                 (int)n, assignment, REDACT_MIN_BYTES);
        return -1;
    }
    name = strndup(assignment, n);
    value = strdup(eq + 1);
    if (!name || !value) {
        free(name);
        free(value);
        return -2;
    }
    d->items[d->count++] = (case_vars_def){name, value, secret};
    return 0;
}

const char *case_vars_defined(const case_vars_defs *d, const char *name, size_t n)
{
    for (size_t i = 0; d && i < d->count; i++)
        if (same_name(d->items[i].name, name, n))
            return d->items[i].value;
    return NULL;
}

void case_vars_defs_free(case_vars_defs *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].name);
        free(d->items[i].value);
    }
    d->count = 0;
}

/* Visits every ${var:NAME} in the strings of item (recursively; not "variants", the test's
 * own variant is walked apart) that d leaves undefined, following each "fixture" named
 * into m's fixtures. Returns how many it found. */
static size_t walk_undefined(const cJSON *item, const case_market *m, const case_vars_defs *d,
                             int depth, void (*each)(void *ctx, const char *name), void *ctx)
{
    size_t found = 0;
    if (!item || depth > CASE_MAX_DEPTH)
        return 0;
    if (cJSON_IsString(item)) {
        size_t pos = 0;
        case_var_ref r;
        char err[256], name[CASE_MAX_RUN_VAR_NAME + 1];
        while (case_vars_next(item->valuestring, &pos, &r, err, sizeof err) > 0)
            if (r.kind == VAR_RUN && !case_vars_defined(d, r.name, r.name_len)) {
                snprintf(name, sizeof name, "%.*s", (int)r.name_len, r.name);
                each(ctx, name);
                found++;
            }
        return found;
    }
    for (const cJSON *ch = item->child; ch; ch = ch->next) {
        if (depth == 0 && ch->string && !strcmp(ch->string, "variants"))
            continue;
        if (ch->string && !strcmp(ch->string, "fixture") && cJSON_IsString(ch) && m) {
            const case_fixture *f = case_market_fixture(m, ch->valuestring);
            if (f)
                found += walk_undefined(f->json, m, d, 1, each, ctx);
        }
        found += walk_undefined(ch, m, d, depth + 1, each, ctx);
    }
    return found;
}

bool case_vars_mention_run(const cJSON *item)
{
    if (cJSON_IsString(item))
        return strstr(item->valuestring, "${var:") != NULL;
    for (const cJSON *ch = item ? item->child : NULL; ch; ch = ch->next)
        if (case_vars_mention_run(ch))
            return true;
    return false;
}

size_t case_vars_undefined(const case_set *set, const case_test *test, const char *market,
                           const case_vars_defs *d, void (*each)(void *ctx, const char *name),
                           void *ctx)
{
    const case_test_priv *p = test->priv;
    const case_market *m = case_set_market(set, market);
    if (!p->def->mentions_run_vars && !set->fixtures_mention_run_vars)
        return 0; /* known at load: no need to read the file back for the walk */
    char err[512];
    if (case_keep_hold(set, p->def, err, sizeof err) != 0)
        return 0; /* the test errors with the reason when it starts */
    size_t n = walk_undefined(p->def->json, m, d, 0, each, ctx) +
               walk_undefined(p->variant, m, d, 1, each, ctx);
    case_keep_release(set, p->def);
    return n;
}

/* ---- substitution ---- */

static cJSON *resolve_value(const case_vars_ctx *v, const case_var_ref *r, char *err,
                            size_t errlen);

static cJSON *resolve(const case_vars_ctx *v, const case_var_ref *r, char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    cJSON *res = resolve_value(v, r, err, errlen);
    if (!res && errlen && !err[0])
        snprintf(err, errlen, "out of memory");
    return res;
}

/* Resolves a reference to a JSON value (new, caller deletes), or NULL with err. */
static cJSON *resolve_value(const case_vars_ctx *v, const case_var_ref *r, char *err, size_t errlen)
{
    switch (r->kind) {
    case VAR_ESCAPE:
        return cJSON_CreateString("${");
    case VAR_UUID: {
        char uuid[37];
        kprng_uuid(v->rng, uuid);
        return cJSON_CreateString(uuid);
    }
    case VAR_BASE_URL:
        return cJSON_CreateString(v->base_url ? v->base_url : "");
    case VAR_ENV: {
        char name[300];
        snprintf(name, sizeof name, "%.*s", (int)r->name_len, r->name);
        const char *val = getenv(name);
        if (!val) {
            snprintf(err, errlen, "environment variable %s is not set (used as ${env:%s})", name,
                     name);
            return NULL;
        }
        if (strlen(val) > CASE_MAX_VAR_BYTES) {
            /* bounded like a capture; a longer secret could outrun the redaction window */
            snprintf(err, errlen,
                     "environment variable %s is %zu bytes, over %u (CASE_MAX_VAR_BYTES)", name,
                     strlen(val), CASE_MAX_VAR_BYTES);
            return NULL;
        }
        if (redact_add(val) < 0) {
            snprintf(err, errlen,
                     "environment variable %s is too short to be kept out of reports "
                     "(secrets need at least %d bytes)",
                     name, REDACT_MIN_BYTES);
            return NULL;
        }
        return cJSON_CreateString(val);
    }
    case VAR_RUN: {
        const char *val = v->defs ? case_vars_defined(v->defs, r->name, r->name_len) : NULL;
        if (!val) { /* plan_open refuses such a run; a caller that did not check lands here */
            snprintf(err, errlen,
                     "undefined variable ${var:%.*s}: no --var or --secret %.*s=VALUE given",
                     (int)r->name_len, r->name, (int)r->name_len, r->name);
            return NULL;
        }
        return cJSON_CreateString(val);
    }
    case VAR_MARKET: {
        const cJSON *f = member_n(v->market_facts, r->name, r->name_len);
        if (f)
            return cJSON_Duplicate(f, 1);
        snprintf(err, errlen, "undefined variable ${market.%.*s}: not in this market's market.json",
                 (int)r->name_len, r->name);
        return NULL;
    }
    case VAR_CAPTURE: {
        const cJSON *val = v->table ? get_n(v->table, r->name, r->name_len) : NULL;
        if (!val) {
            snprintf(err, errlen, "undefined variable ${%.*s}: not captured", (int)r->name_len,
                     r->name);
            return NULL;
        }
        return cJSON_Duplicate(val, 1);
    }
    }
    return NULL;
}

int case_vars_subst_text(const case_vars_ctx *v, const char *s, kbuf *out, char *err, size_t errlen)
{
    size_t pos = 0, done = 0;
    case_var_ref r;
    for (;;) {
        int rc = case_vars_next(s, &pos, &r, err, errlen);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        cJSON *val = resolve(v, &r, err, errlen);
        if (!val)
            return -1;
        int ok = kbuf_append(out, s + done, r.start - done);
        if (ok == 0) {
            if (cJSON_IsString(val)) {
                ok = kbuf_puts(out, val->valuestring);
            } else {
                char *txt = cJSON_PrintUnformatted(val);
                ok = txt ? kbuf_puts(out, txt) : -1;
                free(txt);
            }
        }
        cJSON_Delete(val);
        if (ok != 0) {
            snprintf(err, errlen, "substituted text is longer than %zu bytes", out->max);
            return -1;
        }
        done = r.end;
    }
    if (kbuf_puts(out, s + done) != 0) {
        snprintf(err, errlen, "substituted text is longer than %zu bytes", out->max);
        return -1;
    }
    return 0;
}

char *case_vars_subst_string(const case_vars_ctx *v, const char *s, char *err, size_t errlen)
{
    kbuf b;
    kbuf_init(&b, CASE_MAX_GENERATED_BODY);
    if (case_vars_subst_text(v, s, &b, err, errlen) != 0) {
        kbuf_free(&b);
        return NULL;
    }
    char *res = kbuf_steal(&b);
    if (!res)
        snprintf(err, errlen, "out of memory");
    return res;
}

cJSON *case_vars_subst_json(const case_vars_ctx *v, const cJSON *item, char *err, size_t errlen)
{
    if (cJSON_IsString(item)) {
        const char *s = item->valuestring;
        size_t pos = 0;
        case_var_ref r;
        int rc = case_vars_next(s, &pos, &r, err, errlen);
        if (rc < 0)
            return NULL;
        if (rc == 0)
            return cJSON_CreateString(s);
        if (r.start == 0 && s[r.end] == '\0' && r.kind != VAR_ESCAPE)
            return resolve(v, &r, err, errlen);
        char *txt = case_vars_subst_string(v, s, err, errlen);
        if (!txt)
            return NULL;
        cJSON *res = cJSON_CreateString(txt);
        free(txt);
        return res;
    }
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return cJSON_Duplicate(item, 0);
    cJSON *res = cJSON_IsArray(item) ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!res) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (const cJSON *ch = item->child; ch; ch = ch->next) {
        cJSON *sub = case_vars_subst_json(v, ch, err, errlen);
        if (!sub) {
            cJSON_Delete(res);
            return NULL;
        }
        if (cJSON_IsArray(item))
            cJSON_AddItemToArray(res, sub);
        else
            cJSON_AddItemToObject(res, ch->string, sub);
    }
    return res;
}

/* ---- values of the command line ---- */

static const case_vars_def *def_of(const case_vars_defs *d, const char *name, size_t n)
{
    for (size_t i = 0; d && i < d->count; i++)
        if (same_name(d->items[i].name, name, n))
            return &d->items[i];
    return NULL;
}

/* Appends n bytes of p to b: 0, -1 past b's ceiling, -2 out of memory. */
static int append_bounded(kbuf *b, const char *p, size_t n)
{
    if (n > b->max - b->len)
        return -1;
    return kbuf_append(b, p, n) == 0 ? 0 : -2;
}

int case_vars_expand(const case_vars_defs *d, const char *text, size_t max, char **out,
                     bool *secret, char *err, size_t errlen)
{
    case_vars_ctx v = {.defs = d}; /* no captures, market, base URL or uuid here */
    kbuf b;
    size_t pos = 0, done = 0;
    bool from_secret = false;
    int rc = -1;
    case_var_ref r;
    kbuf_init(&b, max);
    for (;;) {
        int found = case_vars_next(text, &pos, &r, err, errlen);
        if (found < 0)
            goto out;
        if (found == 0)
            break;
        if (r.kind == VAR_RUN) {
            const case_vars_def *def = def_of(d, r.name, r.name_len);
            if (!def) {
                snprintf(err, errlen,
                         "${var:%.*s} is not defined: give --var or --secret %.*s=VALUE",
                         (int)r.name_len, r.name, (int)r.name_len, r.name);
                goto out;
            }
            from_secret |= def->secret;
        } else if (r.kind == VAR_ENV) {
            from_secret = true;
        } else if (r.kind != VAR_ESCAPE) {
            snprintf(err, errlen,
                     "%.*s cannot be used here, only ${var:NAME} and ${env:NAME} (the value "
                     "is the same for every request)",
                     (int)(r.end - r.start > 72 ? 72 : r.end - r.start), text + r.start);
            goto out;
        }
        cJSON *val = resolve(&v, &r, err, errlen);
        if (!val)
            goto out;
        rc = append_bounded(&b, text + done, r.start - done);
        if (rc == 0)
            rc = append_bounded(&b, val->valuestring, strlen(val->valuestring));
        cJSON_Delete(val);
        if (rc != 0)
            goto failed;
        rc = -1;
        done = r.end;
    }
    if ((rc = append_bounded(&b, text + done, strlen(text + done))) != 0)
        goto failed;
    if (!(*out = kbuf_steal(&b))) {
        rc = -2;
        goto out;
    }
    *secret = from_secret;
    rc = 0;
    goto out;
failed:
    if (rc == -1)
        snprintf(err, errlen, "the value is over %zu bytes once expanded", max);
out:
    kbuf_free(&b);
    return rc;
}
