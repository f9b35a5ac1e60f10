/* main: kpct's commands (run, list, lint) — what the user sees, and the exit status.
 * Everything below it reports through return values; only this file prints. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redact.h"
#include "case.h"
#include "cli.h"
#include "console.h"
#include "coverage.h"
#include "exec.h"
#include "kbuf.h"
#include "kfile.h"
#include "report.h"
#include "result.h"
#include "rng.h"
#include "run_catalog.h"
#include "target.h"

#define MAIN_MAX_MARKETS 64
#define MAIN_PROBE_MS    2000 /* GET /__admin/health on URL targets */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
    signal(sig, SIG_DFL); /* a second signal ends kpct at once */
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "kpct: %s\nTry 'kpct --help'.\n", msg);
    return CLI_EXIT_USAGE;
}

/* Loads the case set; prints every problem as file:line:col: message. */
static int load_cases(const char *dir, case_set **set)
{
    case_diags diags = {0};
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

/* Decides the markets to run: the target's default, "all", or a comma list. Fills
 * markets (new strings). Returns 0, or -1 with a reason (usage). */
static int choose_markets(const cli_options *o, const target *t, const case_set *set,
                          char **markets, size_t *n, char *err, size_t errlen)
{
    size_t count = 0;
    if (o->market && !strcmp(o->market, "all")) {
        size_t na;
        const char *const *all = case_set_markets(set, &na);
        for (size_t i = 0; i < na && count < MAIN_MAX_MARKETS; i++)
            markets[count++] = strdup(all[i]);
    } else {
        const char *spec = o->market ? o->market : t->default_market;
        char *copy = strdup(spec), *save = NULL;
        for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
            bool dup = false;
            for (size_t i = 0; i < count; i++)
                dup |= !strcmp(markets[i], m);
            if (dup)
                continue;
            if (count >= MAIN_MAX_MARKETS) {
                snprintf(err, errlen, "more than %d markets", MAIN_MAX_MARKETS);
                goto fail_copy;
            }
            if (!set_has_market(set, m)) {
                kbuf have;
                size_t na;
                const char *const *all = case_set_markets(set, &na);
                kbuf_init(&have, 1024);
                for (size_t i = 0; i < na; i++)
                    kbuf_printf(&have, "%s%s", i ? ", " : "", all[i]);
                snprintf(err, errlen, "market \"%s\" has no fixtures in %s (it has: %s)", m,
                         o->cases_dir, na ? kbuf_str(&have) : "none");
                kbuf_free(&have);
                goto fail_copy;
            }
            markets[count++] = strdup(m);
        }
        free(copy);
        if (!count) {
            snprintf(err, errlen, "--market names no market");
            goto fail;
        }
        goto ok;
    fail_copy:
        free(copy);
        goto fail;
    }
    if (!count) {
        snprintf(err, errlen, "%s has no market fixtures", o->cases_dir);
        goto fail;
    }
ok:
    *n = count;
    return 0;
fail:
    for (size_t i = 0; i < count; i++)
        free(markets[i]);
    return -1;
}

