/* fuzz_cases: what fuzz_case and fuzz_match share — a suite document loaded the way kpct
 * loads a cases/ folder (beside the real SE fixtures), its tests run step by step, and
 * each built request answered by a synthetic response cut from the fuzz input.
 * Ownership: fuzz_cases_load hands out a set freed by case_set_free; a response's
 * headers and body are borrowed from the part they were cut from, except the copies
 * fuzz_response_parse says it makes. */
#ifndef KPCT_FUZZ_CASES_H
#define KPCT_FUZZ_CASES_H

#include <stddef.h>

#include "case.h"
#include "fuzz_util.h"
#include "kbuf.h"

#define FUZZ_MAX_HEADERS 8  /* response headers taken from one part */
#define FUZZ_MAX_TESTS   16 /* tests of a set that are run */
#define FUZZ_MAX_STEPS   32 /* steps of a test that are built */
#define FUZZ_USERNAME    "Fz9user-K7q2"
#define FUZZ_PASSWORD    "Pw4/seCret-x8Z\xc3\xa9"

/* A synthetic response: "STATUS\n", then "Name: value\n" lines up to an empty line,
 * then the body. */
typedef struct fuzz_response {
    case_response resp;
    case_header headers[FUZZ_MAX_HEADERS];
    char *text; /* one NUL-terminated copy of the part, cut up in place */
} fuzz_response;

/* Parses part into r (status 200 and an empty body when it says nothing). */
void fuzz_response_parse(fuzz_response *r, const char *part, size_t len);
/* Frees r's copy; r may then be parsed again. */
void fuzz_response_free(fuzz_response *r);

/* Writes doc as the one suite of a cases folder whose fixtures are the real SE ones,
 * and loads it with case_set_load. Returns 0 and *out, or -1 (diagnostics checked for
 * their promises and freed; a doc cJSON does not parse is not loaded at all). */
int fuzz_cases_load(const char *doc, size_t len, case_set **out);

/* Called with each step's judgement: the failure story (why) and the judge's return. */
typedef void (*fuzz_judged)(const kbuf *why, int rc);

/* Runs up to FUZZ_MAX_TESTS tests of set for SE on the embedded mock, answering the
 * n-th request with responses[n % count] (count 0: 200 with "{}"); each judgement goes to
 * judged (may be NULL). */
void fuzz_cases_run(const case_set *set, fuzz_response *responses, size_t count,
                    fuzz_judged judged);

/* Checks what every case_diags promises (a message; a place inside text for a problem of
 * the document called name) and the agreement of rc, set and diagnostics; frees d. */
void fuzz_cases_check_diags(int rc, const case_set *set, case_diags *d, const char *name,
                            const char *text, size_t len);

#endif
