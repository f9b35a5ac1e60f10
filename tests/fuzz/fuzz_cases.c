/* fuzz_cases: load a fuzzed suite beside real fixtures, run its tests on synthetic
 * responses. */
#define _GNU_SOURCE /* strsep */
#include "fuzz_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

static const char *const FIXTURES[] = {"market", "session", "session_full", "cart_update",
                                       "customer_update"};

void fuzz_response_parse(fuzz_response *r, const char *part, size_t len)
{
    memset(r, 0, sizeof *r);
    r->text = fuzz_strndup(part, len);
    r->resp.status = 200;
    r->resp.headers = r->headers;
    char *p = r->text, *end = r->text + len;
    char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        r->resp.body = "{}";
        r->resp.body_len = 2;
        return;
    }
    *nl = '\0';
    r->resp.status = strtol(p, NULL, 10);
    p = nl + 1;
    while (p < end && *p != '\n' && r->resp.n_headers < FUZZ_MAX_HEADERS) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        *nl = '\0';
        char *colon = strchr(p, ':');
        if (colon) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            r->headers[r->resp.n_headers++] = (case_header){p, v};
        }
        p = nl + 1;
    }
    if (p < end && *p == '\n')
        p++;
    r->resp.body = p;
    r->resp.body_len = (size_t)(end - p);
}

void fuzz_response_free(fuzz_response *r)
{
    free(r->text);
    r->text = NULL;
}

/* The cases folder, with the real SE fixtures copied in once. */
static const char *cases_dir(void)
{
    static char dir[128];
    if (dir[0])
        return dir;
    char path[512];
    snprintf(dir, sizeof dir, "%s/cases", fuzz_tmpdir());
    snprintf(path, sizeof path, "%s/fixtures", dir);
    if (mkdir(dir, 0700) != 0 || mkdir(path, 0700) != 0)
        abort();
    snprintf(path, sizeof path, "%s/fixtures/SE", dir);
    if (mkdir(path, 0700) != 0)
        abort();
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/%s.json", KPCT_FUZZ_FIXTURES, FIXTURES[i]);
        char *text = fuzz_read(path, &len);
        if (!text) {
            fprintf(stderr, "fuzz: cannot read %s\n", path);
            abort();
        }
        snprintf(path, sizeof path, "%s/fixtures/SE/%s.json", dir, FIXTURES[i]);
        if (fuzz_write(path, text, len) != 0)
            abort();
        free(text);
    }
    return dir;
}

void fuzz_cases_check_diags(int rc, const case_set *set, case_diags *d, const char *name,
                            const char *text, size_t len)
{
    FUZZ_CHECK((rc == 0) == (set != NULL));
    FUZZ_CHECK((rc == 0) == (d->count == 0));
    int lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    for (size_t i = 0; i < d->count; i++) {
        const case_diag *g = &d->items[i];
        FUZZ_CHECK(g->message && g->message[0]);
        FUZZ_CHECK(g->file && g->file[0]);
        /* a problem of the suite has its place in it; fixtures are real and clean */
        FUZZ_CHECK(g->line >= 0 && g->col >= 0);
        if (strstr(g->file, name))
            FUZZ_CHECK(g->line >= 1 && g->line <= lines && g->col >= 1);
    }
    case_diags_free(d);
}

int fuzz_cases_load(const char *doc, size_t len, case_set **out)
{
    /* Most mutants are not JSON: loading them from a folder would only repeat the syntax
       check case_suite_parse makes, at the price of reading the fixtures again. */
    cJSON *json = cJSON_ParseWithLength(doc, len);
    if (!json)
        return -1;
    cJSON_Delete(json);
    char path[512];
    snprintf(path, sizeof path, "%s/suite.json", cases_dir());
    if (fuzz_write(path, doc, len) != 0)
        abort();
    case_set *set = NULL;
    case_diags d = {0};
    int rc = case_set_load(cases_dir(), &set, &d);
    fuzz_cases_check_diags(rc, set, &d, "suite.json", doc, len);
    if (rc != 0)
        return -1;
    *out = set;
    return 0;
}

void fuzz_cases_run(const case_set *set, fuzz_response *responses, size_t count, fuzz_judged judged)
{
    case_filter f = {.market = "SE", .target = TARGET_MOCK};
    const case_test **tests = NULL;
    size_t n = 0;
    char err[256];
    FUZZ_CHECK(case_set_select(set, &f, &tests, &n, err, sizeof err) == 0);
    static const char empty[] = "{}";
    case_response fallback = {.status = 200, .body = empty, .body_len = 2};
    size_t asked = 0;
    kbuf why;
    kbuf_init(&why, 1u << 20);
    for (size_t t = 0; t < n && t < FUZZ_MAX_TESTS; t++) {
        if (tests[t]->skip_reason)
            continue;
        case_env env = {.base_url = "http://127.0.0.1:9",
                        .market = "SE",
                        .username = FUZZ_USERNAME,
                        .password = FUZZ_PASSWORD,
                        .is_kpmock = true};
        case_run *run = case_run_new(set, tests[t], &env);
        if (!run)
            abort();
        for (size_t s = 0; s < FUZZ_MAX_STEPS; s++) {
            case_request req;
            err[0] = '\0';
            int next = case_run_next(run, &req, err, sizeof err);
            FUZZ_CHECK(next >= -1 && next <= 1);
            if (next != 1) {
                FUZZ_CHECK(next == 0 || err[0]);
                break;
            }
            FUZZ_CHECK(req.method && req.url && req.step_index == s);
            const case_response *resp = count ? &responses[asked++ % count].resp : &fallback;
            kbuf_reset(&why);
            int rc = case_run_judge(run, resp, &why);
            FUZZ_CHECK(rc >= -1 && rc <= 1);
            FUZZ_CHECK(rc == 0 || why.len > 0);
            if (judged)
                judged(&why, rc);
            if (rc != 0)
                break;
        }
        case_run_free(run);
    }
    kbuf_free(&why);
    free(tests);
}
