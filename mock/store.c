/* store: 64 shards, each a chained hash table behind a mutex. The cap is a single
 * atomic counter reserved before an insert, so concurrent creates never overshoot. A
 * session's text lives in its node, one allocation of exactly its size: the text a
 * create or update hands over was grown by doubling (a 257-byte text in a 512-byte
 * buffer), and a separate block costs its own header besides. */
#include "store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define SHARDS          64
#define INITIAL_BUCKETS 64

typedef struct node {
    struct node *next;
    uint64_t hash;
    store_entry e; /* e.doc is text, or a separate block when moving it in ran out of memory */
    char id[STORE_ID_LEN + 1];
    char text[];
} node;

typedef struct shard {
    pthread_mutex_t mu;
    node **buckets;
    size_t nbuckets; /* a power of two */
    size_t count;
} shard;

struct store {
    shard shards[SHARDS];
    _Atomic size_t count;
    size_t max;
    int64_t ttl_s;
    bool from_update;
    /* Mock time of the last scan at the cap that evicted nothing: every session then
     * expired later, so until the clock passes it another scan cannot evict anything
     * either (unless a session is stored with an earlier expiry, which resets it).
     * Without it, a full store of live sessions scanned every one of them for every
     * refused create: under 100 creates/s at 100,000 sessions. */
    _Atomic int64_t swept_at;
    _Atomic uint64_t sweeps;
    _Atomic size_t bytes; /* document text held (reserved before an insert) */
    size_t max_bytes;     /* 0 = no cap */
};

/* FNV-1a; ids are random UUIDs, so anything cheap and well mixed will do. */
static uint64_t hash_id(const char *id)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h ^ (h >> 29);
}

static shard *shard_of(store *s, uint64_t h)
{
    return &s->shards[h % SHARDS];
}

store *store_new(size_t max_sessions, uint64_t ttl_s, bool from_update)
{
    store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&s->shards[i].mu, NULL);
        s->shards[i].buckets = calloc(INITIAL_BUCKETS, sizeof(node *));
        s->shards[i].nbuckets = INITIAL_BUCKETS;
        if (!s->shards[i].buckets) {
            store_free(s);
            return NULL;
        }
    }
    atomic_init(&s->count, 0);
    atomic_init(&s->swept_at, INT64_MIN);
    atomic_init(&s->sweeps, 0);
    atomic_init(&s->bytes, 0);
    s->max = max_sessions;
    s->ttl_s = ttl_s > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)ttl_s;
    s->from_update = from_update;
    return s;
}

static void free_node(node *n)
{
    if (n->e.doc != n->text)
        free(n->e.doc);
    free(n);
}

/* A node holding a copy of the len bytes of doc, with the rest of its fields from like
 * (when not NULL); NULL on OOM. */
static node *new_node(const char *doc, size_t len, const node *like)
{
    node *n = malloc(sizeof *n + len + 1);
    if (!n)
        return NULL;
    if (like)
        *n = *like;
    else
        memset(n, 0, sizeof *n);
    memcpy(n->text, doc, len + 1);
    n->e.doc = n->text;
    return n;
}

static void shard_clear(store *s, shard *sh)
{
    for (size_t b = 0; b < sh->nbuckets; b++) {
        node *n = sh->buckets[b];
        while (n) {
            node *next = n->next;
            atomic_fetch_sub(&s->bytes, strlen(n->e.doc));
            free_node(n);
            n = next;
        }
        sh->buckets[b] = NULL;
    }
    sh->count = 0;
}

void store_free(store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < SHARDS; i++) {
        if (s->shards[i].buckets)
            shard_clear(s, &s->shards[i]);
        free(s->shards[i].buckets);
        pthread_mutex_destroy(&s->shards[i].mu);
    }
    free(s);
}

size_t store_count(store *s)
{
    return atomic_load(&s->count);
}

size_t store_cap(const store *s)
{
    return s->max;
}

void store_limit_bytes(store *s, size_t max_bytes)
{
    s->max_bytes = max_bytes;
}

size_t store_byte_cap(const store *s)
{
    return s->max_bytes;
}

size_t store_bytes(store *s)
{
    return atomic_load(&s->bytes);
}

