/* auth: HTTP Basic credentials check for the Klarna routes (admin routes have none). */
#ifndef KPCT_MOCK_AUTH_H
#define KPCT_MOCK_AUTH_H

#include <stdbool.h>

/* Longest Authorization header value considered; longer ones are refused. */
#define AUTH_HEADER_MAX 2048

/* Returns true when header (the Authorization value, may be NULL) is "Basic <base64 of
 * user:pass>" matching the configured username and password. The comparison does not
 * stop at the first differing byte. */
bool auth_check(const char *header, const char *username, const char *password);

#endif
