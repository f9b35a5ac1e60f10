/* case_fixture: the fixtures/ folder — one folder per market (two capital letters),
 * each with its market.json facts and its fixture documents (see case_fixture.h). */
#include "case_fixture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "case_doc.h"
#include "case_fs.h"
#include "case_mem.h"
#include "case_vars.h"

static void check_market_facts(case_lctx *c, const case_doc *doc)
{
    if (!cJSON_IsObject(doc->root)) {
        case_err(c, doc, doc->root, false, "market.json must be an object, not %s",
                 case_json_type_name(doc->root));
        return;
    }
    static const char *const need[] = {"country", "currency", "locale"};
    int problems = 0; /* counted by get_str; the diagnostics are what matter here */
    for (size_t i = 0; i < 3; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(doc->root, need[i]))
            case_err(c, doc, doc->root, false, "missing required key \"%s\" in market.json",
                     need[i]);
        else
            case_get_str(c, doc, doc->root, need[i], "market.json", &problems);
    }
    for (const cJSON *m = doc->root->child; m; m = m->next) {
        if (!case_matches_charset(m->string, "ABCDEFGHIJKLMNOPQRSTUVWXYZ" CASE_LOWER_ID))
            case_err(c, doc, m, true,
                     "market.json key \"%s\" cannot be used as ${market.KEY} "
                     "(letters, digits and _ only)",
                     m->string);
        if (case_key_seen_before(doc->root, m))
            case_err(c, doc, m, true, "duplicate key \"%s\" in market.json", m->string);
    }
}

void case_fixture_load_all(case_lctx *c, const char *dir)
{
    case_set *set = c->set;
    char *fdir = case_fs_join(dir, "fixtures");
    char **markets = NULL;
    long nm = -1;
    if (!fdir) {
        case_oom(c);
        goto out;
    }
    if (!case_fs_is_dir(fdir))
        goto out;
    nm = case_fs_list(fdir, &markets);
    if (nm < 0) {
        case_ferr(c, fdir, 1, 1, "cannot read folder: %s", strerror(errno));
        goto out;
    }
    set->markets = case_set_alloc(set, (size_t)nm * sizeof *set->markets);
    set->market_codes = case_set_alloc(set, ((size_t)nm + 1) * sizeof *set->market_codes);
    if (!set->markets || !set->market_codes)
        goto out;
    for (long i = 0; i < nm; i++) {
        char *mdir = case_fs_join(fdir, markets[i]);
        char **files = NULL;
        long nf = -1;
        if (!mdir) {
            case_oom(c);
            goto next;
        }
        if (!case_fs_is_dir(mdir))
            goto next; /* e.g. a README next to the market folders */
        if (!case_matches_charset(markets[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ||
            strlen(markets[i]) != 2) {
            case_ferr(c, mdir, 1, 1,
                      "fixture folder \"%s\" is not a market code (two capital letters)",
                      markets[i]);
            goto next;
        }
        nf = case_fs_list(mdir, &files);
        if (nf < 0) {
            case_ferr(c, mdir, 1, 1, "cannot read folder: %s", strerror(errno));
            goto next;
        }
        case_market *m = &set->markets[set->n_markets];
        m->code = case_set_strdup(set, markets[i]);
        m->fixtures = case_set_alloc(set, (size_t)nf * sizeof *m->fixtures);
        if (!m->code || !m->fixtures)
            goto next;
        for (long k = 0; k < nf; k++) {
            if (!case_fs_ends_with(files[k], ".json"))
                continue;
            char *fp = case_fs_join(mdir, files[k]);
            if (!fp) {
                case_oom(c);
                continue;
            }
            if (case_fs_is_file(fp)) {
                const case_doc *doc = case_doc_load(c, fp);
                if (doc) {
                    char *name = case_set_strdup(set, files[k]);
                    if (name) {
                        name[strlen(name) - 5] = '\0';
                        if (strcmp(name, "market") == 0) {
                            m->facts_doc = doc;
                            check_market_facts(c, doc);
                            if (cJSON_IsObject(doc->root))
                                m->facts = doc->root;
                        }
                        m->fixtures[m->n_fixtures++] = (case_fixture){name, doc->root, doc};
                        set->fixtures_mention_run_vars |= case_vars_mention_run(doc->root);
                    }
                }
            }
            free(fp);
        }
        if (!m->facts_doc) {
            char *mj = case_fs_join(mdir, "market.json");
            case_ferr(c, mj ? mj : mdir, 1, 1, "missing market.json for market %s", m->code);
            free(mj);
        }
        set->market_codes[set->n_markets] = m->code;
        set->n_markets++;
    next:
        case_fs_free_names(files, nf);
        free(mdir);
    }
out:
    case_fs_free_names(markets, nm);
    free(fdir);
}
