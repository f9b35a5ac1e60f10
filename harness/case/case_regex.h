/* case_regex: the cost of a case file's regex, judged before regcomp sees it. glibc's
 * regcomp copies a subexpression once per bound of {m,n} (nested bounds multiply) and its
 * epsilon closures grow with the square of the copies that can be skipped, so a short regex can ask
 * for gigabytes; and a back-reference makes regexec exponential. This module walks the
 * POSIX ERE (groups, alternation, brackets, escapes, *, +, ?, {m}, {m,}, {m,n}) without
 * compiling it and estimates what compiling would take. Pure: no allocation, no state. */
#ifndef KPCT_CASE_REGEX_H
#define KPCT_CASE_REGEX_H

#include <stddef.h>

/* Bounds of a case-file regex: its length, its nesting of groups, and the memory
 * regcomp is estimated to take. */
#define CASE_REGEX_MAX_BYTES     1024
#define CASE_REGEX_MAX_DEPTH     32
#define CASE_REGEX_MAX_COMPILE   (4u << 20)
#define CASE_REGEX_MAX_AMBIGUOUS 8 /* groups like (a?|b?) in the expansion */

/* What compiling a regex is estimated to take. */
typedef struct case_regex_cost {
    double atoms;     /* atoms after every repetition is expanded into its copies */
    double skippable; /* pieces of that expansion that can match nothing (a?, a*, ...) */
    double ambiguous; /* groups of it with two or more branches that can match nothing */
    double bytes;     /* the memory estimate both give (see case_regex.c) */
    int depth;        /* deepest nesting of groups; the estimate stops past CASE_REGEX_MAX_DEPTH */
    int backref;      /* the digit of the first back-reference (\1 to \9), or 0 */
} case_regex_cost;

/* Estimates the cost of compiling re (len bytes) into *cost; never fails. A malformed
 * regex is read as leniently as glibc's own parser would go before it gives up (an
 * unmatched bracket runs to the end, a brace that opens no bound is a literal, an
 * unclosed group closes at the end), so the estimate never falls short of its work. */
void case_regex_estimate(const char *re, size_t len, case_regex_cost *cost);
/* Returns 0 when re (len bytes) may be given to regcomp: no longer than
 * CASE_REGEX_MAX_BYTES, groups nested no deeper than CASE_REGEX_MAX_DEPTH, no more
 * than CASE_REGEX_MAX_AMBIGUOUS ambiguous groups, no back-reference, an estimate within
 * CASE_REGEX_MAX_COMPILE.
 * Else -1 with the reason in why. A malformed regex within the bounds passes, so that
 * regcomp reports what is wrong with it. */
int case_regex_check(const char *re, size_t len, char *why, size_t whylen);

#endif
