/* case_trial: a case's variant patches tried on the variant_target step's body, built
 * once per market and put back after each trial (see case_trial.h). */
#include "case_trial.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_body.h"
#include "case_diag.h"

/* A case may have tens of thousands of variants, each tried on the variant_target step's
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

struct case_trial {
    const cJSON *body; /* the step body the bases were built from */
    trial_base *bases;
    size_t n_bases, cap_bases;
};

static void trial_clear(case_trial *t)
{
    for (size_t i = 0; i < t->n_bases; i++) {
        cJSON_Delete(t->bases[i].json);
        free(t->bases[i].members);
        free(t->bases[i].by_address);
    }
    t->n_bases = 0;
}

void case_trial_free(case_trial *t)
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

/* Whether ptr is "/name" for the member name (a single reference token, decoded). */
static bool names_member(const char *ptr, const char *name)
{
    return ptr && ptr[0] == '/' && !strchr(ptr + 1, '/') && case_pointer_first_is(ptr, name);
}

/* Swaps each member of base that the step's patch set ("add" or "replace" of a whole
 * member with an array or object, e.g. a thousand order lines) for a reference to the
 * patch's value, so that the bases of every market share that value instead of each
 * holding a copy. A trial never changes a member in place (copy_on_write copies what
 * its ops reach, and a copy of a reference is a full copy), and the document the patch
 * is in outlives the trial. Left as it is when a reference cannot be allocated. */
static void share_patched_members(cJSON *base, const cJSON *step_patch)
{
    for (const cJSON *op = step_patch ? step_patch->child : NULL; op; op = op->next) {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "op"));
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(op, "path"));
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
        if (!o || (strcmp(o, "add") != 0 && strcmp(o, "replace") != 0) || !value ||
            !(cJSON_IsArray(value) || cJSON_IsObject(value)) || !value->child)
            continue;
        for (cJSON *m = base->child; m; m = m->next) {
            /* the value a later op changed again is not the patch's any more */
            if (!m->string || m->type & cJSON_IsReference || !names_member(path, m->string) ||
                !cJSON_Compare(m, value, 1))
                continue;
            cJSON *ref = cJSON_IsArray(value) ? cJSON_CreateArrayReference(value->child)
                                              : cJSON_CreateObjectReference(value->child);
            if (!ref)
                return;
            ref->string = m->string; /* the key moves over */
            m->string = NULL;
            swap_member(base, m, ref);
            cJSON_Delete(m);
            break;
        }
    }
}

/* Builds the base of market m (NULL: the inline body) into b; b->json stays NULL when the
 * body cannot be built or the step's own patch does not apply. Returns 0, or -1 on OOM. */
