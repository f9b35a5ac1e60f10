/* case_select: expands a loaded set's cases and variants into tests (once, at load,
 * with each situation's skip reasons) and picks the tests of one run by market,
 * target, id globs and tags. */
#include "case_select.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_diag.h"
#include "case_mem.h"

static const char *const TARGET_NAMES[] = {"mock", "playground", "url"};

unsigned case_target_bit(const char *name)
{
    for (unsigned k = 0; k < 3; k++)
        if (strcmp(name, TARGET_NAMES[k]) == 0)
            return 1u << k;
    return 0;
}

/* ---- expansion into tests ---- */

static void append_unique(const char **list, size_t *n, const cJSON *arr)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next) {
        bool dup = false;
        for (size_t i = 0; i < *n && !dup; i++)
            dup = strcmp(list[i], e->valuestring) == 0;
        if (!dup)
            list[(*n)++] = e->valuestring;
    }
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

/* Appends the test of def (or of one of its variants) to every situation's list. About a
 * hundred lines because it fills one case_test member by member (id, title, tags,
 * clauses, markets, targets, then each situation's skip reason), each with its rule. */
static int add_test(case_set *set, const case_def *def, const cJSON *variant, size_t *cap)
{
    if (set->n_tests == *cap) {
        size_t ncap = *cap ? 2 * *cap : 64;
        for (int s = 0; s < SIT_COUNT; s++) {
            case_test *n = realloc(set->tests[s], ncap * sizeof *n);
            if (!n)
                return -1;
            set->tests[s] = n;
        }
        *cap = ncap;
    }
    case_test t = {0};
    case_test_priv *priv = case_set_alloc(set, sizeof *priv);
    if (!priv)
        return -1;
    priv->def = def;
    priv->variant = variant;
    t.suite = def->suite;
    t.file = def->doc->path;
    t.priv = priv;
    t.n_steps = def->n_steps;
    int col;
    if (variant) {
        const char *vid = cJSON_GetObjectItemCaseSensitive(variant, "id")->valuestring;
        const char *vt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(variant, "title"));
        t.id = case_set_printf(set, "%s.%s", def->id, vid);
        t.title = vt ? vt : case_set_printf(set, "%s (%s)", def->title, vid);
        jsonpos_value(def->doc->pos, variant, &t.line, &col);
        const cJSON *patch = cJSON_GetObjectItemCaseSensitive(variant, "patch");
        if (patch && !(t.patch_text = case_set_own(set, cJSON_PrintUnformatted(patch))))
            return -1;
    } else {
        t.id = def->id;
        t.title = def->title;
        jsonpos_value(def->doc->pos, def->json, &t.line, &col);
    }
    if (!t.id || !t.title)
        return -1;
    const cJSON *ctags = cJSON_GetObjectItemCaseSensitive(def->json, "tags");
    const cJSON *vtags = variant ? cJSON_GetObjectItemCaseSensitive(variant, "tags") : NULL;
    const char **tags = case_set_alloc(
        set, (size_t)(cJSON_GetArraySize(ctags) + cJSON_GetArraySize(vtags) + 1) * sizeof *tags);
    if (!tags)
        return -1;
    append_unique(tags, &t.n_tags, ctags);
    append_unique(tags, &t.n_tags, vtags);
    t.tags = tags;
    /* a test tagged "clock" or "exclusive" changes the mock for every test: it runs alone */
    for (size_t i = 0; i < t.n_tags; i++)
        if (!strcmp(tags[i], "clock") || !strcmp(tags[i], "exclusive"))
            t.runs_alone = true;
    const cJSON *cl = variant ? cJSON_GetObjectItemCaseSensitive(variant, "clauses") : NULL;
    if (!cl)
        cl = cJSON_GetObjectItemCaseSensitive(def->json, "clauses");
    const char **clauses =
        case_set_alloc(set, (size_t)(cJSON_GetArraySize(cl) + 1) * sizeof *clauses);
    if (!clauses)
        return -1;
    append_unique(clauses, &t.n_clauses, cl);
    t.clauses = clauses;
    /* a variant's markets and targets are added to the case's (no list: every one) */
    const cJSON *mk = cJSON_GetObjectItemCaseSensitive(def->json, "markets");
    const cJSON *vmk = variant ? cJSON_GetObjectItemCaseSensitive(variant, "markets") : NULL;
    const char **markets = case_set_alloc(
        set, (size_t)(cJSON_GetArraySize(mk) + cJSON_GetArraySize(vmk) + 1) * sizeof *markets);
    if (!markets)
        return -1;
    if (mk) {
        append_unique(markets, &priv->n_markets, mk);
        append_unique(markets, &priv->n_markets, vmk);
    }
    priv->markets = markets;
    priv->targets = target_bits(def->json);
    if (variant && cJSON_GetObjectItemCaseSensitive(def->json, "targets") &&
        cJSON_GetObjectItemCaseSensitive(variant, "targets"))
        priv->targets |= target_bits(variant);

    char list[64] = ""; /* the targets the test applies to, for skip reasons */
    for (unsigned k = 0; k < 3; k++)
        if (priv->targets & (1u << k)) {
            if (list[0])
                strcat(list, ", ");
            strcat(list, TARGET_NAMES[k]);
        }
    for (int s = 0; s < SIT_COUNT; s++) {
        case_test *x = &set->tests[s][set->n_tests];
        *x = t;
        const char *tname = TARGET_NAMES[s == SIT_MOCK ? 0 : s == SIT_PLAYGROUND ? 1 : 2];
        if (!(priv->targets & case_target_bit(tname))) {
            x->skip_reason =
                case_set_printf(set, "not applicable to target %s: applies to %s", tname, list);
            if (!x->skip_reason)
                return -1;
        } else if (def->first_admin >= 0 && (s == SIT_PLAYGROUND || s == SIT_URL)) {
            const case_step_def *st = &def->steps[def->first_admin];
            x->skip_reason = case_set_printf(set, "needs the reference mock: step %ld %s",
                                             def->first_admin + 1, st->admin_what);
            if (!x->skip_reason)
                return -1;
        }
    }
    set->n_tests++;
    return 0;
}

/* The "id" member a test's id comes from: its variant's, or its case's. */
static const cJSON *id_item(const case_test_priv *p)
{
    return cJSON_GetObjectItemCaseSensitive(p->variant ? p->variant : p->def->json, "id");
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
    const case_test *t = set->tests[SIT_MOCK];
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
        int line, col;
        jsonpos_value(pk->def->doc->pos, id_item(pk), &line, &col);
        case_err(c, pi->def->doc, id_item(pi), false,
                 "duplicate test id \"%s\" (first at %s:%d:%d)", t[i].id, pk->def->doc->path, line,
                 col);
    }
    free(sorted);
    free(first);
}

int case_set_expand(case_lctx *c)
{
    case_set *set = c->set;
    size_t cap = 0;
    for (size_t i = 0; i < set->n_cases; i++) {
        const case_def *def = set->cases[i];
        const cJSON *variants = cJSON_GetObjectItemCaseSensitive(def->json, "variants");
        if (variants) {
            for (const cJSON *v = variants->child; v; v = v->next)
                if (add_test(set, def, v, &cap) != 0)
                    return -1;
        } else if (add_test(set, def, NULL, &cap) != 0) {
            return -1;
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
    const case_test **list = malloc((set->n_tests + 1) * sizeof *list);
    if (!list) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < set->n_tests; i++) {
        const case_test *t = &set->tests[sit][i];
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
