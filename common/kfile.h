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

/* The file kfile_check_writable writes and removes (its temporaries carry the suffix
 * kfile_write_atomic gives them), for the code that clears what a kill left behind. */
#define KFILE_WRITE_CHECK ".kpct-write-check"
/* Proves, before the work that will write there, that an atomic write into dir succeeds:
 * writes KFILE_WRITE_CHECK there and removes it. Returns 0, or -1 with a reason in err. */
int kfile_check_writable(const char *dir, char *err, size_t errlen);

#endif
