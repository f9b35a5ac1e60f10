/* plan: loading, target, markets and the job plan for run and list. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "kbuf.h"
#include "msg.h"
#include "redact.h"
#include "result_read.h"
#include "rng.h"

#define PLAN_MAX_ERR        1024
#define PLAN_MAX_SHOWN_VARS 16 /* undefined ${var:...} names listed before the verdict */

int plan_load_cases(const char *dir, case_set **set)
{
    case_diags diags = {0};
    struct stat st = {0};
    errno = 0;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        const char *why = errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a folder";
        if (!strcmp(dir, CLI_CASES_DIR))
            fprintf(stderr,
                    "kpct: no case folder: looked for ./%s and the installed suite %s; give "
                    "CASES_DIR\n",
                    CLI_CASES_DIR, CLI_INSTALLED_CASES_DIR);
        else
            fprintf(stderr, "kpct: CASES_DIR %s is not a folder of case files (%s)\n", dir, why);
        return CLI_EXIT_BAD_CASES;
    }
    if (case_set_load(dir, set, &diags) == 0) {
        case_diags_free(&diags);
        return 0;
    }
    for (size_t i = 0; i < diags.count; i++)
        fprintf(stderr, "%s:%d:%d: %s\n", diags.items[i].file ? diags.items[i].file : dir,
                diags.items[i].line, diags.items[i].col, diags.items[i].message);
    if (!diags.count)
        fprintf(stderr, "%s: cannot load the case files\n", dir);
    fprintf(stderr, "kpct: %zu problem%s in %s; nothing was run\n", diags.count,
            diags.count == 1 ? "" : "s", dir);
    case_diags_free(&diags);
    return CLI_EXIT_BAD_CASES;
}

static bool set_has_market(const case_set *set, const char *m)
{
    size_t n;
    const char *const *all = case_set_markets(set, &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(all[i], m))
            return true;
    return false;
}

/* Writes the "market has no fixtures" reason, listing the markets the set has (the
 * list is a hint: past its ceiling, or out of memory, it is cut short). */
static void no_fixtures(const cli_options *o, const case_set *set, const char *m, char *err,
                        size_t errlen)
{
    kbuf have;
    size_t na;
    const char *const *all = case_set_markets(set, &na);
    kbuf_init(&have, 1024);
    for (size_t i = 0; i < na && kbuf_printf(&have, "%s%s", i ? ", " : "", all[i]) == 0; i++)
        ;
    snprintf(err, errlen, "market \"%s\" has no fixtures in %s (it has: %s)", m, o->cases_dir,
             na ? kbuf_str(&have) : "none");
    kbuf_free(&have);
}

/* Decides the markets to run: the target's default, "all", or a comma list. Fills
 * markets (new strings) and *n. Returns 0, -1 with a reason (usage), -2 out of memory. */
int plan_choose_markets(const cli_options *o, const char *default_market, const case_set *set,
                        char **markets, size_t *n, char *err, size_t errlen)
{
    size_t count = 0;
    char *copy = NULL, *save = NULL;
    int rc = -1;
    if (o->market && !strcasecmp(o->market, "all")) {
        size_t na;
        const char *const *all = case_set_markets(set, &na);
        for (size_t i = 0; i < na && count < PLAN_MAX_MARKETS; i++)
            if (!(markets[count++] = strdup(all[i])))
                goto oom;
        if (!count) {
            snprintf(err, errlen, "%s has no market fixtures", o->cases_dir);
            goto fail;
        }
        goto ok;
    }
    if (!(copy = strdup(o->market ? o->market : default_market)))
        goto oom;
    for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        bool dup = false;
        for (char *c = m; *c; c++) /* "se" is SE: markets are ISO country codes */
            *c = (char)toupper((unsigned char)*c);
        for (size_t i = 0; i < count; i++)
            dup |= !strcmp(markets[i], m);
        if (dup)
            continue;
        if (count >= PLAN_MAX_MARKETS) {
            snprintf(err, errlen, "more than %d markets", PLAN_MAX_MARKETS);
            goto fail;
        }
        if (!set_has_market(set, m)) {
            no_fixtures(o, set, m, err, errlen);
            goto fail;
        }
        if (!(markets[count++] = strdup(m)))
            goto oom;
    }
    if (!count) {
        snprintf(err, errlen, "--market names no market");
        goto fail;
    }
ok:
    free(copy);
    *n = count;
    return 0;
oom:
    rc = -2;
fail:
    free(copy);
    for (size_t i = 0; i < count; i++)
        free(markets[i]);
    return rc;
}

/* Whether the test carries one of the tags. */
static bool has_any_tag(const case_test *t, const char *const *tags, size_t n)
{
    for (size_t i = 0; i < t->n_tags; i++)
        for (size_t k = 0; k < n; k++)
            if (!strcmp(t->tags[i], tags[k]))
                return true;
    return false;
}

