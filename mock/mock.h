/* kpmock's public face: configure, start and stop the reference mock of the Klarna
 * Payments session API in-process. The kpmock program and kpct's embedded target both
 * use exactly this. Ownership: mock_server_start hands out a server that the caller
 * stops and frees with mock_server_stop; strings in mock_config (and its defects array)
 * are borrowed and must outlive the server; mock_defect_at hands out static rows. */
#ifndef KPCT_MOCK_H
#define KPCT_MOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* When a session's 48-hour life starts counting (unconfirmed at Klarna). */
typedef enum { MOCK_EXPIRY_FROM_CREATE, MOCK_EXPIRY_FROM_UPDATE } mock_expiry_base;

/* How an update of a completed session is answered (unconfirmed at Klarna). */
typedef enum {
    MOCK_COMPLETED_403_INVALID_OPERATION,
    MOCK_COMPLETED_404_SESSION_COMPLETED
} mock_completed_answer;

typedef struct mock_config {
    const char *bind_address; /* default "127.0.0.1" */
    uint16_t port;            /* 0 = pick a free port */
    const char *username;     /* HTTP Basic credentials the mock accepts */
    const char *password;
    uint64_t seed; /* 0 = random; otherwise ids, tokens, correlation ids are deterministic */
    const char *tls_cert_file; /* both set = serve https */
    const char *tls_key_file;
    size_t max_body_bytes;        /* request body cap, default 1 MB (1048576): above it 413 */
    size_t max_sessions;          /* default 200000; expired evicted first, then 503 */
    size_t max_store_bytes;       /* total session text, default 256 MiB, 0 = no cap; as above */
    size_t journal_size;          /* request journal ring entries, default 1000 */
    unsigned max_connections;     /* default 512 */
    unsigned per_ip_connections;  /* default 256 */
    unsigned idle_timeout_s;      /* default 30 */
    unsigned head_timeout_s;      /* a request head must be complete in this; 10, 0 = off */
    unsigned threads;             /* worker threads, default 2 */
    uint64_t session_ttl_s;       /* default 48 h = 172800 */
    mock_expiry_base expiry_base; /* default MOCK_EXPIRY_FROM_CREATE */
    mock_completed_answer completed_answer; /* default 403 INVALID_OPERATION */
    bool quota;                             /* emulate playground quotas; default off */
    unsigned quota_create_per_s;            /* default 5 */
    unsigned quota_other_per_s;             /* default 50 */
    const char *const *defects; /* names of built-in defects to emulate (see mock_defect_at) */
    size_t n_defects;           /* default 0: none, the mock follows the contract */
} mock_config;

/* One built-in defect: a deliberate deviation from the contract (--defect NAME). */
typedef struct mock_defect_info {
    const char *name;   /* kebab-case, e.g. "no-locale-check" */
    const char *breaks; /* what it breaks, one line */
    const char *clause; /* the id of the cases/contract.json clause it violates */
} mock_defect_info;

typedef struct mock_server mock_server;

/* Fills cfg with the defaults documented above. */
void mock_config_defaults(mock_config *cfg);
/* Starts serving; returns 0 and *out, or -1 with a one-line reason in err. */
int mock_server_start(const mock_config *cfg, mock_server **out, char *err, size_t errlen);
/* Returns the port actually bound (useful with port 0). */
uint16_t mock_server_port(const mock_server *srv);
/* Returns the base URL, e.g. "http://127.0.0.1:41234" (https with TLS); valid until stop. */
const char *mock_server_url(const mock_server *srv);
/* Forgets session id at once, as if its 48 hours had passed: for a caller that knows
 * nobody will ask for it again (kpct's embedded mock, as each test ends). Returns true
 * when there was such a session; safe while serving. */
bool mock_server_forget(mock_server *srv, const char *id);
/* Stops serving, waits for in-flight requests, frees everything; accepts NULL. */
void mock_server_stop(mock_server *srv);

/* Returns the number of built-in defects. */
size_t mock_defect_count(void);
/* Returns built-in defect i (0 <= i < mock_defect_count()), or NULL past the end; static. */
const mock_defect_info *mock_defect_at(size_t i);
/* Returns the index of the defect named name (exact match), or -1 when there is none. */
int mock_defect_lookup(const char *name);

#endif
