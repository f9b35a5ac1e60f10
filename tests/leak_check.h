/* leak_check: finds a secret in an output however it is written there: raw, after
 * undoing XML, JSON and percent escapes, or decoded from any run of base64 text (either
 * alphabet, at any offset). For the tests that prove reports and traces leak nothing;
 * leak_check_file and leak_check_run read outputs and expect (Criterion) no leak. */
#ifndef KPCT_TEST_LEAK_CHECK_H
#define KPCT_TEST_LEAK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuf.h"

/* True when one of the n secrets can be read out of text; why then says which and how. */
bool leak_check(const char *text, size_t len, const char *const *secrets, size_t n, char *why,
                size_t whylen);
/* Reads path (asserting it reads) and expects leak_check to find none of the n secrets in
 * it; sets bit i of the result when it holds markers[i] (a NULL-terminated list of at most
 * 8 plain strings; may be NULL). */
unsigned leak_check_file(const char *path, const char *const *secrets, size_t n,
                         const char *const *markers);
/* leak_check_file on every output of a run: dir/stdout, dir/stderr and each file of the run
 * folder out; ORs the marker bits into *seen (may be NULL) and returns how many files out
 * held. */
size_t leak_check_run(const char *dir, const char *out, const char *const *secrets, size_t n,
                      const char *const *markers, unsigned *seen);

/* The forms an echoing test server writes a secret in, each appended to o with a space
 * after. Percent-encoding: unreserved bytes kept (with reserved_only, every printable byte
 * outside RFC 3986's reserved and unsafe sets too), hex digits lower or upper, a space as
 * '+' when plus is set. */
void leak_check_pct(kbuf *o, const char *s, bool lower, bool plus, bool reserved_only);
/* JSON as Python writes it: \uXXXX for non-ASCII, \/ for a slash. */
void leak_check_json_ascii(kbuf *o, const char *s);

#endif
