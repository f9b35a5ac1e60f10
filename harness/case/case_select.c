/* case_select: expands a loaded set's cases and variants into tests (once, at load,
 * with each situation's skip reasons) and picks the tests of one run by market,
 * target, id globs and tags. */
#include "case_select.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_diag.h"
#include "case_keep.h"
#include "case_mem.h"

static const char *const TARGET_NAMES[] = {"mock", "playground", "url"};

unsigned case_target_bit(const char *name)
{
    for (unsigned k = 0; k < 3; k++)
        if (strcmp(name, TARGET_NAMES[k]) == 0)
            return 1u << k;
    return 0;
}

/* ---- expansion into tests ----
 * A case may expand into tens of thousands of variants, so the expansion costs each
 * variant only what it adds: what the tests of a case share (tag, clause and market
 * lists, targets, skip reasons) is built once per case and borrowed by every variant
 * that adds none of its own; ids, titles and patch texts are cut from the set's text
 * blocks; and the plan's array grows once per document, by doubling. The tests carry the
 * mock's skip reasons; another situation's copy is made when a run first selects it
 * (case_keep_tests). Every string a test keeps is a copy: its document's tree is dropped
 * after the expansion (case_keep.h). */

/* Appends the strings of arr to list, each once, as set-owned copies: the list outlives
 * the document's tree. A market's name is its set-owned code. Returns 0, or -1 on OOM. */
static int append_unique(case_set *set, const char **list, size_t *n, const cJSON *arr)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next) {
        bool dup = false;
        for (size_t i = 0; i < *n && !dup; i++)
            dup = strcmp(list[i], e->valuestring) == 0;
        if (dup)
            continue;
        const case_market *m = case_set_market(set, e->valuestring);
        list[*n] = m ? m->code : case_set_text(set, e->valuestring, NULL, NULL, NULL);
        if (!list[(*n)++])
            return -1;
    }
    return 0;
}

/* The strings of a and then b without repeats, in a new set-owned list; NULL on OOM. */
static const char **unique_list(case_set *set, const cJSON *a, const cJSON *b, size_t *n)
{
    const char **list = case_set_alloc(
        set, (size_t)(cJSON_GetArraySize(a) + cJSON_GetArraySize(b) + 1) * sizeof *list);
    *n = 0;
    if (list && (append_unique(set, list, n, a) != 0 || append_unique(set, list, n, b) != 0))
        return NULL;
    return list;
}

static unsigned target_bits(const cJSON *obj)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "targets");
    if (!v)
        return TGT_ALL;
    unsigned bits = 0;
    for (const cJSON *e = v->child; e; e = e->next)
        bits |= case_target_bit(e->valuestring);
    return bits;
}

/* What a test's tags, clauses, markets and targets make of it: the lists, whether it
 * runs alone, and its skip reason in each situation. */
typedef struct test_facts {
    const char **tags;
    size_t n_tags;
    bool runs_alone;
    const char **clauses;
    size_t n_clauses;
    const char **markets;
    size_t n_markets; /* 0: every market */
    unsigned targets; /* TGT_* bits */
    const char *skip[SIT_COUNT];
} test_facts;

/* Fills f->skip from f->targets and the case's admin steps. Returns 0, or -1 on OOM. */
static int skip_reasons(case_set *set, const case_def *def, test_facts *f)
{
    char list[64] = ""; /* the targets the test applies to */
    for (unsigned k = 0; k < 3; k++)
        if (f->targets & (1u << k)) {
            if (list[0])
                strcat(list, ", ");
            strcat(list, TARGET_NAMES[k]);
        }
    for (int s = 0; s < SIT_COUNT; s++) {
        const char *tname = TARGET_NAMES[s == SIT_MOCK ? 0 : s == SIT_PLAYGROUND ? 1 : 2];
        char reason[256];
        f->skip[s] = NULL;
        if (!(f->targets & case_target_bit(tname))) {
            snprintf(reason, sizeof reason, "not applicable to target %s: applies to %s", tname,
                     list);
        } else if (def->first_admin >= 0 && (s == SIT_PLAYGROUND || s == SIT_URL)) {
            const case_step_def *st = &def->steps[def->first_admin];
            snprintf(reason, sizeof reason, "needs the reference mock: step %ld %s",
                     def->first_admin + 1, st->admin_what);
        } else {
            continue;
        }
        /* a few distinct reasons, repeated by every case of a kind */
        if (!(f->skip[s] = case_set_intern(set, reason)))
            return -1;
    }
    return 0;
}

/* The facts of def's test, or of its variant (NULL: the case's own) given the case's in
 * shared: a variant that adds no tags, clauses, markets or targets borrows shared's lists.
 * Returns 0, or -1 on OOM. */
