/* result: describing, freeing and tallying a run's outcome, shared by every reporter. */
#include "result.h"

#include <stdlib.h>
#include <string.h>

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The bytes of s with its NUL (NULL reads as ""). */
static size_t text_size(const char *s)
{
    return (s ? strlen(s) : 0) + 1;
}

/* Copies s (NULL reads as "") to *at and moves *at past it; returns the copy. */
static char *put_text(char **at, const char *s)
{
    size_t n = text_size(s);
    char *r = memcpy(*at, s ? s : "", n);
    *at += n;
    return r;
}

/* Frees the description of t, however it was made. */
static void description_clear(test_result *t)
{
    if (t->described) {
        free(t->described);
    } else {
        free(t->suite);
        free(t->id);
        free(t->title);
        free(t->file);
        free(t->market);
        free_strings(t->clauses, t->n_clauses);
        free_strings(t->tags, t->n_tags);
    }
    t->described = t->suite = t->id = t->title = t->file = t->market = NULL;
    t->clauses = t->tags = NULL;
    t->n_clauses = t->n_tags = 0;
}

int test_result_describe(test_result *t, const char *suite, const char *id, const char *title,
                         const char *file, int line, const char *const *clauses, size_t n_clauses,
                         const char *const *tags, size_t n_tags, const char *market)
{
    /* the two lists of pointers first (malloc's alignment), then every text */
    size_t size = (n_clauses + n_tags) * sizeof(char *) + text_size(suite) + text_size(id) +
                  text_size(title) + text_size(file) + text_size(market);
    for (size_t i = 0; i < n_clauses; i++)
        size += text_size(clauses[i]);
    for (size_t i = 0; i < n_tags; i++)
        size += text_size(tags[i]);
    char *block = malloc(size);
    if (!block)
        return -1;
    description_clear(t);
    char **lists = (char **)(void *)block;
    char *at = block + (n_clauses + n_tags) * sizeof(char *);
    t->described = block;
    t->clauses = n_clauses ? lists : NULL;
    t->n_clauses = n_clauses;
    for (size_t i = 0; i < n_clauses; i++)
        lists[i] = put_text(&at, clauses[i]);
    t->tags = n_tags ? lists + n_clauses : NULL;
    t->n_tags = n_tags;
    for (size_t i = 0; i < n_tags; i++)
        lists[n_clauses + i] = put_text(&at, tags[i]);
    t->suite = put_text(&at, suite);
    t->id = put_text(&at, id);
    t->title = put_text(&at, title);
    t->file = put_text(&at, file);
    t->market = put_text(&at, market);
    t->line = line;
    return 0;
}

void result_steps_free(result_step *steps, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(steps[k].name);
        free(steps[k].method);
        free(steps[k].url);
        free(steps[k].content_type);
        free(steps[k].body);
    }
    free(steps);
}

void test_result_clear(test_result *t)
{
    if (!t)
        return;
    description_clear(t);
    free(t->message);
    free(t->detail);
    free(t->patch);
    for (size_t k = 0; k < t->n_retries; k++) {
        free(t->retries[k].message);
        free(t->retries[k].detail);
    }
    free(t->retries);
    result_steps_free(t->steps, t->n_steps);
    t->message = t->detail = NULL;
    t->retries = NULL;
    t->n_retries = 0;
    t->steps = NULL;
    t->n_steps = 0;
}

void test_result_compact(test_result *t)
{
    result_steps_free(t->steps, t->n_steps);
    t->steps = NULL;
    t->n_steps = 0;
    free(t->patch);
    t->patch = NULL;
}

void run_report_free(run_report *r)
{
    if (!r)
        return;
    free(r->target);
    free(r->base_url);
    for (size_t i = 0; i < r->n_markets; i++)
        free(r->markets[i]);
    free(r->markets);
    free(r->version);
    free(r->started_at);
    free(r->case_digest);
    free(r->cases_commit);
    r->case_digest = r->cases_commit = NULL;
    for (size_t i = 0; i < r->count; i++)
        test_result_clear(&r->results[i]);
    free(r->results);
    for (size_t c = 0; c < r->n_clauses; c++) {
        free(r->clauses[c].id);
        free(r->clauses[c].title);
    }
    free(r->clauses);
    free(r->applicable);
    r->clauses = NULL;
    r->n_clauses = 0;
    r->applicable = NULL;
    r->target = r->base_url = r->version = r->started_at = NULL;
    r->markets = NULL;
    r->n_markets = 0;
    r->results = NULL;
    r->count = 0;
}

bool result_flaky(const test_result *t)
{
    return t->status == RESULT_PASS && t->n_retries > 0;
}

bool result_has_tag(const test_result *t, const char *tag)
{
    for (size_t i = 0; i < t->n_tags; i++)
        if (t->tags[i] && !strcmp(t->tags[i], tag))
            return true;
    return false;
}

bool result_mark_reading_differs(test_result *t)
{
    if (t->status != RESULT_FAIL || !result_has_tag(t, RESULT_UNCONFIRMED_TAG))
        return false;
    t->status = RESULT_READING_DIFFERS;
    return true;
}

void run_report_tally(const run_report *r, size_t by_status[RESULT_STATUS_COUNT], size_t *flaky)
{
    for (int s = 0; s < RESULT_STATUS_COUNT; s++)
        by_status[s] = 0;
    *flaky = 0;
    for (size_t i = 0; i < r->count; i++) {
        by_status[r->results[i].status]++;
        *flaky += result_flaky(&r->results[i]);
    }
}

const char *result_status_name(result_status s)
{
    switch (s) {
    case RESULT_PASS:
        return "passed";
    case RESULT_FAIL:
        return "failed";
    case RESULT_ERROR:
        return "errored";
    case RESULT_SKIP:
        return "skipped";
    case RESULT_READING_DIFFERS:
        return "reading-differs";
    }
    return "unknown";
}
