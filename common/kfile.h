/* kfile: whole-file reads with a ceiling and atomic writes (temp file in the same
 * folder, fsync, rename), so a crash or kill never leaves a truncated report.
 * Ownership: the caller frees what kfile_read returns. */
#ifndef KPCT_KFILE_H
#define KPCT_KFILE_H

#include <stddef.h>

/* Reads a whole file of at most max bytes; returns new NUL-terminated bytes and the
 * length in *len, or NULL with a reason in err (missing, unreadable, over max). */
char *kfile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* Writes len bytes to path atomically, creating missing parent folders. Returns 0,
 * or -1 with a reason in err; on failure the old file (if any) is left untouched. */
int kfile_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* An atomic write in steps, for a file too big to build in memory first: kfile_begin
 * creates "<path>.XXXXXX" beside path (and path's missing parent folders), kfile_put
 * appends to it, kfile_commit makes it durable and renames it to path, kfile_abandon
 * removes it. After a failed kfile_put the next ones do nothing and kfile_commit reports
 * the first failure. Ownership: kfile_begin's f holds its names and its descriptor until
 * kfile_commit or kfile_abandon releases them, whatever they return. */
typedef struct kfile_atomic {
    char *path, *tmp;
    int fd;
    int failed_errno; /* of the first kfile_put that failed; 0 = none */
} kfile_atomic;

/* Starts an atomic write of path; returns 0, or -1 with a reason in err (nothing held). */
int kfile_begin(kfile_atomic *f, const char *path, char *err, size_t errlen);
/* Appends len bytes; returns 0, or -1 (this write or an earlier one failed). */
int kfile_put(kfile_atomic *f, const void *data, size_t len);
/* Makes the file durable and gives it its name; returns 0, or -1 with a reason in err and
 * the temporary file removed. */
int kfile_commit(kfile_atomic *f, char *err, size_t errlen);
/* Removes the temporary file; accepts an f that was committed or abandoned already. */
void kfile_abandon(kfile_atomic *f);

/* The file kfile_check_writable writes and removes (its temporaries carry the suffix
 * kfile_write_atomic gives them), for the code that clears what a kill left behind. */
#define KFILE_WRITE_CHECK ".kpct-write-check"
/* Proves, before the work that will write there, that an atomic write into dir succeeds:
 * writes KFILE_WRITE_CHECK there (a temporary renamed, not synced: it is removed at once)
 * and removes it. Returns 0, or -1 with a reason in err. */
int kfile_check_writable(const char *dir, char *err, size_t errlen);

#endif
