/* jsonpos: source positions for a parsed cJSON tree. cJSON keeps no positions, so the
 * source text is scanned again with a small tokenizer that records where every value
 * and key starts, in document order, paired with a pre-order walk of the tree (the
 * same order). Lines and columns are 1-based; columns count bytes.
 * Ownership: jsonpos_build hands out a map freed by jsonpos_free; it borrows nothing. */
#ifndef KPCT_JSONPOS_H
#define KPCT_JSONPOS_H

#include <stddef.h>

#include <cJSON.h>

typedef struct jsonpos jsonpos;

/* Maps every item of root (parsed from text[0..len)) to its position; NULL on OOM or when
 * len is 4 GiB or more (offsets are kept in 32 bits). */
jsonpos *jsonpos_build(const char *text, size_t len, const cJSON *root);
/* Frees a map; accepts NULL. */
void jsonpos_free(jsonpos *p);
/* Where item's value starts; returns 0, or -1 (1:1 given) when item is not in the map. */
int jsonpos_value(const jsonpos *p, const cJSON *item, int *line, int *col);
/* Where item's key starts in its object (its value's position when it has no key). */
int jsonpos_key(const jsonpos *p, const cJSON *item, int *line, int *col);
/* Converts a byte offset of text to a 1-based line and byte column. */
void jsonpos_linecol(const char *text, size_t len, size_t off, int *line, int *col);

#endif
