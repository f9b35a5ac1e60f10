/* result_read: results.json and coverage.json back into a run_report, every member
 * checked, so a broken or foreign file is refused with the member that is wrong. */
#include "result_read.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coverage.h"
#include "kbuf.h"
#include "kfile.h"

/* Member paths such as "tests[12].retries[3].message" are built from our own keys and
 * indices, so they have a known bound. */
#define WHERE_MAX 128

/* One file being read: its name for messages and the caller's error buffer. */
typedef struct reader {
    const char *file; /* "results.json" or "coverage.json" */
    char *err;
    size_t errlen;
} reader;

__attribute__((format(printf, 2, 3))) static int fail(reader *r, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "%s: %s", r->file, what);
    return -1;
}

/* A path cut at WHERE_MAX still names the member well enough for a message. */
static void member(char *out, const char *where, const char *key)
{
    if (snprintf(out, WHERE_MAX, "%s%s%s", where, *where ? "." : "", key) >= WHERE_MAX)
        out[WHERE_MAX - 1] = '\0';
}

static void element(char *out, const char *where, size_t i)
{
    if (snprintf(out, WHERE_MAX, "%s[%zu]", where, i) >= WHERE_MAX)
        out[WHERE_MAX - 1] = '\0';
}

static bool deeper_than(const cJSON *item, int levels)
{
    if (levels < 0)
        return true;
    for (const cJSON *c = item->child; c; c = c->next)
        if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && deeper_than(c, levels - 1))
            return true;
    return false;
}

/* Reads and parses path; returns the document, NULL with the reason in r otherwise. */
static cJSON *load(reader *r, const char *path)
{
    char why[512];
    size_t len = 0;
    char *text = kfile_read(path, RESULT_READ_MAX_BYTES, &len, why, sizeof why);
    if (!text) {
        snprintf(r->err, r->errlen, "%s", why);
        return NULL;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
    while (doc && end && end < text + len && strchr(" \t\r\n", *end))
        end++;
    if (!doc || end != text + len)
        fail(r, "not JSON (at byte %zu)", end ? (size_t)(end - text) : (size_t)0);
    else if (!cJSON_IsObject(doc))
        fail(r, "not a JSON object");
    else if (deeper_than(doc, RESULT_READ_MAX_DEPTH - 1))
        fail(r, "nested deeper than %d levels", RESULT_READ_MAX_DEPTH);
    else {
        free(text);
        return doc;
    }
    cJSON_Delete(doc);
    free(text);
    return NULL;
}

/* ---- members, each checked for its type ---- */

static const cJSON *get(reader *r, const cJSON *obj, const char *where, const char *key)
{
    char at[WHERE_MAX];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        member(at, where, key);
        fail(r, "%s is missing", at);
    }
    return v;
}

static const cJSON *get_typed(reader *r, const cJSON *obj, const char *where, const char *key,
                              cJSON_bool (*is)(const cJSON *), const char *type)
{
    char at[WHERE_MAX];
    const cJSON *v = get(r, obj, where, key);
    if (v && !is(v)) {
        member(at, where, key);
        fail(r, "%s is not %s", at, type);
        return NULL;
    }
    return v;
}

static const cJSON *get_array(reader *r, const cJSON *obj, const char *where, const char *key)
{
    return get_typed(r, obj, where, key, cJSON_IsArray, "an array");
}

static const cJSON *get_object(reader *r, const cJSON *obj, const char *where, const char *key)
{
    return get_typed(r, obj, where, key, cJSON_IsObject, "an object");
}

/* A string, or null (which the writers use for a NULL string): *out is a copy or NULL. */
static int get_string_or_null(reader *r, const cJSON *obj, const char *where, const char *key,
                              char **out)
{
    char at[WHERE_MAX];
    const cJSON *v = get(r, obj, where, key);
    if (!v)
        return -1;
    if (cJSON_IsNull(v)) {
        *out = NULL;
        return 0;
    }
    member(at, where, key);
    if (!cJSON_IsString(v))
        return fail(r, "%s is not a string", at);
    if (!(*out = strdup(v->valuestring)))
        return fail(r, "out of memory reading %s", at);
    return 0;
}

