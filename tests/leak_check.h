/* leak_check: finds a secret in an output however it is written there: raw, after
 * undoing XML, JSON and percent escapes, or decoded from any run of base64 text (either
 * alphabet, at any offset). For the tests that prove reports and traces leak nothing. */
#ifndef KPCT_TEST_LEAK_CHECK_H
#define KPCT_TEST_LEAK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True when one of the n secrets can be read out of text; why then says which and how. */
bool leak_check(const char *text, size_t len, const char *const *secrets, size_t n, char *why,
                size_t whylen);

#endif
