/* case_klarna: the Klarna error shape ("klarna_error" in an expect block) — its
 * load-time check and its judgement of a response. Calls case_show and case_diag.
 * Ownership: every function borrows its arguments; failures are appended to the
 * caller's buffer. */
#ifndef KPCT_CASE_KLARNA_H
#define KPCT_CASE_KLARNA_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "case.h"
#include "case_diag.h"
#include "case_model.h"
#include "kbuf.h"

/* Checks a "klarna_error" spec at load time; returns the number of problems. */
int case_klarna_check(case_lctx *c, const case_doc *doc, const cJSON *spec);
/* Judges Klarna's error shape; returns 0 or 1 (failures appended to why). */
int case_klarna_judge(const cJSON *spec, const case_response *resp, const cJSON *body, kbuf *why);
/* Calls fn for every field a message names ("Bad value: a, b (reason)" names a and b). */
void case_klarna_message_fields(const char *message,
                                void (*fn)(const char *field, size_t len, void *arg), void *arg);
/* Whether s is a UUID (8-4-4-4-12 hex digits, any case). */
bool case_klarna_is_uuid(const char *s);

#endif