/* A member added to kpct-results/1 later: absent reads as NULL. */
static int get_optional(reader *r, const cJSON *obj, const char *where, const char *key, char **out)
{
    if (!cJSON_GetObjectItemCaseSensitive(obj, key)) {
        *out = NULL;
        return 0;
    }
    return get_string_or_null(r, obj, where, key, out);
}

static const char *get_string(reader *r, const cJSON *obj, const char *where, const char *key)
{
    const cJSON *v = get_typed(r, obj, where, key, cJSON_IsString, "a string");
    return v ? v->valuestring : NULL;
}

static int get_number(reader *r, const cJSON *obj, const char *where, const char *key, double *out)
{
    const cJSON *v = get_typed(r, obj, where, key, cJSON_IsNumber, "a number");
    if (!v)
        return -1;
    *out = v->valuedouble;
    return 0;
}

/* A whole number in [lo, hi]. */
static int get_whole(reader *r, const cJSON *obj, const char *where, const char *key, double lo,
                     double hi, double *out)
{
    char at[WHERE_MAX];
    if (get_number(r, obj, where, key, out) < 0)
        return -1;
    /* the range first, so the cast below is defined */
    if (!(*out >= lo && *out <= hi) || (double)(long long)*out != *out) {
        member(at, where, key);
        return fail(r, "%s is not a whole number from %.0f to %.0f", at, lo, hi);
    }
    return 0;
}

/* An optional whole number in [lo, hi]: absent gives -1. */
static int get_optional_whole(reader *r, const cJSON *obj, const char *where, const char *key,
                              double lo, double hi, long *out)
{
    double v;
    if (!cJSON_GetObjectItemCaseSensitive(obj, key)) {
        *out = -1;
        return 0;
    }
    if (get_whole(r, obj, where, key, lo, hi, &v) < 0)
        return -1;
    *out = (long)v;
    return 0;
}

static int get_bool(reader *r, const cJSON *obj, const char *where, const char *key, bool *out)
{
    const cJSON *v = get_typed(r, obj, where, key, cJSON_IsBool, "true or false");
    if (!v)
        return -1;
    *out = cJSON_IsTrue(v);
    return 0;
}

static int get_strings(reader *r, const cJSON *obj, const char *where, const char *key, char ***out,
                       size_t *n)
{
    char at[WHERE_MAX], el[WHERE_MAX];
    const cJSON *a = get_array(r, obj, where, key);
    if (!a)
        return -1;
    member(at, where, key);
    size_t count = (size_t)cJSON_GetArraySize(a), i = 0;
    *out = NULL;
    *n = 0;
    if (count == 0)
        return 0;
    if (!(*out = calloc(count, sizeof **out)))
        return fail(r, "out of memory reading %s", at);
    for (const cJSON *s = a->child; s; s = s->next, i++) {
        element(el, at, i);
        if (!cJSON_IsString(s))
            return fail(r, "%s is not a string", el);
        if (!((*out)[i] = strdup(s->valuestring)))
            return fail(r, "out of memory reading %s", el);
        *n = i + 1;
    }
    return 0;
}

static int get_status(reader *r, const cJSON *obj, const char *where, result_status *out)
{
    char at[WHERE_MAX];
    const char *name = get_string(r, obj, where, "status");
    if (!name)
        return -1;
    for (int s = RESULT_PASS; s < RESULT_STATUS_COUNT; s++)
        if (!strcmp(name, result_status_name((result_status)s))) {
            *out = (result_status)s;
            return 0;
        }
    member(at, where, "status");
    return fail(r, "%s is \"%s\", not passed, failed, errored, skipped or reading-differs", at,
                name);
}

/* ---- results.json ---- */

