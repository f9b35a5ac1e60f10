/* Concurrency of kpmock: parallel creates and updates on distinct and on shared
 * sessions. Shared-session updates each replace the whole cart and one member of their
 * own, so a torn update shows as an inconsistent cart and a lost update as a member
 * that does not hold its writer's last value. */
#include "test_mock_util.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROUNDS  200

static mock_server *srv;
static const char *base;
static char *shared_id;

static void start(void)
{
    mock_config cfg;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tm_config(&cfg);
    cfg.threads = 4;
    cfg.journal_size = 10000; /* room for every request of a test */
    srv = tm_start(&cfg);
    base = mock_server_url(srv);
}

static void stop(void)
{
    mock_server_stop(srv);
    free(shared_id);
}

TestSuite(mock_concurrency, .init = start, .fini = stop, .timeout = 60);

/* A valid SE cart of q units at 1000 with 25 % tax, plus "kpt_<writer>": round. */
static void cart(char *out, size_t n, int q, int writer, int round)
{
    long total = 1000L * q, tax = total - total * 10000 / 12500;
    snprintf(out, n,
             "{\"order_amount\":%ld,\"order_tax_amount\":%ld,\"order_lines\":[{\"name\":\"w%d\","
             "\"quantity\":%d,\"unit_price\":1000,\"tax_rate\":2500,\"total_amount\":%ld,"
             "\"total_tax_amount\":%ld}],\"kpt_%d\":%d}",
             total, tax, writer, q, total, tax, writer, round);
}

/* Criterion's assertions are not thread-safe (two failing, or even passing, at once in
 * worker threads corrupt its state and end the test with a bare signal), so workers
 * record their first problem here and the test's own thread asserts after the joins. */
static pthread_mutex_t problem_lock = PTHREAD_MUTEX_INITIALIZER;
static char problem[512];

static void report_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report_problem(const char *fmt, ...)
{
    pthread_mutex_lock(&problem_lock);
    if (!problem[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(problem, sizeof problem, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&problem_lock);
}

static double number_at(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Whether a read-back is one writer's cart, whole; writes what is wrong into why. */
static bool cart_consistent(const cJSON *s, char *why, size_t n)
{
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(s, "order_lines");
    const cJSON *l0 = cJSON_GetArrayItem(lines, 0);
    double amount = number_at(s, "order_amount"), tax = number_at(s, "order_tax_amount");
    double q = number_at(l0, "quantity"), total = number_at(l0, "total_amount");
    if (!s || cJSON_GetArraySize(lines) != 1 || total != q * 1000)
        snprintf(why, n, "not a one-line cart of q x 1000");
    else if (amount != total)
        snprintf(why, n, "torn: order_amount %g, line total %g", amount, total);
    else if (tax != total - total * 10000 / 12500)
        snprintf(why, n, "torn: order_tax_amount %g for a total of %g", tax, total);
    else
        return true;
    return false;
}

static void assert_consistent(const cJSON *s)
{
    char why[128];
    cr_assert(cart_consistent(s, why, sizeof why), "%s", why);
}

static void assert_no_problem(void)
{
    cr_assert_str_eq(problem, "", "a worker thread saw: %s", problem);
}

static void *distinct_worker(void *arg)
{
    int w = (int)(intptr_t)arg;
    char body[512], path[128], why[128];
    for (int i = 0; i < ROUNDS / 4; i++) {
        char *id = tm_try_create(base, NULL, why, sizeof why);
        if (!id) {
            report_problem("%s", why);
            return NULL;
        }
        snprintf(path, sizeof path, "/payments/v1/sessions/%s", id);
        free(id);
        int q = w * 100 + i + 1;
        cart(body, sizeof body, q, w, i);
        tm_resp r;
        tm_request(base, "POST", path, body, TM_USERPWD, NULL, &r);
        long status = r.status;
        tm_resp_free(&r);
        if (status != 204) {
            report_problem("update of %s answered %ld", path, status);
            return NULL;
        }
        tm_request(base, "GET", path, NULL, TM_USERPWD, NULL, &r);
        cJSON *j = tm_json(&r);
        const cJSON *l0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "order_lines"), 0);
        bool ok = j && cart_consistent(j, why, sizeof why);
        if (!j)
            report_problem("read of %s answered %ld: %s", path, r.status, r.body);
        else if (!ok)
            report_problem("%s: %s", path, why);
        else if (number_at(l0, "quantity") != q)
            report_problem("%s: read quantity %g, not my own write %d", path,
                           number_at(l0, "quantity"), q);
        cJSON_Delete(j);
        tm_resp_free(&r);
        if (problem[0])
            return NULL;
    }
    return NULL;
}

Test(mock_concurrency, creates_and_updates_distinct_sessions_in_parallel)
{
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, distinct_worker, (void *)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_no_problem();
    tm_resp r;
    tm_request(base, "GET", "/__admin/health", NULL, NULL, NULL, &r);
    char expect[64];
    snprintf(expect, sizeof expect, "\"sessions\":%d", THREADS * (ROUNDS / 4));
    cr_assert(strstr(r.body, expect), "%s", r.body);
    tm_resp_free(&r);
}

static void *shared_writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    char body[512], path[128];
    snprintf(path, sizeof path, "/payments/v1/sessions/%s", shared_id);
    for (int i = 0; i < ROUNDS; i++) {
        cart(body, sizeof body, w * 1000 + i + 1, w, i);
        tm_resp r;
        tm_request(base, "POST", path, body, TM_USERPWD, NULL, &r);
        if (r.status != 204)
            report_problem("writer %d round %d: update answered %ld: %s", w, i, r.status, r.body);
        tm_resp_free(&r);
        if (problem[0])
            return NULL;
    }
    return NULL;
}

