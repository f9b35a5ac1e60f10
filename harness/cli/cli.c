/* cli: parsing kpct's arguments into cli_options. */
#include "redact.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_MAX_REPEAT 256 /* --id / --tag given at most this many times */

static const char usage[] =
    "Usage: kpct run  [CASES_DIR] [options]   run the cases against a target, write reports\n"
    "       kpct list [CASES_DIR] [options]   print what would run (id, title, skip reason)\n"
    "       kpct lint [CASES_DIR]             load and validate the cases only\n"
    "       kpct --help | --version\n"
    "\n"
    "CASES_DIR defaults to \"cases\".\n"
    "\n"
    "Target and market:\n"
    "  --target T            mock (default: the reference mock, embedded, on a free loopback\n"
    "                        port), playground-eu, playground-na, playground-oc, or an\n"
    "                        http(s) base URL. Non-mock targets need KLARNA_USERNAME and\n"
    "                        KLARNA_PASSWORD. A URL that answers GET /__admin/health as\n"
    "                        kpmock also runs the mock-only cases.\n"
    "  --market M            SE, US, ...; a comma list (SE,DE); or all (every market with\n"
    "                        fixtures). Default: the target's (mock SE, eu SE, na US, oc AU).\n"
    "  --allow-production    allow Klarna production hosts (refused by default: kpct\n"
    "                        creates real sessions)\n"
    "\n"
    "Selection:\n"
    "  --id GLOB             run tests whose id matches (fnmatch); repeatable\n"
    "  --tag TAG             run tests carrying the tag; repeatable\n"
    "  --shard K/N           run the K-th of N equal slices of the plan (for CI matrices)\n"
    "\n"
    "Execution:\n"
    "  -j, --jobs N          tests in flight at once (default 8; steps of a test stay in order)\n"
    "  --timeout S           total time per request in seconds (default 30)\n"
    "  --connect-timeout S   connect time per request in seconds (default 5)\n"
    "  --retries N           re-run a test after a transport error, 429 or 5xx, with back-off\n"
    "                        (default 0; 2 on the playground); reported as flaky, never hidden\n"
    "  --cacert FILE         CA bundle for TLS verification (verification is always on\n"
    "                        unless --insecure)\n"
    "  --cert FILE, --key FILE  TLS client certificate and key (PEM), for proxies that\n"
    "                        want one\n"
    "  --insecure            do not verify TLS certificates\n"
    "  --rate-limit C/O      start at most C create-session and O other requests per second\n"
    "                        (default on the playground 4/40, under its 5/50 quota; else\n"
    "                        none; 0 = no limit)\n"
    "  --fail-fast           start no new test after the first failure or error\n"
    "  --seed N              seed of the embedded mock (ids, tokens); recorded in reports\n"
    "\n"
    "Output:\n"
    "  --out DIR             report folder (default reports): junit.xml, results.json,\n"
    "                        coverage.json\n"
    "  --min-coverage PCT    exit 1 when the share of contract clauses passing is below PCT\n"
    "  -v, -vv               trace each exchange on stderr (-vv: with headers and bodies);\n"
    "                        credentials and ${env:...} values are always redacted\n"
    "\n"
    "Exit status: 0 all passed (skips allowed); 1 a test failed, or coverage below\n"
    "--min-coverage; 2 a test errored (could not be judged: transport error, timeout,\n"
    "oversized answer, a step that could not be built) - errors win over failures;\n"
    "64 usage; 65 bad case files (nothing runs); 70 kpct could not work (the embedded\n"
    "mock did not start, the report folder cannot be written);\n"
    "130/143 interrupted by SIGINT/SIGTERM (partial reports are still written).\n"
    "Colour only on a TTY and never when NO_COLOR is set.\n";

