/* b64: base64 (RFC 4648 §4) and base64url without padding (§5), for HTTP Basic
 * auth, JWT-shaped client tokens and secret redaction.
 * Ownership: the caller frees what the functions return. */
#ifndef KPCT_B64_H
#define KPCT_B64_H

#include <stddef.h>

/* Encodes n bytes; url selects the URL-safe alphabet without padding. Returns a new string or NULL.
 */
char *b64_encode(const void *p, size_t n, int url);
/* Decodes standard base64 (padding optional); returns new NUL-terminated bytes and their length in
 * *out_len, or NULL if malformed. */
char *b64_decode(const char *s, size_t n, size_t *out_len);

#endif
