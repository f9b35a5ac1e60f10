/* case_mem: set-owned allocations (one registry freed with the set) and the market and
 * fixture lookups every checker uses. */
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

void case_set_free_owned(case_set *set)
{
    for (size_t i = 0; i < set->n_owned; i++)
        free(set->owned[i]);
    free(set->owned);
    set->owned = NULL;
    set->n_owned = set->cap_owned = 0;
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
