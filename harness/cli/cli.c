/* cli: the option table and its setters, defaults and their display (cli_parse.c reads
 * the command line against the table; cli_help.c makes --help from it). */
#include "cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "exec.h"
#include "header.h"
#include "target.h"

/* ---- values ------------------------------------------------------------------ */

/* A decimal number from 0 to max: digits only (no sign, no blanks). */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, long *ms)
{
    char *end;
    if (!s || !*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !(v > 0) || v > 86400)
        return -1;
    *ms = (long)(v * 1000.0 + 0.5);
    if (*ms < 1)
        *ms = 1;
    return 0;
}

/* Returns 0, -1 past CLI_MAX_REPEAT, -2 out of memory. */
static int push(const char ***list, size_t *n, const char *v)
{
    if (*n >= CLI_MAX_REPEAT)
        return -1;
    const char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -2;
    l[(*n)++] = v;
    *list = l;
    return 0;
}

/* ---- setters, one per option ----------------------------------------------------- */

#define SETTER(fn)                                                                                 \
    static int fn(const cli_option *row, cli_options *o, const char *as, const char *v, char *err, \
                  size_t n)

/* The value as given, into the const char * at row->field. */
SETTER(set_string)
{
    (void)as, (void)err, (void)n;
    *(const char **)((char *)o + row->field) = v;
    return 0;
}

/* true into the bool at row->field. */
SETTER(set_flag)
{
    (void)as, (void)v, (void)err, (void)n;
    *(bool *)((char *)o + row->field) = true;
    return 0;
}

/* --out: remembered as given, since kpct report defaults to the run folder itself. */
SETTER(set_out)
{
    (void)row, (void)as, (void)err, (void)n;
    o->out_dir = v;
    o->out_given = true; /* cli_options_defaults clears it after setting the fallback */
    return 0;
}

SETTER(set_color)
{
    (void)row, (void)as;
    static const char *const names[] = {"auto", "always", "never"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(v, names[i])) {
            o->color = (cli_color)i;
            return 0;
        }
    snprintf(err, n, "--color wants auto, always or never, not \"%s\"", v);
    return -1;
}

SETTER(set_id)
{
    (void)row;
    (void)as;
    int rc = push(&o->id_globs, &o->n_id_globs, v);
    if (rc == -1)
        snprintf(err, n, "--id given more than %d times", CLI_MAX_REPEAT);
    return rc;
}

SETTER(set_tag)
{
    (void)row;
    (void)as;
    int rc = push(&o->tags, &o->n_tags, v);
    if (rc == -1)
        snprintf(err, n, "--tag given more than %d times", CLI_MAX_REPEAT);
    return rc;
}

SETTER(set_exclude_tag)
{
    (void)row;
    (void)as;
    int rc = push(&o->exclude_tags, &o->n_exclude_tags, v);
    if (rc == -1)
        snprintf(err, n, "--exclude-tag given more than %d times", CLI_MAX_REPEAT);
    return rc;
}

/* A repeated --market adds to the list: "--market SE --market de" is "SE,de". */
SETTER(set_market)
{
    (void)row;
    (void)as;
    if (!*v) {
        snprintf(err, n, "--market wants a market, a comma list or all, not \"\"");
        return -1;
    }
    if (!o->market) {
        o->market = v;
        return 0;
    }
    size_t len = strlen(o->market) + 1 + strlen(v) + 1;
    char *joined = malloc(len);
    if (!joined)
        return -2;
    snprintf(joined, len, "%s,%s", o->market, v);
    free(o->market_list);
    o->market = o->market_list = joined;
    return 0;
}

/* --var and --secret: one table, so a name is defined once whichever option gives it;
 * a secret is registered with redact here, before anything could print it. */
static int define_var(cli_options *o, const char *as, const char *v, bool secret, char *err,
                      size_t n)
{
    char why[256];
    if (!o->vars && !(o->vars = calloc(1, sizeof *o->vars)))
        return -2;
    int rc = case_vars_define(o->vars, v, secret, why, sizeof why);
    if (rc == -1)
        snprintf(err, n, "%s: %s", as, why);
    return rc;
}

SETTER(set_var)
{
    (void)row;
    return define_var(o, as, v, false, err, n);
}

SETTER(set_secret)
{
    (void)row;
    return define_var(o, as, v, true, err, n);
}

/* --header: checked as given here; expanded once the whole line has defined every
 * variable (plan_open). */