static void *shared_reader(void *arg)
{
    char path[128], why[128];
    (void)arg;
    snprintf(path, sizeof path, "/payments/v1/sessions/%s", shared_id);
    for (int i = 0; i < ROUNDS; i++) {
        tm_resp r;
        tm_request(base, "GET", path, NULL, TM_USERPWD, NULL, &r);
        cJSON *j = r.status == 200 ? tm_json(&r) : NULL;
        if (!j)
            report_problem("read %d answered %ld: %s", i, r.status, r.body);
        else if (!cart_consistent(j, why, sizeof why))
            report_problem("read %d: %s", i, why);
        cJSON_Delete(j);
        tm_resp_free(&r);
        if (problem[0])
            return NULL;
    }
    return NULL;
}

/* Creates the shared session with a cart of the writers' own shape (q x 1000), so that
 * every state a reader can see, including the one before any writer's first update,
 * passes cart_consistent. */
static char *create_shared(void)
{
    char line[512], body[640];
    cart(line, sizeof line, 1, 0, -1);
    snprintf(body, sizeof body,
             "{\"purchase_country\":\"SE\",\"purchase_currency\":\"SEK\",\"locale\":\"sv-SE\",%s",
             line + 1);
    return tm_create(base, body);
}

Test(mock_concurrency, shared_session_updates_are_neither_lost_nor_torn)
{
    pthread_t t[THREADS + 2];
    shared_id = create_shared();
    for (intptr_t i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, shared_writer, (void *)i);
    for (int i = THREADS; i < THREADS + 2; i++)
        pthread_create(&t[i], NULL, shared_reader, NULL);
    for (int i = 0; i < THREADS + 2; i++)
        pthread_join(t[i], NULL);
    assert_no_problem();
    char path[128];
    snprintf(path, sizeof path, "/payments/v1/sessions/%s", shared_id);
    tm_resp r;
    tm_request(base, "GET", path, NULL, TM_USERPWD, NULL, &r);
    cJSON *j = tm_json(&r);
    assert_consistent(j);
    /* each writer's own member holds its last round: no merge was lost to another */
    for (int w = 0; w < THREADS; w++) {
        char name[16];
        snprintf(name, sizeof name, "kpt_%d", w);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
        cr_assert(cJSON_IsNumber(v), "%s missing: a lost update", name);
        cr_assert_eq(v->valuedouble, ROUNDS - 1, "%s = %g: a lost update", name, v->valuedouble);
    }
    cJSON_Delete(j);
    tm_resp_free(&r);
    /* and the journal saw every one of them answered 204 */
    tm_request(base, "GET", "/__admin/journal", NULL, NULL, NULL, &r);
    j = tm_json(&r);
    int updates = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "entries"))
    {
        if (strcmp(cJSON_GetObjectItem(e, "method")->valuestring, "POST") == 0 &&
            strcmp(cJSON_GetObjectItem(e, "path")->valuestring, path) == 0 &&
            cJSON_GetObjectItem(e, "status")->valuedouble == 204)
            updates++;
    }
    cr_assert_eq(updates, THREADS * ROUNDS);
    cJSON_Delete(j);
    tm_resp_free(&r);
}