static int trial_base_build(trial_base *b, const cJSON *body, const case_market *m)
{
    *b = (trial_base){.market = m};
    if (m) {
        char err[256];
        const cJSON *step_patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
        b->json = case_body_fixture_base(m, body, step_patch, err, sizeof err);
        const cJSON *op = NULL;
        size_t at = 0;
        if (b->json && step_patch && case_patch_try(b->json, step_patch, true, &op, &at) != 0) {
            cJSON_Delete(b->json);
            b->json = NULL;
        }
        if (cJSON_IsObject(b->json))
            share_patched_members(b->json, step_patch);
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
static trial_base *trial_base_of(case_trial *t, const cJSON *body, const case_market *m)
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

/* ptr past its first reference token: "" or "/...". */
static const char *past_first_token(const char *ptr)
{
    const char *rest = strchr(ptr + 1, '/');
    return rest ? rest : ptr + strlen(ptr);
}

/* Whether child, the k-th item of container, is the one the first token of ptr names. */
static bool token_names(const cJSON *container, const cJSON *child, size_t k, const char *ptr)
{
    if (cJSON_IsObject(container))
        return child->string && case_pointer_first_is(ptr, child->string);
    char *end;
    unsigned long index = strtoul(ptr + 1, &end, 10);
    return ptr[1] >= '0' && ptr[1] <= '9' && end == past_first_token(ptr) && index == k;
}

/* Gives item the key of the item it copies, as a constant (never freed): the original
 * outlives the copy. */
static void key_from(cJSON *item, const char *key)
{
    if (item->string && !(item->type & cJSON_StringIsConst))
        cJSON_free(item->string); /* cJSON_Duplicate's copy of it */
    item->string = (char *)key;
    item->type |= cJSON_StringIsConst;
}

/* A copy of item that owns the containers on the way down ptr (the rest of a JSON
 * Pointer below item, "" at its end) and borrows everything else: an op at ptr changes
 * the container its last token is in, which is the copy's; the rest stays shared. Keys
 * are the original's. NULL on OOM. */
static cJSON *copy_along(const cJSON *item, const char *ptr)
{
    if (!*ptr || !(cJSON_IsArray(item) || cJSON_IsObject(item)))
        return case_body_borrow(item);
    cJSON *copy = cJSON_IsArray(item) ? cJSON_CreateArray() : cJSON_CreateObject();
    size_t k = 0;
    for (const cJSON *e = item->child; copy && e; e = e->next, k++) {
        cJSON *c = token_names(item, e, k, ptr) ? copy_along(e, past_first_token(ptr))
                                                : case_body_borrow(e);
        if (!c || !(cJSON_IsArray(item) ? cJSON_AddItemToArray(copy, c)
                                        : cJSON_AddItemToObjectCS(copy, e->string, c))) {
            cJSON_Delete(c);
            cJSON_Delete(copy);
            return NULL;
        }
    }
    return copy;
}

/* Makes the containers on the way down ptr inside item (a copy made by copy_along) the
 * copy's own too: a borrowed one on the way is swapped for a copy along ptr. Returns 0,
 * or -1 on OOM. */
static int own_along(cJSON *item, const char *ptr)
{
    if (!*ptr)
        return 0;
    size_t k = 0;
    for (cJSON *e = item->child; e; e = e->next, k++) {
        if (!token_names(item, e, k, ptr) || !(cJSON_IsArray(e) || cJSON_IsObject(e)))
            continue;
        if (!(e->type & cJSON_IsReference))
            return own_along(e, past_first_token(ptr));
        cJSON *copy = copy_along(e, past_first_token(ptr));
        if (!copy)
            return -1;
        key_from(copy, e->string);
        cJSON_ReplaceItemViaPointer(item, e, copy); /* frees the reference, not its items */
        return 0;
    }
    return 0;
}

/* Makes what ptr reaches in b the trial's own: a member of b it names is swapped for a
 * copy along ptr (copy_along), or, swapped already by an earlier op, made owned along ptr
 * too. The members of the base are never changed. Returns 0, or -1 on OOM. */
static int copy_on_write(trial_base *b, const char *ptr)
{
    for (size_t i = 0; i < b->n_members; i++) {
        cJSON *m = b->members[i];
        /* a member without a key (cJSON's replace when its key copy ran out of memory)
         * is reached by no path */
        if (!m->string || !case_pointer_first_is(ptr, m->string))
            continue;
        if (!m->prev) {
            /* its copy is in the list under the same key */
            for (cJSON *e = b->json->child; e; e = e->next)
                if (e->string == m->string && own_along(e, past_first_token(ptr)) != 0)
                    return -1;
            continue;
        }
        cJSON *copy = copy_along(m, past_first_token(ptr));
        if (!copy)
            return -1;
        key_from(copy, m->string);
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
    problems = case_patch_trial(c, doc, patch, b->json, true, what);
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
    int problems = case_patch_trial(c, doc, patch, copy, true, what);
    cJSON_Delete(copy);
    return problems;
}

/* The trial of market m without a kept base: the body built from the fixture, the step's
 * patch and then the variant's applied, every failure reported. */
static int trial_from_scratch(case_lctx *c, const case_doc *doc, const cJSON *body,
                              const cJSON *patch, const case_market *m, const char *what)
{
    char err[256];
    cJSON *base = case_body_fixture_base(m, body, NULL, err, sizeof err);
    if (!base) {
        case_err(c, doc, patch, true, "%s (market %s)", err, m->code);
        return 1;
    }
    const cJSON *step_patch = cJSON_GetObjectItemCaseSensitive(body, "patch");
    int problems = 0;
    /* no borrowing: the variant's patch may change what the step's sets */
    if (!step_patch || case_patch_trial(c, doc, step_patch, base, false, what) == 0)
        problems = case_patch_trial(c, doc, patch, base, false, what);
    cJSON_Delete(base);
    return problems;
}

/* Tries patch on the base of market m (NULL: the inline body). */
static int trial_one(case_lctx *c, const case_doc *doc, const cJSON *body, const cJSON *patch,
                     const case_market *m, case_trial *t, const char *what)
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

int case_trial_variant(case_lctx *c, const case_doc *doc, const cJSON *body, const cJSON *patch,
                       const case_var_scope *scope, case_trial **trial)
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