/* Takes n bytes under the byte cap; returns false when they do not fit. */
static bool reserve_bytes(store *s, size_t n)
{
    size_t b = atomic_load(&s->bytes);
    do {
        if (s->max_bytes && (n > s->max_bytes || b > s->max_bytes - n))
            return false;
    } while (!atomic_compare_exchange_weak(&s->bytes, &b, b + n));
    return true;
}

int store_resize(store *s, size_t old_len, size_t new_len)
{
    if (new_len > old_len)
        return reserve_bytes(s, new_len - old_len) ? 0 : -1;
    atomic_fetch_sub(&s->bytes, old_len - new_len);
    return 0;
}

uint64_t store_sweeps(store *s)
{
    return atomic_load(&s->sweeps);
}

int64_t store_expires_at(const store *s, const store_entry *e)
{
    return (s->from_update ? e->updated_at : e->created_at) + s->ttl_s;
}

static bool expired(const store *s, const store_entry *e, int64_t now)
{
    return now >= store_expires_at(s, e);
}

/* Doubles the bucket array; on OOM the table just stays denser. */
static void shard_grow(shard *sh)
{
    size_t nb = sh->nbuckets * 2;
    node **b = calloc(nb, sizeof(node *));
    if (!b)
        return;
    for (size_t i = 0; i < sh->nbuckets; i++) {
        node *n = sh->buckets[i];
        while (n) {
            node *next = n->next;
            size_t k = (n->hash / SHARDS) & (nb - 1);
            n->next = b[k];
            b[k] = n;
            n = next;
        }
    }
    free(sh->buckets);
    sh->buckets = b;
    sh->nbuckets = nb;
}

static node **find_slot(shard *sh, uint64_t h, const char *id)
{
    node **pp = &sh->buckets[(h / SHARDS) & (sh->nbuckets - 1)];
    while (*pp && ((*pp)->hash != h || strcmp((*pp)->id, id) != 0))
        pp = &(*pp)->next;
    return pp;
}

/* Takes one slot under the cap; returns false when the store is full. */
static bool reserve(store *s)
{
    size_t c = atomic_load(&s->count);
    while (c < s->max)
        if (atomic_compare_exchange_weak(&s->count, &c, c + 1))
            return true;
    return false;
}

/* At a cap: evicts what has expired, unless a scan at this mock time already found
 * nothing to evict (see swept_at). */
static void sweep_at_cap(store *s, int64_t now)
{
    if (now > atomic_load(&s->swept_at)) {
        atomic_fetch_add(&s->sweeps, 1);
        if (store_evict_expired(s, now) == 0)
            atomic_store(&s->swept_at, now);
    }
}

int store_insert(store *s, const char *id, char *doc, const char *country, int64_t now)
{
    int rc = STORE_OK;
    uint64_t h;
    shard *sh;
    node *n = NULL;
    size_t len = strlen(doc);
    if (strlen(id) != STORE_ID_LEN) {
        rc = STORE_DUPLICATE;
        goto fail;
    }
    if (!reserve(s)) {
        sweep_at_cap(s, now);
        if (!reserve(s)) {
            rc = STORE_FULL;
            goto fail;
        }
    }
    if (!reserve_bytes(s, len)) {
        sweep_at_cap(s, now);
        if (!reserve_bytes(s, len)) {
            atomic_fetch_sub(&s->count, 1);
            rc = STORE_FULL;
            goto fail;
        }
    }
    if (now + s->ttl_s <= atomic_load(&s->swept_at)) /* a clock set back: it may expire first */
        atomic_store(&s->swept_at, INT64_MIN);
    n = new_node(doc, len, NULL);
    free(doc);
    doc = NULL;
    if (!n) {
        atomic_fetch_sub(&s->count, 1);
        atomic_fetch_sub(&s->bytes, len);
        rc = STORE_NOMEM;
        goto fail;
    }
    h = hash_id(id);
    n->hash = h;
    memcpy(n->id, id, STORE_ID_LEN + 1);
    n->e.created_at = now;
    n->e.updated_at = now;
    snprintf(n->e.country, sizeof n->e.country, "%s", country ? country : "");
    sh = shard_of(s, h);
    pthread_mutex_lock(&sh->mu);
    node **pp = find_slot(sh, h, id);
    if (*pp) {
        pthread_mutex_unlock(&sh->mu);
        atomic_fetch_sub(&s->count, 1);
        atomic_fetch_sub(&s->bytes, len);
        free_node(n);
        rc = STORE_DUPLICATE;
        goto fail;
    }
    *pp = n;
    if (++sh->count > sh->nbuckets)
        shard_grow(sh);
    pthread_mutex_unlock(&sh->mu);
    return STORE_OK;
fail:
    free(doc);
    return rc;
}

