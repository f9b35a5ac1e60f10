/* case_show: a value in a failure text is redacted and cut by the redactor (redact_cut),
 * so no part of a secret, or of a base64 run that holds one, is left at the cut, however
 * far into the value the secret sits; the cut falls on a character boundary. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "case_model.h"
#include "case_show.h"
#include "kbuf.h"
#include "redact.h"

static const char SECRET[] = "TOPSECRET-0123456789-abcdefghij-klmnopqrst";

/* case_show_text of s, as a new string. */
static char *shown(const char *s, size_t len)
{
    kbuf b;
    kbuf_init(&b, 1u << 16);
    case_show_text(&b, s, len);
    char *r = strdup(kbuf_str(&b));
    kbuf_free(&b);
    cr_assert_not_null(r);
    return r;
}

Test(case_show, withholds_a_whole_base64_run_that_holds_a_secret_far_past_the_cut)
{
    /* 100 KB of base64 whose encoded secret sits at its end: the shown part would decode
     * to nothing secret, but the run holds one, so none of it is shown */
    size_t pad = 100000;
    char *plain = malloc(pad + sizeof SECRET);
    cr_assert_not_null(plain);
    memset(plain, 'x', pad);
    memcpy(plain + pad, SECRET, sizeof SECRET);
    char *run = b64_encode(plain, pad + strlen(SECRET), 0);
    cr_assert_not_null(run);
    redact_reset();
    cr_assert_eq(redact_add(SECRET), 0);
    char *got = shown(run, strlen(run));
    cr_expect_str_eq(got, "\"***\"");
    free(got);
    /* the same run without the secret is shown cut, with its length */
    redact_reset();
    got = shown(run, strlen(run));
    char *want = NULL;
    cr_assert(asprintf(&want, "\"%.*s\"... (%zu bytes)", CASE_MAX_SHOWN, run, strlen(run)) > 0);
    cr_expect_str_eq(got, want);
    free(want);
    free(got);
    free(run);
    free(plain);
}

Test(case_show, leaves_no_part_of_a_secret_at_the_cut)
{
    redact_reset();
    cr_assert_eq(redact_add(SECRET), 0);
    for (size_t at = CASE_MAX_SHOWN - 30; at <= CASE_MAX_SHOWN + 5; at++) {
        char *value = NULL;
        cr_assert(asprintf(&value, "%*s%s and more text after it", (int)at, "", SECRET) > 0);
        char *got = shown(value, strlen(value));
        cr_expect(!strstr(got, "TOPSE") && !strstr(got, "TOP") && strchr(got, 'T') == NULL,
                  "secret at %zu: %s", at, got);
        free(got);
        free(value);
    }
    redact_reset();
}

Test(case_show, cuts_on_a_character_boundary_and_says_how_long_the_value_was)
{
    redact_reset();
    /* a two-byte character straddling the cut is left out whole */
    char value[CASE_MAX_SHOWN + 16];
    memset(value, 'x', CASE_MAX_SHOWN - 1);
    memcpy(value + CASE_MAX_SHOWN - 1, "\xc3\xa9tail", 6);
    size_t len = CASE_MAX_SHOWN - 1 + 6;
    char *got = shown(value, len);
    char *want = NULL;
    cr_assert(asprintf(&want, "\"%.*s\"... (%zu bytes)", CASE_MAX_SHOWN - 1, value, len) > 0);
    cr_expect_str_eq(got, want);
    free(want);
    free(got);
    /* a value that fits is shown whole, escaped */
    got = shown("a\"b\n\xc3\xa9", 6);
    cr_expect_str_eq(got, "\"a\\\"b\\n\xc3\xa9\"");
    free(got);
}
