/* report_junit: JUnit XML for CI systems (Jenkins xUnit, GitLab, GitHub annotations). */
#include "report_junit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"
#include "xml.h"

#define JUNIT_MAX_BYTES   (256u << 20) /* ceiling of one report */
#define JUNIT_MESSAGE_MAX 500          /* bytes of a message attribute */

/* One (suite, market) group, in order of first appearance; its tests are chained from
 * first through the render's next[] in plan order, last is the chain's end. */
typedef struct group {
    const char *suite;
    const char *market;
    size_t tests, failures, errors, skipped;
    double seconds;
    size_t first, last;
} group;

/* The end of a group's chain of tests. */
#define CHAIN_END ((size_t)-1)

static int attr(kbuf *out, const char *name, const char *value)
{
    if (kbuf_printf(out, " %s=\"", name) < 0)
        return -1;
    if (xml_escape_str(out, value ? value : "", XML_ATTR) < 0)
        return -1;
    return kbuf_puts(out, "\"");
}

/* A message attribute: one line, cut at JUNIT_MESSAGE_MAX bytes. */
static int message_attr(kbuf *out, const char *msg)
{
    size_t n = msg ? strlen(msg) : 0;
    if (kbuf_puts(out, " message=\"") < 0)
        return -1;
    if (xml_escape(out, msg ? msg : "", n > JUNIT_MESSAGE_MAX ? JUNIT_MESSAGE_MAX : n,
                   XML_ATTR | XML_ONE_LINE) < 0)
        return -1;
    if (n > JUNIT_MESSAGE_MAX && kbuf_puts(out, "...") < 0)
        return -1;
    return kbuf_puts(out, "\"");
}

static int property(kbuf *out, const char *name, const char *value)
{
    if (kbuf_puts(out, "      <property") < 0 || attr(out, "name", name) < 0 ||
        attr(out, "value", value) < 0)
        return -1;
    return kbuf_puts(out, "/>\n");
}

static int properties(kbuf *out, const run_report *run, const char *market)
{
    kbuf markets;
    char seed[32], shard[32];
    int rc = -1;
    kbuf_init(&markets, 4096);
    snprintf(shard, sizeof shard, "%u/%u", run->shard_k, run->shard_n);
    for (size_t i = 0; i < run->n_markets; i++)
        if (kbuf_printf(&markets, "%s%s", i ? "," : "", run->markets[i]) < 0)
            goto out;
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->seed);
    if (kbuf_puts(out, "    <properties>\n") < 0 || property(out, "target", run->target) < 0 ||
        property(out, "base_url", run->base_url) < 0 || property(out, "market", market) < 0 ||
        property(out, "markets", kbuf_str(&markets)) < 0 ||
        property(out, "kpct.version", run->version) < 0 ||
        property(out, "started_at", run->started_at) < 0 || property(out, "seed", seed) < 0 ||
        property(out, "interrupted", run->interrupted ? "true" : "false") < 0 ||
        (run->case_digest && property(out, "case_digest", run->case_digest) < 0) ||
        (run->cases_commit && property(out, "cases_commit", run->cases_commit) < 0) ||
        (run->shard_n && property(out, "shard", shard) < 0) ||
        kbuf_puts(out, "    </properties>\n") < 0)
        goto out;
    rc = 0;
out:
    kbuf_free(&markets);
    return rc;
}

static int outcome(kbuf *out, const char *element, const char *type, const char *message,
                   const char *detail)
{
    if (kbuf_printf(out, "      <%s", element) < 0 || message_attr(out, message) < 0 ||
        attr(out, "type", type) < 0)
        return -1;
    if (!detail || !*detail)
        return kbuf_puts(out, "/>\n");
    if (kbuf_puts(out, ">") < 0 || xml_escape_str(out, detail, XML_TEXT) < 0)
        return -1;
    return kbuf_printf(out, "</%s>\n", element);
}

static int testcase(kbuf *out, const test_result *t, const char *classname)
{
    const test_result *ct = t;
    bool passed = t->status == RESULT_PASS;
    if (kbuf_puts(out, "    <testcase") < 0 || attr(out, "classname", classname) < 0 ||
        attr(out, "name", ct->id) < 0 || kbuf_printf(out, " time=\"%.3f\"", t->seconds) < 0)
        return -1;
    if (t->status == RESULT_PASS && t->n_retries == 0)
        return kbuf_puts(out, "/>\n");
    if (kbuf_puts(out, ">\n") < 0)
        return -1;
    switch (t->status) {
    case RESULT_FAIL:
        if (outcome(out, "failure", "assertion", t->message, t->detail) < 0)
            return -1;
        break;
    case RESULT_ERROR:
        if (outcome(out, "error", "error", t->message, t->detail) < 0)
            return -1;
        break;
    case RESULT_SKIP:
        if (kbuf_puts(out, "      <skipped") < 0 || message_attr(out, t->message) < 0 ||
            kbuf_puts(out, "/>\n") < 0)
            return -1;
        break;
    case RESULT_READING_DIFFERS:
        /* not a failure: a skip whose text tells the whole story */
        {
            kbuf why;
            kbuf_init(&why, 1u << 16);
            int rc = kbuf_printf(&why, "reading differs: %s", t->message ? t->message : "");
            if (rc == 0)
                rc = outcome(out, "skipped", "reading-differs", kbuf_str(&why), t->detail);
            kbuf_free(&why);
            if (rc < 0)
                return -1;
            break;
        }
    case RESULT_PASS:
        break;
    }
    /* Earlier attempts: flaky when the test passed in the end, reruns otherwise. */
    for (size_t i = 0; i < t->n_retries; i++) {
        const result_attempt *a = &t->retries[i];
        bool err = a->status == RESULT_ERROR;
        const char *el =
            passed ? (err ? "flakyError" : "flakyFailure") : (err ? "rerunError" : "rerunFailure");
        if (outcome(out, el, err ? "error" : "assertion", a->message, a->detail) < 0)
            return -1;
    }
    return kbuf_puts(out, "    </testcase>\n");
}

