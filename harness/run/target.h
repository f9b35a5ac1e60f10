/* target: what kpct runs against — the embedded reference mock, a Klarna playground
 * region, or any http(s) base URL — with its default market and credentials, and the
 * refusal of production Klarna hosts.
 * Ownership: a target owns its strings and its embedded mock; target_close releases them. */
#ifndef KPCT_TARGET_H
#define KPCT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

struct mock_server;

/* What kpct does differently per target, in one table: the market it runs when none
 * is given, how often a test is retried, whether unconfirmed readings may differ, and how
 * fast requests are started (the
 * playground's quota is 5 create-session and 50 other requests per second). */
typedef struct target_policy {
    case_target_kind kind;
    const char *name;           /* "mock", "playground-eu", ...; NULL: any URL of this kind */
    const char *base_url;       /* the region's host, for a named playground; else NULL */
    const char *region;         /* short name in --help ("eu"); NULL for URL rows */
    const char *default_market; /* when --market is not given */
    unsigned retries;           /* when --retries is not given */
    double create_per_s;        /* create-session starts per second; 0 = no limit */
    double other_per_s;         /* other request starts per second; 0 = no limit */
    double quota_create_per_s;  /* the service's own quota; 0 = none known */
    double quota_other_per_s;
    const char *noproxy; /* hosts that bypass proxies from the environment; NULL = none */
    /* when --unconfirmed is not given: a failing test tagged "unconfirmed" is reported as
     * "reading differs" and fails nothing (true), or fails like any other (false). Klarna
     * is the judge of our unconfirmed readings, our mocks are held to them. */
    bool unconfirmed_warn;
} target_policy;

/* The rows of the policy table, in --help order; *n gets their count. */
const target_policy *target_policies(size_t *n);
/* The policy for a target: the row named name (a target name, or a URL whose host is a
 * named playground region's), else the kind's row for any URL. Never NULL. */
const target_policy *target_policy_of(case_target_kind kind, const char *name);

typedef struct target {
    case_target_kind kind;
    char *name;     /* "mock", "playground-eu", ... or the URL as given */
    char *base_url; /* no trailing slash; for the mock, known after target_open */
    const target_policy *policy;
    const char *default_market; /* policy->default_market */
    bool is_kpmock;             /* the embedded mock, or a URL that answered as kpmock */
    char *username, *password;
    struct mock_server *mock;
} target;

/* Options for opening a target. */
typedef struct target_options {
    uint64_t seed;         /* the embedded mock's seed */
    unsigned mock_threads; /* the embedded mock's worker threads */
    const char *cacert;    /* for the URL probe */
    const char *client_cert, *client_key;
    bool insecure;
    const case_header *headers; /* the run's --header, sent with the probe too */
    size_t n_headers;
    long probe_timeout_ms; /* GET /__admin/health on URL targets; 0 = no probe */
} target_options;

/* Parses "mock", "playground-eu|na|oc" or an http(s) URL. Refuses Klarna production
 * hosts (*.klarna.com but not *.playground.klarna.com) unless allow_production.
 * Returns 0 and fills *out; -1 with a reason in err (a usage error); -2 out of memory. */
int target_resolve(const char *spec, bool allow_production, target *out, char *err, size_t errlen);
/* True when url's host is a Klarna production host. */
bool target_is_production(const char *url);
/* Sets credentials: for the mock, generated ones (from seed); for others, from
 * KLARNA_USERNAME / KLARNA_PASSWORD. Returns 0, -1 with a reason (missing variables), or
 * -2 out of memory. */
int target_credentials(target *t, uint64_t seed, char *err, size_t errlen);
/* Makes the target ready: starts the embedded mock with the target's credentials, or
 * probes a URL target's /__admin/health for kpmock. Returns 0, or -1 with a reason. */
int target_open(target *t, const target_options *opt, char *err, size_t errlen);
/* The engine's forget hook (exec_config.forget) for an embedded mock srv (a struct
 * mock_server *): forgets the session a finished test's value names, if any. */
void target_forget_session(void *srv, const char *captured);
/* Stops the embedded mock and frees the target's contents; accepts NULL. */
void target_close(target *t);

#endif