static int test_facts_of(case_set *set, const case_def *def, const cJSON *variant,
                         const test_facts *shared, test_facts *f)
{
    const cJSON *ctags = cJSON_GetObjectItemCaseSensitive(def->json, "tags");
    const cJSON *vtags = variant ? cJSON_GetObjectItemCaseSensitive(variant, "tags") : NULL;
    const cJSON *vcl = variant ? cJSON_GetObjectItemCaseSensitive(variant, "clauses") : NULL;
    const cJSON *mk = cJSON_GetObjectItemCaseSensitive(def->json, "markets");
    const cJSON *vmk = variant ? cJSON_GetObjectItemCaseSensitive(variant, "markets") : NULL;
    bool own_targets = variant && cJSON_GetObjectItemCaseSensitive(def->json, "targets") &&
                       cJSON_GetObjectItemCaseSensitive(variant, "targets");
    if (shared)
        *f = *shared;
    else
        *f = (test_facts){0};
    if (!shared || vtags) {
        f->tags = unique_list(set, ctags, vtags, &f->n_tags);
        if (!f->tags)
            return -1;
        /* a test tagged "clock" or "exclusive" changes the mock for every test: it runs
         * alone */
        f->runs_alone = false;
        for (size_t i = 0; i < f->n_tags; i++)
            if (!strcmp(f->tags[i], "clock") || !strcmp(f->tags[i], "exclusive"))
                f->runs_alone = true;
    }
    if (!shared || vcl) {
        f->clauses =
            unique_list(set, vcl ? vcl : cJSON_GetObjectItemCaseSensitive(def->json, "clauses"),
                        NULL, &f->n_clauses);
        if (!f->clauses)
            return -1;
    }
    /* a variant's markets and targets are added to the case's (no list: every one) */
    if (!shared || (vmk && mk)) {
        f->markets = mk ? unique_list(set, mk, vmk, &f->n_markets)
                        : unique_list(set, NULL, NULL, &f->n_markets);
        if (!f->markets)
            return -1;
    }
    if (!shared || own_targets) {
        f->targets = target_bits(def->json) | (own_targets ? target_bits(variant) : 0);
        if (skip_reasons(set, def, f) != 0)
            return -1;
    }
    return 0;
}

/* Writes the test of def (or of one of its variants) at set->tests[n_tests],
 * with priv as its private part (its skip reason in each situation there). Returns 0, or
 * -1 on OOM. */
static int add_test(case_set *set, const case_def *def, const cJSON *variant,
                    const test_facts *shared, case_test_priv *priv)
{
    test_facts f;
    if (test_facts_of(set, def, variant, shared, &f) != 0)
        return -1;
    case_test t = {0};
    *priv = (case_test_priv){.def = def,
                             .variant = variant,
                             .targets = f.targets,
                             .markets = f.markets,
                             .n_markets = f.n_markets};
    memcpy(priv->skip, f.skip, sizeof f.skip);
    t.suite = def->suite;
    t.file = def->doc->path;
    t.priv = priv;
    t.n_steps = def->n_steps;
    int col;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(variant ? variant : def->json, "id");
    jsonpos_value(def->doc->pos, id, &priv->id_line, &priv->id_col);
    if (variant) {
        const char *vt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(variant, "title"));
        t.id = case_set_text(set, def->id, ".", id->valuestring, NULL);
        t.title = vt ? case_set_text(set, vt, NULL, NULL, NULL)
                     : case_set_text(set, def->title, " (", id->valuestring, ")");
        jsonpos_value(def->doc->pos, variant, &t.line, &col);
        const cJSON *patch = cJSON_GetObjectItemCaseSensitive(variant, "patch");
        if (patch && !(t.patch_text = case_set_text_json(set, patch)))
            return -1;
    } else {
        t.id = def->id;
        t.title = def->title;
        jsonpos_value(def->doc->pos, def->json, &t.line, &col);
    }
    if (!t.id || !t.title)
        return -1;
    t.tags = f.tags;
    t.n_tags = f.n_tags;
    t.runs_alone = f.runs_alone;
    t.clauses = f.clauses;
    t.n_clauses = f.n_clauses;
    t.skip_reason = f.skip[SIT_MOCK];
    set->tests[set->n_tests++] = t;
    return 0;
}

/* Appends the tests of def: its variants', or its own. Returns 0, or -1 on OOM. */
static int add_case(case_set *set, case_def *def)
{
    const cJSON *variants = cJSON_GetObjectItemCaseSensitive(def->json, "variants");
    size_t n = variants ? (size_t)cJSON_GetArraySize(variants) : 1;
    def->privs = case_set_alloc(set, n * sizeof *def->privs);
    if (!def->privs)
        return -1;
    if (!variants)
        return add_test(set, def, NULL, NULL, def->privs);
    def->n_variants = n;
    test_facts shared;
    if (test_facts_of(set, def, NULL, NULL, &shared) != 0)
        return -1;
    size_t i = 0;
    for (const cJSON *v = variants->child; v; v = v->next, i++)
        if (add_test(set, def, v, &shared, &def->privs[i]) != 0)
            return -1;
    return 0;
}

/* A test's id and its position in the plan, sorted by id then position: equal ids end
 * up side by side with the first occurrence leading, so duplicates are found in
 * O(n log n) (a suite may expand into tens of thousands of variants). */