/* Whether the earlier run has the test (id and market) failed or errored. */
static bool failed_in(const run_report *last, const case_test *t, const char *market)
{
    for (size_t i = 0; i < last->count; i++) {
        const test_result *r = &last->results[i];
        if ((r->status == RESULT_FAIL || r->status == RESULT_ERROR) && r->id && r->market &&
            !strcmp(r->id, t->id) && !strcmp(r->market, market))
            return true;
    }
    return false;
}

/* Leaves out of jobs what --exclude-tag and --last-failed leave out; *n shrinks. Returns
 * 0, or -1 with a reason (usage). */
static int plan_leave_out(const cli_options *o, exec_job *jobs, size_t *n, char *err, size_t errlen)
{
    run_report last;
    size_t kept = 0, unhappy = 0;
    memset(&last, 0, sizeof last);
    if (o->last_failed) {
        char why[PLAN_MAX_ERR / 2];
        if (run_report_read(o->last_failed, &last, why, sizeof why) < 0) {
            snprintf(err, errlen, "--last-failed %s: %s", o->last_failed, why);
            return -1;
        }
        for (size_t i = 0; i < last.count; i++)
            unhappy +=
                last.results[i].status == RESULT_FAIL || last.results[i].status == RESULT_ERROR;
    }
    for (size_t i = 0; i < *n; i++) {
        const case_test *t = jobs[i].test;
        if (has_any_tag(t, o->exclude_tags, o->n_exclude_tags))
            continue;
        if (o->last_failed && !failed_in(&last, t, jobs[i].market))
            continue;
        jobs[kept++] = jobs[i];
    }
    run_report_free(&last);
    if (o->last_failed && unhappy && !kept) {
        /* the tests that failed are gone or renamed: a green run of nothing would hide it */
        snprintf(err, errlen,
                 "--last-failed %s: none of its %zu failed or errored tests is in this plan",
                 o->last_failed, unhappy);
        return -1;
    }
    *n = kept;
    return 0;
}

/* Expands the set into jobs for every market, then keeps the shard. Returns 0, -1 with
 * a reason (usage), -2 out of memory. */
static int plan_jobs(const cli_options *o, plan *p, char *err, size_t errlen)
{
    exec_job *jobs = NULL;
    size_t n = 0, kept = 0;
    int rc = -1;
    for (size_t m = 0; m < p->n_markets; m++) {
        case_filter f = {
            .market = p->markets[m],
            .target = p->tgt.kind,
            .target_is_kpmock = p->tgt.is_kpmock,
            .id_globs = o->id_globs,
            .n_id_globs = o->n_id_globs,
            .tags = o->tags,
            .n_tags = o->n_tags,
        };
        const case_test **tests = NULL;
        size_t count = 0;
        if (case_set_select(p->set, &f, &tests, &count, err, errlen) < 0)
            goto fail;
        exec_job *grown = realloc(jobs, (n + count + 1) * sizeof *grown);
        if (!grown) {
            free(tests);
            rc = -2;
            goto fail;
        }
        jobs = grown;
        for (size_t i = 0; i < count; i++)
            jobs[n++] = (exec_job){tests[i], p->markets[m], &p->envs[m]};
        free(tests);
    }
    if (n == 0 && (o->n_id_globs || o->n_tags)) {
        /* a typo in a selection must not turn into a green run of nothing */
        snprintf(err, errlen, "no test matches the --id/--tag selection in %s", o->cases_dir);
        goto fail;
    }
    if (plan_leave_out(o, jobs, &n, err, errlen) < 0)
        goto fail;
    /* Sharding slices the combined plan, so K/N splits evenly across markets too. */
    for (size_t i = 0; i < n; i++)
        if (!o->shard_n || i % o->shard_n == o->shard_k - 1)
            jobs[kept++] = jobs[i];
    p->jobs = jobs;
    p->n_jobs = kept;
    return 0;
fail:
    free(jobs);
    return rc;
}

/* Resolves the target and, for a run, its credentials; sets the seed. */
static int open_target(const cli_options *o, plan *p, bool for_run, char *err, size_t errlen)
{
    int rc = target_resolve(o->target, o->allow_production, &p->tgt, err, errlen);
    if (rc < 0)
        return rc == -2 ? msg_oom() : msg_usage(err);
    p->have_target = true;
    if (o->seed_given) {
        p->seed = o->seed;
    } else {
        kprng r;
        kprng_seed(&r, 0);
        p->seed = kprng_next(&r) >> 11; /* fits a JSON number exactly */
    }
    if (!for_run)
        return 0;
    if ((rc = target_credentials(&p->tgt, p->seed, err, errlen)) < 0)
        return rc == -2 ? msg_oom() : msg_usage(err);
    if (redact_add_credentials(p->tgt.username, p->tgt.password) < 0)
        return msg_usage("KLARNA_USERNAME and KLARNA_PASSWORD must each be at least 4 bytes: "
                         "shorter values cannot be kept out of reports");
    return 0;
}

