/* case_digest: the digest of a loaded case set, which every report records so that two
 * runs can be told to have run the same case files (kpct merge refuses shards of
 * different ones). It is SHA-256 over the lines `sha256sum` prints for every file the
 * loader read — "<64 hex digits>  <path relative to the cases folder>\n" — sorted by
 * path (bytewise), so that it can be recomputed with coreutils alone:
 *
 *   cd cases && find . -name '*.json' | sed 's|^\./||' | LC_ALL=C sort \
 *     | xargs -d '\n' sha256sum | sha256sum
 *
 * (when every *.json file of the folder is one the loader reads, as in cases/). */
#ifndef KPCT_CASE_DIGEST_H
#define KPCT_CASE_DIGEST_H

#include "case_model.h"

/* Fills set->digest from the documents of set (each hashed when parsed); their paths
 * are made relative to root (NULL: taken as they are). Returns 0, or -1 out of memory
 * (set->digest stays ""). */
int case_digest_compute(case_set *set, const char *root);

#endif
