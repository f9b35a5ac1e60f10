/* sha256: SHA-256 over OpenSSL's libcrypto (the EVP API), for the digests kpct records
 * in its reports. libcrypto is already linked through libcurl, and a vetted
 * implementation beats a hand-written one.
 * Ownership: a sha256_ctx is the caller's; sha256_final releases what it holds. */
#ifndef KPCT_SHA256_H
#define KPCT_SHA256_H

#include <stddef.h>

#define SHA256_BYTES 32
#define SHA256_HEX   (2 * SHA256_BYTES + 1) /* hex digits and the NUL */

typedef struct sha256_ctx {
    void *md; /* EVP_MD_CTX */
} sha256_ctx;

/* Starts a digest; returns 0, or -1 when libcrypto could not allocate one. */
int sha256_init(sha256_ctx *c);
/* Adds n bytes; returns 0, or -1 (the digest is then unusable; sha256_final still frees). */
int sha256_update(sha256_ctx *c, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits into hex and releases c; returns 0, or -1
 * (hex untouched). Safe on a context whose init failed. */
int sha256_final(sha256_ctx *c, char hex[SHA256_HEX]);
/* The digest of n bytes as hex in one call; returns 0 or -1. */
int sha256_hex(const void *data, size_t n, char hex[SHA256_HEX]);

#endif
