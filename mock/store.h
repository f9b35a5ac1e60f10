/* store: the mock's session store, a sharded hash table of sessions keyed by id, each
 * shard behind its own mutex, with a hard cap on the number of sessions and expiry
 * on the mock clock.
 * Ownership: the store owns every entry and its document text; store_insert takes
 * ownership of the text it is given; callbacks see entries only while the shard is
 * locked and must not keep pointers into them. */
#ifndef KPCT_MOCK_STORE_H
#define KPCT_MOCK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of a session id (a lowercase UUID), without the NUL. */
#define STORE_ID_LEN 36

typedef struct store_entry {
    char *doc;          /* the session document as compact JSON text (the store's) */
    int64_t created_at; /* mock-clock seconds */
    int64_t updated_at; /* mock-clock seconds of the last accepted update (= created_at at first) */
    bool complete;      /* an order was placed (admin API) */
    char country[3];    /* purchase_country at creation, upper case, for the client token */
} store_entry;

typedef struct store store;

/* Results of store_insert. */
enum { STORE_OK = 0, STORE_FULL = -1, STORE_NOMEM = -2, STORE_DUPLICATE = -3 };
/* Returned by store_with when the id is unknown or its session has expired. */
#define STORE_NOT_FOUND (-1000)

/* Runs under the shard lock with the live entry; may change updated_at, complete or
 * doc: a new malloc'd text whose ownership passes to the store, which frees the old one
 * (a store_fn never frees doc). Returns a caller-defined code (not STORE_NOT_FOUND). */
typedef int (*store_fn)(store_entry *e, void *arg);
/* Visits one entry under its shard lock; returns nonzero to stop the walk. */
typedef int (*store_visit_fn)(const char *id, const store_entry *e, bool expired, void *arg);

/* Makes an empty store holding at most max_sessions, whose sessions live ttl_s seconds
 * from creation (from_update false) or from the last update. Returns NULL on OOM. */
store *store_new(size_t max_sessions, uint64_t ttl_s, bool from_update);
/* Frees the store and every session; accepts NULL. */
void store_free(store *s);
/* Returns the number of stored sessions, expired ones not yet evicted included. */
size_t store_count(store *s);
/* Returns the cap given to store_new. */
size_t store_cap(const store *s);
/* Caps the total text of stored documents at max_bytes (0 = no cap); call before use. */
void store_limit_bytes(store *s, size_t max_bytes);
/* Returns the byte cap given to store_limit_bytes (0 = none). */
size_t store_byte_cap(const store *s);
/* Returns the bytes of document text stored now. */
size_t store_bytes(store *s);
/* Accounts a document of e that changes from old_len to new_len bytes (call from a
 * store_fn before swapping the text in); returns 0, or -1 when growing would pass the
 * byte cap (nothing is accounted then and the caller keeps the old text). */
int store_resize(store *s, size_t old_len, size_t new_len);
/* Returns how many eviction scans inserts at the cap have run (one is skipped when the
 * last one evicted nothing and the clock has not moved past it). */
uint64_t store_sweeps(store *s);
/* Returns when e expires (mock-clock seconds). */
int64_t store_expires_at(const store *s, const store_entry *e);
/* Adds session id with document doc (ownership taken, freed on failure too). At the cap
 * on sessions or on bytes it first evicts expired sessions; returns STORE_OK,
 * STORE_FULL, STORE_NOMEM or STORE_DUPLICATE. */
int store_insert(store *s, const char *id, char *doc, const char *country, int64_t now);
/* Finds a live session and runs fn on it under its shard lock, so read-modify-write is
 * atomic per session. An expired session is evicted and reported as not found. Returns
 * fn's result or STORE_NOT_FOUND. */
int store_with(store *s, const char *id, int64_t now, store_fn fn, void *arg);
/* Walks every session (expired ones flagged, not evicted), one shard locked at a time. */
void store_each(store *s, int64_t now, store_visit_fn fn, void *arg);
/* Evicts every session expired at now; returns how many were evicted. */
size_t store_evict_expired(store *s, int64_t now);
/* Removes session id, live or expired; returns true when there was one. */
bool store_remove(store *s, const char *id);
/* Removes every session. */
void store_clear(store *s);

#endif