static int read_steps(reader *r, const cJSON *a, const char *where, test_result *t)
{
    char at[WHERE_MAX];
    size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
    if (n && !(t->steps = calloc(n, sizeof *t->steps)))
        return fail(r, "out of memory reading %s", where);
    for (const cJSON *o = a->child; o; o = o->next, i++) {
        result_step *st = &t->steps[i];
        double status;
        element(at, where, i);
        t->n_steps = i + 1;
        if (!cJSON_IsObject(o))
            return fail(r, "%s is not an object", at);
        if (get_string_or_null(r, o, at, "name", &st->name) < 0 ||
            get_string_or_null(r, o, at, "method", &st->method) < 0 ||
            get_string_or_null(r, o, at, "url", &st->url) < 0 ||
            get_whole(r, o, at, "status", 0, 999, &status) < 0 ||
            get_number(r, o, at, "seconds", &st->seconds) < 0 ||
            get_optional(r, o, at, "content_type", &st->content_type) < 0 ||
            get_optional(r, o, at, "body", &st->body) < 0)
            return -1;
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(o, "correlation_id");
        if (cid && get_bool(r, o, at, "correlation_id", &st->correlation_id) < 0)
            return -1;
        st->status = (long)status;
    }
    return 0;
}

static int read_retries(reader *r, const cJSON *a, const char *where, test_result *t)
{
    char at[WHERE_MAX];
    size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
    if (n && !(t->retries = calloc(n, sizeof *t->retries)))
        return fail(r, "out of memory reading %s", where);
    for (const cJSON *o = a->child; o; o = o->next, i++) {
        result_attempt *attempt = &t->retries[i];
        element(at, where, i);
        t->n_retries = i + 1;
        if (!cJSON_IsObject(o))
            return fail(r, "%s is not an object", at);
        if (get_status(r, o, at, &attempt->status) < 0 ||
            get_string_or_null(r, o, at, "message", &attempt->message) < 0 ||
            get_string_or_null(r, o, at, "detail", &attempt->detail) < 0)
            return -1;
    }
    return 0;
}

static int read_test(reader *r, const cJSON *o, const char *at, test_result *t)
{
    char where[WHERE_MAX];
    double line;
    bool flaky;
    if (!cJSON_IsObject(o))
        return fail(r, "%s is not an object", at);
    if (get_string_or_null(r, o, at, "suite", &t->suite) < 0 ||
        get_string_or_null(r, o, at, "id", &t->id) < 0 ||
        get_string_or_null(r, o, at, "market", &t->market) < 0 ||
        get_string_or_null(r, o, at, "title", &t->title) < 0 ||
        get_string_or_null(r, o, at, "file", &t->file) < 0 ||
        get_whole(r, o, at, "line", INT_MIN, INT_MAX, &line) < 0 ||
        get_strings(r, o, at, "clauses", &t->clauses, &t->n_clauses) < 0 ||
        get_strings(r, o, at, "tags", &t->tags, &t->n_tags) < 0 ||
        get_status(r, o, at, &t->status) < 0 || get_number(r, o, at, "seconds", &t->seconds) < 0 ||
        get_string_or_null(r, o, at, "message", &t->message) < 0 ||
        get_string_or_null(r, o, at, "detail", &t->detail) < 0 ||
        get_bool(r, o, at, "flaky", &flaky) < 0 || get_optional(r, o, at, "patch", &t->patch) < 0)
        return -1;
    t->line = (int)line;
    if (get_optional_whole(r, o, at, "plan_index", 0, 1e15, &t->plan_index) < 0)
        return -1;
    const cJSON *retries = get_array(r, o, at, "retries"), *steps;
    if (!retries)
        return -1;
    member(where, at, "retries");
    if (read_retries(r, retries, where, t) < 0 || !(steps = get_array(r, o, at, "steps")))
        return -1;
    member(where, at, "steps");
    if (read_steps(r, steps, where, t) < 0)
        return -1;
    /* flaky is derived when written: a file that disagrees was not written by kpct */
    if (flaky != result_flaky(t))
        return fail(r, "%s.flaky is %s but the test %s", at, flaky ? "true" : "false",
                    flaky ? "is not flaky" : "passed only after retries");
    return 0;
}

