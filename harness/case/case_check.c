/* case_check: suites and cases checked at load time (see case_check.h). check_case is
 * split by part of a case: its head (keys, ids, lists), the markets its steps see, its
 * steps, and its variants. */
#include "case_check.h"

#include <stdlib.h>
#include <string.h>

#include "case_body.h"
#include "case_catalog.h"
#include "case_expect.h"
#include "case_mem.h"
#include "case_select.h"
#include "case_step.h"
#include "case_trial.h"
#include "case_vars.h"

int case_checker_init(case_checker *k, case_lctx *c, bool have_catalog, size_t n_files)
{
    *k = (case_checker){.c = c, .have_catalog = have_catalog, .cap_suites = n_files + 1};
    k->suites = calloc(n_files + 1, sizeof *k->suites);
    if (k->suites)
        return 0;
    case_oom(c);
    return -1;
}

void case_checker_free(case_checker *k)
{
    free(k->suites);
    k->suites = NULL;
}

/* Parses a "targets" array into TGT_* bits; 0 on error (reported). */
static unsigned parse_targets(case_lctx *c, const case_doc *doc, const cJSON *obj, const char *what,
                              int *problems)
{
    const cJSON *v = case_get_str_array(c, doc, obj, "targets", what, true, problems);
    if (!v)
        return cJSON_GetObjectItemCaseSensitive(obj, "targets") ? 0 : TGT_ALL;
    unsigned bits = 0;
    for (const cJSON *e = v->child; e; e = e->next) {
        unsigned b = case_target_bit(e->valuestring);
        if (!b) {
            case_err(c, doc, e, false, "unknown target \"%s\" (expected mock, playground or url)",
                     e->valuestring);
            (*problems)++;
        }
        bits |= b;
    }
    return bits;
}

/* Appends m to list unless it is NULL or already there. */
static void market_push(const case_market **list, size_t *n, const case_market *m)
{
    for (size_t k = 0; m && k < *n; k++)
        if (list[k] == m)
            return;
    if (m)
        list[(*n)++] = m;
}

/* Parses a "markets" array into a new list of markets (the caller frees it; NULL when
 * absent, wrong or out of memory); n = 0 means every market. Lists like this one serve
 * the check only: a test's own list is built by the expansion (case_select.c). */
static const case_market **parse_markets(case_lctx *c, const case_doc *doc, const cJSON *obj,
                                         const char *what, size_t *n, int *problems)
{
    case_set *set = c->set;
    *n = 0;
    const cJSON *v = case_get_str_array(c, doc, obj, "markets", what, true, problems);
    if (!v)
        return NULL;
    const case_market **list = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *list);
    if (!list) {
        case_oom(c);
        return NULL;
    }
    for (const cJSON *e = v->child; e; e = e->next) {
        const case_market *m = case_set_market(set, e->valuestring);
        if (!m) {
            case_err(c, doc, e, false, "unknown market \"%s\": no fixtures/%s/ folder",
                     e->valuestring, e->valuestring);
            (*problems)++;
            continue;
        }
        market_push(list, n, m);
    }
    return list;
}

static void check_clause_ids(case_checker *L, const case_doc *doc, const cJSON *arr)
{
    if (!arr || !L->have_catalog)
        return;
    for (const cJSON *e = arr->child; e; e = e->next)
        if (!case_catalog_find(L->c->set, e->valuestring))
            case_err(L->c, doc, e, false, "unknown clause \"%s\": not in contract.json",
                     e->valuestring);
}

/* The names captured by a case's steps so far, in order (an array grown as needed). */
typedef struct names {
    const char **items;
    size_t count, cap;
} names;

/* Adds a capture name unless it is there; an array that cannot grow marks the load out
 * of memory (a lost name would read as an undefined variable later). */
static void names_add(case_lctx *c, names *n, const char *s)
{
    for (size_t i = 0; i < n->count; i++)
        if (strcmp(n->items[i], s) == 0)
            return;
    if (n->count == n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 8;
        const char **x = realloc(n->items, cap * sizeof *x);
        if (!x) {
            case_oom(c);
            return;
        }
        n->items = x;
        n->cap = cap;
    }
    n->items[n->count++] = s;
}