static void unlink_node(store *s, shard *sh, node **pp)
{
    node *n = *pp;
    *pp = n->next;
    sh->count--;
    atomic_fetch_sub(&s->count, 1);
    atomic_fetch_sub(&s->bytes, strlen(n->e.doc));
    free_node(n);
}

/* After a store_fn gave e a new document: moves it into a node of its size (the old
 * node and text are freed). On OOM the node keeps the separate block. */
static void rehome(node **pp)
{
    node *old = *pp, *n = new_node(old->e.doc, strlen(old->e.doc), old);
    if (!n)
        return;
    free(old->e.doc);
    free(old);
    *pp = n;
}

int store_with(store *s, const char *id, int64_t now, store_fn fn, void *arg)
{
    int rc;
    uint64_t h = hash_id(id);
    shard *sh = shard_of(s, h);
    pthread_mutex_lock(&sh->mu);
    node **pp = find_slot(sh, h, id);
    if (!*pp) {
        rc = STORE_NOT_FOUND;
    } else if (expired(s, &(*pp)->e, now)) {
        unlink_node(s, sh, pp);
        rc = STORE_NOT_FOUND;
    } else {
        char *doc = (*pp)->e.doc;
        rc = fn(&(*pp)->e, arg);
        if ((*pp)->e.doc != doc) {
            if (doc != (*pp)->text)
                free(doc);
            rehome(pp);
        }
        if (store_expires_at(s, &(*pp)->e) <= atomic_load(&s->swept_at))
            atomic_store(&s->swept_at, INT64_MIN);
    }
    pthread_mutex_unlock(&sh->mu);
    return rc;
}

void store_each(store *s, int64_t now, store_visit_fn fn, void *arg)
{
    for (size_t i = 0; i < SHARDS; i++) {
        shard *sh = &s->shards[i];
        int stop = 0;
        pthread_mutex_lock(&sh->mu);
        for (size_t b = 0; b < sh->nbuckets && !stop; b++)
            for (node *n = sh->buckets[b]; n && !stop; n = n->next)
                stop = fn(n->id, &n->e, expired(s, &n->e, now), arg);
        pthread_mutex_unlock(&sh->mu);
        if (stop)
            return;
    }
}

size_t store_evict_expired(store *s, int64_t now)
{
    size_t evicted = 0;
    for (size_t i = 0; i < SHARDS; i++) {
        shard *sh = &s->shards[i];
        pthread_mutex_lock(&sh->mu);
        for (size_t b = 0; b < sh->nbuckets; b++) {
            node **pp = &sh->buckets[b];
            while (*pp) {
                if (expired(s, &(*pp)->e, now)) {
                    unlink_node(s, sh, pp);
                    evicted++;
                } else {
                    pp = &(*pp)->next;
                }
            }
        }
        pthread_mutex_unlock(&sh->mu);
    }
    return evicted;
}

bool store_remove(store *s, const char *id)
{
    uint64_t h = hash_id(id);
    shard *sh = shard_of(s, h);
    pthread_mutex_lock(&sh->mu);
    node **pp = find_slot(sh, h, id);
    bool found = *pp != NULL;
    if (found)
        unlink_node(s, sh, pp);
    pthread_mutex_unlock(&sh->mu);
    return found;
}

void store_clear(store *s)
{
    for (size_t i = 0; i < SHARDS; i++) {
        shard *sh = &s->shards[i];
        pthread_mutex_lock(&sh->mu);
        size_t n = sh->count;
        shard_clear(s, sh);
        atomic_fetch_sub(&s->count, n);
        pthread_mutex_unlock(&sh->mu);
    }
}
