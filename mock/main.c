/* main: the kpmock program — parses options into a mock_config, starts the server,
 * prints the one machine-readable listening line and serves until SIGINT/SIGTERM.
 * Exit status: 0 after a signal, 64 bad usage, 69 the server could not start. */
#include "mock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE       64
#define EXIT_UNAVAILABLE 69

static const char usage_text[] =
    "Usage: kpmock [OPTION]...\n"
    "A reference mock of the Klarna Payments session API (/payments/v1/sessions) with\n"
    "an admin API under /__admin/. Serves until SIGINT or SIGTERM.\n"
    "\n"
    "  --bind ADDR             IPv4/IPv6 address to listen on (default 127.0.0.1)\n"
    "  --port N                TCP port, 0 = any free port (default 0)\n"
    "  --username NAME         Basic-auth username accepted (default: $KPMOCK_USERNAME,\n"
    "                          else kpmock)\n"
    "  --password PASS         Basic-auth password accepted (default: $KPMOCK_PASSWORD,\n"
    "                          else kpmock); never printed\n"
    "  --seed N                seed for ids, tokens and correlation ids; 0 = random (default 0)\n"
    "  --tls-cert FILE         PEM certificate; with --tls-key, serve https\n"
    "  --tls-key FILE          PEM private key\n"
    "  --max-body BYTES        request body cap, larger bodies get 413 (default 1048576)\n"
    "  --max-sessions N        stored sessions cap; expired ones are evicted first, then\n"
    "                          creates get 503 SESSION_LIMIT (default 200000)\n"
    "  --max-store-bytes BYTES total text of stored sessions; at the cap as --max-sessions,\n"
    "                          and an update that would pass it gets 503 (default\n"
    "                          268435456 = 256 MiB; 0 = no cap)\n"
    "  --journal-size N        request journal ring entries; 0 keeps none (default 1000)\n"
    "  --max-connections N     concurrent connections (default 512)\n"
    "  --per-ip-connections N  concurrent connections per client address; 0 = no limit\n"
    "                          (default 256)\n"
    "  --idle-timeout S        close connections idle this many seconds; 0 = never (default 30)\n"
    "  --head-timeout S        close a connection whose request head is not complete this many\n"
    "                          seconds after it began, however it trickles in; 0 = never\n"
    "                          (default 10)\n"
    "  --threads N             worker threads (default 2)\n"
    "  --session-ttl S         session lifetime in seconds (default 172800 = 48 h)\n"
    "  --expiry-base create|update\n"
    "                          lifetime counts from creation or from the last update\n"
    "                          (unconfirmed at Klarna; default create)\n"
    "  --completed 403|404     answer to updating a completed session: 403 INVALID_OPERATION\n"
    "                          or 404 SESSION_COMPLETED (unconfirmed at Klarna; default 403)\n"
    "  --quota                 emulate playground rate limits (429 RATE_LIMITED)\n"
    "  --quota-create N        create-session calls per second with --quota (default 5)\n"
    "  --quota-other N         other calls per second with --quota (default 50)\n"
    "  --defect NAME           emulate a built-in deviation from the contract, to prove a\n"
    "                          suite catches it; repeatable (see --list-defects)\n"
    "  --list-defects          print every defect as NAME<TAB>what it breaks<TAB>clause id\n"
    "                          and exit\n"
    "  --help                  show this help and exit\n"
    "  --version               show the version and exit\n"
    "\n"
    "Prints exactly one line, 'kpmock listening on http://ADDR:PORT' (https with TLS),\n"
    "once it accepts connections. Exit status: 0 after SIGINT/SIGTERM, 64 bad usage,\n"
    "69 the server could not start (address in use, unreadable certificate, ...).\n";

/* True when s is an IPv4 or IPv6 address (what mock_server_start can bind). */
static bool ip_address(const char *s)
{
    struct in6_addr a;
    return inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1;
}