/* One case being checked: what its parts hand each other. */
typedef struct case_work {
    case_checker *L;
    case_lctx *c;
    case_set *set;
    const case_doc *doc;
    const cJSON *cj;
    case_def *def;
    const case_market **markets; /* the case's own "markets" (NULL: absent or wrong) */
    size_t n_markets;
    case_var_scope scope;              /* what the steps may refer to */
    const case_market **scope_markets; /* the list scope.markets points to, when allocated */
    names captured;                    /* names captured by the steps so far */
    size_t *captured_before;           /* captured.count before each step */
    bool variant_body_json;            /* the variant_target step has a JSON body */
    case_trial *trial;                 /* that body per market, kept from one variant to the next */
    int problems;
} case_work;

/* Checks a case's keys, id, title, tags, clauses, markets and targets. */
static void check_head(case_work *w, const char **id, const char **title)
{
    case_lctx *c = w->c;
    const case_doc *doc = w->doc;
    const cJSON *cj = w->cj;
    static const char *const keys[] = {"id",      "title", "tags",     "clauses", "markets",
                                       "targets", "steps", "variants", NULL};
    static const char *const req[] = {"id", "title", "clauses", "steps", NULL};
    w->problems += case_check_keys(c, doc, cj, "a case", keys, req);
    *id = case_get_str(c, doc, cj, "id", "a case", &w->problems);
    *title = case_get_str(c, doc, cj, "title", "a case", &w->problems);
    case_check_id(c, doc, cj, *id, "case", &w->problems);
    case_get_str_array(c, doc, cj, "tags", "a case", false, &w->problems);
    const cJSON *clauses = case_get_str_array(c, doc, cj, "clauses", "a case", false, &w->problems);
    check_clause_ids(w->L, doc, clauses);
    w->markets = parse_markets(c, doc, cj, "a case", &w->n_markets, &w->problems);
    parse_targets(c, doc, cj, "a case", &w->problems);
}

/* Sets the markets the case's steps run in: every market when the case names none, else
 * its own plus every variant's. Returns 0, or -1 on OOM. */
static int set_scope_markets(case_work *w)
{
    case_set *set = w->set;
    w->scope = (case_var_scope){NULL, 0, w->markets, w->n_markets};
    if (!cJSON_GetObjectItemCaseSensitive(w->cj, "markets")) {
        const case_market **all = calloc(set->n_markets + 1, sizeof *all);
        if (!all)
            return -1;
        for (size_t i = 0; i < set->n_markets; i++)
            all[i] = &set->markets[i];
        w->scope.markets = w->scope_markets = all;
        w->scope.n_markets = set->n_markets;
    } else if (w->markets) {
        /* a variant's markets are added to the case's: its steps run in all of them */
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(w->cj, "variants");
        size_t extra = 0;
        for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next)
            extra += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "markets"));
        const case_market **wide = calloc(w->n_markets + extra + 1, sizeof *wide);
        if (!wide)
            return -1;
        memcpy(wide, w->markets, w->n_markets * sizeof *wide);
        size_t nw = w->n_markets;
        for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next) {
            const cJSON *vm = cJSON_GetObjectItemCaseSensitive(v, "markets");
            for (const cJSON *e = cJSON_IsArray(vm) ? vm->child : NULL; e; e = e->next)
                market_push(wide, &nw, case_set_market(set, cJSON_GetStringValue(e)));
        }
        w->scope.markets = w->scope_markets = wide;
        w->scope.n_markets = nw;
    }
    return 0;
}

/* Checks every step, each seeing the names captured before it. Returns 0, or -1 on OOM. */
static int check_steps(case_work *w, const cJSON *steps)
{
    case_def *def = w->def;
    size_t n = steps ? (size_t)cJSON_GetArraySize(steps) : 0;
    def->steps = case_set_alloc(w->set, n * sizeof *def->steps);
    w->captured_before = calloc(n + 1, sizeof *w->captured_before);
    if (!def->steps || !w->captured_before)
        return -1;
    size_t i = 0;
    for (const cJSON *sj = steps ? steps->child : NULL; sj; sj = sj->next, i++) {
        case_step_def *st = &def->steps[i];
        w->captured_before[i] = w->captured.count;
        w->scope.captured = w->captured.items;
        w->scope.n_captured = w->captured.count;
        case_step_facts facts = {.variant_step = def->variant_step};
        w->problems += case_step_check(w->c, w->doc, sj, i, &w->scope, st, &facts);
        if (st->admin && def->first_admin < 0)
            def->first_admin = (long)i;
        if (st->variant_target && def->variant_step < 0) {
            def->variant_step = (long)i;
            w->variant_body_json = facts.json_body;
        }
        if (facts.captures_ok)
            for (const cJSON *e = st->capture->child; e; e = e->next)
                names_add(w->c, &w->captured, e->string);
    }
    def->n_steps = n;
    return 0;
}

