/* quota: a small table of per-username windows under one mutex (the check is a few
 * comparisons; contention is not a concern at playground rates). */
#include "quota.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 255

typedef struct window {
    char name[NAME_MAX_LEN + 1];
    int64_t second;
    unsigned creates;
    unsigned others;
    bool used;
} window;

struct quota {
    pthread_mutex_t mu;
    unsigned create_per_s;
    unsigned other_per_s;
    window windows[QUOTA_MAX_USERS];
};

quota *quota_new(unsigned create_per_s, unsigned other_per_s)
{
    quota *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    pthread_mutex_init(&q->mu, NULL);
    q->create_per_s = create_per_s;
    q->other_per_s = other_per_s;
    return q;
}

void quota_free(quota *q)
{
    if (!q)
        return;
    pthread_mutex_destroy(&q->mu);
    free(q);
}

bool quota_admit(quota *q, const char *username, bool is_create, int64_t now_s)
{
    bool ok;
    window *w = NULL, *stalest = &q->windows[0];
    char name[NAME_MAX_LEN + 1];
    /* Longer names are compared by their first 255 bytes: enough to tell credentials
     * apart, and it keeps the table's memory fixed. */
    strncpy(name, username ? username : "", NAME_MAX_LEN);
    name[NAME_MAX_LEN] = '\0';
    pthread_mutex_lock(&q->mu);
    for (size_t i = 0; i < QUOTA_MAX_USERS; i++) {
        window *c = &q->windows[i];
        if (c->used && strcmp(c->name, name) == 0) {
            w = c;
            break;
        }
        if (!c->used || (stalest->used && c->second < stalest->second))
            stalest = c;
    }
    if (!w) {
        w = stalest;
        memset(w, 0, sizeof *w);
        memcpy(w->name, name, sizeof name);
        w->used = true;
        w->second = now_s;
    }
    if (w->second != now_s) {
        w->second = now_s;
        w->creates = w->others = 0;
    }
    if (is_create) {
        ok = w->creates < q->create_per_s;
        w->creates += ok;
    } else {
        ok = w->others < q->other_per_s;
        w->others += ok;
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

void quota_reset(quota *q)
{
    pthread_mutex_lock(&q->mu);
    memset(q->windows, 0, sizeof q->windows);
    pthread_mutex_unlock(&q->mu);
}
