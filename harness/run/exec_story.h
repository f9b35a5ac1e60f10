/* exec_story: the texts exec shows a person about its exchanges — the request as a
 * curl command, the response, the story of a failed step and the -v/-vv trace — each
 * passed through redact() before it leaves exec.
 * Ownership: functions returning char * hand a new string to the caller (free() it),
 * NULL when memory ran out; the others append to the caller's kbuf and borrow the rest. */
#ifndef KPCT_EXEC_STORY_H
#define KPCT_EXEC_STORY_H

#include <stdio.h>

#include "case.h"
#include "kbuf.h"

/* Bytes of the case module's reasons (case_run_judge's story) kept in a failure story. */
#define STORY_WHY_MAX (16u << 10)

/* Appends req as a curl command a person can paste: credentials as $KLARNA_* when they
 * are the run's (env), shown raw otherwise for the redactor to hide. Not redacted: every
 * consumer redacts what it shows. A text over out's ceiling is replaced by a notice. It
 * allocates only by growing out: give it a buffer already grown to its ceiling and it
 * cannot run out of memory half-way (a half-built text could end inside a secret). */
void story_request(kbuf *out, const case_request *req, const case_env *env);
/* Appends "step N: " or "step N \"name\": " for req. */
void story_step(kbuf *out, const case_request *req);
/* Appends the story of a judged step that did not pass: the case module's reasons (why,
 * cut at STORY_WHY_MAX), the request text and the response. */
void story_judged(kbuf *out, const kbuf *why, const kbuf *request, const case_response *resp);
/* Appends the request text and, when the target answered (resp->status > 0), the partial
 * response, after the one-line reason a transfer was cut short. */
void story_cut_short(kbuf *out, const kbuf *request, const case_response *resp);
/* Writes the -v line of one exchange (and with verbose >= 2 the request and the response;
 * no response when error is set) to `to`, redacted and stripped of terminal controls.
 * Writes nothing when verbose < 1 or memory runs out. */
void story_trace(FILE *to, int verbose, const char *test_id, const case_request *req,
                 const kbuf *request, const case_response *resp, const char *error);
/* Returns the first line of text, redacted and bounded: a result's message. */
char *story_message(const char *text);
/* Returns story redacted and cut at EXEC_MAX_DETAIL_BYTES: a result's detail. */
char *story_detail(const kbuf *story);
/* Returns text redacted and cut at max bytes (a recorded step's name or URL). */
char *story_redacted(const char *text, size_t max);

#endif
