/* case_catalog: the clause catalog, contract.json — the clauses a case may cover, each
 * with its id, title, source and flags (see case_catalog.h). */
#include "case_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "case_doc.h"
#include "case_fs.h"
#include "case_mem.h"

const case_clause *case_catalog_find(const case_set *set, const char *id)
{
    for (size_t i = 0; i < set->n_clauses; i++)
        if (strcmp(set->clauses[i].id, id) == 0)
            return &set->clauses[i];
    return NULL;
}

void case_catalog_load(case_lctx *c, const char *dir, bool *present)
{
    case_set *set = c->set;
    char *path = case_fs_join(dir, "contract.json");
    *present = false;
    if (!path) {
        case_oom(c);
        goto out;
    }
    if (!case_fs_is_file(path))
        goto out;
    *present = true;
    const case_doc *doc = case_doc_load(c, path);
    if (!doc)
        goto out;
    const cJSON *root = doc->root;
    if (!cJSON_IsObject(root)) {
        case_err(c, doc, root, false, "contract.json must be an object, not %s",
                 case_json_type_name(root));
        goto out;
    }
    static const char *const top[] = {"clauses", NULL};
    case_check_keys(c, doc, root, "contract.json", top, top);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "clauses");
    if (!list)
        goto out;
    if (!cJSON_IsArray(list)) {
        case_err(c, doc, list, false, "\"clauses\" in contract.json must be an array, not %s",
                 case_json_type_name(list));
        goto out;
    }
    set->clauses = case_set_alloc(set, (size_t)cJSON_GetArraySize(list) * sizeof *set->clauses);
    if (!set->clauses)
        goto out;
    static const char *const keys[] = {"id", "title", "source", "mock_only", "unconfirmed", NULL};
    static const char *const req[] = {"id", "title", NULL};
    for (const cJSON *e = list->child; e; e = e->next) {
        if (!cJSON_IsObject(e)) {
            case_err(c, doc, e, false, "a clause must be an object, not %s",
                     case_json_type_name(e));
            continue;
        }
        int problems = case_check_keys(c, doc, e, "a clause", keys, req);
        const char *id = case_get_str(c, doc, e, "id", "a clause", &problems);
        const char *title = case_get_str(c, doc, e, "title", "a clause", &problems);
        const char *source = case_get_str(c, doc, e, "source", "a clause", &problems);
        bool flags[2] = {false, false};
        static const char *const fl[] = {"mock_only", "unconfirmed"};
        for (size_t k = 0; k < 2; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, fl[k]);
            if (v && !cJSON_IsBool(v)) {
                case_err(c, doc, v, false, "\"%s\" in a clause must be a boolean, not %s", fl[k],
                         case_json_type_name(v));
                problems++;
            }
            flags[k] = cJSON_IsTrue(v);
        }
        case_check_id(c, doc, e, id, "clause", &problems);
        if (id && case_catalog_find(set, id)) {
            case_err(c, doc, cJSON_GetObjectItemCaseSensitive(e, "id"), false,
                     "duplicate clause id \"%s\"", id);
            problems++;
        }
        if (problems || !id || !title)
            continue;
        set->clauses[set->n_clauses++] =
            (case_clause){id, title, source ? source : "", flags[0], flags[1]};
    }
out:
    free(path);
}
