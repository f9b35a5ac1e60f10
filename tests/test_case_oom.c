/* Loader under allocation failure: the loader is run again and again with its Nth
 * allocation failing, for every N up to the number a whole load makes. Each outcome must
 * be the full set (the allocation was not needed, or its loss was recovered) or a failed
 * load with a diagnostic — never a load that succeeds with fewer tests. Allocations are
 * intercepted with the linker's --wrap (malloc, calloc, realloc, strdup, strndup,
 * asprintf, vasprintf: see tests/meson.build) and cJSON's hooks; libc's own internal
 * allocations (opendir, regcomp) are not counted. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "case.h"
#include "case_tree.h"
#include "kbuf.h"

/* ---- the failing allocator ---- */

static bool armed;     /* count (and fail) only inside the load under test */
static long counted;   /* allocations made since arming */
static long fail_at;   /* the allocation to fail (1-based); 0: none */
static long samples;   /* 0: fail every allocation in turn; else about this many of them */
static long edge = 20; /* with samples: the first and last allocations all failed in turn */

static bool fail_now(void)
{
    return armed && ++counted == fail_at;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
int __wrap_asprintf(char **out, const char *fmt, ...);

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
    return fail_now() ? -1 : __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
    if (fail_now())
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = __real_vasprintf(out, fmt, ap);
    va_end(ap);
    return n;
}

static void *cjson_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

static void use_failing_cjson(void)
{
    cJSON_Hooks hooks = {cjson_malloc, free};
    cJSON_InitHooks(&hooks);
}

/* ---- what a load gave ---- */

/* The set as text: markets, clauses, and every test of every market on the mock with
 * its skip reason. Two loads of the same tree give the same text. */
static char *describe(const case_set *set)
{
    kbuf b;
    kbuf_init(&b, 1u << 20);
    size_t n_markets = 0, n_clauses = 0;
    const char *const *markets = case_set_markets(set, &n_markets);
    const case_clause *clauses = case_set_clauses(set, &n_clauses);
    for (size_t i = 0; i < n_clauses; i++)
        kbuf_printf(&b, "clause %s\n", clauses[i].id);
    for (size_t m = 0; m < n_markets; m++) {
        case_filter f = {.market = markets[m], .target = TARGET_PLAYGROUND};
        const case_test **tests = NULL;
        size_t n = 0;
        char err[256];
        cr_assert_eq(case_set_select(set, &f, &tests, &n, err, sizeof err), 0, "%s", err);
        for (size_t i = 0; i < n; i++)
            kbuf_printf(&b, "%s %s %s (%zu steps, %zu clauses) %s\n", markets[m], tests[i]->id,
                        tests[i]->title, tests[i]->n_steps, tests[i]->n_clauses,
                        tests[i]->skip_reason ? tests[i]->skip_reason : "runs");
        free(tests);
    }
    char *s = kbuf_steal(&b);
    cr_assert(s);
    return s;
}

typedef int (*loader)(const void *arg, case_set **out, case_diags *diags);

static int load_folder(const void *arg, case_set **out, case_diags *diags)
{
    return case_set_load(arg, out, diags);
}

static const char *SUITE =
    "{\"suite\": \"good\", \"title\": \"t\", \"cases\": [\n"
    "{\"id\": \"flow\", \"title\": \"create then update\", \"tags\": [\"flow\"], \"clauses\": "
    "[\"c.one\"],\n"
    " \"steps\": [\n"
    "  {\"name\": \"create\", \"request\": {\"method\": \"POST\", \"path\": \"/s\", \"body\": "
    "{\"fixture\": \"session\"}},\n"
    "   \"expect\": {\"status\": [200, 201], \"json\": [{\"pointer\": \"/id\", \"type\": "
    "\"string\"}]}, \"capture\": {\"sid\": \"/id\"}},\n"
    "  {\"admin\": {\"clock_advance\": 10}},\n"
    "  {\"admin\": {\"fault\": {\"kind\": \"status\", \"status\": 503, \"times\": 1}}},\n"
    "  {\"request\": {\"method\": \"POST\", \"path\": \"/s/${sid}\", \"auth\": \"none\",\n"
    "   \"headers\": {\"X-Req\": \"${uuid}\"},\n"
    "   \"body\": {\"fixture\": \"session\", \"pick\": [\"/order_amount\", "
    "\"/billing_address/city\"],\n"
    "            \"patch\": [{\"op\": \"replace\", \"path\": \"/order_amount\", \"value\": "
    "\"${market.amount}\"}]}},\n"
    "   \"expect\": {\"status\": 204, \"body\": \"empty\"}, \"variant_target\": true}],\n"
    " \"variants\": [{\"id\": \"one\", \"title\": \"One\", \"tags\": [\"x\"], \"clauses\": "
    "[\"c.two\"], \"markets\": [\"SE\"],\n"
    "   \"patch\": [{\"op\": \"add\", \"path\": \"/locale\", \"value\": \"${env:HOME}\"}],\n"
    "   \"expect\": {\"status\": 400, \"klarna_error\": {\"error_code\": \"BAD_VALUE\", "
    "\"fields\": [\"locale\"]}}},\n"
    "   {\"id\": \"two\", \"targets\": [\"mock\"]}]},\n"
    "{\"id\": \"plain\", \"title\": \"a plain read\", \"clauses\": [\"c.one\"],\n"
    " \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/x\"}, \"expect\": "
    "{\"status\": 200, \"headers\": {\"Content-Type\": {\"regex\": \"^application/json\"}}}}]}\n"
    "]}\n";

