/* mutate: the kill matrix — the suite against a faithful mock, then against one embedded
 * mock per built-in defect, a pool of worker threads each running exec_run against its
 * own mock. exec_run is safe to run in several threads at once: an engine keeps its state
 * in its own struct, the case set is only read, the redact registry locks itself, and
 * libcurl's global state is initialised here once, before any worker starts. */
#define _GNU_SOURCE /* asprintf */
#include "mutate.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "mock.h"
#include "target.h"

typedef struct pool {
    const mutate_config *cfg;
    const case_set *set;
    const size_t *defects;
    size_t n;
    mutate_result *results;
    pthread_mutex_t lock;
    size_t next;   /* the next defect to take */
    bool failed;   /* a mock or an engine could not start: take no further defect */
    char err[512]; /* why, the first time */
} pool;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The plan for every market against the embedded mock at base_url; jobs point into envs. */
static int plan(const mutate_config *cfg, const case_set *set, case_env *envs, const char *base_url,
                exec_job **out, size_t *n_out, char *err, size_t errlen)
{
    exec_job *jobs = NULL;
    size_t n = 0;
    for (size_t m = 0; m < cfg->n_markets; m++) {
        envs[m] = (case_env){.base_url = base_url,
                             .market = cfg->markets[m],
                             .username = cfg->username,
                             .password = cfg->password,
                             .is_kpmock = true};
        case_filter f = {.market = cfg->markets[m], .target = TARGET_MOCK};
        const case_test **tests = NULL;
        size_t count = 0;
        if (case_set_select(set, &f, &tests, &count, err, errlen) < 0)
            goto fail;
        exec_job *grown = realloc(jobs, (n + count + 1) * sizeof *grown);
        if (!grown) {
            free(tests);
            snprintf(err, errlen, "out of memory planning the tests");
            goto fail;
        }
        jobs = grown;
        for (size_t i = 0; i < count; i++)
            jobs[n++] = (exec_job){tests[i], cfg->markets[m], &envs[m]};
        free(tests);
    }
    *out = jobs;
    *n_out = n;
    return 0;
fail:
    free(jobs);
    return -1;
}

/* Runs the suite against one embedded mock emulating defect (NULL: none) and fills out's
 * killers and seconds. Returns 0, or -1 with a reason in err. */
static int run_one(const mutate_config *cfg, const case_set *set, const char *defect,
                   mutate_result *out, char *err, size_t errlen)
{
    int rc = -1;
    double t0 = now_s();
    mock_server *srv = NULL;
    case_env *envs = calloc(cfg->n_markets, sizeof *envs);
    exec_job *jobs = NULL;
    test_result *results = NULL;
    size_t n_jobs = 0;
    char why[512];
    if (!envs) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    mock_config mc;
    mock_config_defaults(&mc);
    mc.bind_address = "127.0.0.1";
    mc.port = 0;
    mc.username = cfg->username;
    mc.password = cfg->password;
    mc.seed = cfg->seed ? cfg->seed : 1;
    mc.threads = 2;
    mc.defects = &defect;
    mc.n_defects = defect ? 1 : 0;
    if (mock_server_start(&mc, &srv, why, sizeof why) < 0) {
        snprintf(err, errlen, "the embedded mock%s%s did not start: %s",
                 defect ? " with defect " : "", defect ? defect : "", why);
        goto out;
    }
    if (plan(cfg, set, envs, mock_server_url(srv), &jobs, &n_jobs, err, errlen) < 0)
        goto out;
    if (!(results = calloc(n_jobs ? n_jobs : 1, sizeof *results))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    exec_config ec;
    exec_config_defaults(&ec);
    ec.jobs = cfg->jobs ? cfg->jobs : ec.jobs;
    ec.stop = cfg->stop;
    ec.forget = target_forget_session;
    ec.forget_ctx = srv;
    if (exec_run(&ec, set, jobs, n_jobs, results, why, sizeof why) < 0) {
        snprintf(err, errlen, "the engine did not start: %s", why);
        goto out;
    }
    for (size_t i = 0; i < n_jobs; i++) {
        const test_result *r = &results[i];
        if (r->status != RESULT_FAIL && r->status != RESULT_ERROR)
            continue;
        if (out->n_killers < MUTATE_MAX_KILLERS) {
            char *id = NULL;
            int k = cfg->n_markets > 1 ? asprintf(&id, "%s [%s]", r->id, r->market)
                                       : asprintf(&id, "%s", r->id);
            if (k < 0) {
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            out->killers[out->n_killers] = id;
        }
        out->n_killers++;
    }
    out->killed = out->n_killers > 0;
    out->ran = true;
    out->seconds = now_s() - t0;
    rc = 0;
out:
    for (size_t i = 0; results && i < n_jobs; i++)
        test_result_clear(&results[i]);
    free(results);
    free(jobs);
    free(envs);
    mock_server_stop(srv);
    return rc;
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        bool stop = p->failed || i >= p->n || (p->cfg->stop && *p->cfg->stop);
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        mutate_result *r = &p->results[i];
        char err[512];
        if (run_one(p->cfg, p->set, r->name, r, err, sizeof err) < 0) {
            pthread_mutex_lock(&p->lock);
            if (!p->failed)
                snprintf(p->err, sizeof p->err, "%s", err);
            p->failed = true;
            pthread_mutex_unlock(&p->lock);
        }
    }
    return NULL;
}

/* The faithful mock must pass the suite: returns 0, 1 (the first failure in err), -1. */
static int baseline(const mutate_config *cfg, const case_set *set, char *err, size_t errlen)
{
    mutate_result base = {0};
    if (run_one(cfg, set, NULL, &base, err, errlen) < 0)
        return -1;
    int rc = 0;
    if (base.killed) {
        snprintf(err, errlen,
                 "the suite does not pass against the faithful mock (%zu tests failed or errored, "
                 "first %s): fix that before measuring what it catches",
                 base.n_killers, base.killers[0] ? base.killers[0] : "?");
        rc = 1;
    }
    mutate_results_clear(&base, 1);
    return rc;
}

int mutate_run(const mutate_config *cfg, const case_set *set, const size_t *defects, size_t n,
               mutate_result *results, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        const mock_defect_info *d = mock_defect_at(defects[i]);
        results[i].name = d->name;
        results[i].breaks = d->breaks;
        results[i].clause = d->clause;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to initialise");
        return -1;
    }
    int rc = baseline(cfg, set, err, errlen);
    if (rc != 0)
        goto out;
    pool p = {.cfg = cfg, .set = set, .defects = defects, .n = n, .results = results};
    pthread_mutex_init(&p.lock, NULL);
    unsigned nw = cfg->workers < 1 ? 1 : cfg->workers;
    if (nw > MUTATE_MAX_WORKERS)
        nw = MUTATE_MAX_WORKERS;
    if (nw > n)
        nw = n ? (unsigned)n : 1;
    pthread_t threads[MUTATE_MAX_WORKERS];
    unsigned started = 0;
    for (; started < nw; started++)
        if (pthread_create(&threads[started], NULL, worker, &p) != 0)
            break;
    if (started == 0)
        worker(&p); /* no thread could start: the caller's thread does the work */
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
    if (p.failed) {
        snprintf(err, errlen, "%s", p.err);
        rc = -1;
    }
out:
    curl_global_cleanup();
    return rc;
}

void mutate_results_clear(mutate_result *results, size_t n)
{
    for (size_t i = 0; results && i < n; i++) {
        for (size_t k = 0; k < MUTATE_MAX_KILLERS; k++) {
            free(results[i].killers[k]);
            results[i].killers[k] = NULL;
        }
    }
}
