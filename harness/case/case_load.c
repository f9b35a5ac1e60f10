/* case_load: reads a cases/ folder (suites, fixtures, the clause catalog) and validates
 * all of it against the format of cases/README.md with file:line:col diagnostics;
 * case_select.c then expands the cases into tests. */
#define _GNU_SOURCE /* asprintf */
#include "case_int.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kfile.h"

#define CASE_MAX_DIR_DEPTH 16

/* ---- set memory ---- */

void *set_own(case_set *set, void *p)
{
    if (!p)
        return NULL;
    if (set->n_owned == set->cap_owned) {
        size_t cap = set->cap_owned ? 2 * set->cap_owned : 64;
        void **n = realloc(set->owned, cap * sizeof *n);
        if (!n) {
            free(p);
            return NULL;
        }
        set->owned = n;
        set->cap_owned = cap;
    }
    set->owned[set->n_owned++] = p;
    return p;
}

void *set_alloc(case_set *set, size_t n)
{
    return set_own(set, calloc(1, n ? n : 1));
}

char *set_strdup(case_set *set, const char *s)
{
    return set_own(set, strdup(s));
}

char *set_printf(case_set *set, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return set_own(set, s);
}

const case_market *set_market(const case_set *set, const char *code)
{
    for (size_t i = 0; code && i < set->n_markets; i++)
        if (strcmp(set->markets[i].code, code) == 0)
            return &set->markets[i];
    return NULL;
}

const case_fixture *market_fixture(const case_market *m, const char *name)
{
    for (size_t i = 0; m && i < m->n_fixtures; i++)
        if (strcmp(m->fixtures[i].name, name) == 0)
            return &m->fixtures[i];
    return NULL;
}

/* ---- diagnostics ---- */

static void diag_push(lctx *c, const char *file, int line, int col, const char *msg)
{
    if (c->diags->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        case_diag *n = realloc(c->diags->items, cap * sizeof *n);
        if (!n)
            return;
        c->diags->items = n;
        c->cap = cap;
    }
    char *f = strdup(file), *m = strdup(msg);
    if (!f || !m) {
        free(f);
        free(m);
        return;
    }
    c->diags->items[c->diags->count++] = (case_diag){f, line, col, m};
}

static void diag_at(lctx *c, const char *file, int line, int col, const char *msg)
{
    if (c->full)
        return;
    /* a fixture shared by many cases must not repeat the same complaint */
    for (size_t i = 0; i < c->diags->count; i++) {
        const case_diag *d = &c->diags->items[i];
        if (d->line == line && d->col == col && strcmp(d->file, file) == 0 &&
            strcmp(d->message, msg) == 0)
            return;
    }
    if (c->diags->count == CASE_MAX_DIAGS) {
        char m[96];
        snprintf(m, sizeof m, "too many errors: stopped after %d (CASE_MAX_DIAGS)", CASE_MAX_DIAGS);
        diag_push(c, file, line, col, m);
        c->full = true;
        return;
    }
    diag_push(c, file, line, col, msg);
}

static void vdiag(lctx *c, const char *file, int line, int col, const char *fmt, va_list ap)
{
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        return;
    diag_at(c, file, line, col, msg);
    free(msg);
}

static void ferr(lctx *c, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void ferr(lctx *c, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, file, line, col, fmt, ap);
    va_end(ap);
}

void lerr(lctx *c, const case_doc *doc, const cJSON *item, bool at_key, const char *fmt, ...)
{
    int line = 1, col = 1;
    if (at_key)
        jsonpos_key(doc->pos, item, &line, &col);
    else
        jsonpos_value(doc->pos, item, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, doc->path, line, col, fmt, ap);
    va_end(ap);
}

void case_diags_free(case_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    d->items = NULL;
    d->count = 0;
}

/* ---- documents ---- */

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    char *p = NULL;
    if (asprintf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name) < 0)
        return NULL;
    return p;
}

static void doc_free_contents(case_doc *d)
{
    free(d->path);
    cJSON_Delete(d->root);
    jsonpos_free(d->pos);
}

/* Reads and parses one JSON file into the set; returns it, or NULL after a diagnostic. */
static const case_doc *load_doc(lctx *c, const char *path)
{
    case_set *set = c->set;
    char err[256];
    size_t len = 0;
    char *text = NULL;
    case_doc d = {0};
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size > CASE_MAX_FILE_BYTES) {
        ferr(c, path, 1, 1, "file is %lld bytes, over %u (CASE_MAX_FILE_BYTES)",
             (long long)st.st_size, CASE_MAX_FILE_BYTES);
        return NULL;
    }
    text = kfile_read(path, CASE_MAX_FILE_BYTES, &len, err, sizeof err);
    if (!text) {
        ferr(c, path, 1, 1, "cannot read: %s", err);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        jsonpos_linecol(text, len, (size_t)(nul - text), &line, &col);
        ferr(c, path, line, col, "NUL byte in a JSON file");
        goto fail;
    }
    long deep = jsonpos_too_deep(text, len, CASE_MAX_DEPTH);
    if (deep >= 0) {
        int line, col;
        jsonpos_linecol(text, len, (size_t)deep, &line, &col);
        ferr(c, path, line, col, "JSON nested deeper than %d levels (CASE_MAX_DEPTH)",
             CASE_MAX_DEPTH);
        goto fail;
    }
    const char *end = NULL;
    d.root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (d.root && end) {
        /* cJSON stops after the first value: anything but whitespace after it is an error */
        const char *p = end;
        while (p < text + len && strchr(" \t\r\n", *p))
            p++;
        if (p < text + len) {
            cJSON_Delete(d.root);
            d.root = NULL;
            end = p;
        }
    }
    if (!d.root) {
        int line, col;
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        jsonpos_linecol(text, len, off, &line, &col);
        bool rest_blank = true;
        for (size_t i = off; i < len && rest_blank; i++)
            rest_blank = strchr(" \t\r\n", text[i]) != NULL;
        if (rest_blank)
            jsonpos_linecol(text, len, len, &line, &col);
        if (len == 0 || strspn(text, " \t\r\n") == len)
            ferr(c, path, 1, 1, "empty file: expected a JSON object");
        else if (off >= len || rest_blank)
            ferr(c, path, line, col, "JSON syntax error: unexpected end of file");
        else
            ferr(c, path, line, col, "JSON syntax error at '%c'",
                 (unsigned char)text[off] >= 0x20 && (unsigned char)text[off] < 0x7f ? text[off]
                                                                                     : '?');
        goto fail;
    }
    d.pos = jsonpos_build(text, len, d.root);
    d.path = strdup(path);
    if (!d.pos || !d.path) {
        ferr(c, path, 1, 1, "out of memory");
        goto fail;
    }
    /* callers keep pointers into set->docs, so it never moves: case_set_load reserves
     * a slot per JSON file it counted before loading */
    if (set->n_docs == set->cap_docs) {
        ferr(c, path, 1, 1, "more JSON files than when loading started (the folder changed)");
        goto fail;
    }
    set->docs[set->n_docs] = d;
    free(text);
    return &set->docs[set->n_docs++];