/* The summary repeats counts of the tests: a file whose summary disagrees was edited. */
static int check_summary(reader *r, const cJSON *doc, const run_report *run)
{
    size_t by_status[RESULT_STATUS_COUNT], flaky;
    const cJSON *summary = get_object(r, doc, "", "summary");
    if (!summary)
        return -1;
    run_report_tally(run, by_status, &flaky);
    const struct {
        const char *key;
        size_t want;
    } counts[] = {{"tests", run->count},
                  {"passed", by_status[RESULT_PASS]},
                  {"failed", by_status[RESULT_FAIL]},
                  {"errored", by_status[RESULT_ERROR]},
                  {"skipped", by_status[RESULT_SKIP]},
                  {"flaky", flaky}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        double v;
        if (get_number(r, summary, "summary", counts[i].key, &v) < 0)
            return -1;
        if (v != (double)counts[i].want)
            return fail(r, "summary.%s is %g but the tests say %zu", counts[i].key, v,
                        counts[i].want);
    }
    /* additive: written only by a run that has such tests */
    double differs = 0;
    if (cJSON_GetObjectItemCaseSensitive(summary, "reading_differs") &&
        get_number(r, summary, "summary", "reading_differs", &differs) < 0)
        return -1;
    if (differs != (double)by_status[RESULT_READING_DIFFERS])
        return fail(r, "summary.reading_differs is %g but the tests say %zu", differs,
                    by_status[RESULT_READING_DIFFERS]);
    return 0;
}

static int read_seed(reader *r, const cJSON *doc, uint64_t *out)
{
    const char *s = get_string(r, doc, "", "seed");
    if (!s)
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *s < '0' || *s > '9' || *end || errno == ERANGE)
        return fail(r, "seed \"%s\" is not a decimal number below 2^64", s);
    *out = (uint64_t)v;
    return 0;
}

/* An optional string member: absent leaves *out NULL. */
static int get_optional_string(reader *r, const cJSON *obj, const char *key, char **out)
{
    if (!cJSON_GetObjectItemCaseSensitive(obj, key))
        return 0;
    const char *s = get_string(r, obj, "", key);
    if (!s)
        return -1;
    if (!(*out = strdup(s)))
        return fail(r, "out of memory reading %s", key);
    return 0;
}

/* The members kpct added to kpct-results/1 later for merge (cases_commit, shard):
 * each optional, so results of an earlier kpct still read. */
static int read_provenance(reader *r, const cJSON *doc, run_report *run)
{
    if (get_optional_string(r, doc, "cases_commit", &run->cases_commit) < 0)
        return -1;
    if (!cJSON_GetObjectItemCaseSensitive(doc, "shard"))
        return 0;
    const cJSON *shard = get_object(r, doc, "", "shard");
    double k, n;
    if (!shard || get_whole(r, shard, "shard", "k", 1, 1000, &k) < 0 ||
        get_whole(r, shard, "shard", "n", 1, 1000, &n) < 0)
        return -1;
    if (k > n)
        return fail(r, "shard.k is %.0f, above shard.n %.0f", k, n);
    run->shard_k = (unsigned)k;
    run->shard_n = (unsigned)n;
    return 0;
}

