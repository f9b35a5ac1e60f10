/* case_fs: the filesystem as the loader sees it — paths joined, folders listed in
 * sorted order, suite files collected by a bounded walk, and files read with the
 * CASE_MAX_FILE_BYTES bound. Calls case_diag only (for the walk's diagnostics).
 * Ownership: case_fs_join, case_fs_list and case_fs_read hand out memory the caller
 * frees (free, case_fs_free_names, free); case_fs_collect_suites appends paths the
 * caller frees. */
#ifndef KPCT_CASE_FS_H
#define KPCT_CASE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "case_diag.h"

#define CASE_MAX_DIR_DEPTH 16 /* folders below the cases folder */

/* dir + "/" + name (no doubled slash); NULL on OOM. */
char *case_fs_join(const char *dir, const char *name);
/* Lists a folder's entries (not starting with '.'), sorted; returns their count, or -1
 * with errno set (ENOMEM when the list could not be held whole). */
long case_fs_list(const char *path, char ***out);
/* Frees what case_fs_list returned (n may be -1); accepts NULL. */
void case_fs_free_names(char **names, long n);
/* Whether s ends with suffix. */
bool case_fs_ends_with(const char *s, const char *suffix);
/* Whether p is a folder / a regular file (following links). */
bool case_fs_is_dir(const char *p);
bool case_fs_is_file(const char *p);
/* Reads a whole file of at most CASE_MAX_FILE_BYTES; returns its bytes (NUL-terminated,
 * length in *len), or NULL with the whole message in err ("file is N bytes, over ...",
 * "cannot read: ..."). */
char *case_fs_read(const char *path, size_t *len, char *err, size_t errlen);
/* Counts the *.json files under dir (an upper bound of the documents a load parses). */
size_t case_fs_count_json(const char *dir);
/* Appends the suite files under dir (*.json outside dir/fixtures and dir/contract.json)
 * to *paths in sorted order, reporting unreadable and too-deep folders. Returns 0, or
 * -1 on OOM (also marked in c). */
int case_fs_collect_suites(case_lctx *c, const char *dir, char ***paths, size_t *n);

#endif