SETTER(set_header)
{
    (void)row, (void)as;
    if (header_check(v, err, n) < 0)
        return -1;
    for (size_t i = 0; i < o->n_headers; i++)
        if (header_same_name(o->headers[i], v)) {
            snprintf(err, n, "--header %.*s is given twice", (int)strcspn(v, ":"), v);
            return -1;
        }
    if (o->n_headers >= CASE_MAX_RUN_HEADERS) {
        snprintf(err, n, "--header given more than %d times (CASE_MAX_RUN_HEADERS)",
                 CASE_MAX_RUN_HEADERS);
        return -1;
    }
    const char **l = realloc(o->headers, (o->n_headers + 1) * sizeof *l);
    if (!l)
        return -2;
    l[o->n_headers++] = v;
    o->headers = l;
    return 0;
}

SETTER(set_version)
{
    (void)row;
    (void)as, (void)v, (void)err, (void)n;
    o->command = CLI_VERSION;
    return 0;
}

SETTER(set_defect)
{
    (void)row;
    (void)as;
    int rc = push(&o->defect_globs, &o->n_defect_globs, v);
    if (rc == -1)
        snprintf(err, n, "--defect given more than %d times", CLI_MAX_REPEAT);
    return rc;
}

SETTER(set_shard)
{
    (void)row;
    (void)as;
    unsigned long long k, count;
    const char *slash = strchr(v, '/');
    char kpart[32];
    if (!slash || (size_t)(slash - v) >= sizeof kpart) {
        snprintf(err, n, "--shard wants K/N, e.g. 2/4, not \"%s\"", v);
        return -1;
    }
    snprintf(kpart, sizeof kpart, "%.*s", (int)(slash - v), v);
    if (parse_uint(kpart, 1000, &k) < 0 || parse_uint(slash + 1, 1000, &count) < 0 || k < 1 ||
        count < 1 || k > count) {
        snprintf(err, n, "--shard wants K/N with 1 <= K <= N <= 1000, not \"%s\"", v);
        return -1;
    }
    o->shard_k = (unsigned)k;
    o->shard_n = (unsigned)count;
    return 0;
}

SETTER(set_jobs)
{
    (void)row;
    unsigned long long u;
    if (parse_uint(v, 256, &u) < 0 || u == 0) {
        snprintf(err, n, "%s wants a number from 1 to 256, not \"%s\"", as, v);
        return -1;
    }
    o->jobs = (unsigned)u;
    return 0;
}

static int seconds(const char *as, const char *v, long *ms, char *err, size_t n)
{
    if (parse_seconds(v, ms) < 0) {
        snprintf(err, n, "%s wants seconds above 0 and up to 86400, not \"%s\"", as, v);
        return -1;
    }
    return 0;
}

SETTER(set_timeout)
{
    (void)row;
    return seconds(as, v, &o->timeout_ms, err, n);
}

SETTER(set_connect_timeout)
{
    (void)row;
    return seconds(as, v, &o->connect_timeout_ms, err, n);
}

SETTER(set_retries)
{
    (void)row;
    (void)as;
    unsigned long long u;
    if (parse_uint(v, 10, &u) < 0) {
        snprintf(err, n, "--retries wants a number from 0 to 10, not \"%s\"", v);
        return -1;
    }
    o->retries = (int)u;
    return 0;
}

SETTER(set_rate_limit)
{
    (void)row;
    (void)as;
    char *end, *end2;
    errno = 0;
    double create = strtod(v, &end), other = create;
    if (*end == '/')
        other = strtod(end + 1, &end2);
    else
        end2 = end;
    if (errno || end == v || *end2 || !(create >= 0) || !(other >= 0) || create > 1e6 ||
        other > 1e6) {
        snprintf(err, n, "--rate-limit wants CREATE/OTHER per second, e.g. 4/40, not \"%s\"", v);
        return -1;
    }
    o->create_per_s = create;
    o->other_per_s = other;
    return 0;
}

SETTER(set_seed)
{
    (void)row;
    (void)as;
    unsigned long long u;
    if (parse_uint(v, UINT64_MAX, &u) < 0) {
        snprintf(err, n, "--seed wants a decimal integer from 0 to %llu, not \"%s\"",
                 (unsigned long long)UINT64_MAX, v);
        return -1;
    }
    o->seed = u;
    o->seed_given = true;
    return 0;
}

SETTER(set_min_coverage)
{
    (void)row;
    (void)as;
    char *end;
    errno = 0;
    double pct = strtod(v, &end);
    if (errno || *end || !*v || !(pct >= 0 && pct <= 100)) { /* NaN too */
        snprintf(err, n, "--min-coverage wants a percentage from 0 to 100, not \"%s\"", v);
        return -1;
    }
    o->min_coverage = pct;
    return 0;
}

