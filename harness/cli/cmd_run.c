/* cmd_run: kpct run — runs the plan against the target with the exec engine, prints
 * each result as it ends, writes the reports and decides the exit status. */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "githead.h"
#include "coverage.h"
#include "kbuf.h"
#include "kfile.h"
#include "msg.h"
#include "plan.h"
#include "preflight.h"
#include "recap.h"
#include "report.h"
#include "result.h"
#include "run_catalog.h"
#include "stop.h"

typedef struct console_ctx {
    bool colour;
    bool quiet;    /* -q: no test lines, only the recap */
    bool progress; /* a terminal, not quiet, no -v traces: keep a progress line at the bottom */
    bool several_markets;
    bool warn_unconfirmed; /* a failing unconfirmed test is a reading that differs */
    run_report *rep;       /* the run's, whose results print_result is handed one of */
    report_stream *stream; /* where each ended test goes before its exchanges are freed */
    size_t done, total, failures;
    double t0; /* when the run started, for the elapsed time */
} console_ctx;

static double wall_s(void);

static void print_result(void *ctx, const test_result *r)
{
    console_ctx *c = ctx;
    kbuf line;
    kbuf_init(&line, 4096);
    c->done++;
    size_t i = (size_t)(r - c->rep->results);
    if (c->warn_unconfirmed) /* before it is shown: the console and reports agree */
        result_mark_reading_differs(&c->rep->results[i]);
    c->failures += r->status == RESULT_FAIL || r->status == RESULT_ERROR;
    if (c->progress)
        fputs("\r\x1b[K", stdout);
    if (!c->quiet && console_test_line(&line, r, c->several_markets, c->colour) == 0)
        fputs(kbuf_str(&line), stdout);
    kbuf_reset(&line);
    if (c->progress && c->done < c->total &&
        console_progress(&line, c->done, c->total, c->failures, wall_s() - c->t0) == 0)
        fputs(kbuf_str(&line), stdout);
    fflush(stdout);
    kbuf_free(&line);
    /* a failure to stream is reported with the reports, at the end */
    report_stream_add(c->stream, c->rep, i);
    test_result_compact(&c->rep->results[i]);
}

