/* case_keep: suite documents' trees dropped after the load and read back for the tests
 * that run them, and each situation's tests made when first selected (see case_keep.h). */
#include "case_keep.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_fs.h"

struct case_keep {
    pthread_mutex_t lock;
    case_doc *idle[CASE_KEEP_IDLE + 1]; /* documents with a tree and no hold, oldest first */
    size_t n_idle;
    case_test *situation[SIT_COUNT]; /* the tests with each situation's skip reasons, made by
                                        the first selection (the mock's: set->tests) */
};

int case_keep_init(case_set *set)
{
    struct case_keep *k = calloc(1, sizeof *k);
    if (!k || pthread_mutex_init(&k->lock, NULL) != 0) {
        free(k);
        set->oom = true;
        return -1;
    }
    set->keep = k;
    return 0;
}

void case_keep_free(case_set *set)
{
    if (!set->keep)
        return;
    for (int s = 0; s < SIT_COUNT; s++)
        if (set->keep->situation[s] != set->tests)
            free(set->keep->situation[s]);
    pthread_mutex_destroy(&set->keep->lock);
    free(set->keep);
    set->keep = NULL;
}

/* Points the definitions of doc's cases into root, a tree of the very bytes they were
 * checked in, or at nothing (root NULL). Returns 0, or -1 when root lacks a member they
 * had: the bytes are the same, so this guards rather than checks. */
static int bind(const case_set *set, const case_doc *doc, const cJSON *root)
{
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    const cJSON *cj = cases ? cases->child : NULL;
    for (size_t k = 0; k < doc->n_cases; k++, cj = cj ? cj->next : NULL) {
        case_def *def = set->cases[doc->first_case + k];
        if (root && !cj)
            return -1;
        def->json = cj;
        const cJSON *steps = cJSON_GetObjectItemCaseSensitive(cj, "steps");
        const cJSON *sj = steps ? steps->child : NULL;
        for (size_t i = 0; i < def->n_steps; i++, sj = sj ? sj->next : NULL) {
            if (root && !sj)
                return -1;
            case_step_def *st = &def->steps[i];
            st->json = sj;
            if (st->admin) {
                const cJSON *a = cJSON_GetObjectItemCaseSensitive(sj, "admin");
                st->admin_action = a ? a->child : NULL;
            } else {
                st->request = cJSON_GetObjectItemCaseSensitive(sj, "request");
                st->expect = cJSON_GetObjectItemCaseSensitive(sj, "expect");
                st->capture = cJSON_GetObjectItemCaseSensitive(sj, "capture");
            }
        }
        const cJSON *variants = cJSON_GetObjectItemCaseSensitive(cj, "variants");
        const cJSON *v = variants ? variants->child : NULL;
        for (size_t i = 0; i < def->n_variants; i++, v = v ? v->next : NULL) {
            if (root && !v)
                return -1;
            def->privs[i].variant = v;
        }
    }
    return 0;
}

/* Frees doc's tree, its definitions pointing at nothing. */
static void drop(const case_set *set, case_doc *doc)
{
    bind(set, doc, NULL);
    cJSON_Delete(doc->root);
    doc->root = NULL;
}

/* Reads doc back from its file and binds its definitions to the new tree. Returns 0, or
 * -1 with the reason in err. */
static int read_back(const case_set *set, case_doc *doc, char *err, size_t errlen)
{
    char why[320], hex[SHA256_HEX];
    size_t len = 0;
    char *text = case_fs_read(doc->path, &len, why, sizeof why);
    if (!text) {
        snprintf(err, errlen, "cannot read %s back: %s", doc->path, why);
        return -1;
    }
    int rc = -1;
    cJSON *root = NULL;
    if (sha256_hex(text, len, hex) < 0) {
        snprintf(err, errlen, "out of memory reading %s back", doc->path);
        goto out;
    }
    if (strcmp(hex, doc->sha256) != 0) {
        snprintf(err, errlen,
                 "%s changed after the run loaded it: a test runs only as it was checked "
                 "(run again on files nobody edits meanwhile)",
                 doc->path);
        goto out;
    }
    root = cJSON_ParseWithLength(text, len);
    if (!root || bind(set, doc, root) != 0) {
        bind(set, doc, NULL);
        snprintf(err, errlen, "out of memory reading %s back", doc->path);
        goto out;
    }
    doc->root = root;
    root = NULL;
    rc = 0;
out:
    cJSON_Delete(root);
    free(text);
    return rc;
}

