/* fuzz_report: the report writers on a run built from the fuzz bytes — every string of
 * arbitrary bytes (invalid UTF-8, control bytes, markup), any status, counts, retries,
 * steps, a catalog and where it applies. All reports are written into a temporary folder.
 * Oracles: writing succeeds; junit.xml is well-formed and valid against the strict schema
 * (tests/data/junit-10.xsd, through libxml2) with one <testcase> per result; results.json parses
 * and reads back with run_report_read into a run whose results.json is the same document;
 * report.html holds no <script> but its own. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cJSON.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "coverage.h"
#include "fuzz_util.h"
#include "report.h"
#include "report_json.h"
#include "result.h"
#include "result_read.h"

#define MAX_RESULTS 8

/* The fuzz bytes, read from the front; past the end every read is zero. */
typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

static unsigned take_u8(bytes *b)
{
    if (!b->n)
        return 0;
    b->n--;
    return *b->p++;
}

static unsigned take_u16(bytes *b)
{
    return take_u8(b) << 8 | take_u8(b);
}

/* A string of up to 255 bytes (cut at a NUL: C strings hold none). */
static char *take_str(bytes *b)
{
    size_t len = take_u8(b);
    if (len > b->n)
        len = b->n;
    char *s = fuzz_strndup((const char *)b->p, len);
    b->p += len, b->n -= len;
    return s;
}

/* A string, or NULL when the flag byte's low bit is clear. */
static char *take_opt(bytes *b)
{
    return take_u8(b) & 1 ? take_str(b) : NULL;
}

static char *copy_of(const char *s)
{
    return fuzz_strndup(s, strlen(s));
}

static const char *const MARKETS[] = {"SE", "US", "DE", "GB"};

static void build_result(bytes *b, run_report *run, test_result *t)
{
    t->suite = take_str(b);
    t->id = take_str(b);
    t->title = take_str(b);
    t->file = take_str(b);
    t->line = (int)take_u16(b);
    t->market = copy_of(run->markets[take_u8(b) % run->n_markets]);
    t->status = (result_status)(take_u8(b) % RESULT_STATUS_COUNT);
    t->seconds = take_u16(b) / 1000.0;
    if (t->status != RESULT_PASS && t->status != RESULT_SKIP) {
        t->message = take_str(b);
        t->detail = take_opt(b);
    } else if (t->status == RESULT_SKIP) {
        t->message = take_str(b);
    }
    t->n_clauses = take_u8(b) % 4;
    t->clauses = calloc(t->n_clauses + 1, sizeof *t->clauses);
    for (size_t i = 0; i < t->n_clauses; i++) {
        unsigned pick = take_u8(b);
        t->clauses[i] = pick < 200 && run->n_clauses
                            ? copy_of(run->clauses[pick % run->n_clauses].id)
                            : take_str(b);
    }
    t->n_tags = take_u8(b) % 3;
    t->tags = calloc(t->n_tags + 1, sizeof *t->tags);
    for (size_t i = 0; i < t->n_tags; i++)
        t->tags[i] = take_u8(b) & 1 ? copy_of(RESULT_UNCONFIRMED_TAG) : take_str(b);
    t->n_retries = take_u8(b) % 3;
    t->retries = calloc(t->n_retries + 1, sizeof *t->retries);
    for (size_t i = 0; i < t->n_retries; i++) {
        t->retries[i].status = take_u8(b) & 1 ? RESULT_FAIL : RESULT_ERROR;
        t->retries[i].message = take_str(b);
        t->retries[i].detail = take_str(b);
    }
    t->n_steps = take_u8(b) % 4;
    t->steps = calloc(t->n_steps + 1, sizeof *t->steps);
    for (size_t i = 0; i < t->n_steps; i++) {
        result_step *s = &t->steps[i];
        s->name = take_str(b);
        s->method = take_str(b);
        s->url = take_str(b);
        s->status = take_u16(b) % 600;
        s->seconds = take_u16(b) / 1000.0;
        s->content_type = take_opt(b);
        s->correlation_id = take_u8(b) & 1;
        s->body = take_opt(b);
    }
    t->patch = take_opt(b);
    t->plan_index = (long)take_u8(b) - 1;
}

