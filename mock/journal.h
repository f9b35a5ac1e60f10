/* journal: the bounded ring of requests the mock has answered, for the admin API.
 * When full, the oldest entry is overwritten and counted as dropped.
 * Ownership: the journal copies every string it is given; journal_json hands out a new
 * cJSON tree that the caller deletes. */
#ifndef KPCT_MOCK_JOURNAL_H
#define KPCT_MOCK_JOURNAL_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Longest path kept per entry; longer paths are cut (the cut is marked with "..."). */
#define JOURNAL_PATH_MAX 512

typedef struct journal journal;

/* Makes an empty journal of capacity entries (0 keeps nothing). NULL on OOM. */
journal *journal_new(size_t capacity);
/* Frees the journal; accepts NULL. */
void journal_free(journal *j);
/* Records one request; status 0 means the connection was closed without an answer;
 * fault is the name of the fault that shaped the answer, or NULL. */
void journal_add(journal *j, int64_t time_ms, const char *method, const char *path, unsigned status,
                 uint64_t duration_us, uint64_t request_bytes, const char *fault);
/* Forgets every entry and the dropped count. */
void journal_clear(journal *j);
/* Returns {"capacity","dropped","entries":[...]} oldest first, or NULL on OOM. */
cJSON *journal_json(journal *j);

#endif