/* Adds doc (a tree, no hold) to the idle list, then drops the oldest idle documents
 * while they are too many or too big, all but doc. Under the lock. */
static void idle_push(const case_set *set, case_doc *doc)
{
    struct case_keep *k = set->keep;
    k->idle[k->n_idle++] = doc;
    size_t bytes = 0;
    for (size_t i = 0; i < k->n_idle; i++)
        bytes += k->idle[i]->bytes;
    while (k->n_idle > 1 && (k->n_idle > CASE_KEEP_IDLE || bytes > CASE_KEEP_IDLE_BYTES)) {
        bytes -= k->idle[0]->bytes;
        drop(set, k->idle[0]);
        memmove(k->idle, k->idle + 1, --k->n_idle * sizeof *k->idle);
    }
}

/* Takes doc off the idle list. Under the lock. */
static void idle_remove(struct case_keep *k, const case_doc *doc)
{
    for (size_t i = 0; i < k->n_idle; i++)
        if (k->idle[i] == doc) {
            memmove(k->idle + i, k->idle + i + 1, (k->n_idle - i - 1) * sizeof *k->idle);
            k->n_idle--;
            return;
        }
}

void case_keep_loaded(case_set *set, case_doc *doc, size_t first_case, size_t n_cases)
{
    doc->first_case = first_case;
    doc->n_cases = n_cases;
    doc->droppable = true;
    pthread_mutex_lock(&set->keep->lock);
    idle_push(set, doc);
    pthread_mutex_unlock(&set->keep->lock);
}

int case_keep_hold(const case_set *set, const case_def *def, char *err, size_t errlen)
{
    struct case_keep *k = set->keep;
    case_doc *doc = &set->docs[def->doc - set->docs];
    if (!doc->droppable)
        return 0;
    int rc = 0;
    pthread_mutex_lock(&k->lock);
    if (doc->holds == 0) {
        if (doc->root)
            idle_remove(k, doc);
        else
            rc = read_back(set, doc, err, errlen);
    }
    if (rc == 0)
        doc->holds++;
    pthread_mutex_unlock(&k->lock);
    return rc;
}

void case_keep_release(const case_set *set, const case_def *def)
{
    struct case_keep *k = set->keep;
    case_doc *doc = &set->docs[def->doc - set->docs];
    if (!doc->droppable)
        return;
    pthread_mutex_lock(&k->lock);
    if (doc->holds > 0 && --doc->holds == 0)
        idle_push(set, doc);
    pthread_mutex_unlock(&k->lock);
}

/* The tests with situation sit's skip reasons: set->tests itself when they are all the
 * mock's, else a copy. Under the lock; NULL on OOM. */
static case_test *make_situation(const case_set *set, int sit)
{
    bool same = true;
    for (size_t i = 0; i < set->n_tests && same; i++) {
        const case_test_priv *p = set->tests[i].priv;
        const char *a = p->skip[sit], *b = p->skip[SIT_MOCK];
        same = a == b || (a && b && strcmp(a, b) == 0);
    }
    if (same)
        return set->tests;
    case_test *own = malloc((set->n_tests + 1) * sizeof *own);
    if (!own)
        return NULL;
    memcpy(own, set->tests, set->n_tests * sizeof *own);
    for (size_t i = 0; i < set->n_tests; i++)
        own[i].skip_reason = ((const case_test_priv *)own[i].priv)->skip[sit];
    return own;
}

const case_test *case_keep_tests(const case_set *set, int sit)
{
    if (sit == SIT_MOCK)
        return set->tests;
    struct case_keep *k = set->keep;
    pthread_mutex_lock(&k->lock);
    if (!k->situation[sit])
        k->situation[sit] = make_situation(set, sit);
    case_test *tests = k->situation[sit];
    pthread_mutex_unlock(&k->lock);
    return tests;
}