typedef struct id_at {
    const char *id;
    size_t index;
} id_at;

static int by_id_then_index(const void *a, const void *b)
{
    const id_at *x = a, *y = b;
    int d = strcmp(x->id, y->id);
    return d ? d : (x->index > y->index) - (x->index < y->index);
}

/* Reports every test whose id an earlier test already has, in plan order, each naming
 * the first test of that id. */
static void check_duplicate_ids(case_lctx *c, case_set *set)
{
    const case_test *t = set->tests;
    size_t n = set->n_tests;
    if (n == 0)
        return;
    id_at *sorted = malloc(n * sizeof *sorted);
    size_t *first = malloc(n * sizeof *first);
    if (!sorted || !first) {
        free(sorted);
        free(first);
        case_oom(c);
        return;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = (id_at){t[i].id, i};
    qsort(sorted, n, sizeof *sorted, by_id_then_index);
    for (size_t i = 0; i < n; i++)
        first[sorted[i].index] = i > 0 && !strcmp(sorted[i].id, sorted[i - 1].id)
                                     ? first[sorted[i - 1].index]
                                     : sorted[i].index;
    for (size_t i = 0; i < n; i++) {
        if (first[i] == i)
            continue;
        const case_test_priv *pi = t[i].priv, *pk = t[first[i]].priv;
        case_ferr(c, t[i].file, pi->id_line, pi->id_col,
                  "duplicate test id \"%s\" (first at %s:%d:%d)", t[i].id, t[first[i]].file,
                  pk->id_line, pk->id_col);
    }
    free(sorted);
    free(first);
}

int case_set_expand_doc(case_lctx *c, size_t first_case)
{
    case_set *set = c->set;
    size_t n = set->n_tests;
    for (size_t i = first_case; i < set->n_cases; i++) {
        const cJSON *variants = cJSON_GetObjectItemCaseSensitive(set->cases[i]->json, "variants");
        n += variants ? (size_t)cJSON_GetArraySize(variants) : 1;
    }
    if (n + 1 > set->cap_tests) {
        size_t cap = set->cap_tests ? set->cap_tests : 64;
        while (cap < n + 1)
            cap *= 2;
        case_test *grown = realloc(set->tests, cap * sizeof *grown);
        if (!grown)
            return -1;
        set->tests = grown;
        set->cap_tests = cap;
    }
    for (size_t i = first_case; i < set->n_cases; i++)
        if (add_case(set, set->cases[i]) != 0)
            return -1;
    return 0;
}

int case_set_expand_end(case_lctx *c)
{
    case_set *set = c->set;
    if (set->n_tests + 1 < set->cap_tests) {
        /* the doubling's slack would stay for the set's life */
        case_test *fit = realloc(set->tests, (set->n_tests + 1) * sizeof *fit);
        if (fit) {
            set->tests = fit;
            set->cap_tests = set->n_tests + 1;
        }
    }
    check_duplicate_ids(c, set);
    return 0;
}

/* ---- selection for a run ---- */

int case_set_select(const case_set *set, const case_filter *f, const case_test ***out,
                    size_t *count, char *err, size_t errlen)
{
    if (!f || !f->market || !case_set_market(set, f->market)) {
        char have[256] = "";
        for (size_t i = 0; i < set->n_markets; i++) {
            size_t used = strlen(have);
            snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "", set->markets[i].code);
        }
        snprintf(err, errlen, "no fixtures for market %s (have: %s)",
                 f && f->market ? f->market : "(none)", have[0] ? have : "none");
        return -1;
    }
    int sit = f->target == TARGET_MOCK         ? SIT_MOCK
              : f->target == TARGET_PLAYGROUND ? SIT_PLAYGROUND
              : f->target_is_kpmock            ? SIT_URL_KPMOCK
                                               : SIT_URL;
    const case_test *tests = case_keep_tests(set, sit);
    const case_test **list = malloc((set->n_tests + 1) * sizeof *list);
    if (!tests || !list) {
        free(list);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < set->n_tests; i++) {
        const case_test *t = &tests[i];
        const case_test_priv *p = t->priv;
        if (p->n_markets) {
            bool ok = false;
            for (size_t k = 0; k < p->n_markets && !ok; k++)
                ok = strcmp(p->markets[k], f->market) == 0;
            if (!ok)
                continue;
        }
        if (f->n_id_globs) {
            bool ok = false;
            for (size_t k = 0; k < f->n_id_globs && !ok; k++)
                ok = fnmatch(f->id_globs[k], t->id, 0) == 0;
            if (!ok)
                continue;
        }
        if (f->n_tags) {
            bool ok = false;
            for (size_t k = 0; k < f->n_tags && !ok; k++)
                for (size_t j = 0; j < t->n_tags && !ok; j++)
                    ok = strcmp(f->tags[k], t->tags[j]) == 0;
            if (!ok)
                continue;
        }
        list[n++] = t;
    }
    *out = list;
    *count = n;
    return 0;
}