const char *cli_usage(void)
{
    return usage;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = (unsigned long)v;
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

static int push(const char ***list, size_t *n, const char *v)
{
    if (*n >= CLI_MAX_REPEAT)
        return -1;
    const char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    l[(*n)++] = v;
    *list = l;
    return 0;
}

void cli_options_free(cli_options *o)
{
    if (!o)
        return;
    free(o->id_globs);
    free(o->tags);
    o->id_globs = o->tags = NULL;
    o->n_id_globs = o->n_tags = 0;
}

/* Options that take a value. */
static const char *const valued[] = {
    "--rate-limit",   "--target", "--market", "--jobs",    "-j",
    "--out",          "--id",     "--tag",    "--timeout", "--connect-timeout",
    "--retries",      "--cacert", "--cert",   "--key",     "--shard",
    "--min-coverage", "--seed",   NULL};

static bool takes_value(const char *name)
{
    for (size_t i = 0; valued[i]; i++)
        if (!strcmp(name, valued[i]))
            return true;
    return false;
}

int cli_parse(int argc, char **argv, cli_options *o, char *err, size_t errlen)
{
    cli_options r;
    memset(&r, 0, sizeof r);
    r.cases_dir = "cases";
    r.target = "mock";
    r.jobs = 8;
    r.out_dir = "reports";
    r.timeout_ms = 30000;
    r.connect_timeout_ms = 5000;
    r.retries = -1;
    r.min_coverage = -1;
    r.create_per_s = r.other_per_s = -1;
    bool have_command = false, have_dir = false;
    char name[64];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value = NULL;
        if (!have_command) {
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                r.command = CLI_HELP;
                goto done;
            }
            if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
                r.command = CLI_VERSION;
                goto done;
            }
            if (!strcmp(a, "run"))
                r.command = CLI_RUN;
            else if (!strcmp(a, "list"))
                r.command = CLI_LIST;
            else if (!strcmp(a, "lint"))
                r.command = CLI_LINT;
            else {
                snprintf(err, errlen, "unknown command \"%s\" (expected run, list or lint)", a);
                goto fail;
            }
            have_command = true;
            continue;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            if (have_dir) {
                snprintf(err, errlen, "unexpected argument \"%s\" (one CASES_DIR at most)", a);
                goto fail;
            }
            r.cases_dir = a;
            have_dir = true;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            r.command = CLI_HELP;
            goto done;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "-vv") || !strcmp(a, "--verbose")) {
            r.verbose += !strcmp(a, "-vv") ? 2 : 1;
            continue;
        }
        /* --name=value, --name value, -jN, -j N */
        const char *eq = strchr(a, '=');
        if (a[1] == '-' && eq) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - a) < 63 ? (int)(eq - a) : 63, a);
            value = eq + 1;
        } else if (a[1] == 'j' && a[2]) {
            snprintf(name, sizeof name, "-j");
            value = a + 2;
        } else {
            snprintf(name, sizeof name, "%.63s", a);
        }
        if (takes_value(name)) {
            if (!value) {
                if (i + 1 >= argc) {
                    snprintf(err, errlen, "%s needs a value", name);
                    goto fail;
                }
                value = argv[++i];
            }
        } else if (value) {
            snprintf(err, errlen, "%s takes no value", name);
            goto fail;
        }
        if (r.command == CLI_LINT && strcmp(name, "--help")) {
            snprintf(err, errlen, "lint takes only CASES_DIR, not %s", name);
            goto fail;
        }
        unsigned long u;
        if (!strcmp(name, "--target")) {
            r.target = value;
        } else if (!strcmp(name, "--market")) {
            r.market = value;
        } else if (!strcmp(name, "--jobs") || !strcmp(name, "-j")) {
            if (parse_uint(value, 256, &u) < 0 || u == 0) {
                snprintf(err, errlen, "%s wants a number from 1 to 256, not \"%s\"", name, value);
                goto fail;
            }
            r.jobs = (unsigned)u;
        } else if (!strcmp(name, "--out")) {
            r.out_dir = value;
        } else if (!strcmp(name, "--id")) {
            if (push(&r.id_globs, &r.n_id_globs, value) < 0) {
                snprintf(err, errlen, "--id given more than %d times", CLI_MAX_REPEAT);
                goto fail;
            }
        } else if (!strcmp(name, "--tag")) {
            if (push(&r.tags, &r.n_tags, value) < 0) {
                snprintf(err, errlen, "--tag given more than %d times", CLI_MAX_REPEAT);
                goto fail;
            }
        } else if (!strcmp(name, "--timeout") || !strcmp(name, "--connect-timeout")) {
            long ms;
            if (parse_seconds(value, &ms) < 0) {
                snprintf(err, errlen, "%s wants seconds above 0 and up to 86400, not \"%s\"", name,
                         value);
                goto fail;
            }
            if (!strcmp(name, "--timeout"))
                r.timeout_ms = ms;
            else
                r.connect_timeout_ms = ms;
        } else if (!strcmp(name, "--retries")) {
            if (parse_uint(value, 10, &u) < 0) {
                snprintf(err, errlen, "--retries wants a number from 0 to 10, not \"%s\"", value);
                goto fail;
            }
            r.retries = (int)u;
        } else if (!strcmp(name, "--cacert")) {
            r.cacert = value;
        } else if (!strcmp(name, "--cert")) {
            r.client_cert = value;
        } else if (!strcmp(name, "--key")) {
            r.client_key = value;
        } else if (!strcmp(name, "--insecure")) {
            r.insecure = true;
        } else if (!strcmp(name, "--allow-production")) {
            r.allow_production = true;
        } else if (!strcmp(name, "--fail-fast")) {
            r.fail_fast = true;
        } else if (!strcmp(name, "--shard")) {
            unsigned long k, n;
            const char *slash = strchr(value, '/');
            char kbuf_[32];
            if (!slash || (size_t)(slash - value) >= sizeof kbuf_) {
                snprintf(err, errlen, "--shard wants K/N, e.g. 2/4, not \"%s\"", value);
                goto fail;
            }
            snprintf(kbuf_, sizeof kbuf_, "%.*s", (int)(slash - value), value);
            if (parse_uint(kbuf_, 1000, &k) < 0 || parse_uint(slash + 1, 1000, &n) < 0 || k < 1 ||
                n < 1 || k > n) {
                snprintf(err, errlen, "--shard wants K/N with 1 <= K <= N <= 1000, not \"%s\"",
                         value);
                goto fail;
            }
            r.shard_k = (unsigned)k;
            r.shard_n = (unsigned)n;
        } else if (!strcmp(name, "--rate-limit")) {
            char *end, *end2;
            errno = 0;
            double cr = strtod(value, &end), other = cr;
            if (*end == '/')
                other = strtod(end + 1, &end2);
            else
                end2 = end;
            if (errno || end == value || *end2 || !(cr >= 0) || !(other >= 0) || cr > 1e6 ||
                other > 1e6) {
                snprintf(err, errlen,
                         "--rate-limit wants CREATE/OTHER per second, e.g. 4/40, not \"%s\"",
                         value);
                goto fail;
            }
            r.create_per_s = cr;
            r.other_per_s = other;
        } else if (!strcmp(name, "--min-coverage")) {
            char *end;
            errno = 0;
            double v = strtod(value, &end);
            if (errno || *end || !*value || !(v >= 0 && v <= 100)) { /* NaN too */
                snprintf(err, errlen, "--min-coverage wants a percentage from 0 to 100, not \"%s\"",
                         value);
                goto fail;
            }
            r.min_coverage = v;
        } else if (!strcmp(name, "--seed")) {
            char *end;
            errno = 0;
            if (!*value || *value == '-') {
                snprintf(err, errlen, "--seed wants a non-negative integer, not \"%s\"", value);
                goto fail;
            }
            unsigned long long v = strtoull(value, &end, 10);
            if (errno || *end) {
                snprintf(err, errlen, "--seed wants a non-negative integer, not \"%s\"", value);
                goto fail;
            }
            r.seed = v;
            r.seed_given = true;
        } else {
            snprintf(err, errlen, "unknown option \"%s\"", name);
            goto fail;
        }
    }
    if (!have_command) {
        snprintf(err, errlen, "no command given (expected run, list or lint)");
        goto fail;
    }
done:
    *o = r;
    return 0;
fail:
    cli_options_free(&r);
    return -1;
}
