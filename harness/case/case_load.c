/* case_load: the loader's entry points — a cases/ folder (fixtures, the clause catalog,
 * every suite file) or one suite document held in memory, each read, checked and
 * expanded into tests in that order, one suite document at a time; the work is done one
 * floor down (case_fs, case_doc, case_fixture, case_catalog, case_check, case_select,
 * case_keep). */
#include "case.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case_catalog.h"
#include "case_check.h"
#include "case_diag.h"
#include "case_digest.h"
#include "case_doc.h"
#include "case_fixture.h"
#include "case_fs.h"
#include "case_keep.h"
#include "case_mem.h"
#include "case_model.h"
#include "case_select.h"

void case_set_free(case_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_docs; i++)
        case_doc_clear(&set->docs[i]);
    free(set->docs);
    case_keep_free(set);
    case_set_free_owned(set);
    free(set->cases);
    free(set->tests);
    free(set);
}

/* Starts a load of what: the out-of-memory diagnostic first (so that every later
 * failure can be told), then the set. Returns the set, or NULL when the load already
 * failed (diagnosed, unless even the diagnostic could not be allocated). */
static case_set *begin(case_lctx *c, case_diags *diags, const char *what)
{
    if (case_lctx_init(c, NULL, diags, what) != 0)
        return NULL;
    c->set = calloc(1, sizeof *c->set);
    if (!c->set || case_keep_init(c->set) != 0) {
        free(c->set);
        c->set = NULL;
        case_oom(c);
        case_lctx_finish(c);
        return NULL;
    }
    return c->set;
}

/* Checks one suite document and expands its cases into tests. Then the document keeps
 * nothing of its own but its path and digest: its positions go, and its tree is dropped
 * when the keeper has others idle (case_keep.h), so that a load holds about one document
 * whatever the size of the folder. */
static void load_suite(case_lctx *c, case_checker *k, const case_doc *loaded, bool from_file)
{
    case_set *set = c->set;
    case_doc *doc = &set->docs[loaded - set->docs];
    size_t first_case = set->n_cases;
    case_check_suite(k, doc);
    if (!c->oom && case_set_expand_doc(c, first_case) != 0)
        case_oom(c);
    jsonpos_free(doc->pos);
    doc->pos = NULL;
    if (from_file)
        case_keep_loaded(set, doc, first_case, set->n_cases - first_case);
}

/* Checks the suites of paths (already collected) and expands them into tests. */
static void load_suites(case_lctx *c, char **paths, size_t n_paths, bool have_catalog)
{
    case_checker k;
    if (case_checker_init(&k, c, have_catalog, n_paths) == 0) {
        for (size_t i = 0; i < n_paths && !c->full; i++) {
            const case_doc *doc = case_doc_load(c, paths[i]);
            if (doc)
                load_suite(c, &k, doc, true);
        }
    }
    case_checker_free(&k);
}

/* Ends a load: ends the expansion into tests, then hands the set out in *out when
 * nothing failed (returns 0), or frees it (returns -1, every problem in c->diags). */
static int finish(case_lctx *c, case_set *set, const char *root, case_set **out)
{
    if (!c->oom && case_set_expand_end(c) != 0)
        case_oom(c);
    if (!c->oom && case_digest_compute(set, root) != 0)
        case_oom(c);
    int rc = case_lctx_finish(c);
    if (rc == 0) {
        /* positions are only needed for diagnostics */
        case_doc_drop_positions(set);
        *out = set;
    } else {
        case_set_free(set);
    }
    return rc;
}

int case_set_load(const char *dir, case_set **out, case_diags *diags)
{
    case_lctx c;
    case_set *set = begin(&c, diags, dir);
    if (!set)
        return -1;
    char **paths = NULL;
    size_t n_paths = 0;
    bool have_catalog = false;
    struct stat dir_st;
    bool found = stat(dir, &dir_st) == 0;
    if (!found || !S_ISDIR(dir_st.st_mode)) {
        /* errno is only meaningful when stat itself failed */
        case_ferr(&c, dir, 1, 1, "not a folder: %s", strerror(found ? ENOTDIR : errno));
        goto out;
    }
    /* case_doc_parse appends to set->docs and callers keep pointers: reserve every slot */
    if (case_doc_reserve(&c, case_fs_count_json(dir) + 1) != 0)
        goto out;
    case_fixture_load_all(&c, dir);
    case_catalog_load(&c, dir, &have_catalog);
    if (case_fs_collect_suites(&c, dir, &paths, &n_paths) != 0)
        goto out;
    if (n_paths == 0 && !c.full)
        case_ferr(&c, dir, 1, 1, "no suite files (*.json outside fixtures/) in this folder");
    load_suites(&c, paths, n_paths, have_catalog);
out:
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    return finish(&c, set, dir, out);
}

int case_suite_parse(const char *name, const char *text, size_t len, case_set **out,
                     case_diags *diags)
{
    case_lctx c;
    case_set *set = begin(&c, diags, name);
    if (!set)
        return -1;
    if (case_doc_reserve(&c, 1) == 0) {
        const case_doc *doc = case_doc_parse(&c, name, text, len);
        case_checker k = {0};
        /* a document from memory cannot be read back: its tree stays */
        if (doc && case_checker_init(&k, &c, false, 1) == 0)
            load_suite(&c, &k, doc, false);
        case_checker_free(&k);
    }
    return finish(&c, set, NULL, out);
}

const char *const *case_set_markets(const case_set *set, size_t *count)
{
    *count = set->n_markets;
    return set->market_codes;
}

const case_clause *case_set_clauses(const case_set *set, size_t *count)
{
    *count = set->n_clauses;
    return set->clauses;
}

const char *case_set_digest(const case_set *set)
{
    return set->digest;
}
