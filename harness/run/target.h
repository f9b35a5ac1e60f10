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

typedef struct target {
    case_target_kind kind;
    char *name;     /* "mock", "playground-eu", ... or the URL as given */
    char *base_url; /* no trailing slash; for the mock, known after target_open */
    const char *default_market;
    bool is_kpmock; /* the embedded mock, or a URL that answered as kpmock */
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
    long probe_timeout_ms; /* GET /__admin/health on URL targets; 0 = no probe */
} target_options;

/* Parses "mock", "playground-eu|na|oc" or an http(s) URL. Refuses Klarna production
 * hosts (*.klarna.com but not *.playground.klarna.com) unless allow_production.
 * Returns 0 and fills *out; or -1 with a reason in err (a usage error). */
int target_resolve(const char *spec, bool allow_production, target *out, char *err, size_t errlen);
/* True when url's host is a Klarna production host. */
bool target_is_production(const char *url);
/* Sets credentials: for the mock, generated ones (from seed); for others, from
 * KLARNA_USERNAME / KLARNA_PASSWORD. Returns 0, or -1 with a reason (missing variables). */
int target_credentials(target *t, uint64_t seed, char *err, size_t errlen);
/* Makes the target ready: starts the embedded mock with the target's credentials, or
 * probes a URL target's /__admin/health for kpmock. Returns 0, or -1 with a reason. */
int target_open(target *t, const target_options *opt, char *err, size_t errlen);
/* Stops the embedded mock and frees the target's contents; accepts NULL. */
void target_close(target *t);

#endif
