/* utf8: strict UTF-8 decoding (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF), shared by the mock's validation and the reporters' text cleaning. */
#ifndef KPCT_UTF8_H
#define KPCT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at s (n > 0 bytes available); returns its length (1..4) and the
 * code point in *cp (when cp is not NULL), or 0 when it is not valid UTF-8. */
size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);
/* Returns the number of characters in the n bytes at s, or -1 when they are not valid UTF-8. */
long utf8_chars(const char *s, size_t n);

#endif