SETTER(set_unconfirmed)
{
    (void)row;
    (void)as;
    if (strcmp(v, "warn") && strcmp(v, "fail")) {
        snprintf(err, n, "--unconfirmed wants warn or fail, not \"%s\"", v);
        return -1;
    }
    o->unconfirmed_warn = !strcmp(v, "warn");
    return 0;
}

SETTER(set_verbose)
{
    (void)row;
    (void)as, (void)v, (void)err, (void)n;
    o->verbose++;
    return 0;
}

SETTER(set_help)
{
    (void)row;
    (void)as, (void)v, (void)err, (void)n;
    o->command = CLI_HELP;
    return 0;
}

/* ---- defaults shown in --help ------------------------------------------------------ */

static void show_jobs(const cli_options *d, char *buf, size_t n)
{
    snprintf(buf, n, "%u", d->jobs);
}

static void show_timeout(const cli_options *d, char *buf, size_t n)
{
    snprintf(buf, n, "%g", (double)d->timeout_ms / 1000.0);
}

static void show_connect_timeout(const cli_options *d, char *buf, size_t n)
{
    snprintf(buf, n, "%g", (double)d->connect_timeout_ms / 1000.0);
}

/* "mock SE, eu SE, na US, oc AU" */
static void show_markets(const cli_options *d, char *buf, size_t n)
{
    size_t count, used = 0;
    const target_policy *p = target_policies(&count);
    (void)d;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < n; i++)
        if (p[i].region)
            used += (size_t)snprintf(buf + used, n - used, "%s%s %s", used ? ", " : "", p[i].region,
                                     p[i].default_market);
}

static void show_retries(const cli_options *d, char *buf, size_t n)
{
    (void)d;
    snprintf(buf, n, "%u; %u on the playground", target_policy_of(TARGET_URL, NULL)->retries,
             target_policy_of(TARGET_PLAYGROUND, NULL)->retries);
}

static void show_rate_limit(const cli_options *d, char *buf, size_t n)
{
    const target_policy *p = target_policy_of(TARGET_PLAYGROUND, NULL);
    (void)d;
    snprintf(buf, n, "on the playground %g/%g, under its %g/%g quota; else\nnone", p->create_per_s,
             p->other_per_s, p->quota_create_per_s, p->quota_other_per_s);
}

static void show_unconfirmed(const cli_options *d, char *buf, size_t n)
{
    (void)d;
    snprintf(buf, n, "%s on the playground, %s elsewhere",
             target_policy_of(TARGET_PLAYGROUND, NULL)->unconfirmed_warn ? "warn" : "fail",
             target_policy_of(TARGET_URL, NULL)->unconfirmed_warn ? "warn" : "fail");
}

/* ---- the table ------------------------------------------------------------------- */

#define RUN_LIST (CLI_IN(CLI_RUN) | CLI_IN(CLI_LIST))
#define ANY                                                                                        \
    (CLI_IN(CLI_RUN) | CLI_IN(CLI_LIST) | CLI_IN(CLI_LINT) | CLI_IN(CLI_REPORT) |                  \
     CLI_IN(CLI_MUTATE) | CLI_IN(CLI_DIFF))
#define MUTATE CLI_IN(CLI_MUTATE)

#define FIELD(name) offsetof(cli_options, name)
#define TARGET      "Target and market"
#define SELECTION   "Selection"
#define EXECUTION   "Execution"
#define OUTPUT      "Output"

