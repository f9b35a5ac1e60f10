/* mock_internal: the state behind a mock_server, shared by the mock's modules (never
 * installed, never included outside mock/). Everything mutable hangs off the server:
 * the store, journal, faults and quota lock themselves; the rng has its own mutex. */
#ifndef KPCT_MOCK_INTERNAL_H
#define KPCT_MOCK_INTERNAL_H

#include "clock.h"
#include "defect.h"
#include "fault.h"
#include "journal.h"
#include "mock.h"
#include "quota.h"
#include "rng.h"
#include "store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define MOCK_VERSION "0.1.0"

struct sleeper;
struct connwatch;

struct mock_server {
    mock_config cfg; /* copy; its strings are borrowed from the caller */
    struct MHD_Daemon *daemon;
    char url[128];
    uint16_t port;
    store *store;
    journal *journal;
    fault_list *faults;
    quota *quota;
    mclock clock;
    pthread_mutex_t rng_mu;
    kprng rng;
    struct sleeper *sleeper;
    struct connwatch *watch; /* the request-head deadline and lingering closes */
    atomic_bool stopping;
    char *tls_cert; /* PEM read from cfg.tls_cert_file */
    char *tls_key;
    pthread_mutex_t log_mu; /* guards last_log */
    char last_log[256];     /* libmicrohttpd's latest complaint, for start errors */
    defect_set defects;     /* from cfg.defects; all zero unless a defect is emulated */
};

/* True when srv emulates built-in defect d: one load, shift and predictable branch. */
static inline bool defect_on(const mock_server *srv, defect_id d)
{
    return defect_has(&srv->defects, d);
}

/* An answer being built, before it becomes an HTTP response. Ownership: body is owned
 * and freed by mock_reply_free. */
typedef struct mock_reply {
    unsigned status;
    char *body; /* NULL = empty */
    size_t body_len;
    const char *content_type; /* static string or NULL */
    char correlation_id[37];  /* "" = no Klarna-Correlation-Id header */
    const char *allow;        /* Allow header (405) or NULL */
    unsigned retry_after;     /* Retry-After seconds (429), 0 = none */
    bool www_authenticate;    /* 401: add the Basic challenge */
    bool no_route;            /* add X-Kpmock-Error: no-route */
} mock_reply;

/* Writes a new lowercase UUID from the server's seeded generator. */
void mock_uuid(mock_server *srv, char out[37]);
/* Fills r with a Klarna-shaped error {correlation_id, error_code, error_messages:[msg]}. */
void mock_reply_klarna_error(mock_server *srv, mock_reply *r, unsigned status, const char *code,
                             const char *msg);
/* Fills r with an admin-route error {"error": msg}. */
void mock_reply_admin_error(mock_reply *r, unsigned status, const char *msg);
/* Returns the compact text of json, byte for byte what cJSON_PrintUnformatted writes, and
 * its length in *len (may be NULL); the caller frees it. NULL on OOM. Faster than cJSON's
 * printer, which formats and re-reads every number through printf and scanf. */
char *mock_print(const cJSON *json, size_t *len);
/* Returns the JSON text of the string s (quotes included), as mock_print writes a string,
 * and its length in *len (may be NULL); the caller frees it. NULL on OOM. */
char *mock_print_string(const char *s, size_t *len);
/* Fills r with status and the compact print of json (json is deleted); 500 on OOM. */
void mock_reply_json(mock_reply *r, unsigned status, cJSON *json);
/* Fills r with status and a copy of the len bytes of text as content_type (borrowed: it
 * must outlive r); the body is left empty when len is 0 or memory runs out. */
void mock_reply_text(mock_reply *r, unsigned status, const char *content_type, const char *text,
                     size_t len);
/* Fills r with status and no body. */
void mock_reply_empty(mock_reply *r, unsigned status);
/* Releases r's body; accepts NULL. */
void mock_reply_free(mock_reply *r);
/* Parses a request body that must be exactly one JSON object (whitespace may follow it);
 * NULL when body is NULL or empty, not JSON, not an object, or has anything after it.
 * The tree is the one cJSON_ParseWithLengthOpts builds, node for node (json.c). */
cJSON *mock_parse_object(const char *body, size_t len);
/* As mock_parse_object for any JSON value (the stored sessions, constant texts). */
cJSON *mock_parse_json(const char *text, size_t len);

#endif