fail:
    free(text);
    doc_free_contents(&d);
    return NULL;
}

/* ---- schema helpers ---- */

const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "invalid";
}

bool name_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

bool json_whole(const cJSON *v, double min, double max)
{
    /* bounds first: outside them the value may not fit the integer types at all */
    return cJSON_IsNumber(v) && v->valuedouble >= min && v->valuedouble <= max &&
           v->valuedouble == floor(v->valuedouble);
}

/* Whether a member before m in obj has m's key (cJSON keeps both of a duplicate). */
static bool key_seen_before(const cJSON *obj, const cJSON *m)
{
    for (const cJSON *p = obj->child; p != m; p = p->next)
        if (strcmp(p->string, m->string) == 0)
            return true;
    return false;
}

/* Reports unknown and duplicate keys of obj (what names it) and missing required keys. */
static int check_keys(lctx *c, const case_doc *doc, const cJSON *obj, const char *what,
                      const char *const *allowed, const char *const *required)
{
    int problems = 0;
    for (const cJSON *m = obj->child; m; m = m->next) {
        if (!name_in(m->string, allowed)) {
            char list[512] = "";
            size_t used = 0;
            for (size_t i = 0; allowed[i]; i++) {
                int n =
                    snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
                if (n < 0 || (size_t)n >= sizeof list - used)
                    break;
                used += (size_t)n;
            }
            lerr(c, doc, m, true, "unknown key \"%s\" in %s (expected one of: %s)", m->string, what,
                 list);
            problems++;
            continue;
        }
        if (key_seen_before(obj, m)) {
            lerr(c, doc, m, true, "duplicate key \"%s\" in %s", m->string, what);
            problems++;
        }
    }
    for (size_t i = 0; required && required[i]; i++)
        if (!cJSON_GetObjectItemCaseSensitive(obj, required[i])) {
            lerr(c, doc, obj, false, "missing required key \"%s\" in %s", required[i], what);
            problems++;
        }
    return problems;
}

static bool matches_charset(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

#define LOWER_ID "abcdefghijklmnopqrstuvwxyz0123456789_"

/* A string member; reports a wrong type. Returns NULL when absent or wrong. */
static const char *get_str(lctx *c, const case_doc *doc, const cJSON *obj, const char *key,
                           const char *what, int *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        lerr(c, doc, v, false, "\"%s\" in %s must be a string, not %s", key, what,
             json_type_name(v));
        (*problems)++;
        return NULL;
    }
    return v->valuestring;
}

/* Reports an id (of a clause, case or variant: kind, read from obj's "id") outside
 * [a-z0-9_.-]+; NULL (absent or not a string, reported by get_str) passes. */
static void check_id(lctx *c, const case_doc *doc, const cJSON *obj, const char *id,
                     const char *kind, int *problems)
{
    if (id && !matches_charset(id, LOWER_ID ".-")) {
        lerr(c, doc, cJSON_GetObjectItemCaseSensitive(obj, "id"), false,
             "%s id \"%s\" must match [a-z0-9_.-]+", kind, id);
        (*problems)++;
    }
}

/* An array of non-empty strings; returns the array, or NULL when absent or wrong. */
static const cJSON *get_str_array(lctx *c, const case_doc *doc, const cJSON *obj, const char *key,
                                  const char *what, bool nonempty, int *problems)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    if (!cJSON_IsArray(v)) {
        lerr(c, doc, v, false, "\"%s\" in %s must be an array of strings, not %s", key, what,
             json_type_name(v));
        (*problems)++;
        return NULL;
    }
    if (nonempty && !v->child) {
        lerr(c, doc, v, false, "\"%s\" in %s must not be empty", key, what);
        (*problems)++;
        return NULL;
    }
    int bad = 0;
    for (const cJSON *e = v->child; e; e = e->next)
        if (!cJSON_IsString(e) || !e->valuestring[0]) {
            lerr(c, doc, e, false, "\"%s\" in %s must hold non-empty strings, not %s", key, what,
                 cJSON_IsString(e) ? "an empty string" : json_type_name(e));
            bad++;
        }
    *problems += bad;
    return bad ? NULL : v;
}

/* ---- fixtures ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a folder's entries (not starting with '.'), sorted; returns count or -1. */
static long list_dir(const char *path, char ***out)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    *out = names;
    return (long)n;
}

