/* sha256: a thin wrapper of libcrypto's EVP digest calls with hex output. */
#include "sha256.h"

#include <stdio.h>

#include <openssl/evp.h>

int sha256_init(sha256_ctx *c)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    c->md = NULL;
    if (!md)
        return -1;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return -1;
    }
    c->md = md;
    return 0;
}

int sha256_update(sha256_ctx *c, const void *data, size_t n)
{
    if (!c->md)
        return -1;
    return n == 0 || EVP_DigestUpdate(c->md, data, n) == 1 ? 0 : -1;
}

int sha256_final(sha256_ctx *c, char hex[SHA256_HEX])
{
    unsigned char bin[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int rc = -1;
    if (c->md && EVP_DigestFinal_ex(c->md, bin, &len) == 1 && len == SHA256_BYTES) {
        for (unsigned i = 0; i < len; i++)
            snprintf(hex + 2 * i, 3, "%02x", bin[i]);
        rc = 0;
    }
    EVP_MD_CTX_free(c->md);
    c->md = NULL;
    return rc;
}

int sha256_hex(const void *data, size_t n, char hex[SHA256_HEX])
{
    sha256_ctx c;
    if (sha256_init(&c) < 0)
        return -1;
    if (sha256_update(&c, data, n) < 0) {
        sha256_final(&c, hex);
        return -1;
    }
    return sha256_final(&c, hex);
}
