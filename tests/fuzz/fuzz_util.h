/* fuzz_util: what the libFuzzer targets of tests/fuzz share — cutting one input into
 * parts, a temporary folder per process, and the check that turns a broken promise of the
 * code under test into a crash libFuzzer reports.
 * Ownership: fuzz_tmpdir's folder lives until the process exits; fuzz_read hands out a
 * string the caller frees. */
#ifndef KPCT_FUZZ_UTIL_H
#define KPCT_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What separates the parts of one input (a suite and its responses, ...). */
#define FUZZ_SEP "\n%%\n"

/* A broken promise of the code under test: says which on stderr and traps, so libFuzzer
 * keeps the input as a crash. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond);                                                  \
    } while (0)

/* The input still to cut: FUZZ_SEP-separated parts. */
typedef struct fuzz_input {
    const char *p;
    size_t n;
    bool done;
} fuzz_input;

/* Starts cutting data[0..size). */
fuzz_input fuzz_input_of(const uint8_t *data, size_t size);
/* Takes the next part (up to the next FUZZ_SEP, or what is left) into *part and *len;
 * false when no part is left. */
bool fuzz_take(fuzz_input *in, const char **part, size_t *len);
/* A NUL-terminated copy of len bytes; aborts on OOM (the fuzzer is then out of memory). */
char *fuzz_strndup(const char *s, size_t len);

/* This process's temporary folder, under $TMPDIR, else /dev/shm, else /tmp (created on the
 * first call, removed at exit). */
const char *fuzz_tmpdir(void);
/* Writes len bytes to path; returns 0 or -1. */
int fuzz_write(const char *path, const void *data, size_t len);
/* Reads the whole file at path; returns a NUL-terminated copy (length in *len) or NULL. */
char *fuzz_read(const char *path, size_t *len);
/* Removes path and everything under it; returns 0 or -1. */
int fuzz_rm_tree(const char *path);
/* The first occurrence of needle in hay, binary-safe, or NULL. */
const char *fuzz_find(const char *hay, size_t hay_len, const char *needle, size_t needle_len);

/* Reports a broken promise and traps. */
_Noreturn void fuzz_fail(const char *file, int line, const char *what);

#endif
