/* case_mem: set-owned allocations (one registry freed with the set), short texts cut from
 * set-owned blocks, and the market and fixture lookups every checker uses. */
#define _GNU_SOURCE /* vasprintf */
#include "case_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *case_set_own(case_set *set, void *p)
{
    if (!p) {
        set->oom = true;
        return NULL;
    }
    if (set->n_owned == set->cap_owned) {
        size_t cap = set->cap_owned ? 2 * set->cap_owned : 64;
        void **n = realloc(set->owned, cap * sizeof *n);
        if (!n) {
            free(p);
            set->oom = true;
            return NULL;
        }
        set->owned = n;
        set->cap_owned = cap;
    }
    set->owned[set->n_owned++] = p;
    return p;
}

void *case_set_alloc(case_set *set, size_t n)
{
    return case_set_own(set, calloc(1, n ? n : 1));
}

char *case_set_strdup(case_set *set, const char *s)
{
    return case_set_own(set, strdup(s));
}

char *case_set_printf(case_set *set, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return case_set_own(set, s);
}

/* Starts a new text block of at least n bytes; returns 0, or -1 on OOM. */
static int text_refill(case_set *set, size_t n)
{
    size_t size = n > CASE_TEXT_BLOCK ? n : CASE_TEXT_BLOCK;
    char *block = case_set_own(set, malloc(size));
    if (!block)
        return -1;
    set->text_at = block;
    set->text_left = size;
    return 0;
}

const char *case_set_text(case_set *set, const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[] = {a, b, c, d};
    size_t len[4] = {0}, total = 1, n = 0;
    for (; n < 4 && parts[n]; n++)
        total += len[n] = strlen(parts[n]);
    if (total > set->text_left && text_refill(set, total) != 0)
        return NULL;
    char *r = set->text_at, *o = r;
    for (size_t i = 0; i < n; o += len[i], i++)
        memcpy(o, parts[i], len[i]);
    *o = '\0';
    set->text_at += total;
    set->text_left -= total;
    return r;
}

const char *case_set_intern(case_set *set, const char *s)
{
    for (size_t i = 0; i < set->n_interned; i++)
        if (strcmp(set->interned[i], s) == 0)
            return set->interned[i];
    const char *copy = case_set_text(set, s, NULL, NULL, NULL);
    if (copy && set->n_interned < CASE_SET_INTERNED)
        set->interned[set->n_interned++] = copy;
    return copy;
}

const char *case_set_text_json(case_set *set, const cJSON *json)
{
    for (int fresh = 0; fresh < 2; fresh++) {
        /* cJSON may want up to 5 bytes more than it writes */
        if (set->text_left > 5 &&
            cJSON_PrintPreallocated((cJSON *)json, set->text_at, (int)(set->text_left - 5), 0)) {
            char *r = set->text_at;
            size_t n = strlen(r) + 1;
            set->text_at += n;
            set->text_left -= n;
            return r;
        }
        if (!fresh && text_refill(set, CASE_TEXT_BLOCK) != 0)
            return NULL;
    }
    return case_set_own(set, cJSON_PrintUnformatted(json)); /* longer than a block */
}

void case_set_free_owned(case_set *set)
{
    for (size_t i = 0; i < set->n_owned; i++)
        free(set->owned[i]);
    free(set->owned);
    set->owned = NULL;
    set->n_owned = set->cap_owned = 0;
    set->text_at = NULL;
    set->text_left = 0;
    set->n_interned = 0;
}

const case_market *case_set_market(const case_set *set, const char *code)
{
    for (size_t i = 0; code && i < set->n_markets; i++)
        if (strcmp(set->markets[i].code, code) == 0)
            return &set->markets[i];
    return NULL;
}

const case_fixture *case_market_fixture(const case_market *m, const char *name)
{
    for (size_t i = 0; m && i < m->n_fixtures; i++)
        if (strcmp(m->fixtures[i].name, name) == 0)
            return &m->fixtures[i];
    return NULL;
}
