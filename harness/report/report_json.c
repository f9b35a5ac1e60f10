/* report_json: results.json, the same information as the JUnit report, for programs. */
#include "report_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonfile.h"
#include "xml.h"

static cJSON *string_array(const char *const *items, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *s = cJSON_CreateString(items[i]);
        if (!s || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

/* Adds s (invalid UTF-8 replaced by U+FFFD), or null when s is NULL. */
static int add_string(cJSON *o, const char *key, const char *s)
{
    if (!s)
        return cJSON_AddNullToObject(o, key) ? 0 : -1;
    kbuf clean;
    int rc = -1;
    kbuf_init(&clean, 3 * strlen(s) + 1);
    if (xml_utf8_clean(&clean, s, strlen(s)) == 0 &&
        cJSON_AddStringToObject(o, key, kbuf_str(&clean)))
        rc = 0;
    kbuf_free(&clean);
    return rc;
}

static int add_array(cJSON *o, const char *key, const char *const *items, size_t n)
{
    cJSON *a = string_array(items, n);
    if (!a || !cJSON_AddItemToObject(o, key, a)) {
        cJSON_Delete(a);
        return -1;
    }
    return 0;
}

static cJSON *test_object(const test_result *t)
{
    const test_result *ct = t;
    cJSON *o = cJSON_CreateObject(), *retries = NULL;
    if (!o || add_string(o, "suite", ct->suite) < 0 || add_string(o, "id", ct->id) < 0 ||
        add_string(o, "market", t->market) < 0 || add_string(o, "title", ct->title) < 0 ||
        add_string(o, "file", ct->file) < 0 || !cJSON_AddNumberToObject(o, "line", ct->line) ||
        add_array(o, "clauses", (const char *const *)ct->clauses, ct->n_clauses) < 0 ||
        add_array(o, "tags", (const char *const *)ct->tags, ct->n_tags) < 0 ||
        add_string(o, "status", result_status_name(t->status)) < 0 ||
        !cJSON_AddNumberToObject(o, "seconds", t->seconds) ||
        add_string(o, "message", t->message) < 0 || add_string(o, "detail", t->detail) < 0 ||
        !cJSON_AddBoolToObject(o, "flaky", result_flaky(t)) ||
        add_string(o, "patch", t->patch) < 0 || !(retries = cJSON_AddArrayToObject(o, "retries")))
        goto fail;
    cJSON *steps = cJSON_AddArrayToObject(o, "steps");
    if (!steps)
        goto fail;
    for (size_t i = 0; i < t->n_steps; i++) {
        const result_step *st = &t->steps[i];
        cJSON *s = cJSON_CreateObject();
        if (!s || !cJSON_AddItemToArray(steps, s)) {
            cJSON_Delete(s);
            goto fail;
        }
        if (add_string(s, "name", st->name) < 0 || add_string(s, "method", st->method) < 0 ||
            add_string(s, "url", st->url) < 0 ||
            !cJSON_AddNumberToObject(s, "status", (double)st->status) ||
            !cJSON_AddNumberToObject(s, "seconds", st->seconds) ||
            add_string(s, "content_type", st->content_type) < 0 ||
            !cJSON_AddBoolToObject(s, "correlation_id", st->correlation_id) ||
            add_string(s, "body", st->body) < 0)
            goto fail;
    }
    for (size_t i = 0; i < t->n_retries; i++) {
        cJSON *r = cJSON_CreateObject();
        if (!r || !cJSON_AddItemToArray(retries, r)) {
            cJSON_Delete(r);
            goto fail;
        }
        if (add_string(r, "status", result_status_name(t->retries[i].status)) < 0 ||
            add_string(r, "message", t->retries[i].message) < 0 ||
            add_string(r, "detail", t->retries[i].detail) < 0)
            goto fail;
    }
    if (t->plan_index >= 0 && !cJSON_AddNumberToObject(o, "plan_index", (double)t->plan_index))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

/* Which commit of the cases ran and which slice of the plan it ran: added only when
 * known, so results.json stays kpct-results/1 for every earlier reader. */
static int provenance(cJSON *doc, const run_report *run)
{
    if (run->cases_commit && add_string(doc, "cases_commit", run->cases_commit) < 0)
        return -1;
    if (!run->shard_n)
        return 0;
    cJSON *shard = cJSON_AddObjectToObject(doc, "shard");
    if (!shard || !cJSON_AddNumberToObject(shard, "k", run->shard_k) ||
        !cJSON_AddNumberToObject(shard, "n", run->shard_n))
        return -1;
    return 0;
}

/* "settings": what shaped the run's results, for the sign-off page (reports/README.md). */
static int add_settings(cJSON *doc, const run_settings *st)
{
    cJSON *o = cJSON_AddObjectToObject(doc, "settings"), *rate;
    if (!o || !cJSON_AddNumberToObject(o, "jobs", st->jobs) ||
        !cJSON_AddNumberToObject(o, "retries", st->retries) ||
        !(rate = cJSON_AddObjectToObject(o, "rate_limit")) ||
        !cJSON_AddNumberToObject(rate, "create_per_s", st->create_per_s) ||
        !cJSON_AddNumberToObject(rate, "other_per_s", st->other_per_s))
        return -1;
    return 0;
}

/* The document, with every test when with_tests, or with "tests" left empty. */
static cJSON *build(const run_report *run, bool with_tests)
{
    size_t counts[RESULT_STATUS_COUNT], flaky;
    char seed[32];
    cJSON *doc = cJSON_CreateObject(), *summary, *tests;
    if (!doc)
        return NULL;
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
    if (add_string(doc, "schema", JSON_RESULTS_SCHEMA) < 0 ||
        add_string(doc, "kpct_version", run->version) < 0 ||
        add_string(doc, "target", run->target) < 0 ||
        add_string(doc, "base_url", run->base_url) < 0 ||
        add_array(doc, "markets", (const char *const *)run->markets, run->n_markets) < 0 ||
        add_string(doc, "started_at", run->started_at) < 0 || add_string(doc, "seed", seed) < 0 ||
        !cJSON_AddNumberToObject(doc, "seconds", run->seconds) ||
        !cJSON_AddBoolToObject(doc, "interrupted", run->interrupted != 0) ||
        (run->case_digest && add_string(doc, "case_digest", run->case_digest) < 0) ||
        provenance(doc, run) < 0 ||
        (run->settings.known && add_settings(doc, &run->settings) < 0) ||
        !(summary = cJSON_AddObjectToObject(doc, "summary")) ||
        !(tests = cJSON_AddArrayToObject(doc, "tests")))
        goto fail;
    for (size_t i = 0; with_tests && i < run->count; i++) {
        cJSON *o = test_object(&run->results[i]);
        if (!o || !cJSON_AddItemToArray(tests, o)) {
            cJSON_Delete(o);
            goto fail;
        }
    }
    run_report_tally(run, counts, &flaky);
    if (!cJSON_AddNumberToObject(summary, "tests", (double)run->count) ||
        !cJSON_AddNumberToObject(summary, "passed", (double)counts[RESULT_PASS]) ||
        !cJSON_AddNumberToObject(summary, "failed", (double)counts[RESULT_FAIL]) ||
        !cJSON_AddNumberToObject(summary, "errored", (double)counts[RESULT_ERROR]) ||
        !cJSON_AddNumberToObject(summary, "skipped", (double)counts[RESULT_SKIP]) ||
        !cJSON_AddNumberToObject(summary, "flaky", (double)flaky))
        goto fail;
    /* additive: only a run with such tests has the member */
    if (counts[RESULT_READING_DIFFERS] &&
        !cJSON_AddNumberToObject(summary, "reading_differs",
                                 (double)counts[RESULT_READING_DIFFERS]))
        goto fail;
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

cJSON *json_results_build(const run_report *run)
{
    return build(run, true);
}

/* The nesting of a test object in the document: the tests array's elements sit two
 * levels down, so cJSON indents their lines by two more tabs there. */
#define TEST_DEPTH_TABS "\t\t"

char *json_results_test_text(const test_result *t, size_t *len)
{
    cJSON *o = test_object(t);
    char *flat = o ? cJSON_Print(o) : NULL, *text = NULL;
    cJSON_Delete(o);
    if (!flat)
        return NULL;
    /* strings escape their newlines: every raw newline is cJSON's layout */
    size_t n = 0, lines = 0;
    for (const char *c = flat; *c; c++, n++)
        lines += *c == '\n';
    size_t size = n + lines * (sizeof TEST_DEPTH_TABS - 1) + 1;
    if ((text = malloc(size))) {
        char *w = text;
        for (const char *c = flat; *c; c++) {
            *w++ = *c;
            if (*c == '\n') {
                memcpy(w, TEST_DEPTH_TABS, sizeof TEST_DEPTH_TABS - 1);
                w += sizeof TEST_DEPTH_TABS - 1;
            }
        }
        *w = '\0';
        *len = (size_t)(w - text);
    }
    free(flat);
    return text;
}

/* What cJSON prints for the empty tests array, the document's last member. */
#define EMPTY_TESTS "\"tests\":\t[]\n}"

int json_results_frame(const run_report *run, char **head, char **tail)
{
    cJSON *doc = build(run, false);
    char *text = doc ? cJSON_Print(doc) : NULL;
    cJSON_Delete(doc);
    size_t n = text ? strlen(text) : 0, e = strlen(EMPTY_TESTS);
    if (!text || n < e || strcmp(text + n - e, EMPTY_TESTS)) {
        free(text);
        return -1;
    }
    /* head ends at the array's '[', tail is "]\n}\n" */
    text[n - e + strlen("\"tests\":\t[")] = '\0';
    if (!(*tail = strdup("]\n}\n"))) {
        free(text);
        return -1;
    }
    *head = text;
    return 0;
}

int json_results_write(const run_report *run, const char *path, char *err, size_t errlen)
{
    cJSON *doc = json_results_build(run);
    int rc = doc ? jsonfile_write(path, doc, err, errlen) : -1;
    if (!doc)
        snprintf(err, errlen, "out of memory building %s", path);
    cJSON_Delete(doc);
    return rc;
}
