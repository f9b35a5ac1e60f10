/* journal: a fixed array used as a ring under one mutex; entries keep their own
 * copies of method and path so nothing points into finished requests. An entry's path
 * buffer is reused by the requests that overwrite it, so a full ring records without
 * allocating. */
#include "journal.h"

#include "clock.h"
#include "rfc3339.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct jentry {
    uint64_t seq;
    int64_t time_ms;
    char method[16];
    char *path;
    size_t path_cap; /* bytes allocated for path */
    unsigned status;
    uint64_t duration_us;
    uint64_t request_bytes;
    const char *fault; /* a static kind name or NULL */
} jentry;

struct journal {
    pthread_mutex_t mu;
    jentry *ring;
    size_t cap;
    size_t head;  /* index of the oldest entry */
    size_t count; /* entries held */
    uint64_t next_seq;
    uint64_t dropped;
};

journal *journal_new(size_t capacity)
{
    journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    if (capacity) {
        j->ring = calloc(capacity, sizeof *j->ring);
        if (!j->ring) {
            free(j);
            return NULL;
        }
    }
    pthread_mutex_init(&j->mu, NULL);
    j->cap = capacity;
    j->next_seq = 1;
    return j;
}

static void clear_locked(journal *j)
{
    for (size_t i = 0; i < j->cap; i++) {
        free(j->ring[i].path);
        j->ring[i].path = NULL;
        j->ring[i].path_cap = 0;
    }
    j->head = j->count = 0;
    j->dropped = 0;
    j->next_seq = 1;
}

void journal_free(journal *j)
{
    if (!j)
        return;
    clear_locked(j);
    free(j->ring);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

/* Copies path into e, cut at JOURNAL_PATH_MAX (marked with "..."); keeps e's buffer when
 * it is big enough. On OOM the entry keeps an empty path. */
static void set_path(jentry *e, const char *path)
{
    size_t n = strlen(path), keep = n <= JOURNAL_PATH_MAX ? n : JOURNAL_PATH_MAX;
    size_t need = keep + (n > keep ? 4 : 1);
    if (need > e->path_cap) {
        char *p = malloc(need < 64 ? 64 : need);
        if (!p) {
            if (e->path)
                e->path[0] = '\0';
            return;
        }
        free(e->path);
        e->path = p;
        e->path_cap = need < 64 ? 64 : need;
    }
    memcpy(e->path, path, keep);
    memcpy(e->path + keep, n > keep ? "..." : "", n > keep ? 4 : 1);
}

void journal_add(journal *j, int64_t time_ms, const char *method, const char *path, unsigned status,
                 uint64_t duration_us, uint64_t request_bytes, const char *fault)
{
    pthread_mutex_lock(&j->mu);
    uint64_t seq = j->next_seq++;
    if (j->cap == 0) {
        j->dropped++;
        pthread_mutex_unlock(&j->mu);
        return;
    }
    jentry *e;
    if (j->count == j->cap) {
        e = &j->ring[j->head];
        j->head = (j->head + 1) % j->cap;
        j->dropped++;
    } else {
        e = &j->ring[(j->head + j->count) % j->cap];
        j->count++;
    }
    e->seq = seq;
    e->time_ms = time_ms;
    snprintf(e->method, sizeof e->method, "%s", method ? method : "");
    set_path(e, path ? path : "");
    e->status = status;
    e->duration_us = duration_us;
    e->request_bytes = request_bytes;
    e->fault = fault;
    pthread_mutex_unlock(&j->mu);
}

void journal_clear(journal *j)
{
    pthread_mutex_lock(&j->mu);
    clear_locked(j);
    pthread_mutex_unlock(&j->mu);
}

cJSON *journal_json(journal *j)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *entries = NULL;
    bool ok = root != NULL;
    pthread_mutex_lock(&j->mu);
    ok = ok && cJSON_AddNumberToObject(root, "capacity", (double)j->cap) &&
         cJSON_AddNumberToObject(root, "dropped", (double)j->dropped) &&
         (entries = cJSON_AddArrayToObject(root, "entries"));
    for (size_t i = 0; ok && i < j->count; i++) {
        const jentry *e = &j->ring[(j->head + i) % j->cap];
        char when[RFC3339_TEXT_MAX];
        cJSON *o = cJSON_CreateObject();
        rfc3339_format_ms(e->time_ms, when);
        ok = o && cJSON_AddNumberToObject(o, "seq", (double)e->seq) &&
             cJSON_AddStringToObject(o, "time", when) &&
             cJSON_AddStringToObject(o, "method", e->method) &&
             cJSON_AddStringToObject(o, "path", e->path ? e->path : "") &&
             cJSON_AddNumberToObject(o, "status", e->status) &&
             cJSON_AddNumberToObject(o, "duration_us", (double)e->duration_us) &&
             cJSON_AddNumberToObject(o, "request_bytes", (double)e->request_bytes) &&
             (e->fault ? cJSON_AddStringToObject(o, "fault", e->fault) != NULL
                       : cJSON_AddNullToObject(o, "fault") != NULL);
        if (o)
            cJSON_AddItemToArray(entries, o);
    }
    pthread_mutex_unlock(&j->mu);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