/* Checks one variant of the case against the variant_target step vst. Returns 0, or -1
 * on OOM. */
static int check_variant(case_work *w, const cJSON *v, const case_step_def *vst)
{
    case_lctx *c = w->c;
    const case_doc *doc = w->doc;
    static const char *const vk[] = {"id",      "title",   "patch", "expect", "clauses",
                                     "markets", "targets", "tags",  NULL};
    static const char *const vr[] = {"id", NULL};
    if (!cJSON_IsObject(v)) {
        case_err(c, doc, v, false, "a variant must be an object, not %s", case_json_type_name(v));
        w->problems++;
        return 0;
    }
    w->problems += case_check_keys(c, doc, v, "a variant", vk, vr);
    const char *vid = case_get_str(c, doc, v, "id", "a variant", &w->problems);
    case_get_str(c, doc, v, "title", "a variant", &w->problems);
    case_check_id(c, doc, v, vid, "variant", &w->problems);
    case_get_str_array(c, doc, v, "tags", "a variant", false, &w->problems);
    const cJSON *vc = case_get_str_array(c, doc, v, "clauses", "a variant", false, &w->problems);
    check_clause_ids(w->L, doc, vc);
    parse_targets(c, doc, v, "a variant", &w->problems);
    int rc = 0;
    size_t vn = 0;
    const case_market **vm = parse_markets(c, doc, v, "a variant", &vn, &w->problems);
    const case_market **both = NULL;
    case_var_scope vscope = w->scope;
    vscope.captured = w->captured.items;
    vscope.n_captured = w->captured_before[w->def->variant_step];
    if (cJSON_GetObjectItemCaseSensitive(v, "markets") && w->markets) {
        /* the case's markets plus the variant's */
        both = calloc(w->n_markets + vn + 1, sizeof *both);
        if (!both) {
            rc = -1;
            goto out;
        }
        memcpy(both, w->markets, w->n_markets * sizeof *both);
        size_t nb = w->n_markets;
        for (size_t k = 0; k < vn; k++)
            market_push(both, &nb, vm[k]);
        vscope.markets = both;
        vscope.n_markets = nb;
    }
    const cJSON *ve = cJSON_GetObjectItemCaseSensitive(v, "expect");
    if (ve)
        w->problems += case_expect_check(c, doc, ve, &vscope);
    const cJSON *vp = cJSON_GetObjectItemCaseSensitive(v, "patch");
    if (!vp)
        goto out;
    const cJSON *body =
        vst->request ? cJSON_GetObjectItemCaseSensitive(vst->request, "body") : NULL;
    if (!w->variant_body_json) {
        case_err(c, doc, vp, true,
                 "a variant patch needs a JSON body (inline or fixture) in the variant_target "
                 "step");
        w->problems++;
        goto out;
    }
    int pp = case_patch_check(c, doc, vp, &vscope);
    w->problems += pp;
    /* the trial runs only on a case clean so far: its failures would repeat earlier ones */
    if (!pp && !w->problems)
        w->problems += case_trial_variant(c, doc, body, vp, &vscope, &w->trial);
out:
    free(vm);
    free(both);
    return rc;
}

/* Checks "variants" (or the variant_target mark without them). Returns 0, or -1 on OOM. */
static int check_variants(case_work *w, bool have_steps)
{
    case_lctx *c = w->c;
    const case_def *def = w->def;
    const cJSON *variants = cJSON_GetObjectItemCaseSensitive(w->cj, "variants");
    if (!variants) {
        if (def->variant_step >= 0) {
            case_err(c, w->doc,
                     cJSON_GetObjectItemCaseSensitive(def->steps[def->variant_step].json,
                                                      "variant_target"),
                     true, "\"variant_target\" is set but the case has no variants");
            w->problems++;
        }
        return 0;
    }
    if (!cJSON_IsArray(variants) || !variants->child) {
        case_err(c, w->doc, variants, false, "\"variants\" must be a non-empty array of variants");
        w->problems++;
    } else if (def->variant_step < 0 && have_steps) {
        case_err(c, w->doc, variants, true,
                 "a case with variants needs exactly one step marked \"variant_target\": true");
        w->problems++;
    } else if (have_steps) {
        const case_step_def *vst = &def->steps[def->variant_step];
        for (const cJSON *v = variants->child; v; v = v->next)
            if (check_variant(w, v, vst) != 0)
                return -1;
    }
    return 0;
}

/* Validates a case and, when it has no problem, hands out its definition in *out;
 * returns the number of problems. */
