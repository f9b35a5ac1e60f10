/* redact: the process-wide registry of secrets (the run's credentials and every value
 * that came from ${env:...}) and the filter that replaces each of them, in every form
 * it is known to take in an output, by "***": raw; percent-encoded (any bytes encoded,
 * either case of hex, + for a space); JSON-escaped (cJSON's escapes and others' \/ and
 * \uXXXX) and shell-quoted; and inside base64 or base64url at any offset, where the
 * whole run of base64 text around it becomes "***" so no part of it is left to decode.
 * Every module that writes something a person or a CI system may read (traces, failure
 * stories, reports) passes it through redact(). Thread-safe.
 * Ownership: the registry keeps its own copies; redact_reset frees them. */
#ifndef KPCT_REDACT_H
#define KPCT_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuf.h"

/* Redaction bounds: the shortest secret replaced, and how many secrets are kept (each
 * with its forms). */
#define REDACT_MIN_BYTES   4
#define REDACT_MAX_SECRETS 1024

/* Registers a secret (and its encoded forms); returns 0, or -1 on OOM. */
int redact_add(const char *secret);
/* Registers the run's credentials: user, password and base64("user:password"); NULLs
 * ignored. Returns 0, or -1 on OOM. */
int redact_add_credentials(const char *username, const char *password);
/* Appends text to out with every registered secret replaced; returns 0 or -1 at out's ceiling. */
int redact(const char *text, size_t len, kbuf *out);
/* Appends the first max bytes of text's redaction to out, *cut telling whether more
 * would follow. It reads text only as far as that needs, but always far enough that no
 * part of a secret is left at the cut (unlike redacting a prefix of text, whose end may
 * split one). Returns 0 or -1 at out's ceiling. */
int redact_cut(const char *text, size_t len, size_t max, kbuf *out, bool *cut);
/* Secrets shorter than REDACT_MIN_BYTES are too short to replace everywhere, and secrets
 * past REDACT_MAX_SECRETS cannot be kept: both are refused (not registered) and counted
 * here, so the CLI can refuse to go on. */
size_t redact_refused(void);
/* Forgets every registered secret and the refused count (for tests). */
void redact_reset(void);

#endif
