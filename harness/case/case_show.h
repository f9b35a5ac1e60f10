/* case_show: how a value appears in a failure text — compact JSON or a JSON string,
 * redacted, and cut to CASE_MAX_SHOWN bytes. Used by the judges (case_expect.c,
 * case_klarna.c) and the runs; it calls only the redaction module.
 * Ownership: both functions append to the caller's buffer and keep nothing. */
#ifndef KPCT_CASE_SHOW_H
#define KPCT_CASE_SHOW_H

#include <stddef.h>

#include <cJSON.h>

#include "kbuf.h"

/* Appends item as compact JSON cut to CASE_MAX_SHOWN bytes. */
void case_show_json(kbuf *out, const cJSON *item);
/* Appends bytes as a JSON string cut to CASE_MAX_SHOWN bytes. */
void case_show_text(kbuf *out, const char *s, size_t len);

#endif
