/* case_mem: memory that lives as long as a case set (allocations and short texts), and lookups of
 * its markets and fixtures. The bottom floor of the loader: it calls nothing else of the module.
 * Ownership: what case_set_own and the case_set_* allocators return belongs to the set
 * and is freed by case_set_free_owned (called from case_set_free); a failed allocation
 * frees what it was given and marks the set (set->oom) so that its load fails. */
#ifndef KPCT_CASE_MEM_H
#define KPCT_CASE_MEM_H

#include <stddef.h>

#include "case_model.h"

/* Registers p to be freed with the set; returns p, or NULL (p freed, set->oom set) when
 * p is NULL or the registry cannot grow. */
void *case_set_own(case_set *set, void *p);
/* calloc owned by the set (n = 0 allocates one byte); NULL on OOM. */
void *case_set_alloc(case_set *set, size_t n);
/* strdup owned by the set; NULL on OOM. */
char *case_set_strdup(case_set *set, const char *s);
/* printf into a new string owned by the set; NULL on OOM. */
char *case_set_printf(case_set *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Short texts that live as long as the set (test ids and titles, tags, patch texts,
 * names copied out of a document whose tree is dropped) are cut from set-owned blocks of
 * CASE_TEXT_BLOCK bytes: one allocation per block, not per string. */
#define CASE_TEXT_BLOCK 65536
/* The concatenation of a, b, c and d (NULL: the rest are absent) in the set's text
 * blocks; NULL on OOM. */
const char *case_set_text(case_set *set, const char *a, const char *b, const char *c,
                          const char *d);
/* s in the set's text blocks once: the same pointer for every later call with the same
 * text, for the first CASE_SET_INTERNED distinct texts (a copy each after them). For the
 * few texts tests repeat by the thousand (skip reasons); NULL on OOM. */
const char *case_set_intern(case_set *set, const char *s);
/* json as compact JSON (what cJSON_PrintUnformatted prints) in the set's text blocks;
 * NULL on OOM. */
const char *case_set_text_json(case_set *set, const cJSON *json);
/* Frees everything registered with the set and the registry itself. */
void case_set_free_owned(case_set *set);
/* Finds a market by code (NULL code: none); returns it or NULL. */
const case_market *case_set_market(const case_set *set, const char *code);
/* Finds a fixture of a market by name (without .json); returns it or NULL. */
const case_fixture *case_market_fixture(const case_market *m, const char *name);

#endif