const char *junit_classname(const run_report *run, const test_result *t, kbuf *name)
{
    kbuf_reset(name);
    if (kbuf_puts(name, t->suite) < 0 ||
        (run->n_markets > 1 && kbuf_printf(name, ".%s", t->market) < 0))
        return NULL;
    return kbuf_str(name);
}

int junit_testcase(kbuf *out, const run_report *run, const test_result *t)
{
    kbuf name;
    kbuf_init(&name, 4096);
    const char *classname = junit_classname(run, t, &name);
    int rc = classname ? testcase(out, t, classname) : -1;
    kbuf_free(&name);
    return rc;
}

/* Renders a test's testcase where junit_render has no source of them. */
static int render_testcase(void *ctx, const run_report *run, size_t i, kbuf *out)
{
    (void)ctx;
    return junit_testcase(out, run, &run->results[i]);
}

int junit_render_with(const run_report *run, const junit_source *src, kbuf *out)
{
    group *groups = NULL, *g = NULL;
    size_t *next = NULL;
    size_t n_groups = 0;
    size_t tests = 0, failures = 0, errors = 0;
    int rc = -1;
    kbuf name;
    kbuf_init(&name, 4096);

    if (run->count && (!(groups = calloc(run->count, sizeof *groups)) ||
                       !(next = calloc(run->count, sizeof *next))))
        goto out;
    for (size_t i = 0; i < run->count; i++) {
        const test_result *t = &run->results[i];
        /* a plan keeps a group's tests together: the last test's group first */
        if (!g || strcmp(g->suite, t->suite) || strcmp(g->market, t->market)) {
            g = NULL;
            for (size_t k = 0; k < n_groups && !g; k++)
                if (!strcmp(groups[k].suite, t->suite) && !strcmp(groups[k].market, t->market))
                    g = &groups[k];
        }
        if (!g) {
            g = &groups[n_groups++];
            g->suite = t->suite;
            g->market = t->market;
            g->first = i;
        } else
            next[g->last] = i;
        g->last = i;
        next[i] = CHAIN_END;
        g->tests++;
        g->failures += t->status == RESULT_FAIL;
        g->errors += t->status == RESULT_ERROR;
        g->skipped += t->status == RESULT_SKIP || t->status == RESULT_READING_DIFFERS;
        g->seconds += t->seconds;
        tests++;
        failures += t->status == RESULT_FAIL;
        errors += t->status == RESULT_ERROR;
    }

    if (kbuf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kpct\"") <
            0 ||
        kbuf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", tests,
                    failures, errors, run->seconds) < 0)
        goto out;
    for (size_t k = 0; k < n_groups; k++) {
        g = &groups[k];
        if (kbuf_puts(out, "  <testsuite") < 0 ||
            attr(out, "name", junit_classname(run, &run->results[g->first], &name)) < 0 ||
            kbuf_printf(out,
                        " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                        "time=\"%.3f\"",
                        g->tests, g->failures, g->errors, g->skipped, g->seconds) < 0 ||
            attr(out, "timestamp", run->started_at) < 0 || kbuf_puts(out, ">\n") < 0)
            goto out;
        if (properties(out, run, g->market) < 0)
            goto out;
        for (size_t i = g->first; i != CHAIN_END; i = next[i]) {
            if (src->testcase(src->ctx, run, i, out) < 0 ||
                (src->drain && src->drain(src->ctx, out) < 0))
                goto out;
        }
        if (kbuf_puts(out, "  </testsuite>\n") < 0)
            goto out;
    }
    if (kbuf_puts(out, "</testsuites>\n") < 0)
        goto out;
    rc = 0;
out:
    kbuf_free(&name);
    free(next);
    free(groups);
    return rc;
}

int junit_render(const run_report *run, kbuf *out)
{
    junit_source src = {.testcase = render_testcase};
    return junit_render_with(run, &src, out);
}

int junit_write(const run_report *run, const char *path, char *err, size_t errlen)
{
    kbuf out;
    int rc = -1;
    kbuf_init(&out, JUNIT_MAX_BYTES);
    if (junit_render(run, &out) < 0) {
        snprintf(err, errlen, "JUnit report exceeds its %u-byte bound or memory ran out",
                 JUNIT_MAX_BYTES);
        goto out;
    }
    rc = kfile_write_atomic(path, out.data ? out.data : "", out.len, err, errlen);
out:
    kbuf_free(&out);
    return rc;
}
