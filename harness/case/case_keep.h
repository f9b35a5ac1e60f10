/* case_keep: the parts of a loaded set made on demand after the load, so that a set's
 * memory is its tests' facts and not its documents.
 * Suite documents keep their JSON tree only while used. A
 * suite file is read, checked and expanded into tests once, at load; then its tree is
 * dropped, except for the few documents used last, and read back from its file when a
 * test of it starts. The bytes read back must be the bytes loaded (their SHA-256 is
 * the one in the set's digest), so a run never runs a case it did not check. The tests in
 * flight hold a few documents, whatever the size of the folder. Fixtures, market facts,
 * the catalog and documents parsed from memory (case_suite_parse) are never dropped.
 * The tests carry the mock's skip reasons (set->tests); the tests of another situation
 * (the playground, a URL) are copied out when a run first selects them. Calls case_fs.
 * Thread-safety: a set is shared by the threads that run its tests (kpct mutate's
 * workers); holds and releases take the keeper's lock.
 * Ownership: the keeper belongs to the set (case_keep_free, from case_set_free); a tree
 * read back belongs to its document and stays while the document is held. */
#ifndef KPCT_CASE_KEEP_H
#define KPCT_CASE_KEEP_H

#include <stddef.h>

#include "case_model.h"

/* Documents no test holds keep their tree while there are at most CASE_KEEP_IDLE of them
 * and their texts total at most CASE_KEEP_IDLE_BYTES (a tree is about 10x its text); the
 * last one released keeps it in any case, the others go oldest first. */
#define CASE_KEEP_IDLE       4
#define CASE_KEEP_IDLE_BYTES (256u << 10)

/* Gives set its keeper (every set has one); returns 0, or -1 on OOM (set->oom marked). */
int case_keep_init(case_set *set);
/* Frees the keeper and what it made; accepts a set without one. */
void case_keep_free(case_set *set);
/* Marks doc, a suite document just checked and expanded whose cases are
 * set->cases[first_case .. + n_cases), as one whose tree may go: it goes when other
 * documents were used since (CASE_KEEP_IDLE, CASE_KEEP_IDLE_BYTES). */
void case_keep_loaded(case_set *set, case_doc *doc, size_t first_case, size_t n_cases);
/* Holds the document of def, so that def's trees (its json, its steps' members, its
 * variants) are there until case_keep_release: reads it back first when it was dropped.
 * Returns 0; or -1 with the reason in err (the file cannot be read, has changed since the
 * load, or memory ran out), nothing held then. */
int case_keep_hold(const case_set *set, const case_def *def, char *err, size_t errlen);
/* Ends a hold taken by case_keep_hold. */
void case_keep_release(const case_set *set, const case_def *def);
/* The set's tests (set->n_tests of them) with the skip reasons of situation sit (SIT_*),
 * shared by every later call; NULL on OOM. */
const case_test *case_keep_tests(const case_set *set, int sit);

#endif
