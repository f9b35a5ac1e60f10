/* validate: the contract's validation rules applied to a whole session document (after an
 * update has been merged into the stored session). Pure functions: no I/O, no state,
 * safe from any thread. */
#ifndef KPCT_VALIDATE_H
#define KPCT_VALIDATE_H

#include "defect.h"

#include <cJSON.h>
#include <stddef.h>

/* Longest message validate_session writes, including the NUL. */
#define VALIDATE_MSG_MAX 1024

/* Checks every validation rule of the contract on session. Returns 0 when it is valid. Otherwise
 * returns 1 and writes Klarna's BAD_VALUE message into msg, e.g.
 * "Bad value: order_lines[1].total_amount" or, when several fields fail, one message
 * naming them all: "Bad value: purchase_currency, locale". */
int validate_session(const cJSON *session, char *msg, size_t msglen);
/* validate_session emulating the validation defects on in defects (NULL = none). */
int validate_session_defects(const cJSON *session, const defect_set *defects, char *msg,
                             size_t msglen);

/* Checks the raw text of a request body for what JSON forbids but cJSON lets through
 * or mangles: bytes that are not UTF-8, control bytes inside strings, control bytes
 * other than the four JSON blanks between tokens, and \u0000 escapes (cJSON would cut
 * the string there). Returns 0 when none is found; otherwise 1 with a one-line reason
 * naming the byte offset in why. Does not check the JSON grammar itself. */
int validate_json_text(const char *text, size_t len, char *why, size_t whylen);

#endif