enum {
    OPT_BIND = 256,
    OPT_PORT,
    OPT_USERNAME,
    OPT_PASSWORD,
    OPT_SEED,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_MAX_BODY,
    OPT_MAX_SESSIONS,
    OPT_MAX_STORE_BYTES,
    OPT_JOURNAL_SIZE,
    OPT_MAX_CONNECTIONS,
    OPT_PER_IP,
    OPT_IDLE_TIMEOUT,
    OPT_HEAD_TIMEOUT,
    OPT_THREADS,
    OPT_SESSION_TTL,
    OPT_EXPIRY_BASE,
    OPT_COMPLETED,
    OPT_QUOTA,
    OPT_QUOTA_CREATE,
    OPT_QUOTA_OTHER,
    OPT_DEFECT,
    OPT_LIST_DEFECTS,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"bind", required_argument, NULL, OPT_BIND},
    {"port", required_argument, NULL, OPT_PORT},
    {"username", required_argument, NULL, OPT_USERNAME},
    {"password", required_argument, NULL, OPT_PASSWORD},
    {"seed", required_argument, NULL, OPT_SEED},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"max-sessions", required_argument, NULL, OPT_MAX_SESSIONS},
    {"max-store-bytes", required_argument, NULL, OPT_MAX_STORE_BYTES},
    {"journal-size", required_argument, NULL, OPT_JOURNAL_SIZE},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
    {"per-ip-connections", required_argument, NULL, OPT_PER_IP},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"head-timeout", required_argument, NULL, OPT_HEAD_TIMEOUT},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"session-ttl", required_argument, NULL, OPT_SESSION_TTL},
    {"expiry-base", required_argument, NULL, OPT_EXPIRY_BASE},
    {"completed", required_argument, NULL, OPT_COMPLETED},
    {"quota", no_argument, NULL, OPT_QUOTA},
    {"quota-create", required_argument, NULL, OPT_QUOTA_CREATE},
    {"quota-other", required_argument, NULL, OPT_QUOTA_OTHER},
    {"defect", required_argument, NULL, OPT_DEFECT},
    {"list-defects", no_argument, NULL, OPT_LIST_DEFECTS},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Parses a decimal number from lo to hi; prints the reason and returns -1 otherwise. */
static int parse_num(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    if (!s || *s < '0' || *s > '9')
        goto bad;
    v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        goto bad;
    *out = v;
    return 0;
bad:
    fprintf(stderr, "kpmock: --%s wants a whole number from %" PRIu64 " to %" PRIu64 "\n", opt, lo,
            hi);
    return -1;
}

static void list_defects(void)
{
    for (size_t i = 0; i < mock_defect_count(); i++) {
        const mock_defect_info *d = mock_defect_at(i);
        printf("%s\t%s\t%s\n", d->name, d->breaks, d->clause);
    }
}

/* One getopt_long case per option of the table above, each a line or two: long, but
 * flat, and in the order --help lists the options. */
/* Parses argv into cfg; the names of --defect go to defects (room for argc names, the
 * caller's), borrowed from argv. */