static void build_run(bytes *b, run_report *run)
{
    memset(run, 0, sizeof *run);
    run->target = take_str(b);
    run->base_url = take_str(b);
    unsigned mk = take_u8(b);
    run->markets = calloc(4, sizeof *run->markets);
    for (size_t i = 0; i < 4; i++)
        if (mk & (1u << i) || (i == 3 && !run->n_markets))
            run->markets[run->n_markets++] = copy_of(MARKETS[i]);
    run->version = copy_of("0.1.0");
    unsigned day = take_u8(b) % 28 + 1, sec = take_u16(b) % 86400;
    char at[32];
    snprintf(at, sizeof at, "2026-12-%02uT%02u:%02u:%02uZ", day, sec / 3600, sec / 60 % 60,
             sec % 60);
    run->started_at = copy_of(at);
    for (int i = 0; i < 8; i++)
        run->seed = run->seed << 8 | take_u8(b);
    run->seconds = take_u16(b) / 100.0;
    unsigned flags = take_u8(b);
    run->interrupted = flags & 1;
    run->case_digest = flags & 2 ? take_str(b) : NULL;
    run->cases_commit = flags & 4 ? take_str(b) : NULL;
    if (flags & 8) {
        run->settings.known = true;
        run->settings.jobs = take_u8(b) + 1;
        run->settings.retries = take_u8(b) % 4;
        run->settings.create_per_s = take_u8(b) / 4.0;
        run->settings.other_per_s = take_u8(b) / 4.0;
    }
    if (flags & 16) {
        run->shard_n = take_u8(b) % 8 + 1;
        run->shard_k = take_u8(b) % run->shard_n + 1;
    }
    run->n_clauses = take_u8(b) % 5;
    run->clauses = calloc(run->n_clauses + 1, sizeof *run->clauses);
    for (size_t i = 0; i < run->n_clauses; i++) {
        char *id = take_str(b);
        size_t len = strlen(id) + 16;
        run->clauses[i].id = malloc(len);
        snprintf(run->clauses[i].id, len, "c%zu.%s", i, id); /* a catalog's ids are unique */
        free(id);
        run->clauses[i].title = take_str(b);
        unsigned f = take_u8(b);
        run->clauses[i].mock_only = f & 1;
        run->clauses[i].unconfirmed = f & 2;
    }
    if (run->n_clauses && flags & 32) {
        run->applicable = calloc(run->n_markets * run->n_clauses, sizeof *run->applicable);
        for (size_t i = 0; i < run->n_markets * run->n_clauses; i++)
            run->applicable[i] = take_u8(b) & 1;
    }
    run->count = take_u8(b) % (MAX_RESULTS + 1);
    run->results = calloc(run->count + 1, sizeof *run->results);
    for (size_t i = 0; i < run->count; i++)
        build_result(b, run, &run->results[i]);
}

static xmlSchemaPtr junit_schema;

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(KPCT_FUZZ_JUNIT_XSD);
    junit_schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!junit_schema) {
        fprintf(stderr, "fuzz_report: cannot load %s\n", KPCT_FUZZ_JUNIT_XSD);
        abort();
    }
    return 0;
}

static void check_junit(const char *dir, size_t count)
{
    char path[256];
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    size_t len;
    char *text = fuzz_read(path, &len);
    FUZZ_CHECK(text != NULL);
    xmlDocPtr doc = xmlReadMemory(text, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
    if (!doc)
        fprintf(stderr, "fuzz_report: junit.xml is not well-formed:\n%s\n", text);
    FUZZ_CHECK(doc != NULL);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(junit_schema);
    FUZZ_CHECK(vc != NULL);
    int valid = xmlSchemaValidateDoc(vc, doc);
    if (valid != 0)
        fprintf(stderr, "fuzz_report: junit.xml is not valid against the schema:\n%s\n", text);
    FUZZ_CHECK(valid == 0);
    xmlXPathContextPtr xc = xmlXPathNewContext(doc);
    xmlXPathObjectPtr cases = xc ? xmlXPathEvalExpression(BAD_CAST "count(//testcase)", xc) : NULL;
    FUZZ_CHECK(cases && cases->type == XPATH_NUMBER && cases->floatval == (double)count);
    xmlXPathFreeObject(cases);
    xmlXPathFreeContext(xc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    free(text);
}

static void check_results(const char *dir)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/results.json", dir);
    size_t len;
    char *text = fuzz_read(path, &len);
    FUZZ_CHECK(text != NULL);
    cJSON *written = cJSON_ParseWithLength(text, len);
    FUZZ_CHECK(written != NULL);
    run_report back;
    int rc = run_report_read(dir, &back, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "fuzz_report: run_report_read: %s\n", err);
    FUZZ_CHECK(rc == 0);
    cJSON *again = json_results_build(&back);
    FUZZ_CHECK(again != NULL);
    bool same = cJSON_Compare(written, again, true);
    if (!same) {
        char *a = cJSON_Print(again);
        fprintf(stderr, "fuzz_report: read back, results.json becomes:\n%s\nwas:\n%s\n", a, text);
        free(a);
    }
    FUZZ_CHECK(same);
    cJSON_Delete(again);
    run_report_free(&back);
    cJSON_Delete(written);
    free(text);
}

/* The page's own script is the one at its foot; any other came from the data. */
static void check_html(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/report.html", dir);
    size_t len;
    char *text = fuzz_read(path, &len);
    FUZZ_CHECK(text != NULL);
    size_t scripts = 0;
    for (size_t i = 0; i + 7 <= len; i++)
        scripts += strncasecmp(text + i, "<script", 7) == 0;
    FUZZ_CHECK(scripts == 1);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (16u << 10))
        return 0;
    bytes b = {data, size};
    run_report run;
    build_run(&b, &run);
    coverage *cov = NULL;
    FUZZ_CHECK(coverage_compute(&run, &cov) == 0);
    char dir[256], err[512];
    snprintf(dir, sizeof dir, "%s/reports", fuzz_tmpdir());
    mkdir(dir, 0700); /* the same folder for every input: each file is replaced whole */
    int rc = report_write_all(&run, cov, dir, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "fuzz_report: report_write_all: %s\n", err);
    FUZZ_CHECK(rc == 0);
    check_junit(dir, run.count);
    check_results(dir);
    check_html(dir);
    coverage_free(cov);
    run_report_free(&run);
    return 0;
}