/* Loads with allocation N failing, for every N up to what a whole load makes, and checks
 * each outcome (or about `samples` of them, plus the first and last `edge`); returns how many
 * allocations a whole load makes. */
static long fail_each_allocation(loader load, const void *arg)
{
    case_set *set = NULL;
    case_diags d = {0};
    armed = true;
    counted = 0;
    fail_at = 0;
    int rc = load(arg, &set, &d);
    armed = false;
    long total = counted;
    cr_assert_eq(rc, 0, "the tree loads when memory does not run out (%zu problems: %s)", d.count,
                 d.count ? d.items[0].message : "");
    char *full = describe(set);
    case_set_free(set);
    case_diags_free(&d);
    /* an odd stride, so that a loop's every other allocation is not skipped throughout */
    long stride = samples ? (total / samples) | 1 : 1;
    for (long n = 1; n <= total; n += n < edge || n > total - edge ? 1 : stride) {
        set = NULL;
        armed = true;
        counted = 0;
        fail_at = n;
        rc = load(arg, &set, &d);
        armed = false;
        if (rc == 0) {
            cr_assert_not_null(set, "allocation %ld: success without a set", n);
            char *got = describe(set);
            cr_assert_str_eq(got, full,
                             "allocation %ld failed, the load succeeded with another set", n);
            free(got);
            cr_assert_eq(d.count, 0, "allocation %ld: success with diagnostics", n);
        } else {
            cr_assert_eq(rc, -1);
            cr_assert_null(set, "allocation %ld: a failed load handed out a set", n);
            /* the out-of-memory diagnostic is allocated up front: only when that very
             * allocation fails may a failed load have nothing to say */
            cr_assert(d.count > 0 || n <= 3, "allocation %ld: the load failed without a word", n);
        }
        case_set_free(set);
        case_diags_free(&d);
    }
    free(full);
    return total;
}

Test(case_oom, a_folder_load_fails_whole_or_not_at_all)
{
    use_failing_cjson();
    char *root = case_tree_new();
    case_tree_write(root, "good.json", SUITE);
    case_tree_write(root, "more/other.json",
                    "{\"suite\": \"other\", \"title\": \"t\", \"cases\": [\n"
                    "{\"id\": \"b\", \"title\": \"t\", \"clauses\": [\"c.two\"], \"markets\": "
                    "[\"US\"],\n \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": "
                    "\"/y\"}, \"expect\": {}}]}]}\n");
    long total = fail_each_allocation(load_folder, root);
    cr_log_info("a whole load makes %ld allocations; each was failed once", total);
    cr_expect(total > 100, "the loader was not intercepted (%ld allocations)", total);
    case_tree_free(root);
}

static int parse_suite(const void *arg, case_set **out, case_diags *diags)
{
    const char *text = arg;
    return case_suite_parse("mem.json", text, strlen(text), out, diags);
}

Test(case_oom, an_in_memory_parse_fails_whole_or_not_at_all)
{
    use_failing_cjson();
    /* no markets in memory: the suite's "markets" and fixture bodies would be refused */
    static const char *plain =
        "{\"suite\": \"mem\", \"title\": \"t\", \"cases\": [\n"
        "{\"id\": \"a\", \"title\": \"t\", \"clauses\": [\"c.one\"], \"tags\": [\"x\"],\n"
        " \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/x\"}, \"expect\": "
        "{\"status\": 200}, \"capture\": {\"id\": \"/id\"}},\n"
        "  {\"admin\": {\"complete_session\": \"${id}\"}},\n"
        "  {\"admin\": {\"clock_set\": \"2030-01-01T00:00:00Z\"}}]}]}\n";
    long total = fail_each_allocation(parse_suite, plain);
    cr_expect(total > 20, "the parser was not intercepted (%ld allocations)", total);
}

/* The real cases/ folder, with a sample of its allocations failing
 * (every one would take an hour). */
Test(case_oom, the_real_cases_folder_fails_whole_or_not_at_all)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    cr_assert(src, "KPCT_SOURCE_ROOT is not set");
    char *dir = NULL;
    cr_assert(asprintf(&dir, "%s/cases", src) > 0);
    use_failing_cjson();
    /* each failed load of the 22-market folder costs a whole load (seconds under ASan and
     * valgrind): a spread sample of 24, and the first and last 4 */
    samples = 24;
    edge = 4;
    long total = fail_each_allocation(load_folder, dir);
    cr_log_info("the real folder's load makes %ld allocations; about 32 of them were failed",
                total);
    samples = 0;
    edge = 20;
    free(dir);
}