/* Expands the set into jobs for every market (then the shard). Returns 0, or -1 with a reason. */
static int plan_jobs(const cli_options *o, const target *t, const case_set *set, char **markets,
                     size_t n_markets, const case_env *envs, exec_job **out, size_t *n_out,
                     char *err, size_t errlen)
{
    exec_job *jobs = NULL;
    size_t n = 0, kept = 0;
    for (size_t m = 0; m < n_markets; m++) {
        case_filter f = {
            .market = markets[m],
            .target = t->kind,
            .target_is_kpmock = t->is_kpmock,
            .id_globs = o->id_globs,
            .n_id_globs = o->n_id_globs,
            .tags = o->tags,
            .n_tags = o->n_tags,
        };
        const case_test **tests = NULL;
        size_t count = 0;
        if (case_set_select(set, &f, &tests, &count, err, errlen) < 0)
            goto fail;
        exec_job *grown = realloc(jobs, (n + count + 1) * sizeof *grown);
        if (!grown) {
            free(tests);
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        jobs = grown;
        for (size_t i = 0; i < count; i++)
            jobs[n++] = (exec_job){tests[i], markets[m], &envs[m]};
        free(tests);
    }
    if (n == 0 && (o->n_id_globs || o->n_tags)) {
        /* a typo in a selection must not turn into a green run of nothing */
        snprintf(err, errlen, "no test matches the --id/--tag selection in %s", o->cases_dir);
        goto fail;
    }
    /* Sharding slices the combined plan, so K/N splits evenly across markets too. */
    for (size_t i = 0; i < n; i++)
        if (!o->shard_n || i % o->shard_n == o->shard_k - 1)
            jobs[kept++] = jobs[i];
    *out = jobs;
    *n_out = kept;
    return 0;
fail:
    free(jobs);
    return -1;
}

static int cmd_lint(const cli_options *o)
{
    case_set *set = NULL;
    int rc = load_cases(o->cases_dir, &set);
    if (rc)
        return rc;
    size_t nm, nc;
    const char *const *markets = case_set_markets(set, &nm);
    case_set_clauses(set, &nc);
    printf("%s: ok (%zu clauses, markets:", o->cases_dir, nc);
    for (size_t i = 0; i < nm; i++)
        printf(" %s", markets[i]);
    printf(")\n");
    case_set_free(set);
    return CLI_EXIT_OK;
}

typedef struct console_ctx {
    bool colour;
    bool progress; /* stdout is a terminal: keep a "[done/total]" line at the bottom */
    bool several_markets;
    size_t done, total;
} console_ctx;

static void print_result(void *ctx, const test_result *r)
{
    console_ctx *c = ctx;
    kbuf line;
    kbuf_init(&line, 4096);
    c->done++;
    if (c->progress)
        fputs("\r\x1b[K", stdout);
    if (console_test_line(&line, r, c->several_markets, c->colour) == 0)
        fputs(kbuf_str(&line), stdout);
    if (c->progress && c->done < c->total)
        printf("[%zu/%zu]", c->done, c->total);
    fflush(stdout);
    kbuf_free(&line);
}

static bool use_colour(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static void rfc3339_now(char *out, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Computes coverage once, writes every report into --out and appends the coverage
 * summary. Returns 0, or -1 when a report could not be written (reason printed). */
static int write_reports(const cli_options *o, const case_set *set, run_report *rep, kbuf *summary,
                         double *passing_pct)
{
    char err[1024];
    coverage *cov = NULL;
    if (run_catalog_fill(rep, set, err, sizeof err) < 0 || coverage_compute(rep, &cov) < 0) {
        fprintf(stderr, "kpct: out of memory computing coverage\n");
        *passing_pct = 0.0;
        return -1;
    }
    int rc = report_write_all(rep, cov, o->out_dir, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kpct: %s\n", err);
    coverage_summary(cov, summary, passing_pct);
    coverage_free(cov);
    return rc;
}

/* Shared by run and list: load, resolve the target, choose markets, plan. */
typedef struct session {
    case_set *set;
    target tgt;
    bool have_target;
    char *markets[MAIN_MAX_MARKETS];
    size_t n_markets;
    case_env envs[MAIN_MAX_MARKETS];
    exec_job *jobs;
    size_t n_jobs;
    uint64_t seed;
} session;

static void session_free(session *s)
{
    free(s->jobs);
    for (size_t i = 0; i < s->n_markets; i++)
        free(s->markets[i]);
    if (s->have_target)
        target_close(&s->tgt);
    case_set_free(s->set);
}

static int session_open(const cli_options *o, session *s, bool for_run)
{
    char err[1024];
    int rc = load_cases(o->cases_dir, &s->set);
    if (rc)
        return rc;
    if (target_resolve(o->target, o->allow_production, &s->tgt, err, sizeof err) < 0)
        return usage_error(err);
    s->have_target = true;
    if (o->seed_given) {
        s->seed = o->seed;
    } else {
        kprng r;
        kprng_seed(&r, 0);
        s->seed = kprng_next(&r) >> 11; /* fits a JSON number exactly */
    }
    if (for_run) {
        if (target_credentials(&s->tgt, s->seed, err, sizeof err) < 0)
            return usage_error(err);
        if (redact_add_credentials(s->tgt.username, s->tgt.password) < 0)
            return usage_error("KLARNA_USERNAME and KLARNA_PASSWORD must each be at least 4 bytes: "
                               "shorter values cannot be kept out of reports");
    }
    if (choose_markets(o, &s->tgt, s->set, s->markets, &s->n_markets, err, sizeof err) < 0)
        return usage_error(err);
    if (for_run || s->tgt.kind == TARGET_URL) {
        target_options topt = {.seed = s->seed,
                               .mock_threads = o->jobs,
                               .cacert = o->cacert,
                               .client_cert = o->client_cert,
                               .client_key = o->client_key,
                               .insecure = o->insecure,
                               .probe_timeout_ms = MAIN_PROBE_MS};
        if (!for_run && s->tgt.kind == TARGET_MOCK)
            topt.probe_timeout_ms = 0;
        if (target_open(&s->tgt, &topt, err, sizeof err) < 0) {
            fprintf(stderr, "kpct: %s\n", err);
            return CLI_EXIT_SOFTWARE;
        }
    }
    for (size_t m = 0; m < s->n_markets; m++)
        s->envs[m] = (case_env){.base_url = s->tgt.base_url ? s->tgt.base_url : "http://127.0.0.1",
                                .market = s->markets[m],
                                .username = s->tgt.username,
                                .password = s->tgt.password,
                                .is_kpmock = s->tgt.is_kpmock};
    if (plan_jobs(o, &s->tgt, s->set, s->markets, s->n_markets, s->envs, &s->jobs, &s->n_jobs, err,
                  sizeof err) < 0)
        return usage_error(err);
    return 0;
}

static int cmd_list(const cli_options *o)
{
    session s;
    memset(&s, 0, sizeof s);
    int rc = session_open(o, &s, false);
    if (rc)
        goto out;
    for (size_t i = 0; i < s.n_jobs; i++) {
        const case_test *t = s.jobs[i].test;
        if (s.n_markets > 1)
            printf("%s\t", s.jobs[i].market);
        printf("%s\t%s", t->id, t->title ? t->title : "");
        if (t->skip_reason)
            printf("\t[skip: %s]", t->skip_reason);
        printf("\n");
    }
    fprintf(stderr, "%zu test%s\n", s.n_jobs, s.n_jobs == 1 ? "" : "s");
out:
    session_free(&s);
    return rc;
}

/* True when the report folder lies inside the case folder: the loader reads every
 * *.json there, so the next run would take the reports for case files. */
static bool out_inside_cases(const char *cases_dir, const char *out_dir)
{
    char *cases = realpath(cases_dir, NULL), *out = NULL;
    bool inside = false;
    if (!cases)
        return false;
    /* the report folder may not exist yet: resolve its nearest existing ancestor */
    kbuf probe;
    kbuf_init(&probe, 1 << 16);
    if (kbuf_puts(&probe, out_dir) == 0) {
        while (probe.len && !(out = realpath(kbuf_str(&probe), NULL))) {
            char *slash = strrchr(probe.data, '/');
            if (!slash || slash == probe.data)
                break;
            *slash = '\0';
            probe.len = (size_t)(slash - probe.data);
        }
    }
    if (!out && out_dir[0] != '/')
        out = realpath(".", NULL);
    if (out) {
        size_t n = strlen(cases);
        inside = !strncmp(out, cases, n) && (out[n] == '/' || out[n] == '\0');
    }
    kbuf_free(&probe);
    free(cases);
    free(out);
    return inside;
}

/* Checks before anything runs that the report folder can be created and written (a
 * long run against the playground must not end with nowhere to put its reports), and
 * removes the reports of an earlier run: if this one is killed, CI finds no report
 * rather than the last run's, green, taken for this one's. */
/* True for name+".XXXXXX", the temporary file kfile_write_atomic writes name through. */
static bool atomic_temp_of(const char *entry, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(entry, name, n) && entry[n] == '.' && strlen(entry + n + 1) == 6;
}

/* Removes what a run killed while writing here left: the write check and the temporary
 * files of the reports (a kill between their creation and their rename). */
static void out_remove_leftovers(const char *out_dir)
{
    char path[4096];
    size_t n_reports;
    const reporter *reports = report_table(&n_reports);
    DIR *d = opendir(out_dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        bool ours = !strcmp(e->d_name, ".kpct-write-check") ||
                    atomic_temp_of(e->d_name, ".kpct-write-check");
        for (size_t i = 0; i < n_reports && !ours; i++)
            ours = atomic_temp_of(e->d_name, reports[i].file);
        if (ours && snprintf(path, sizeof path, "%s/%s", out_dir, e->d_name) < (int)sizeof path)
            unlink(path);
    }
    closedir(d);
}

static int out_prepare(const char *out_dir, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.kpct-write-check", out_dir);
    if (kfile_write_atomic(path, "", 0, err, errlen) < 0)
        return -1;
    unlink(path);
    out_remove_leftovers(out_dir);
    size_t n_reports;
    const reporter *reports = report_table(&n_reports);
    for (size_t i = 0; i < n_reports; i++) {
        snprintf(path, sizeof path, "%s/%s", out_dir, reports[i].file);
        if (unlink(path) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove the earlier %s: %s", reports[i].file,
                     strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int cmd_run(const cli_options *o)
{
    session s;
    run_report rep;
    kbuf summary;
    char err[1024], started[32];
    double passing = 100.0;
    int rc;
    memset(&s, 0, sizeof s);
    memset(&rep, 0, sizeof rep);
    kbuf_init(&summary, 1u << 20);
    if (out_inside_cases(o->cases_dir, o->out_dir)) {
        snprintf(err, sizeof err,
                 "--out %s lies inside %s: the next run would read the reports as case files",
                 o->out_dir, o->cases_dir);
        rc = usage_error(err);
        goto out;
    }
    rc = session_open(o, &s, true);
    if (rc)
        goto out;
    if (out_prepare(o->out_dir, err, sizeof err) < 0) {
        fprintf(stderr, "kpct: cannot write reports to %s: %s; nothing was run\n", o->out_dir, err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }

    console_ctx cc = {.colour = use_colour(),
                      .progress = isatty(STDOUT_FILENO),
                      .several_markets = s.n_markets > 1,
                      .total = s.n_jobs};
    exec_config cfg;
    exec_config_defaults(&cfg);
    cfg.jobs = o->jobs;
    cfg.timeout_ms = o->timeout_ms;
    cfg.connect_timeout_ms = o->connect_timeout_ms;
    cfg.retries = o->retries >= 0 ? (unsigned)o->retries : s.tgt.kind == TARGET_PLAYGROUND ? 2 : 0;
    cfg.cacert = o->cacert;
    cfg.client_cert = o->client_cert;
    cfg.client_key = o->client_key;
    cfg.insecure = o->insecure;
    cfg.noproxy = s.tgt.kind == TARGET_MOCK ? "127.0.0.1,localhost" : NULL;
    bool playground = s.tgt.kind == TARGET_PLAYGROUND;
    cfg.create_per_s = o->create_per_s >= 0 ? o->create_per_s : playground ? 4 : 0;
    cfg.other_per_s = o->other_per_s >= 0 ? o->other_per_s : playground ? 40 : 0;
    cfg.fail_fast = o->fail_fast;
    cfg.verbose = o->verbose;
    cfg.trace = stderr;
    cfg.stop = &stop_signal;
    cfg.on_result = print_result;
    cfg.ctx = &cc;

    rfc3339_now(started, sizeof started);
    rep.target = strdup(s.tgt.name);
    rep.base_url = strdup(s.tgt.base_url ? s.tgt.base_url : "");
    rep.version = strdup(KPCT_VERSION);
    rep.started_at = strdup(started);
    rep.seed = s.seed;
    rep.markets = calloc(s.n_markets, sizeof *rep.markets);
    rep.results = calloc(s.n_jobs ? s.n_jobs : 1, sizeof *rep.results);
    if (!rep.target || !rep.base_url || !rep.version || !rep.started_at || !rep.markets ||
        !rep.results) {
        fprintf(stderr, "kpct: out of memory\n");
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    for (size_t m = 0; m < s.n_markets; m++)
        if ((rep.markets[m] = strdup(s.markets[m])))
            rep.n_markets++;
    rep.count = s.n_jobs;

    double t0 = wall_s();
    if (exec_run(&cfg, s.set, s.jobs, s.n_jobs, rep.results, err, sizeof err) < 0) {
        fprintf(stderr, "kpct: %s\n", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    rep.seconds = wall_s() - t0;
    rep.interrupted = stop_signal != 0;

    bool unwritable = write_reports(o, s.set, &rep, &summary, &passing) < 0;
    kbuf totals;
    kbuf_init(&totals, 4096);
    if (cc.progress)
        fputs("\r\x1b[K", stdout);
    console_totals(&totals, &rep);
    fputs(kbuf_str(&totals), stdout);
    kbuf_free(&totals);
    fputs(kbuf_str(&summary), stdout);
    if (summary.len && summary.data[summary.len - 1] != '\n')
        fputs("\n", stdout);

    size_t by_status[4], flaky;
    run_report_tally(&rep, by_status, &flaky);
    if (stop_signal) {
        fprintf(stderr, "kpct: interrupted by signal %d; partial reports written to %s\n",
                (int)stop_signal, o->out_dir);
        rc = 128 + stop_signal;
    } else if (unwritable) {
        rc = CLI_EXIT_SOFTWARE;
    } else if (by_status[RESULT_ERROR]) {
        rc = CLI_EXIT_ERRORED;
    } else if (by_status[RESULT_FAIL]) {
        rc = CLI_EXIT_FAILED;
    } else if (o->min_coverage >= 0 && passing < o->min_coverage) {
        fprintf(stderr, "kpct: contract coverage %.1f%% is below --min-coverage %.1f%%\n", passing,
                o->min_coverage);
        rc = CLI_EXIT_FAILED;
    } else {
        rc = CLI_EXIT_OK;
    }
out:
    fflush(stdout);
    run_report_free(&rep);
    kbuf_free(&summary);
    session_free(&s);
    return rc;
}

int main(int argc, char **argv)
{
    cli_options o;
    char err[1024];
    int rc;
    if (cli_parse(argc, argv, &o, err, sizeof err) < 0)
        return usage_error(err);
    install_signals();
    switch (o.command) {
    case CLI_HELP:
        fputs(cli_usage(), stdout);
        rc = CLI_EXIT_OK;
        break;
    case CLI_VERSION:
        printf("kpct %s\n", KPCT_VERSION);
        rc = CLI_EXIT_OK;
        break;
    case CLI_LINT:
        rc = cmd_lint(&o);
        break;
    case CLI_LIST:
        rc = cmd_list(&o);
        break;
    default:
        rc = cmd_run(&o);
        break;
    }
    cli_options_free(&o);
    return rc;
}
