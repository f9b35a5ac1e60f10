/* auth: parses "Basic <token>" leniently about the scheme's case and surrounding blanks,
 * strictly about the base64 and the "user:pass" split. */
#include "auth.h"

#include "b64.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Compares without an early exit, so response timing does not leak how much matched. */
static bool same(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    unsigned diff = alen != blen;
    for (size_t i = 0; i < alen; i++)
        diff |= (unsigned char)a[i] ^ (unsigned char)b[i < blen ? i : 0];
    return diff == 0;
}

bool auth_check(const char *header, const char *username, const char *password)
{
    bool ok = false;
    char *plain = NULL;
    size_t plain_len = 0;
    if (!header || !username || !password || strlen(header) > AUTH_HEADER_MAX)
        goto out;
    while (*header == ' ' || *header == '\t')
        header++;
    if (strncasecmp(header, "Basic", 5) != 0 || (header[5] != ' ' && header[5] != '\t'))
        goto out;
    header += 5;
    while (*header == ' ' || *header == '\t')
        header++;
    size_t n = strlen(header);
    while (n && (header[n - 1] == ' ' || header[n - 1] == '\t'))
        n--;
    if (n == 0)
        goto out;
    plain = b64_decode(header, n, &plain_len);
    if (!plain)
        goto out;
    char *colon = memchr(plain, ':', plain_len);
    if (!colon)
        goto out;
    size_t ulen = (size_t)(colon - plain);
    bool user_ok = same(plain, ulen, username);
    bool pass_ok = same(colon + 1, plain_len - ulen - 1, password);
    ok = user_ok && pass_ok;
out:
    if (plain) {
        /* the decoded password should not linger in freed memory */
        memset(plain, 0, plain_len);
        free(plain);
    }
    return ok;
}