static const cli_option options[] = {
    {.name = "--target",
     .value = "T",
     .commands = RUN_LIST,
     .section = TARGET,
     .help = "mock (default: the reference mock, embedded, on a free loopback\n"
             "port), playground-eu, playground-na, playground-oc, or an\n"
             "http(s) base URL. Non-mock targets need KLARNA_USERNAME and\n"
             "KLARNA_PASSWORD. A URL that answers GET /__admin/health as\n"
             "kpmock also runs the mock-only cases.",
     .fallback = "mock",
     .set = set_string,
     .field = FIELD(target)},
    {.name = "--market",
     .value = "M",
     .commands = RUN_LIST | MUTATE,
     .section = TARGET,
     .help = "SE, US, ...; any case; a comma list (SE,DE); or all (every market\n"
             "with fixtures); repeatable, the lists add up. Default: the target's\n"
             "({default}).",
     .set = set_market,
     .show = show_markets},
    {.name = "--allow-production",
     .commands = RUN_LIST,
     .section = TARGET,
     .help = "allow Klarna production hosts (refused by default: kpct\n"
             "creates real sessions)",
     .set = set_flag,
     .field = FIELD(allow_production)},

    {.name = "--id",
     .value = "GLOB",
     .commands = RUN_LIST,
     .section = SELECTION,
     .help = "run tests whose id matches (fnmatch); repeatable",
     .set = set_id},
    {.name = "--tag",
     .value = "TAG",
     .commands = RUN_LIST,
     .section = SELECTION,
     .help = "run tests carrying the tag; repeatable",
     .set = set_tag},
    {.name = "--exclude-tag",
     .value = "TAG",
     .commands = RUN_LIST,
     .section = SELECTION,
     .help = "leave out tests carrying the tag; repeatable",
     .set = set_exclude_tag},
    {.name = "--last-failed",
     .value = "RUN_DIR",
     .commands = RUN_LIST,
     .section = SELECTION,
     .help = "run only the tests (id and market) that failed or errored in\n"
             "the run whose results.json is in RUN_DIR",
     .set = set_string,
     .field = FIELD(last_failed)},
    {.name = "--tags",
     .commands = CLI_IN(CLI_LIST),
     .section = SELECTION,
     .help = "list: print every tag of the plan with its test count instead",
     .set = set_flag,
     .field = FIELD(list_tags)},
    {.name = "--defect",
     .value = "GLOB",
     .commands = MUTATE,
     .section = SELECTION,
     .help = "mutate: the built-in defects to run (fnmatch on kpmock\n"
             "--list-defects names); repeatable; default all",
     .set = set_defect},
    {.name = "--shard",
     .value = "K/N",
     .commands = RUN_LIST,
     .section = SELECTION,
     .help = "run the K-th of N equal slices of the plan (for CI matrices)",
     .set = set_shard},

    {.name = "--var",
     .value = "NAME=VALUE",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "define ${var:NAME} for the case files (a name at most once);\n"
             "repeatable",
     .set = set_var},
    {.name = "--secret",
     .value = "NAME=VALUE",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "the same, for a value kept out of every output (shown as ***)",
     .set = set_secret},
    {.name = "--header",
     .value = "'NAME: V'",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "add the header to every request of the run (the preflight, each\n"
             "step, admin calls); a step setting the same name wins; V may\n"
             "use ${var:NAME} and ${env:NAME} (redacted from a --secret or the\n"
             "environment); repeatable, up to 64",
     .set = set_header},
    {.name = "--jobs",
     .short_name = 'j',
     .value = "N",
     .commands = RUN_LIST | MUTATE,
     .section = EXECUTION,
     .help = "tests in flight at once (default {default}; steps of a test stay in order);\n"
             "mutate: defects run at once, each against its own mock",
     .set = set_jobs,
     .show = show_jobs},
    {.name = "--timeout",
     .value = "S",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "total time per request in seconds (default {default})",
     .set = set_timeout,
     .show = show_timeout},
    {.name = "--connect-timeout",
     .value = "S",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "connect time per request in seconds (default {default})",
     .set = set_connect_timeout,
     .show = show_connect_timeout},
    {.name = "--retries",
     .value = "N",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "re-run a test after a transport error, 429 or 5xx, with back-off\n"
             "(default {default}); reported as flaky, never hidden",
     .set = set_retries,
     .show = show_retries},
    {.name = "--cacert",
     .value = "FILE",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "CA bundle for TLS verification (verification is always on\n"
             "unless --insecure)",
     .set = set_string,
     .field = FIELD(cacert)},
    {.name = "--cert",
     .value = "FILE",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .label = "--cert FILE, --key FILE",
     .help = "TLS client certificate and key (PEM), for proxies that\n"
             "want one",
     .set = set_string,
     .field = FIELD(client_cert)},
    /* listed with --cert */
    {.name = "--key",
     .value = "FILE",
     .commands = RUN_LIST,
     .set = set_string,
     .field = FIELD(client_key)},
    {.name = "--insecure",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "do not verify TLS certificates",
     .set = set_flag,
     .field = FIELD(insecure)},
    {.name = "--rate-limit",
     .value = "C/O",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "start at most C create-session and O other requests per second\n"
             "(default {default}; 0 = no limit)",
     .set = set_rate_limit,
     .show = show_rate_limit},
    {.name = "--fail-fast",
     .commands = RUN_LIST,
     .section = EXECUTION,
     .help = "start no new test after the first failure or error",
     .set = set_flag,
     .field = FIELD(fail_fast)},
    {.name = "--seed",
     .value = "N",
     .commands = RUN_LIST | MUTATE,
     .section = EXECUTION,
     .help = "seed of the embedded mock (ids, tokens); recorded in reports",
     .set = set_seed},

    {.name = "--out",
     .value = "DIR",
     .commands = RUN_LIST | CLI_IN(CLI_REPORT) | MUTATE | CLI_IN(CLI_DIFF) | CLI_IN(CLI_MERGE),
     .section = OUTPUT,
     .help = "report folder (default {default}): junit.xml, results.json,\n"
             "coverage.json, report.html, summary.md; for report, the RUN_DIR;\n"
             "mutate: mutate.json; diff: diff.json, diff.md",
     .fallback = "reports",
     .set = set_out},
    {.name = "--unconfirmed",
     .value = "warn|fail",
     .commands = CLI_IN(CLI_RUN),
     .section = OUTPUT,
     .help = "a failing test tagged unconfirmed (a reading of ours Klarna has\n"
             "not confirmed): warn = report it as DIFF, \"reading differs\",\n"
             "and fail nothing; fail = a failure\n(default {default})",
     .set = set_unconfirmed,
     .show = show_unconfirmed},
    {.name = "--history",
     .commands = CLI_IN(CLI_REPORT),
     .section = OUTPUT,
     .help = "report: read several RUN_DIRs into history.html and history.md",
     .set = set_flag,
     .field = FIELD(history)},
    {.name = "--quiet",
     .short_name = 'q',
     .commands = CLI_IN(CLI_RUN),
     .section = OUTPUT,
     .label = "-q, --quiet",
     .help = "print only the closing recap (verdict, failing clauses, reports)",
     .set = set_flag,
     .field = FIELD(quiet)},
    {.name = "--color",
     .value = "WHEN",
     .commands = CLI_IN(CLI_RUN),
     .section = OUTPUT,
     .help = "auto (default: on a terminal, unless NO_COLOR is set), always or\n"
             "never",
     .set = set_color},
    {.name = "--min-coverage",
     .value = "PCT",
     .commands = RUN_LIST,
     .section = OUTPUT,
     .help = "exit 1 when the share of contract clauses passing is below PCT",
     .set = set_min_coverage},
    /* -v and --help are taken by lint too, as they always were */
    {.name = "--verbose",
     .short_name = 'v',
     .commands = ANY,
     .section = OUTPUT,
     .label = "-v, -vv",
     .help = "trace each exchange on stderr (-vv: with headers and bodies);\n"
             "credentials, ${env:...} and --secret values are always redacted",
     .set = set_verbose},
    {.name = "--help", .short_name = 'h', .commands = ANY, .set = set_help},
    /* after a command too: "kpct run --version" */
    {.name = "--version", .short_name = 'V', .commands = ANY, .set = set_version},
};