static bool use_colour(cli_color when)
{
    const char *nc = getenv("NO_COLOR");
    if (when != CLI_COLOR_AUTO)
        return when == CLI_COLOR_ALWAYS;
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

/* The closing recap: the reports that are in --out now (all of them, or those written
 * before one failed), after the verdict and the failing clauses. */
static void recap(const cli_options *o, const run_report *rep, const coverage *cov, bool colour,
                  kbuf *out)
{
    size_t n;
    const reporter *table = report_table(&n);
    char paths[16][4096];
    const char *written[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 16; i++) {
        snprintf(paths[k], sizeof paths[k], "%s/%s", o->out_dir, table[i].file);
        if (access(paths[k], F_OK) == 0) {
            written[k] = paths[k];
            k++;
        }
    }
    recap_build(out, rep, cov, written, k, colour);
}

/* Computes coverage once, writes every report into --out, appends the coverage summary
 * and the recap. Returns 0, or -1 when a report could not be written (reason printed). */
static int write_reports(const cli_options *o, const case_set *set, run_report *rep,
                         report_stream *stream, kbuf *summary, kbuf *closing, bool colour,
                         double *passing_pct)
{
    char err[1024];
    coverage *cov = NULL;
    if (run_catalog_fill(rep, set, err, sizeof err) < 0 || coverage_compute(rep, &cov) < 0) {
        fprintf(stderr, "kpct: out of memory computing coverage\n");
        *passing_pct = 0.0;
        return -1;
    }
    int rc = report_write_streamed(rep, cov, stream, o->out_dir, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kpct: %s\n", err);
    coverage_summary(cov, summary, passing_pct);
    recap(o, rep, cov, colour, closing);
    coverage_free(cov);
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
        bool ours =
            !strcmp(e->d_name, KFILE_WRITE_CHECK) || atomic_temp_of(e->d_name, KFILE_WRITE_CHECK);
        for (size_t i = 0; i < n_reports && !ours; i++)
            ours = atomic_temp_of(e->d_name, reports[i].file);
        if (ours && snprintf(path, sizeof path, "%s/%s", out_dir, e->d_name) < (int)sizeof path)
            unlink(path);
    }
    closedir(d);
}

static int out_prepare(const char *out_dir, char *err, size_t errlen)
{
    if (kfile_check_writable(out_dir, err, errlen) < 0)
        return -1;
    out_remove_leftovers(out_dir);
    char path[4096];
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

/* The engine's settings for this run: the engine's defaults, what the command line
 * says, and the target's policy where it says nothing. */
static void run_config(const cli_options *o, const plan *p, console_ctx *cc, exec_config *cfg)
{
    const target_policy *policy = p->tgt.policy;
    exec_config_defaults(cfg);
    cfg->jobs = o->jobs;
    cfg->timeout_ms = o->timeout_ms;
    cfg->connect_timeout_ms = o->connect_timeout_ms;
    cfg->retries = o->retries >= 0 ? (unsigned)o->retries : policy->retries;
    cfg->cacert = o->cacert;
    cfg->client_cert = o->client_cert;
    cfg->client_key = o->client_key;
    cfg->insecure = o->insecure;
    cfg->noproxy = policy->noproxy;
    cfg->create_per_s = o->create_per_s >= 0 ? o->create_per_s : policy->create_per_s;
    cfg->other_per_s = o->other_per_s >= 0 ? o->other_per_s : policy->other_per_s;
    cfg->fail_fast = o->fail_fast;
    cfg->verbose = o->verbose;
    cfg->trace = stderr;
    cfg->stop = &stop_signal;
    cfg->on_result = print_result;
    cfg->ctx = cc;
    if (p->tgt.mock) {
        cfg->forget = target_forget_session;
        cfg->forget_ctx = p->tgt.mock;
    }
}

/* Where the cases came from, and which slice of the plan this run is: the case-set
 * digest, the commit of the cases folder when git knows one, the shard. Returns 0, or -1
 * out of memory. */
static int report_provenance(run_report *rep, const cli_options *o, const plan *p)
{
    char commit[GITHEAD_MAX];
    if (!(rep->case_digest = strdup(case_set_digest(p->set))))
        return -1;
    if (githead_commit(o->cases_dir, GITHEAD_TIMEOUT_MS, commit) == 0 &&
        !(rep->cases_commit = strdup(commit)))
        return -1;
    rep->shard_k = o->shard_k;
    rep->shard_n = o->shard_n;
    for (size_t i = 0; i < p->n_jobs; i++)
        rep->results[i].plan_index = (long)plan_index_of(o, i);
    return 0;
}

/* What shaped the results, for the reports (results.json "settings"). */
static run_settings settings_of(const exec_config *cfg)
{
    return (run_settings){.known = true,
                          .jobs = cfg->jobs,
                          .retries = cfg->retries,
                          .create_per_s = cfg->create_per_s,
                          .other_per_s = cfg->other_per_s};
}

/* Fills the report's header and room for its results. Returns 0, or -1 out of memory. */
static int report_open(run_report *rep, const plan *p)
{
    char started[32];
    rfc3339_now(started, sizeof started);
    rep->target = strdup(p->tgt.name);
    rep->base_url = strdup(p->tgt.base_url ? p->tgt.base_url : "");
    rep->version = strdup(KPCT_VERSION);
    rep->started_at = strdup(started);
    rep->seed = p->seed;
    rep->markets = calloc(p->n_markets, sizeof *rep->markets);
    rep->results = calloc(p->n_jobs ? p->n_jobs : 1, sizeof *rep->results);
    if (!rep->target || !rep->base_url || !rep->version || !rep->started_at || !rep->markets ||
        !rep->results)
        return -1;
    for (size_t m = 0; m < p->n_markets; m++, rep->n_markets++)
        if (!(rep->markets[m] = strdup(p->markets[m])))
            return -1;
    rep->count = p->n_jobs;
    return 0;
}

/* Keeps only the last line of b (the recap's "reports: ..." line). */
static void keep_last_line(kbuf *b)
{
    size_t end = b->len;
    if (!end)
        return;
    if (b->data[end - 1] == '\n')
        end--;
    size_t start = end;
    while (start && b->data[start - 1] != '\n')
        start--;
    memmove(b->data, b->data + start, b->len - start + 1);
    b->len -= start;
}

/* Probes the target once before the tests (not the embedded mock, whose credentials this
 * run made up, nor a plan that sends nothing). Returns 0 to run the tests, 1 when every
 * test was settled unrun and the cause printed, or -1 when kpct could not work (printed). */
static int run_preflight(const cli_options *o, const plan *p, const exec_config *cfg,
                         run_report *rep)
{
    preflight_verdict v;
    char err[512];
    size_t sent = 0;
    for (size_t i = 0; i < p->n_jobs; i++)
        sent += !p->jobs[i].test->skip_reason;
    if (p->tgt.kind == TARGET_MOCK || !sent)
        return 0;
    if (preflight_check(cfg, &p->envs[0], &v, err, sizeof err) < 0) {
        msg_error("%s", err);
        return -1;
    }
    if (v.kind == PREFLIGHT_GO) {
        /* the probe was an "other" call: the engine's first one keeps the pace after it */
        if (cfg->other_per_s > 0)
            usleep((useconds_t)(1e6 / cfg->other_per_s));
        return 0;
    }
    if (preflight_settle(p->jobs, p->n_jobs, rep->results, &v) < 0) {
        msg_oom();
        return -1;
    }
    if (v.kind != PREFLIGHT_INTERRUPTED) {
        msg_error("preflight: %s%s%s", v.cause, v.hint[0] ? "; " : "", v.hint);
        msg_error("%zu test%s not run, each reported as an error in %s", sent, sent == 1 ? "" : "s",
                  o->out_dir);
    }
    return 1;
}

/* Prints the totals and the coverage summary under the results (not with -q), then the
 * recap. */
static void print_totals(const console_ctx *cc, const run_report *rep, const kbuf *summary,
                         const kbuf *closing)
{
    kbuf totals;
    kbuf_init(&totals, 4096);
    if (cc->progress)
        fputs("\r\x1b[K", stdout);
    if (!cc->quiet) {
        console_totals(&totals, rep);
        fputs(kbuf_str(&totals), stdout);
        fputs(kbuf_str(summary), stdout);
        if (summary->len && summary->data[summary->len - 1] != '\n')
            fputs("\n", stdout);
    }
    kbuf_free(&totals);
    fputs(kbuf_str(closing), stdout);
}

/* The exit status of a finished run: a signal, then unwritable reports, then errors
 * over failures, then the coverage threshold. */
static int run_status(const cli_options *o, const run_report *rep, bool unwritable, double passing)
{
    size_t by_status[RESULT_STATUS_COUNT], flaky;
    run_report_tally(rep, by_status, &flaky);
    if (stop_signal) {
        fprintf(stderr, "kpct: interrupted by signal %d; partial reports written to %s\n",
                (int)stop_signal, o->out_dir);
        return 128 + stop_signal;
    }
    if (unwritable)
        return CLI_EXIT_SOFTWARE;
    if (by_status[RESULT_ERROR])
        return CLI_EXIT_ERRORED;
    if (by_status[RESULT_FAIL])
        return CLI_EXIT_FAILED;
    if (o->min_coverage >= 0 && passing < o->min_coverage) {
        fprintf(stderr, "kpct: contract coverage %.1f%% is below --min-coverage %.1f%%\n", passing,
                o->min_coverage);
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

/* The embedded mock answers on threads of its own, and glibc gives each thread that
 * allocates its own arena (up to 8 per core), whose freed memory is kept apart: two
 * arenas hold a whole-suite run at 37 MiB peak instead of 52, at no cost in time.
 * A fixed mmap threshold keeps every block of 256 KiB or more (the oversize-body cases'
 * 1-2 MB bodies, on both sides) in a mapping of its own, given back when freed; glibc
 * would otherwise raise the threshold after the first such free and keep the next ones
 * in the heap. Set before any thread starts. */
static void arenas_bound(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

int cmd_run(const cli_options *o)
{
    plan p = {0};
    run_report rep;
    report_stream *stream = NULL;
    kbuf summary, closing;
    char err[1024];
    double passing = 100.0;
    int rc;
    memset(&rep, 0, sizeof rep);
    arenas_bound();
    kbuf_init(&summary, 1u << 20);
    kbuf_init(&closing, 1u << 20);
    if (out_inside_cases(o->cases_dir, o->out_dir)) {
        snprintf(err, sizeof err,
                 "--out %s lies inside %s: the next run would read the reports as case files",
                 o->out_dir, o->cases_dir);
        rc = msg_usage(err);
        goto out;
    }
    rc = plan_open(o, &p, true);
    if (rc)
        goto out;
    if (out_prepare(o->out_dir, err, sizeof err) < 0) {
        msg_error("cannot write reports to %s: %s; nothing was run", o->out_dir, err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    /* -v traces go to stderr line by line: a progress line on the same terminal would be
     * cut by them, so there is none with -v */
    console_ctx cc = {.colour = use_colour(o->color),
                      .quiet = o->quiet,
                      .progress = isatty(STDOUT_FILENO) && !o->quiet && !o->verbose,
                      .several_markets = p.n_markets > 1,
                      .total = p.n_jobs};
    exec_config cfg;
    run_config(o, &p, &cc, &cfg);
    if (report_open(&rep, &p) < 0 || report_provenance(&rep, o, &p) < 0) {
        rc = msg_oom();
        goto out;
    }
    if (!(stream = report_stream_open(o->out_dir, p.n_jobs, err, sizeof err))) {
        msg_error("cannot write reports to %s: %s; nothing was run", o->out_dir, err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    rep.settings = settings_of(&cfg);
    cc.rep = &rep;
    cc.stream = stream;
    cc.warn_unconfirmed =
        o->unconfirmed_warn >= 0 ? o->unconfirmed_warn : p.tgt.policy->unconfirmed_warn;
    double t0 = wall_s();
    cc.t0 = t0;
    int gate = run_preflight(o, &p, &cfg, &rep);
    if (gate < 0) {
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    if (!gate && exec_run(&cfg, p.set, p.jobs, p.n_jobs, rep.results, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    rep.seconds = wall_s() - t0;
    rep.interrupted = stop_signal != 0;
    bool unwritable =
        write_reports(o, p.set, &rep, stream, &summary, &closing, cc.colour, &passing) < 0;
    if (gate) { /* every clause errored alike: the cause was one line above, not one a market */
        kbuf_reset(&summary);
        keep_last_line(&closing); /* the reports written */
    }
    print_totals(&cc, &rep, &summary, &closing);
    rc = run_status(o, &rep, unwritable, passing);
out:
    fflush(stdout);
    report_stream_free(stream);
    run_report_free(&rep);
    kbuf_free(&summary);
    kbuf_free(&closing);
    plan_free(&p);
    return rc;
}