static void free_names(char **names, long n)
{
    for (long i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void check_market_facts(lctx *c, const case_doc *doc)
{
    if (!cJSON_IsObject(doc->root)) {
        lerr(c, doc, doc->root, false, "market.json must be an object, not %s",
             json_type_name(doc->root));
        return;
    }
    static const char *const need[] = {"country", "currency", "locale"};
    int problems = 0; /* counted by get_str; the diagnostics are what matter here */
    for (size_t i = 0; i < 3; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(doc->root, need[i]))
            lerr(c, doc, doc->root, false, "missing required key \"%s\" in market.json", need[i]);
        else
            get_str(c, doc, doc->root, need[i], "market.json", &problems);
    }
    for (const cJSON *m = doc->root->child; m; m = m->next) {
        if (!matches_charset(m->string, "ABCDEFGHIJKLMNOPQRSTUVWXYZ" LOWER_ID))
            lerr(c, doc, m, true,
                 "market.json key \"%s\" cannot be used as ${market.KEY} "
                 "(letters, digits and _ only)",
                 m->string);
        if (key_seen_before(doc->root, m))
            lerr(c, doc, m, true, "duplicate key \"%s\" in market.json", m->string);
    }
}

static void load_fixtures(lctx *c, const char *dir)
{
    case_set *set = c->set;
    char *fdir = join_path(dir, "fixtures");
    char **markets = NULL;
    long nm = -1;
    if (!fdir)
        goto out;
    if (!is_dir(fdir))
        goto out;
    nm = list_dir(fdir, &markets);
    if (nm < 0) {
        ferr(c, fdir, 1, 1, "cannot read folder: %s", strerror(errno));
        goto out;
    }
    set->markets = set_alloc(set, (size_t)nm * sizeof *set->markets);
    set->market_codes = set_alloc(set, ((size_t)nm + 1) * sizeof *set->market_codes);
    if (!set->markets || !set->market_codes)
        goto out;
    for (long i = 0; i < nm; i++) {
        char *mdir = join_path(fdir, markets[i]);
        char **files = NULL;
        long nf = -1;
        if (!mdir)
            goto next;
        if (!is_dir(mdir))
            goto next; /* e.g. a README next to the market folders */
        if (!matches_charset(markets[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") || strlen(markets[i]) != 2) {
            ferr(c, mdir, 1, 1, "fixture folder \"%s\" is not a market code (two capital letters)",
                 markets[i]);
            goto next;
        }
        nf = list_dir(mdir, &files);
        if (nf < 0) {
            ferr(c, mdir, 1, 1, "cannot read folder: %s", strerror(errno));
            goto next;
        }
        case_market *m = &set->markets[set->n_markets];
        m->code = set_strdup(set, markets[i]);
        m->fixtures = set_alloc(set, (size_t)nf * sizeof *m->fixtures);
        if (!m->code || !m->fixtures)
            goto next;
        for (long k = 0; k < nf; k++) {
            if (!ends_with(files[k], ".json"))
                continue;
            char *fp = join_path(mdir, files[k]);
            if (!fp)
                continue;
            if (is_file(fp)) {
                const case_doc *doc = load_doc(c, fp);
                if (doc) {
                    char *name = set_strdup(set, files[k]);
                    if (name) {
                        name[strlen(name) - 5] = '\0';
                        if (strcmp(name, "market") == 0) {
                            m->facts_doc = doc;
                            check_market_facts(c, doc);
                            if (cJSON_IsObject(doc->root))
                                m->facts = doc->root;
                        }
                        m->fixtures[m->n_fixtures++] = (case_fixture){name, doc->root, doc};
                    }
                }
            }
            free(fp);
        }
        if (!m->facts_doc) {
            char *mj = join_path(mdir, "market.json");
            ferr(c, mj ? mj : mdir, 1, 1, "missing market.json for market %s", m->code);
            free(mj);
        }
        set->market_codes[set->n_markets] = m->code;
        set->n_markets++;
    next:
        free_names(files, nf);
        free(mdir);
    }
out:
    free_names(markets, nm);
    free(fdir);
}

/* ---- the clause catalog ---- */

static const case_clause *find_clause(const case_set *set, const char *id)
{
    for (size_t i = 0; i < set->n_clauses; i++)
        if (strcmp(set->clauses[i].id, id) == 0)
            return &set->clauses[i];
    return NULL;
}

static void load_contract(lctx *c, const char *dir, bool *present)
{
    case_set *set = c->set;
    char *path = join_path(dir, "contract.json");
    *present = false;
    if (!path || !is_file(path))
        goto out;
    *present = true;
    const case_doc *doc = load_doc(c, path);
    if (!doc)
        goto out;
    const cJSON *root = doc->root;
    if (!cJSON_IsObject(root)) {
        lerr(c, doc, root, false, "contract.json must be an object, not %s", json_type_name(root));
        goto out;
    }
    static const char *const top[] = {"clauses", NULL};
    check_keys(c, doc, root, "contract.json", top, top);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "clauses");
    if (!list)
        goto out;
    if (!cJSON_IsArray(list)) {
        lerr(c, doc, list, false, "\"clauses\" in contract.json must be an array, not %s",
             json_type_name(list));
        goto out;
    }
    set->clauses = set_alloc(set, (size_t)cJSON_GetArraySize(list) * sizeof *set->clauses);
    if (!set->clauses)
        goto out;
    static const char *const keys[] = {"id", "title", "source", "mock_only", "unconfirmed", NULL};
    static const char *const req[] = {"id", "title", NULL};
    for (const cJSON *e = list->child; e; e = e->next) {
        if (!cJSON_IsObject(e)) {
            lerr(c, doc, e, false, "a clause must be an object, not %s", json_type_name(e));
            continue;
        }
        int problems = check_keys(c, doc, e, "a clause", keys, req);
        const char *id = get_str(c, doc, e, "id", "a clause", &problems);
        const char *title = get_str(c, doc, e, "title", "a clause", &problems);
        const char *source = get_str(c, doc, e, "source", "a clause", &problems);
        bool flags[2] = {false, false};
        static const char *const fl[] = {"mock_only", "unconfirmed"};
        for (size_t k = 0; k < 2; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, fl[k]);
            if (v && !cJSON_IsBool(v)) {
                lerr(c, doc, v, false, "\"%s\" in a clause must be a boolean, not %s", fl[k],
                     json_type_name(v));
                problems++;
            }
            flags[k] = cJSON_IsTrue(v);
        }
        check_id(c, doc, e, id, "clause", &problems);
        if (id && find_clause(set, id)) {
            lerr(c, doc, cJSON_GetObjectItemCaseSensitive(e, "id"), false,
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

/* ---- suites ---- */

typedef struct loader {
    lctx *c;
    bool have_catalog;
    const char **suite_names;
    const case_doc **suite_docs;
    const cJSON **suite_items;
    size_t n_suites;
} loader;

/* Parses a "targets" array into TGT_* bits; 0 on error (reported). */
static unsigned parse_targets(lctx *c, const case_doc *doc, const cJSON *obj, const char *what,
                              int *problems)
{
    const cJSON *v = get_str_array(c, doc, obj, "targets", what, true, problems);
    if (!v)
        return cJSON_GetObjectItemCaseSensitive(obj, "targets") ? 0 : TGT_ALL;
    unsigned bits = 0;
    for (const cJSON *e = v->child; e; e = e->next) {
        unsigned b = target_bit(e->valuestring);
        if (!b) {
            lerr(c, doc, e, false, "unknown target \"%s\" (expected mock, playground or url)",
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

/* Parses a "markets" array into a list of markets (set-owned); n = 0 means every market. */
static const case_market **parse_markets(lctx *c, const case_doc *doc, const cJSON *obj,
                                         const char *what, size_t *n, int *problems)
{
    case_set *set = c->set;
    *n = 0;
    const cJSON *v = get_str_array(c, doc, obj, "markets", what, true, problems);
    if (!v)
        return NULL;
    const case_market **list = set_alloc(set, (size_t)cJSON_GetArraySize(v) * sizeof *list);
    if (!list)
        return NULL;
    for (const cJSON *e = v->child; e; e = e->next) {
        const case_market *m = set_market(set, e->valuestring);
        if (!m) {
            lerr(c, doc, e, false, "unknown market \"%s\": no fixtures/%s/ folder", e->valuestring,
                 e->valuestring);
            (*problems)++;
            continue;
        }
        market_push(list, n, m);
    }
    return list;
}

static void check_clause_ids(loader *L, const case_doc *doc, const cJSON *arr)
{
    if (!arr || !L->have_catalog)
        return;
    for (const cJSON *e = arr->child; e; e = e->next)
        if (!find_clause(L->c->set, e->valuestring))
            lerr(L->c, doc, e, false, "unknown clause \"%s\": not in contract.json",
                 e->valuestring);
}

static const char *admin_what(const char *action)
{
    if (strcmp(action, "clock_advance") == 0)
        return "advances the mock clock";
    if (strcmp(action, "clock_set") == 0)
        return "sets the mock clock";
    if (strcmp(action, "complete_session") == 0)
        return "completes a session through the admin API";
    return "arms a fault";
}

static bool rfc3339_utc(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SSZ */
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    return true;
}

static int check_fault(lctx *c, const case_doc *doc, const cJSON *f, const var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(f)) {
        lerr(c, doc, f, false, "\"fault\" must be an object, not %s", json_type_name(f));
        return 1;
    }
    static const char *const keys[] = {"kind", "times",        "method",   "path",    "status",
                                       "body", "content_type", "delay_ms", "hang_ms", "retry_after",
                                       NULL};
    static const char *const req[] = {"kind", NULL};
    problems += check_keys(c, doc, f, "a fault", keys, req);
    const char *kind = get_str(c, doc, f, "kind", "a fault", &problems);
    static const char *const kinds[] = {"status",   "delay",      "reset", "hang",
                                        "truncate", "rate_limit", NULL};
    if (kind) {
        if (!name_in(kind, kinds)) {
            lerr(c, doc, cJSON_GetObjectItemCaseSensitive(f, "kind"), false,
                 "unknown fault kind \"%s\" (expected status, delay, reset, hang, truncate or "
                 "rate_limit)",
                 kind);
            problems++;
        }
    }
    static const char *const ints[] = {"times", "status", "delay_ms", "hang_ms", "retry_after"};
    for (size_t i = 0; i < 5; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, ints[i]);
        if (v && !json_whole(v, 0, 1e9)) {
            lerr(c, doc, v, false, "\"%s\" in a fault must be a non-negative integer", ints[i]);
            problems++;
        }
    }
    get_str(c, doc, f, "method", "a fault", &problems);
    get_str(c, doc, f, "body", "a fault", &problems);
    get_str(c, doc, f, "content_type", "a fault", &problems);
    const char *path = get_str(c, doc, f, "path", "a fault", &problems);
    if (path && path[0] != '/') {
        lerr(c, doc, cJSON_GetObjectItemCaseSensitive(f, "path"), false,
             "\"path\" in a fault must start with /");
        problems++;
    }
    problems += vars_check(c, doc, f, true, scope);
    return problems;
}

static int check_admin(lctx *c, const case_doc *doc, case_step_def *st, const var_scope *scope)
{
    int problems = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(st->json, "admin");
    if (!cJSON_IsObject(a)) {
        lerr(c, doc, a, false, "\"admin\" must be an object, not %s", json_type_name(a));
        return 1;
    }
    static const char *const keys[] = {"clock_advance", "clock_set", "complete_session", "fault",
                                       NULL};
    problems += check_keys(c, doc, a, "an admin step", keys, NULL);
    if (problems)
        return problems;
    if (!a->child || a->child->next) {
        lerr(c, doc, a, false,
             "an admin step needs exactly one of clock_advance, clock_set, complete_session, "
             "fault");
        return problems + 1;
    }
    const cJSON *v = a->child;
    st->admin_action = v;
    st->admin_what = admin_what(v->string);
    if (strcmp(v->string, "clock_advance") == 0) {
        if (!json_whole(v, 0, (double)CASE_MAX_CLOCK_ADVANCE)) {
            lerr(c, doc, v, false,
                 "\"clock_advance\" must be a whole number of seconds from 0 to %ld",
                 CASE_MAX_CLOCK_ADVANCE);
            problems++;
        }
    } else if (strcmp(v->string, "clock_set") == 0) {
        if (!cJSON_IsString(v) || !rfc3339_utc(v->valuestring)) {
            lerr(c, doc, v, false,
                 "\"clock_set\" must be an RFC 3339 UTC time like \"2030-01-01T00:00:00Z\"");
            problems++;
        }
    } else if (strcmp(v->string, "complete_session") == 0) {
        if (!cJSON_IsString(v) || !v->valuestring[0]) {
            lerr(c, doc, v, false, "\"complete_session\" must be a session id (a string)");
            problems++;
        } else {
            problems += vars_check(c, doc, v, false, scope);
        }
    } else {
        problems += check_fault(c, doc, v, scope);
    }
    return problems;
}

static const char *const METHODS[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", NULL};

static int check_request(lctx *c, const case_doc *doc, const cJSON *rq, const var_scope *scope,
                         bool *json_body)
{
    int problems = 0;
    *json_body = false;
    if (!cJSON_IsObject(rq)) {
        lerr(c, doc, rq, false, "\"request\" must be an object, not %s", json_type_name(rq));
        return 1;
    }
    static const char *const keys[] = {"method", "path", "headers", "auth", "body", NULL};
    static const char *const req[] = {"method", "path", NULL};
    problems += check_keys(c, doc, rq, "a request", keys, req);
    const char *method = get_str(c, doc, rq, "method", "a request", &problems);
    if (method) {
        if (!name_in(method, METHODS)) {
            lerr(c, doc, cJSON_GetObjectItemCaseSensitive(rq, "method"), false,
                 "unknown method \"%s\" (expected GET, POST, PUT, PATCH, DELETE or HEAD)", method);
            problems++;
        }
    }
    const char *path = get_str(c, doc, rq, "path", "a request", &problems);
    if (path) {
        const cJSON *pv = cJSON_GetObjectItemCaseSensitive(rq, "path");
        if (path[0] != '/') {
            lerr(c, doc, pv, false, "\"path\" must start with /");
            problems++;
        }
        problems += vars_check(c, doc, pv, false, scope);
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(rq, "headers");
    if (h && !cJSON_IsObject(h)) {
        lerr(c, doc, h, false, "\"headers\" must be an object of strings, not %s",
             json_type_name(h));
        problems++;
    } else if (h) {
        for (const cJSON *e = h->child; e; e = e->next) {
            if (!matches_charset(e->string,
                                 "!#$%&'*+-.^_`|~0123456789"
                                 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
                lerr(c, doc, e, true, "\"%s\" is not a valid header name", e->string);
                problems++;
            }
            if (!cJSON_IsString(e)) {
                lerr(c, doc, e, false, "header \"%s\" must be a string, not %s", e->string,
                     json_type_name(e));
                problems++;
            } else if (strpbrk(e->valuestring, "\r\n")) {
                lerr(c, doc, e, false, "header \"%s\" must not contain line breaks", e->string);
                problems++;
            } else {
                problems += vars_check(c, doc, e, false, scope);
            }
        }
    }
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(rq, "auth");
    if (auth) {
        if (cJSON_IsString(auth)) {
            if (strcmp(auth->valuestring, "default") != 0 && strcmp(auth->valuestring, "none")) {
                lerr(c, doc, auth, false,
                     "\"auth\" must be \"default\", \"none\" or {\"username\": ..., "
                     "\"password\": ...}");
                problems++;
            }
        } else if (cJSON_IsObject(auth)) {
            static const char *const ak[] = {"username", "password", NULL};
            static const char *const none[] = {NULL};
            problems += check_keys(c, doc, auth, "auth", ak, none);
            if (!auth->child) {
                lerr(c, doc, auth, false,
                     "\"auth\" needs \"username\", \"password\" or both (a member left out "
                     "keeps the run's own)");
                problems++;
            }
            get_str(c, doc, auth, "username", "auth", &problems);
            get_str(c, doc, auth, "password", "auth", &problems);
            problems += vars_check(c, doc, auth, true, scope);
        } else {
            lerr(c, doc, auth, false,
                 "\"auth\" must be \"default\", \"none\" or {\"username\": ..., \"password\": "
                 "...}, not %s",
                 json_type_name(auth));
            problems++;
        }
    }
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(rq, "body");
    if (body)
        problems += body_check(c, doc, body, scope, json_body);
    return problems;
}

/* Adds a capture name to the list (set-owned array grown as needed). */
typedef struct names {
    const char **items;
    size_t count, cap;
} names;

static void names_add(names *n, const char *s)
{
    for (size_t i = 0; i < n->count; i++)
        if (strcmp(n->items[i], s) == 0)
            return;
    if (n->count == n->cap) {
        size_t cap = n->cap ? 2 * n->cap : 8;
        const char **x = realloc(n->items, cap * sizeof *x);
        if (!x)
            return;
        n->items = x;
        n->cap = cap;
    }
    n->items[n->count++] = s;
}

static int check_capture(lctx *c, const case_doc *doc, const cJSON *cap)
{
    int problems = 0;
    if (!cJSON_IsObject(cap)) {
        lerr(c, doc, cap, false,
             "\"capture\" must be an object of variable name -> JSON Pointer, not %s",
             json_type_name(cap));
        return 1;
    }
    for (const cJSON *e = cap->child; e; e = e->next) {
        if (!vars_valid_name(e->string)) {
            lerr(c, doc, e, true,
                 "\"%s\" cannot be a variable name ([A-Za-z_][A-Za-z0-9_]*, at most %d bytes, "
                 "not uuid, base_url, market or env)",
                 e->string, CASE_MAX_CAPTURE_NAME);
            problems++;
        }
        if (!cJSON_IsString(e) || !pointer_valid(e->valuestring)) {
            lerr(c, doc, e, false, "capture \"%s\" must be a JSON Pointer (\"\" or \"/...\")",
                 e->string);
            problems++;
        }
    }
    return problems;
}

/* Validates a case and fills def; returns the number of problems. */
static int check_case(loader *L, const case_doc *doc, const cJSON *cj, const char *suite,
                      case_def **out)
{
    lctx *c = L->c;
    case_set *set = c->set;
    int problems = 0;
    names captured = {0};
    case_def *def = NULL;
    if (!cJSON_IsObject(cj)) {
        lerr(c, doc, cj, false, "a case must be an object, not %s", json_type_name(cj));
        return 1;
    }
    static const char *const keys[] = {"id",      "title", "tags",     "clauses", "markets",
                                       "targets", "steps", "variants", NULL};
    static const char *const req[] = {"id", "title", "clauses", "steps", NULL};
    problems += check_keys(c, doc, cj, "a case", keys, req);
    const char *id = get_str(c, doc, cj, "id", "a case", &problems);
    const char *title = get_str(c, doc, cj, "title", "a case", &problems);
    check_id(c, doc, cj, id, "case", &problems);
    get_str_array(c, doc, cj, "tags", "a case", false, &problems);
    const cJSON *clauses = get_str_array(c, doc, cj, "clauses", "a case", false, &problems);
    check_clause_ids(L, doc, clauses);
    size_t n_markets = 0;
    const case_market **markets = parse_markets(c, doc, cj, "a case", &n_markets, &problems);
    parse_targets(c, doc, cj, "a case", &problems);
    var_scope scope = {NULL, 0, markets, n_markets};
    const case_market **all = set_alloc(set, (set->n_markets + 1) * sizeof *all);
    if (!all)
        goto out;
    for (size_t i = 0; i < set->n_markets; i++)
        all[i] = &set->markets[i];
    if (!cJSON_GetObjectItemCaseSensitive(cj, "markets")) {
        scope.markets = all;
        scope.n_markets = set->n_markets;
    } else if (markets) {
        /* a variant's markets are added to the case's: its steps run in all of them */
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(cj, "variants");
        size_t extra = 0;
        for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next)
            extra += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(v, "markets"));
        const case_market **wide = set_alloc(set, (n_markets + extra + 1) * sizeof *wide);
        if (!wide)
            goto out;
        memcpy(wide, markets, n_markets * sizeof *wide);
        size_t nw = n_markets;
        for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next) {
            const cJSON *vm = cJSON_GetObjectItemCaseSensitive(v, "markets");
            for (const cJSON *e = cJSON_IsArray(vm) ? vm->child : NULL; e; e = e->next)
                market_push(wide, &nw, set_market(set, cJSON_GetStringValue(e)));
        }
        scope.markets = wide;
        scope.n_markets = nw;
    }

    def = set_alloc(set, sizeof *def);
    if (!def)
        goto out;
    def->id = id;
    def->title = title;
    def->suite = suite;
    def->doc = doc;
    def->json = cj;
    def->variant_step = -1;
    def->first_admin = -1;

    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(cj, "steps");
    if (steps && (!cJSON_IsArray(steps) || !steps->child)) {
        lerr(c, doc, steps, false, "\"steps\" must be a non-empty array of steps");
        problems++;
        steps = NULL;
    }
    size_t n = steps ? (size_t)cJSON_GetArraySize(steps) : 0;
    def->steps = set_alloc(set, n * sizeof *def->steps);
    if (!def->steps)
        goto out;
    size_t *captured_before = set_alloc(set, (n + 1) * sizeof *captured_before);
    if (!captured_before)
        goto out;
    bool variant_body_json = false;
    size_t i = 0;
    for (const cJSON *sj = steps ? steps->child : NULL; sj; sj = sj->next, i++) {
        case_step_def *st = &def->steps[i];
        st->json = sj;
        st->index = i;
        captured_before[i] = captured.count;
        if (!cJSON_IsObject(sj)) {
            lerr(c, doc, sj, false, "a step must be an object, not %s", json_type_name(sj));
            problems++;
            continue;
        }
        scope.captured = captured.items;
        scope.n_captured = captured.count;
        const char *name = NULL;
        if (cJSON_GetObjectItemCaseSensitive(sj, "admin")) {
            static const char *const ak[] = {"name", "admin", NULL};
            problems += check_keys(c, doc, sj, "an admin step", ak, NULL);
            name = get_str(c, doc, sj, "name", "a step", &problems);
            st->admin = true;
            problems += check_admin(c, doc, st, &scope);
            if (def->first_admin < 0)
                def->first_admin = (long)i;
        } else {
            static const char *const sk[] = {"name",           "request", "expect", "capture",
                                             "variant_target", "admin",   NULL};
            static const char *const sr[] = {"request", "expect", NULL};
            problems += check_keys(c, doc, sj, "a step", sk, sr);
            name = get_str(c, doc, sj, "name", "a step", &problems);
            st->request = cJSON_GetObjectItemCaseSensitive(sj, "request");
            st->expect = cJSON_GetObjectItemCaseSensitive(sj, "expect");
            st->capture = cJSON_GetObjectItemCaseSensitive(sj, "capture");
            bool json_body = false;
            if (st->request)
                problems += check_request(c, doc, st->request, &scope, &json_body);
            if (st->expect)
                problems += expect_check(c, doc, st->expect, &scope);
            const cJSON *vt = cJSON_GetObjectItemCaseSensitive(sj, "variant_target");
            if (vt && !cJSON_IsBool(vt)) {
                lerr(c, doc, vt, false, "\"variant_target\" must be a boolean, not %s",
                     json_type_name(vt));
                problems++;
            } else if (cJSON_IsTrue(vt)) {
                st->variant_target = true;
                if (def->variant_step >= 0) {
                    lerr(c, doc, vt, true,
                         "a second step marked variant_target (the first is step %ld)",
                         def->variant_step + 1);
                    problems++;
                } else {
                    def->variant_step = (long)i;
                    variant_body_json = json_body;
                }
            }
            if (st->capture) {
                int cp = check_capture(c, doc, st->capture);
                problems += cp;
                if (!cp)
                    for (const cJSON *e = st->capture->child; e; e = e->next)
                        names_add(&captured, e->string);
            }
        }
        st->name = name ? name : set_printf(set, "step %zu", i + 1);
    }
    def->n_steps = n;

    const cJSON *variants = cJSON_GetObjectItemCaseSensitive(cj, "variants");
    if (variants) {
        if (!cJSON_IsArray(variants) || !variants->child) {
            lerr(c, doc, variants, false, "\"variants\" must be a non-empty array of variants");
            problems++;
        } else if (def->variant_step < 0 && steps) {
            lerr(c, doc, variants, true,
                 "a case with variants needs exactly one step marked \"variant_target\": true");
            problems++;
        } else if (steps) {
            const case_step_def *vst = &def->steps[def->variant_step];
            static const char *const vk[] = {"id",      "title",   "patch", "expect", "clauses",
                                             "markets", "targets", "tags",  NULL};
            static const char *const vr[] = {"id", NULL};
            for (const cJSON *v = variants->child; v; v = v->next) {
                if (!cJSON_IsObject(v)) {
                    lerr(c, doc, v, false, "a variant must be an object, not %s",
                         json_type_name(v));
                    problems++;
                    continue;
                }
                problems += check_keys(c, doc, v, "a variant", vk, vr);
                const char *vid = get_str(c, doc, v, "id", "a variant", &problems);
                get_str(c, doc, v, "title", "a variant", &problems);
                check_id(c, doc, v, vid, "variant", &problems);
                get_str_array(c, doc, v, "tags", "a variant", false, &problems);
                const cJSON *vc =
                    get_str_array(c, doc, v, "clauses", "a variant", false, &problems);
                check_clause_ids(L, doc, vc);
                parse_targets(c, doc, v, "a variant", &problems);
                size_t vn = 0;
                const case_market **vm = parse_markets(c, doc, v, "a variant", &vn, &problems);
                var_scope vscope = scope;
                vscope.captured = captured.items;
                vscope.n_captured = captured_before[def->variant_step];
                if (cJSON_GetObjectItemCaseSensitive(v, "markets") && markets) {
                    /* the case's markets plus the variant's */
                    const case_market **both = set_alloc(set, (n_markets + vn + 1) * sizeof *both);
                    if (!both)
                        goto out;
                    memcpy(both, markets, n_markets * sizeof *both);
                    size_t nb = n_markets;
                    for (size_t k = 0; k < vn; k++)
                        market_push(both, &nb, vm[k]);
                    vscope.markets = both;
                    vscope.n_markets = nb;
                }
                const cJSON *ve = cJSON_GetObjectItemCaseSensitive(v, "expect");
                if (ve)
                    problems += expect_check(c, doc, ve, &vscope);
                const cJSON *vp = cJSON_GetObjectItemCaseSensitive(v, "patch");
                if (vp) {
                    const cJSON *body = vst->request
                                            ? cJSON_GetObjectItemCaseSensitive(vst->request, "body")
                                            : NULL;
                    if (!variant_body_json) {
                        lerr(c, doc, vp, true,
                             "a variant patch needs a JSON body (inline or fixture) in the "
                             "variant_target step");
                        problems++;
                    } else {
                        int pp = patch_check(c, doc, vp, &vscope);
                        problems += pp;
                        if (!pp && !problems)
                            problems += body_trial_variant(c, doc, body, vp, &vscope);
                    }
                }
            }
        }
    } else if (def->variant_step >= 0) {
        lerr(c, doc,
             cJSON_GetObjectItemCaseSensitive(def->steps[def->variant_step].json, "variant_target"),
             true, "\"variant_target\" is set but the case has no variants");
        problems++;
    }
out:
    free(captured.items);
    if (!problems && def && id && title)
        *out = def;
    return problems;
}

static void load_suite(loader *L, const case_doc *doc)
{
    lctx *c = L->c;
    case_set *set = c->set;
    const cJSON *root = doc->root;
    int problems = 0;
    if (!cJSON_IsObject(root)) {
        lerr(c, doc, root, false, "a suite file must be an object, not %s", json_type_name(root));
        return;
    }
    static const char *const keys[] = {"suite", "title", "cases", NULL};
    problems += check_keys(c, doc, root, "a suite", keys, keys);
    const char *suite = get_str(c, doc, root, "suite", "a suite", &problems);
    get_str(c, doc, root, "title", "a suite", &problems);
    if (suite) {
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root, "suite");
        if (!matches_charset(suite, LOWER_ID)) {
            lerr(c, doc, sv, false, "suite name \"%s\" must match [a-z0-9_]+", suite);
        } else {
            for (size_t i = 0; i < L->n_suites; i++)
                if (strcmp(L->suite_names[i], suite) == 0) {
                    int line, col;
                    jsonpos_value(L->suite_docs[i]->pos, L->suite_items[i], &line, &col);
                    lerr(c, doc, sv, false, "duplicate suite name \"%s\" (first in %s:%d:%d)",
                         suite, L->suite_docs[i]->path, line, col);
                    break;
                }
            L->suite_names[L->n_suites] = suite;
            L->suite_docs[L->n_suites] = doc;
            L->suite_items[L->n_suites] = sv;
            L->n_suites++;
        }
    }
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    if (!cases)
        return;
    if (!cJSON_IsArray(cases) || !cases->child) {
        lerr(c, doc, cases, false, "\"cases\" must be a non-empty array of cases");
        return;
    }
    for (const cJSON *cj = cases->child; cj; cj = cj->next) {
        case_def *def = NULL;
        check_case(L, doc, cj, suite ? suite : "", &def);
        if (!def)
            continue;
        case_def **n = realloc(set->cases, (set->n_cases + 1) * sizeof *n);
        if (!n)
            return;
        set->cases = n;
        set->cases[set->n_cases++] = def;
    }
}

/* Collects suite file paths under dir in sorted order. */
static void collect_suites(lctx *c, const char *dir, int depth, bool top, char ***paths, size_t *n)
{
    char **names = NULL;
    long k = list_dir(dir, &names);
    if (k < 0) {
        ferr(c, dir, 1, 1, "cannot read folder: %s", strerror(errno));
        return;
    }
    for (long i = 0; i < k; i++) {
        if (top && (strcmp(names[i], "fixtures") == 0 || strcmp(names[i], "contract.json") == 0))
            continue;
        char *p = join_path(dir, names[i]);
        if (!p)
            continue;
        if (is_dir(p)) {
            if (depth >= CASE_MAX_DIR_DEPTH)
                ferr(c, p, 1, 1, "folders nested deeper than %d levels", CASE_MAX_DIR_DEPTH);
            else
                collect_suites(c, p, depth + 1, false, paths, n);
            free(p);
        } else if (ends_with(names[i], ".json") && is_file(p)) {
            char **x = realloc(*paths, (*n + 1) * sizeof *x);
            if (!x) {
                free(p);
                continue;
            }
            *paths = x;
            (*paths)[(*n)++] = p;
        } else {
            free(p);
        }
    }
    free_names(names, k);
}

static size_t count_json_files(const char *dir, int depth)
{
    char **names = NULL;
    long k = list_dir(dir, &names);
    size_t n = 0;
    for (long i = 0; i < k; i++) {
        char *p = join_path(dir, names[i]);
        if (!p)
            continue;
        if (is_dir(p) && depth < CASE_MAX_DIR_DEPTH)
            n += count_json_files(p, depth + 1);
        else if (ends_with(names[i], ".json"))
            n++;
        free(p);
    }
    free_names(names, k);
    return n;
}

/* ---- the entry points ---- */

void case_set_free(case_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_docs; i++)
        doc_free_contents(&set->docs[i]);
    free(set->docs);
    for (size_t i = 0; i < set->n_owned; i++)
        free(set->owned[i]);
    free(set->owned);
    free(set->cases);
    for (int s = 0; s < SIT_COUNT; s++)
        free(set->tests[s]);
    free(set);
}

int case_set_load(const char *dir, case_set **out, case_diags *diags)
{
    int rc = -1;
    case_set *set = calloc(1, sizeof *set);
    char **paths = NULL;
    size_t n_paths = 0;
    lctx c = {set, diags, diags->count, false};
    loader L = {&c, false, NULL, NULL, NULL, 0};
    if (!set) {
        diag_push(&c, dir, 1, 1, "out of memory");
        return -1;
    }
    struct stat dir_st;
    bool found = stat(dir, &dir_st) == 0;
    if (!found || !S_ISDIR(dir_st.st_mode)) {
        /* errno is only meaningful when stat itself failed */
        ferr(&c, dir, 1, 1, "not a folder: %s", strerror(found ? ENOTDIR : errno));
        goto out;
    }
    /* load_doc appends to set->docs and callers keep pointers: reserve every slot now */
    set->cap_docs = count_json_files(dir, 0) + 1;
    set->docs = calloc(set->cap_docs, sizeof *set->docs);
    if (!set->docs)
        goto out;
    load_fixtures(&c, dir);
    load_contract(&c, dir, &L.have_catalog);
    collect_suites(&c, dir, 0, true, &paths, &n_paths);
    if (n_paths == 0 && !c.full)
        ferr(&c, dir, 1, 1, "no suite files (*.json outside fixtures/) in this folder");
    L.suite_names = calloc(n_paths + 1, sizeof *L.suite_names);
    L.suite_docs = calloc(n_paths + 1, sizeof *L.suite_docs);
    L.suite_items = calloc(n_paths + 1, sizeof *L.suite_items);
    if (!L.suite_names || !L.suite_docs || !L.suite_items)
        goto out;
    for (size_t i = 0; i < n_paths && !c.full; i++) {
        const case_doc *doc = load_doc(&c, paths[i]);
        if (doc)
            load_suite(&L, doc);
    }
    if (set_expand(&c) != 0)
        goto oom;
    if (diags->count == 0)
        rc = 0;
    goto out;
oom:
    diag_push(&c, dir, 1, 1, "out of memory");
out:
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    free(L.suite_names);
    free(L.suite_docs);
    free(L.suite_items);
    if (rc == 0) {
        /* positions are only needed for diagnostics */
        for (size_t i = 0; i < set->n_docs; i++) {
            jsonpos_free(set->docs[i].pos);
            set->docs[i].pos = NULL;
        }
        *out = set;
    } else {
        case_set_free(set);
    }
    return rc;
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