#define N_OPTIONS (sizeof options / sizeof options[0])

const cli_option *cli_option_table(size_t *n)
{
    *n = N_OPTIONS;
    return options;
}

int cli_options_defaults(cli_options *o)
{
    exec_config engine;
    char err[256];
    memset(o, 0, sizeof *o);
    exec_config_defaults(&engine);
    o->cases_dir = CLI_CASES_DIR;
    o->jobs = engine.jobs;
    o->timeout_ms = engine.timeout_ms;
    o->connect_timeout_ms = engine.connect_timeout_ms;
    o->retries = -1;
    o->create_per_s = o->other_per_s = -1;
    o->min_coverage = -1;
    o->unconfirmed_warn = -1;
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (options[i].fallback && options[i].set(&options[i], o, options[i].name,
                                                  options[i].fallback, err, sizeof err) < 0)
            return -2; /* a fallback is valid by construction: only memory can fail */
    o->out_given = false;
    return 0;
}

void cli_options_free(cli_options *o)
{
    if (!o)
        return;
    free(o->id_globs);
    free(o->tags);
    free(o->exclude_tags);
    free(o->market_list);
    o->exclude_tags = NULL;
    o->market_list = NULL;
    o->n_exclude_tags = 0;
    free(o->run_dirs);
    free(o->defect_globs);
    free(o->headers);
    o->headers = NULL;
    o->n_headers = 0;
    case_vars_defs_free(o->vars);
    free(o->vars);
    o->vars = NULL;
    o->id_globs = o->tags = o->run_dirs = o->defect_globs = NULL;
    o->n_id_globs = o->n_tags = o->n_run_dirs = o->n_defect_globs = 0;
}
