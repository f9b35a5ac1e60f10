/* normal: a response body as two runs can compare it — JSON re-printed compactly with
 * the values that differ by nature between runs (UUIDs, JWT-shaped tokens, RFC 3339
 * times) replaced by "<uuid>", "<jwt>", "<time>", bounded. Used by exec to record each
 * step's answer and by kpct diff to compare two runs' answers.
 * Ownership: normal_body hands out a string the caller frees. */
#ifndef KPCT_NORMAL_H
#define KPCT_NORMAL_H

#include <stddef.h>

/* Bytes of a normalised body kept; a longer one is cut and ends in "...". */
#define NORMAL_MAX_BODY 4096

/* Returns body[0..len) normalised: a JSON body re-printed with volatile strings
 * replaced (object member names kept), any other body as text with its volatile words
 * replaced; cut at NORMAL_MAX_BODY bytes on a character boundary. "" for an empty body;
 * NULL when memory runs out. Not redacted: the caller redacts what it keeps. */
char *normal_body(const char *body, size_t len);
/* Returns the placeholder for a volatile string ("<uuid>", "<jwt>", "<time>"), or NULL
 * when s is none of those. */
const char *normal_placeholder(const char *s);

#endif
