/* case_tree: throw-away cases/ folders for the case tests — a temp folder with two
 * markets (SE, US), a small catalog, and whatever suite files a test writes.
 * Ownership: case_tree_new returns a path the caller releases with case_tree_free
 * (which removes the folder); case_tree_diags returns a string the caller frees. */
#ifndef KPCT_TESTS_CASE_TREE_H
#define KPCT_TESTS_CASE_TREE_H

#include "case.h"

/* Creates the base tree: fixtures/SE, fixtures/US, contract.json. Aborts on failure. */
char *case_tree_new(void);
/* Writes rel (e.g. "s.json", "fixtures/SE/x.json") under the tree; aborts on failure. */
void case_tree_write(const char *root, const char *rel, const char *text);
/* Writes len bytes (may contain NULs). */
void case_tree_write_bytes(const char *root, const char *rel, const char *bytes, size_t len);
/* Removes the tree and frees root; accepts NULL. */
void case_tree_free(char *root);
/* Loads root; returns every diagnostic as "rel:line:col: message" lines (paths relative
 * to root), "" when the load succeeded; *set gets the set when non-NULL and loaded. */
char *case_tree_load(const char *root, case_set **set);

/* The test called id among those f selects from set; aborts the test when there is none. */
const case_test *case_tree_test(const case_set *set, const case_filter *f, const char *id);

#endif