/* Members added after the first schema: absent in older files, checked when present. */
static int read_optional(reader *r, const cJSON *doc, run_report *run)
{
    double jobs, retries;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "settings"), *rate;
    if (cJSON_GetObjectItemCaseSensitive(doc, "case_digest") &&
        get_string_or_null(r, doc, "", "case_digest", &run->case_digest) < 0)
        return -1;
    if (!st)
        return 0;
    if (!cJSON_IsObject(st))
        return fail(r, "settings is not an object");
    if (get_whole(r, st, "settings", "jobs", 0, 1e6, &jobs) < 0 ||
        get_whole(r, st, "settings", "retries", 0, 1e6, &retries) < 0 ||
        !(rate = get_object(r, st, "settings", "rate_limit")) ||
        get_number(r, rate, "settings.rate_limit", "create_per_s", &run->settings.create_per_s) <
            0 ||
        get_number(r, rate, "settings.rate_limit", "other_per_s", &run->settings.other_per_s) < 0)
        return -1;
    run->settings.jobs = (unsigned)jobs;
    run->settings.retries = (unsigned)retries;
    run->settings.known = true;
    return 0;
}

static int read_results(reader *r, const cJSON *doc, run_report *run)
{
    char at[WHERE_MAX];
    const char *schema = get_string(r, doc, "", "schema");
    if (!schema)
        return -1;
    if (strcmp(schema, RESULT_SCHEMA))
        return fail(r, "schema is \"%s\", expected \"%s\"", schema, RESULT_SCHEMA);
    bool interrupted;
    if (get_string_or_null(r, doc, "", "kpct_version", &run->version) < 0 ||
        get_string_or_null(r, doc, "", "target", &run->target) < 0 ||
        get_string_or_null(r, doc, "", "base_url", &run->base_url) < 0 ||
        get_strings(r, doc, "", "markets", &run->markets, &run->n_markets) < 0 ||
        get_string_or_null(r, doc, "", "started_at", &run->started_at) < 0 ||
        read_seed(r, doc, &run->seed) < 0 || get_number(r, doc, "", "seconds", &run->seconds) < 0 ||
        get_bool(r, doc, "", "interrupted", &interrupted) < 0)
        return -1;
    run->interrupted = interrupted;
    if (read_optional(r, doc, run) < 0 || read_provenance(r, doc, run) < 0)
        return -1;
    const cJSON *tests = get_array(r, doc, "", "tests");
    if (!tests)
        return -1;
    size_t n = (size_t)cJSON_GetArraySize(tests), i = 0;
    if (n && !(run->results = calloc(n, sizeof *run->results)))
        return fail(r, "out of memory reading tests");
    for (const cJSON *o = tests->child; o; o = o->next, i++) {
        element(at, "tests", i);
        run->count = i + 1;
        if (read_test(r, o, at, &run->results[i]) < 0)
            return -1;
    }
    return check_summary(r, doc, run);
}

/* ---- coverage.json: the catalog and where each clause applies ---- */

static int read_catalog(reader *r, const cJSON *clauses, run_report *run)
{
    char at[WHERE_MAX];
    size_t n = (size_t)cJSON_GetArraySize(clauses), i = 0;
    if (n && !(run->clauses = calloc(n, sizeof *run->clauses)))
        return fail(r, "out of memory reading the catalog");
    for (const cJSON *o = clauses->child; o; o = o->next, i++) {
        result_clause *cl = &run->clauses[i];
        const char *id, *title;
        element(at, "markets[0].clauses", i);
        run->n_clauses = i + 1;
        if (!cJSON_IsObject(o))
            return fail(r, "%s is not an object", at);
        if (!(id = get_string(r, o, at, "id")) || !(title = get_string(r, o, at, "title")) ||
            get_bool(r, o, at, "mock_only", &cl->mock_only) < 0 ||
            get_bool(r, o, at, "unconfirmed", &cl->unconfirmed) < 0)
            return -1;
        if (!(cl->id = strdup(id)) || !(cl->title = strdup(title)))
            return fail(r, "out of memory reading %s", at);
    }
    return 0;
}

static long run_market(const run_report *run, const char *market)
{
    for (size_t m = 0; m < run->n_markets; m++)
        if (run->markets[m] && !strcmp(run->markets[m], market))
            return (long)m;
    return -1;
}

