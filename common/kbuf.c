/* kbuf: bounded growable byte buffer (see kbuf.h). */
#include "kbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kbuf_init(kbuf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->truncated = false;
}

static int kbuf_reserve(kbuf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (cap - 1 > b->max)
        cap = b->max + 1; /* never more than the ceiling can use (need is within it) */
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int kbuf_append(kbuf *b, const void *p, size_t n)
{
    if (kbuf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kbuf_puts(kbuf *b, const char *s)
{
    return kbuf_append(b, s, strlen(s));
}

int kbuf_vprintf(kbuf *b, const char *fmt, va_list ap)
{
    /* first into the room already there; only a longer text needs a second pass */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, copy);
    va_end(copy);
    if (n < 0)
        return -1;
    if ((size_t)n < room) { /* cap never passes max + 1, so what fitted is within the ceiling */
        b->len += (size_t)n;
        return 0;
    }
    if (kbuf_reserve(b, (size_t)n) < 0) {
        if (b->data)
            b->data[b->len] = '\0';
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int kbuf_printf(kbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = kbuf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int kbuf_append_cut(kbuf *b, const void *p, size_t n)
{
    size_t room = b->max - b->len;
    if (n > room) {
        b->truncated = true;
        n = room;
    }
    return kbuf_append(b, p, n);
}

int kbuf_reserve_max(kbuf *b)
{
    if (kbuf_reserve(b, b->max - b->len) < 0)
        return -1;
    b->data[b->len] = '\0';
    return 0;
}

void kbuf_reset(kbuf *b)
{
    b->len = 0;
    b->truncated = false;
    if (b->data)
        b->data[0] = '\0';
}

const char *kbuf_str(const kbuf *b)
{
    return b->data ? b->data : "";
}

char *kbuf_steal(kbuf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    kbuf_init(b, b->max);
    return p;
}

void kbuf_free(kbuf *b)
{
    if (!b)
        return;
    free(b->data);
    kbuf_init(b, b->max);
}