static int parse_args(int argc, char **argv, mock_config *cfg, const char **defects)
{
    int c;
    uint64_t v;
    const char *env;
    if ((env = getenv("KPMOCK_USERNAME")) && *env)
        cfg->username = env;
    if ((env = getenv("KPMOCK_PASSWORD")) && *env)
        cfg->password = env;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case OPT_BIND:
            if (!ip_address(optarg)) {
                fprintf(stderr, "kpmock: --bind wants an IPv4 or IPv6 address, not '%.64s'\n",
                        optarg);
                return -1;
            }
            cfg->bind_address = optarg;
            break;
        case OPT_PORT:
            if (parse_num("port", optarg, 0, 65535, &v))
                return -1;
            cfg->port = (uint16_t)v;
            break;
        case OPT_USERNAME:
            if (!*optarg) {
                fprintf(stderr, "kpmock: --username must not be empty\n");
                return -1;
            }
            cfg->username = optarg;
            break;
        case OPT_PASSWORD:
            cfg->password = optarg;
            break;
        case OPT_SEED:
            if (parse_num("seed", optarg, 0, UINT64_MAX, &v))
                return -1;
            cfg->seed = v;
            break;
        case OPT_TLS_CERT:
            cfg->tls_cert_file = optarg;
            break;
        case OPT_TLS_KEY:
            cfg->tls_key_file = optarg;
            break;
        case OPT_MAX_BODY:
            if (parse_num("max-body", optarg, 0, 1024u * 1024 * 1024, &v))
                return -1;
            cfg->max_body_bytes = (size_t)v;
            break;
        case OPT_MAX_SESSIONS:
            if (parse_num("max-sessions", optarg, 0, 100000000, &v))
                return -1;
            cfg->max_sessions = (size_t)v;
            break;
        case OPT_MAX_STORE_BYTES:
            if (parse_num("max-store-bytes", optarg, 0, (uint64_t)SIZE_MAX, &v))
                return -1;
            cfg->max_store_bytes = (size_t)v;
            break;
        case OPT_JOURNAL_SIZE:
            if (parse_num("journal-size", optarg, 0, 10000000, &v))
                return -1;
            cfg->journal_size = (size_t)v;
            break;
        case OPT_MAX_CONNECTIONS:
            if (parse_num("max-connections", optarg, 1, 100000, &v))
                return -1;
            cfg->max_connections = (unsigned)v;
            break;
        case OPT_PER_IP:
            if (parse_num("per-ip-connections", optarg, 0, 100000, &v))
                return -1;
            cfg->per_ip_connections = (unsigned)v;
            break;
        case OPT_IDLE_TIMEOUT:
            if (parse_num("idle-timeout", optarg, 0, 86400, &v))
                return -1;
            cfg->idle_timeout_s = (unsigned)v;
            break;
        case OPT_HEAD_TIMEOUT:
            if (parse_num("head-timeout", optarg, 0, 86400, &v))
                return -1;
            cfg->head_timeout_s = (unsigned)v;
            break;
        case OPT_THREADS:
            if (parse_num("threads", optarg, 1, 256, &v))
                return -1;
            cfg->threads = (unsigned)v;
            break;
        case OPT_SESSION_TTL:
            if (parse_num("session-ttl", optarg, 1, 3153600000u, &v))
                return -1;
            cfg->session_ttl_s = v;
            break;
        case OPT_EXPIRY_BASE:
            if (strcmp(optarg, "create") == 0) {
                cfg->expiry_base = MOCK_EXPIRY_FROM_CREATE;
            } else if (strcmp(optarg, "update") == 0) {
                cfg->expiry_base = MOCK_EXPIRY_FROM_UPDATE;
            } else {
                fprintf(stderr, "kpmock: --expiry-base wants create or update\n");
                return -1;
            }
            break;
        case OPT_COMPLETED:
            if (strcmp(optarg, "403") == 0) {
                cfg->completed_answer = MOCK_COMPLETED_403_INVALID_OPERATION;
            } else if (strcmp(optarg, "404") == 0) {
                cfg->completed_answer = MOCK_COMPLETED_404_SESSION_COMPLETED;
            } else {
                fprintf(stderr, "kpmock: --completed wants 403 or 404\n");
                return -1;
            }
            break;
        case OPT_QUOTA:
            cfg->quota = true;
            break;
        case OPT_QUOTA_CREATE:
            if (parse_num("quota-create", optarg, 1, 1000000, &v))
                return -1;
            cfg->quota_create_per_s = (unsigned)v;
            break;
        case OPT_QUOTA_OTHER:
            if (parse_num("quota-other", optarg, 1, 1000000, &v))
                return -1;
            cfg->quota_other_per_s = (unsigned)v;
            break;
        case OPT_DEFECT:
            if (mock_defect_lookup(optarg) < 0) {
                fprintf(stderr,
                        "kpmock: --defect: unknown defect '%.64s' (kpmock --list-defects lists "
                        "them)\n",
                        optarg);
                return -1;
            }
            defects[cfg->n_defects++] = optarg;
            cfg->defects = defects;
            break;
        case OPT_LIST_DEFECTS:
            list_defects();
            exit(0);
        case OPT_HELP:
            fputs(usage_text, stdout);
            exit(0);
        case OPT_VERSION:
            printf("kpmock %s\n", KPCT_VERSION);
            exit(0);
        default:
            /* getopt_long leaves the offending word at argv[optind - 1]; optopt holds the
             * long option's code when only its value was wrong */
            if (optopt >= OPT_BIND && optopt <= OPT_VERSION &&
                options[optopt - OPT_BIND].has_arg == required_argument)
                fprintf(stderr, "kpmock: option '%s' needs a value (see --help)\n",
                        argv[optind - 1]);
            else if (optopt >= OPT_BIND && optopt <= OPT_VERSION)
                fprintf(stderr, "kpmock: option '%s' takes no value (see --help)\n",
                        argv[optind - 1]);
            else
                fprintf(stderr, "kpmock: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kpmock: unexpected argument '%s' (see --help)\n", argv[optind]);
        return -1;
    }
    if (!cfg->tls_cert_file != !cfg->tls_key_file) {
        fprintf(stderr, "kpmock: --tls-cert and --tls-key go together\n");
        return -1;
    }
    if (!*cfg->password) {
        fprintf(stderr, "kpmock: the password must not be empty\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    mock_config cfg;
    mock_server *srv = NULL;
    char err[512];
    sigset_t set;
    int sig;
    const char **defects = calloc((size_t)argc + 1, sizeof *defects);
    mock_config_defaults(&cfg);
    cfg.port = 0;
    if (!defects) {
        fprintf(stderr, "kpmock: out of memory\n");
        return EXIT_UNAVAILABLE;
    }
    if (parse_args(argc, argv, &cfg, defects) != 0) {
        free(defects);
        return EXIT_USAGE;
    }
    /* Block the stop signals before any thread exists, so every thread inherits the
     * mask and only sigwait below ever sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (mock_server_start(&cfg, &srv, err, sizeof err) != 0) {
        fprintf(stderr, "kpmock: %s\n", err);
        free(defects);
        return EXIT_UNAVAILABLE;
    }
    printf("kpmock listening on %s\n", mock_server_url(srv));
    fflush(stdout);
    do {
        if (sigwait(&set, &sig) != 0)
            sig = SIGTERM;
    } while (sig != SIGINT && sig != SIGTERM);
    mock_server_stop(srv);
    free(defects);
    return 0;
}