/* Which clauses apply in one market: all but those coverage.json calls not-applicable. A
 * clause whose tests ran applies there, as coverage computes it, so nothing is lost. */
static int read_applicable(reader *r, const cJSON *clauses, const char *at, run_report *run,
                           bool *applicable)
{
    char el[WHERE_MAX];
    size_t i = 0;
    if ((size_t)cJSON_GetArraySize(clauses) != run->n_clauses)
        return fail(r, "%s lists %d clauses, markets[0] %zu", at, cJSON_GetArraySize(clauses),
                    run->n_clauses);
    for (const cJSON *o = clauses->child; o; o = o->next, i++) {
        const char *id, *status;
        clause_status s;
        element(el, at, i);
        if (!cJSON_IsObject(o))
            return fail(r, "%s is not an object", el);
        if (!(id = get_string(r, o, el, "id")) || !(status = get_string(r, o, el, "status")))
            return -1;
        if (strcmp(id, run->clauses[i].id))
            return fail(r, "%s.id is \"%s\", markets[0] has \"%s\" there", el, id,
                        run->clauses[i].id);
        if (coverage_status_parse(status, &s) < 0)
            return fail(r, "%s.status \"%s\" is not a clause status", el, status);
        if (applicable)
            applicable[i] = s != CLAUSE_NOT_APPLICABLE;
    }
    return 0;
}

static int read_coverage(reader *r, const cJSON *doc, run_report *run)
{
    char at[WHERE_MAX];
    const cJSON *markets = get_array(r, doc, "", "markets");
    if (!markets)
        return -1;
    size_t i = 0;
    for (const cJSON *m = markets->child; m; m = m->next, i++) {
        element(at, "markets", i);
        if (!cJSON_IsObject(m))
            return fail(r, "%s is not an object", at);
        const char *name;
        const cJSON *clauses;
        if (!(name = get_string(r, m, at, "market")) || !(clauses = get_array(r, m, at, "clauses")))
            return -1;
        if (i == 0) {
            if (read_catalog(r, clauses, run) < 0)
                return -1;
            size_t cells = run->n_markets * run->n_clauses;
            if (!(run->applicable = malloc(cells ? cells * sizeof(bool) : 1)))
                return fail(r, "out of memory reading the catalog");
            for (size_t c = 0; c < cells; c++)
                run->applicable[c] = true;
        }
        long mi = run_market(run, name);
        char list[WHERE_MAX];
        member(list, at, "clauses");
        if (read_applicable(r, clauses, list, run,
                            mi < 0 ? NULL : run->applicable + (size_t)mi * run->n_clauses) < 0)
            return -1;
    }
    return 0;
}

static int read_file(const char *dir, const char *file, bool optional, run_report *run,
                     int (*parse)(reader *, const cJSON *, run_report *), char *err, size_t errlen)
{
    kbuf path;
    struct stat st;
    int rc = -1;
    kbuf_init(&path, 4096);
    reader r = {.file = file, .err = err, .errlen = errlen};
    if (kbuf_printf(&path, "%s/%s", dir, file) < 0) {
        snprintf(err, errlen, "%s/%s: path longer than 4096 bytes", dir, file);
        goto out;
    }
    r.file = kbuf_str(&path);
    if (stat(r.file, &st) != 0 && errno == ENOENT) {
        rc = optional ? 0 : fail(&r, "not found");
        goto out;
    }
    cJSON *doc = load(&r, r.file);
    if (doc)
        rc = parse(&r, doc, run);
    cJSON_Delete(doc);
out:
    kbuf_free(&path);
    return rc;
}

int run_report_read(const char *dir, run_report *out, char *err, size_t errlen)
{
    run_report run;
    memset(&run, 0, sizeof run);
    if (read_file(dir, "results.json", false, &run, read_results, err, errlen) < 0 ||
        read_file(dir, "coverage.json", true, &run, read_coverage, err, errlen) < 0) {
        run_report_free(&run);
        return -1;
    }
    *out = run;
    return 0;
}
