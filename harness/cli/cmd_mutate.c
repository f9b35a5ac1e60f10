/* cmd_mutate: kpct mutate — the suite against the embedded mock once per built-in defect
 * (kpmock --list-defects), several mocks at once; prints which tests caught each defect
 * and the survivors with the clause they break, writes mutate.json. */
#include "cmd.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "jsonfile.h"
#include "kfile.h"
#include "mock.h"
#include "msg.h"
#include "mutate.h"
#include "plan.h"
#include "redact.h"
#include "stop.h"
#include "target.h"

#define MUTATE_DEFAULT_MARKET "SE"

/* The defects --defect selects (all without one): indices into mock_defect_at. */
static size_t select_defects(const cli_options *o, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < mock_defect_count(); i++) {
        const mock_defect_info *d = mock_defect_at(i);
        bool hit = o->n_defect_globs == 0;
        for (size_t g = 0; g < o->n_defect_globs && !hit; g++)
            hit = fnmatch(o->defect_globs[g], d->name, 0) == 0;
        if (hit)
            idx[n++] = i;
    }
    return n;
}

static cJSON *matrix_json(const mutate_result *res, size_t n, size_t killed, char **markets,
                          size_t n_markets, double seconds)
{
    cJSON *doc = cJSON_CreateObject(), *ms = NULL, *list = NULL;
    if (!doc || !cJSON_AddStringToObject(doc, "schema", "kpct-mutate/1") ||
        !(ms = cJSON_AddArrayToObject(doc, "markets")))
        goto fail;
    for (size_t m = 0; m < n_markets; m++)
        if (!cJSON_AddItemToArray(ms, cJSON_CreateString(markets[m])))
            goto fail;
    if (!cJSON_AddNumberToObject(doc, "defects", (double)n) ||
        !cJSON_AddNumberToObject(doc, "killed", (double)killed) ||
        !cJSON_AddNumberToObject(doc, "seconds", seconds) ||
        !(list = cJSON_AddArrayToObject(doc, "results")))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        const mutate_result *r = &res[i];
        cJSON *o = cJSON_CreateObject(), *k = NULL;
        if (!o || !cJSON_AddItemToArray(list, o))
            goto fail_o;
        if (!cJSON_AddStringToObject(o, "name", r->name) ||
            !cJSON_AddStringToObject(o, "breaks", r->breaks) ||
            !cJSON_AddStringToObject(o, "clause", r->clause) ||
            !cJSON_AddBoolToObject(o, "ran", r->ran) ||
            !cJSON_AddBoolToObject(o, "killed", r->killed) ||
            !cJSON_AddNumberToObject(o, "killing_count", (double)r->n_killers) ||
            !(k = cJSON_AddArrayToObject(o, "killing_tests")) ||
            !cJSON_AddNumberToObject(o, "seconds", r->seconds))
            goto fail;
        for (size_t j = 0; j < r->n_killers && j < MUTATE_MAX_KILLERS; j++)
            if (!cJSON_AddItemToArray(k, cJSON_CreateString(r->killers[j])))
                goto fail;
        continue;
    fail_o:
        cJSON_Delete(o);
        goto fail;
    }
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

/* As kpct run does: the folder must take mutate.json before minutes of work, and an
 * earlier mutate.json goes, so a killed measurement is never read as this one. */
static int out_prepare(const char *out_dir, char *err, size_t errlen)
{
    if (kfile_check_writable(out_dir, err, errlen) < 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/mutate.json", out_dir);
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove the earlier mutate.json: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_matrix(const mutate_result *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const mutate_result *r = &res[i];
        if (!r->ran) {
            printf("NOT RUN  %s\n", r->name);
        } else if (r->killed) {
            printf("KILLED   %s (%.2f s) by %zu test%s: %s%s\n", r->name, r->seconds, r->n_killers,
                   r->n_killers == 1 ? "" : "s", r->killers[0], r->n_killers > 1 ? ", ..." : "");
        } else {
            printf("SURVIVED %s (%.2f s): %s; no test fails against it (clause %s)\n", r->name,
                   r->seconds, r->breaks, r->clause);
        }
    }
}

int cmd_mutate(const cli_options *o)
{
    case_set *set = NULL;
    char *markets[PLAN_MAX_MARKETS] = {0};
    size_t n_markets = 0, idx_cap = mock_defect_count();
    size_t *idx = calloc(idx_cap ? idx_cap : 1, sizeof *idx);
    mutate_result *res = calloc(idx_cap ? idx_cap : 1, sizeof *res);
    target t = {.kind = TARGET_MOCK};
    cJSON *doc = NULL;
    char err[1024];
    int rc;
    if (!idx || !res) {
        rc = msg_oom();
        goto out;
    }
    if ((rc = plan_load_cases(o->cases_dir, &set)) != 0)
        goto out;
    size_t n = select_defects(o, idx);
    if (n == 0) {
        rc = msg_usage("no built-in defect matches --defect (kpmock --list-defects lists them)");
        goto out;
    }
    int mr =
        plan_choose_markets(o, MUTATE_DEFAULT_MARKET, set, markets, &n_markets, err, sizeof err);
    if (mr < 0) {
        rc = mr == -2 ? msg_oom() : msg_usage(err);
        goto out;
    }
    if (n_markets > 1)
        msg_error("warning: %zu markets: the suite runs %zu times per defect, %zu runs in all; "
                  "this is slow",
                  n_markets, n_markets, n * n_markets);
    if (out_prepare(o->out_dir, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    uint64_t seed = o->seed_given ? o->seed : 4711;
    if (target_credentials(&t, seed, err, sizeof err) < 0 ||
        redact_add_credentials(t.username, t.password) < 0) {
        rc = msg_oom();
        goto out;
    }
    stop_install();
    mutate_config cfg = {.markets = (const char *const *)markets,
                         .n_markets = n_markets,
                         .workers = o->jobs,
                         .jobs = 8,
                         .seed = seed,
                         .username = t.username,
                         .password = t.password,
                         .stop = &stop_signal};
    double t0 = now_s();
    int run = mutate_run(&cfg, set, idx, n, res, err, sizeof err);
    double seconds = now_s() - t0;
    if (run != 0) {
        msg_error("%s", err);
        rc = run > 0 ? CLI_EXIT_FAILED : CLI_EXIT_SOFTWARE;
        goto out;
    }
    print_matrix(res, n);
    size_t killed = 0, ran = 0;
    for (size_t i = 0; i < n; i++) {
        killed += res[i].killed;
        ran += res[i].ran;
    }
    printf("%zu/%zu defects killed (%.1f s, markets:", killed, n, seconds);
    for (size_t m = 0; m < n_markets; m++)
        printf(" %s", markets[m]);
    printf(")\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/mutate.json", o->out_dir);
    if (!(doc = matrix_json(res, n, killed, markets, n_markets, seconds))) {
        rc = msg_oom();
        goto out;
    }
    if (jsonfile_write(path, doc, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    if (stop_signal)
        rc = 128 + (int)stop_signal;
    else
        rc = killed == n && ran == n ? CLI_EXIT_OK : CLI_EXIT_FAILED;
out:
    cJSON_Delete(doc);
    mutate_results_clear(res, idx_cap);
    free(res);
    free(idx);
    for (size_t m = 0; m < n_markets; m++)
        free(markets[m]);
    target_close(&t);
    case_set_free(set);
    return rc;
}