/* The undefined ${var:...} names found so far, each printed once with the first test
 * that uses it. */
typedef struct plan_missing {
    char names[PLAN_MAX_SHOWN_VARS][CASE_MAX_RUN_VAR_NAME + 1];
    size_t n;
    const case_test *test; /* the test being walked */
} plan_missing;

static void plan_missing_var(void *ctx, const char *name)
{
    plan_missing *m = ctx;
    for (size_t k = 0; k < m->n; k++)
        if (!strcmp(m->names[k], name))
            return;
    if (m->n == PLAN_MAX_SHOWN_VARS)
        return;
    snprintf(m->names[m->n++], sizeof m->names[0], "%s", name);
    fprintf(stderr, "kpct: %s:%d: test %s uses ${var:%s}, which no --var or --secret defines\n",
            m->test->file, m->test->line, m->test->id, name);
}

/* Refuses a plan whose tests use a ${var:NAME} the command line does not define, before
 * anything is sent: one line per missing name, then the verdict. Skipped tests need
 * none. Returns 0, or CLI_EXIT_USAGE after printing why. */
static int plan_check_vars(const cli_options *o, const plan *p)
{
    plan_missing m = {.n = 0};
    size_t tests = 0;
    for (size_t i = 0; i < p->n_jobs; i++) {
        m.test = p->jobs[i].test;
        if (!m.test->skip_reason)
            tests += case_vars_undefined(p->set, m.test, p->jobs[i].market, o->vars,
                                         plan_missing_var, &m) > 0;
    }
    if (!tests)
        return 0;
    char why[256];
    snprintf(why, sizeof why,
             "%zu test%s use%s undefined variables; give --var NAME=VALUE (or --secret) for each; "
             "nothing was run",
             tests, tests == 1 ? "" : "s", tests == 1 ? "s" : "");
    return msg_usage(why);
}

int plan_open(const cli_options *o, plan *p, bool for_run)
{
    char err[PLAN_MAX_ERR];
    int rc = header_expand(o->headers, o->n_headers, o->vars, &p->headers, err, sizeof err);
    if (rc < 0)
        return rc == -2 ? msg_oom() : msg_usage(err);
    rc = plan_load_cases(o->cases_dir, &p->set);
    if (rc || (rc = open_target(o, p, for_run, err, sizeof err)))
        return rc;
    rc = plan_choose_markets(o, p->tgt.policy->default_market, p->set, p->markets, &p->n_markets,
                             err, sizeof err);
    if (rc < 0)
        return rc == -2 ? msg_oom() : msg_usage(err);
    if (for_run || p->tgt.kind == TARGET_URL) {
        target_options topt = {.seed = p->seed,
                               .mock_threads = o->jobs,
                               .cacert = o->cacert,
                               .client_cert = o->client_cert,
                               .client_key = o->client_key,
                               .insecure = o->insecure,
                               .headers = p->headers.items,
                               .n_headers = p->headers.count,
                               .probe_timeout_ms = PLAN_PROBE_MS};
        if (!for_run && p->tgt.kind == TARGET_MOCK)
            topt.probe_timeout_ms = 0;
        if (target_open(&p->tgt, &topt, err, sizeof err) < 0) {
            msg_error("%s", err);
            return CLI_EXIT_SOFTWARE;
        }
    }
    for (size_t m = 0; m < p->n_markets; m++)
        p->envs[m] = (case_env){.base_url = p->tgt.base_url ? p->tgt.base_url : "http://127.0.0.1",
                                .market = p->markets[m],
                                .username = p->tgt.username,
                                .password = p->tgt.password,
                                .is_kpmock = p->tgt.is_kpmock,
                                .defs = o->vars,
                                .headers = p->headers.items,
                                .n_headers = p->headers.count};
    rc = plan_jobs(o, p, err, sizeof err);
    if (rc < 0)
        return rc == -2 ? msg_oom() : msg_usage(err);
    return plan_check_vars(o, p);
}

size_t plan_index_of(const cli_options *o, size_t job)
{
    /* the inverse of the slicing in plan_jobs */
    return o->shard_n ? job * o->shard_n + (o->shard_k - 1) : job;
}

void plan_free(plan *p)
{
    free(p->jobs);
    for (size_t i = 0; i < p->n_markets; i++)
        free(p->markets[i]);
    if (p->have_target)
        target_close(&p->tgt);
    case_set_free(p->set);
    header_set_free(&p->headers);
    memset(p, 0, sizeof *p);
}