static int check_case(case_checker *L, const case_doc *doc, const cJSON *cj, const char *suite,
                      case_def **out)
{
    case_work w = {.L = L, .c = L->c, .set = L->c->set, .doc = doc, .cj = cj};
    if (!cJSON_IsObject(cj)) {
        case_err(w.c, doc, cj, false, "a case must be an object, not %s", case_json_type_name(cj));
        return 1;
    }
    const char *id = NULL, *title = NULL;
    check_head(&w, &id, &title);
    /* copied: the definition outlives the document's tree (case_keep.h) */
    if (id && !(id = case_set_text(w.set, id, NULL, NULL, NULL)))
        goto out;
    if (title && !(title = case_set_text(w.set, title, NULL, NULL, NULL)))
        goto out;
    if (set_scope_markets(&w) != 0) {
        case_oom(w.c);
        goto out;
    }
    w.def = case_set_alloc(w.set, sizeof *w.def);
    if (!w.def)
        goto out;
    *w.def = (case_def){.id = id,
                        .title = title,
                        .suite = suite,
                        .doc = doc,
                        .json = cj,
                        .mentions_run_vars = case_vars_mention_run(cj),
                        .variant_step = -1,
                        .first_admin = -1};
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(cj, "steps");
    if (steps && (!cJSON_IsArray(steps) || !steps->child)) {
        case_err(w.c, doc, steps, false, "\"steps\" must be a non-empty array of steps");
        w.problems++;
        steps = NULL;
    }
    if (check_steps(&w, steps) != 0 || check_variants(&w, steps != NULL) != 0) {
        case_oom(w.c);
        goto out;
    }
    if (!w.problems && id && title)
        *out = w.def;
out:
    free(w.captured.items);
    free(w.captured_before);
    free(w.markets);
    free(w.scope_markets);
    case_trial_free(w.trial);
    return w.problems;
}

void case_check_suite(case_checker *L, const case_doc *doc)
{
    case_lctx *c = L->c;
    case_set *set = c->set;
    const cJSON *root = doc->root;
    int problems = 0;
    if (!cJSON_IsObject(root)) {
        case_err(c, doc, root, false, "a suite file must be an object, not %s",
                 case_json_type_name(root));
        return;
    }
    static const char *const keys[] = {"suite", "title", "cases", NULL};
    problems += case_check_keys(c, doc, root, "a suite", keys, keys);
    const char *suite = case_get_str(c, doc, root, "suite", "a suite", &problems);
    case_get_str(c, doc, root, "title", "a suite", &problems);
    if (suite) {
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root, "suite");
        if (strlen(suite) > CASE_MAX_ID_BYTES) {
            case_err(c, doc, sv, false, "suite name is %zu bytes, over %d (CASE_MAX_ID_BYTES)",
                     strlen(suite), CASE_MAX_ID_BYTES);
        } else if (!case_matches_charset(suite, CASE_LOWER_ID)) {
            case_err(c, doc, sv, false, "suite name \"%s\" must match [a-z0-9_]+", suite);
        } else {
            for (size_t i = 0; i < L->n_suites; i++)
                if (strcmp(L->suites[i].name, suite) == 0) {
                    const case_suite_seen *first = &L->suites[i];
                    case_err(c, doc, sv, false, "duplicate suite name \"%s\" (first in %s:%d:%d)",
                             suite, first->path, first->line, first->col);
                    break;
                }
            if (L->n_suites == L->cap_suites) {
                case_oom(c); /* more suites than documents: cannot happen */
                return;
            }
            /* copied: the cases' definitions outlive the document's tree (case_keep.h) */
            suite = case_set_text(set, suite, NULL, NULL, NULL);
            if (!suite)
                return;
            case_suite_seen *seen = &L->suites[L->n_suites++];
            *seen = (case_suite_seen){.name = suite, .path = doc->path};
            jsonpos_value(doc->pos, sv, &seen->line, &seen->col);
        }
    }
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    if (!cases)
        return;
    if (!cJSON_IsArray(cases) || !cases->child) {
        case_err(c, doc, cases, false, "\"cases\" must be a non-empty array of cases");
        return;
    }
    for (const cJSON *cj = cases->child; cj; cj = cj->next) {
        case_def *def = NULL;
        check_case(L, doc, cj, suite ? suite : "", &def);
        if (!def)
            continue;
        case_def **n = realloc(set->cases, (set->n_cases + 1) * sizeof *n);
        if (!n) {
            case_oom(c); /* the file's remaining cases would be lost */
            return;
        }
        set->cases = n;
        set->cases[set->n_cases++] = def;
    }
}
