/* kbuf: a growable byte buffer with a hard ceiling, used for every body, message
 * and report text that comes from or goes to the outside.
 * Ownership: a kbuf owns its bytes; kbuf_free releases them; kbuf_steal hands them
 * to the caller, who frees them with free(). */
#ifndef KPCT_KBUF_H
#define KPCT_KBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct kbuf {
    char *data;     /* always NUL-terminated when len > 0 or after any append */
    size_t len;     /* bytes used, not counting the terminating NUL */
    size_t cap;     /* bytes allocated */
    size_t max;     /* ceiling for len; appends past it fail */
    bool truncated; /* set when a kbuf_append_cut dropped bytes at the ceiling */
} kbuf;

/* Initialises an empty buffer that may hold at most max bytes. */
void kbuf_init(kbuf *b, size_t max);
/* Appends n bytes; returns 0, or -1 (buffer unchanged) when the ceiling or memory runs out. */
int kbuf_append(kbuf *b, const void *p, size_t n);
/* Appends a NUL-terminated string; returns as kbuf_append. */
int kbuf_puts(kbuf *b, const char *s);
/* Appends formatted text; returns as kbuf_append. */
int kbuf_printf(kbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* va_list form of kbuf_printf. */
int kbuf_vprintf(kbuf *b, const char *fmt, va_list ap);
/* Appends as much of p as fits under the ceiling, sets b->truncated if some was cut; returns 0, -1
 * on OOM. */
int kbuf_append_cut(kbuf *b, const void *p, size_t n);
/* Allocates room for the whole ceiling now, so that appends never allocate later; returns
 * 0, or -1 when memory runs out (buffer unchanged). */
int kbuf_reserve_max(kbuf *b);
/* Empties the buffer, keeping its allocation and ceiling. */
void kbuf_reset(kbuf *b);
/* Returns the contents as a C string ("" when empty); valid until the next append. */
const char *kbuf_str(const kbuf *b);
/* Hands the bytes to the caller (never NULL unless OOM) and leaves b empty. */
char *kbuf_steal(kbuf *b);
/* Releases the bytes; accepts a zeroed or already freed buffer. */
void kbuf_free(kbuf *b);

#endif
