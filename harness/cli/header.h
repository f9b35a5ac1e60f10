/* header: the run's own request headers, --header 'Name: VALUE' — which names the command
 * line may set, their bounds, and the values expanded once (${var:NAME}, ${env:NAME})
 * before anything is sent; a value made from a secret is registered with redact whole.
 * Ownership: header_expand fills a header_set that owns its names and values;
 * header_set_free releases them. */
#ifndef KPCT_HEADER_H
#define KPCT_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

typedef struct header_set {
    case_header items[CASE_MAX_RUN_HEADERS];
    size_t count;
} header_set;

/* Checks one --header as given, before any expansion: a ':' after a name that is an HTTP
 * token and not one kpct sets itself (Host, Authorization, Content-Length, ...), at most
 * CASE_MAX_RUN_HEADER_BYTES in all. Returns 0, or -1 with a one-line reason in err that
 * names the header but never shows its value. */
int header_check(const char *spec, char *err, size_t errlen);
/* Whether two --header specs (each passed header_check) set the same name, in any case. */
bool header_same_name(const char *a, const char *b);
/* Expands the n specs (each passed header_check) against defs into out, in order: each
 * value once expanded holds no control character (CR, LF, NUL, ...), is not empty and
 * keeps "Name: VALUE" within CASE_MAX_RUN_HEADER_BYTES. A value made from a --secret or
 * an environment variable is registered with redact, whole as well as its parts. Returns 0
 * and fills *out (zeroed by the caller); -1 with a one-line reason in err that never holds
 * a value; -2 out of memory. out holds what was expanded either way. */
int header_expand(const char *const *specs, size_t n, const case_vars_defs *defs, header_set *out,
                  char *err, size_t errlen);
/* Frees the set's contents; accepts NULL. */
void header_set_free(header_set *h);

#endif
