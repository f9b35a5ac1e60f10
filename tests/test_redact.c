/* Redaction tests: secrets and their base64 forms become "***", credentials register
 * the Basic-auth form, short secrets are refused and counted, the ceiling is honoured. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "b64.h"

static char *redacted(const char *text)
{
    kbuf b;
    kbuf_init(&b, 1u << 16);
    cr_assert_eq(redact(text, strlen(text), &b), 0);
    char *s = kbuf_steal(&b);
    return s ? s : strdup("");
}

static void expect_redacted(const char *in, const char *want)
{
    char *got = redacted(in);
    cr_expect_str_eq(got, want, "redacting \"%s\"", in);
    free(got);
}

Test(redact, replaces_secrets_and_their_base64_forms)
{
    redact_reset();
    redact_add("hunter2-secret");
    char *b64 = b64_encode("hunter2-secret", 14, 0); /* aHVudGVyMi1zZWNyZXQ= */
    char *text = NULL;
    cr_assert(asprintf(&text, "pw=hunter2-secret b=%s end", b64) > 0);
    expect_redacted(text, "pw=*** b=*** end");
    expect_redacted("no secret here", "no secret here");
    expect_redacted("hunter2-secrethunter2-secret", "******");
    expect_redacted("hunter2-secre", "hunter2-secre");
    free(text);
    free(b64);
    redact_reset();
}

Test(redact, registers_credentials_and_the_basic_auth_header)
{
    redact_reset();
    redact_add_credentials("PK12345_merchant", "pa55word!");
    char *pair = b64_encode("PK12345_merchant:pa55word!", 26, 0);
    char *text = NULL;
    cr_assert(
        asprintf(&text, "Authorization: Basic %s\nuser PK12345_merchant pass pa55word!", pair) > 0);
    expect_redacted(text, "Authorization: Basic ***\nuser *** pass ***");
    free(text);
    free(pair);
    redact_reset();
}

Test(redact, replaces_the_json_and_shell_escaped_forms)
{
    /* A secret with quotes and a backslash, as a JSON body carries it (cJSON escapes),
     * as the curl story quotes it ('\'' for '), and both at once. */
    redact_reset();
    cr_assert_eq(redact_add("ab'c\"d\\e\tf"), 0);
    expect_redacted("raw ab'c\"d\\e\tf", "raw ***");
    expect_redacted("{\"t\":\"ab'c\\\"d\\\\e\\tf\"}", "{\"t\":\"***\"}");
    expect_redacted("-H 'X: ab'\\''c\"d\\e\tf'", "-H 'X: ***'");
    expect_redacted("--data-binary '{\"t\":\"ab'\\''c\\\"d\\\\e\\tf\"}'",
                    "--data-binary '{\"t\":\"***\"}'");
    redact_reset();
    cr_assert_eq(redact_add("ctl\x01-secret"), 0);
    expect_redacted("\"ctl\\u0001-secret\"", "\"***\"");
    redact_reset();
}

Test(redact, prefers_the_longest_secret)
{
    redact_reset();
    redact_add("abcd");
    redact_add("abcdefgh");
    expect_redacted("xabcdefghy abcdz", "x***y ***z");
    redact_reset();
}

Test(redact, refuses_and_counts_secrets_too_short_to_redact)
{
    redact_reset();
    cr_expect_eq(redact_add("a"), -1);
    cr_expect_eq(redact_add("abc"), -1);
    cr_expect_eq(redact_add(""), 0, "an empty value leaks nothing");
    cr_expect_eq(redact_add(NULL), 0);
    cr_expect_eq(redact_add("abcd"), 0);
    cr_expect_eq(redact_refused(), 2);
    cr_expect_eq(redact_add_credentials("shop-user", "pw"), -1,
                 "a short password refuses the whole set of credentials");
    expect_redacted("a cab abc abcd", "a cab abc ***");
    redact_reset();
    cr_expect_eq(redact_refused(), 0);
}

Test(redact, fails_at_the_ceiling_of_the_output)
{
    redact_reset();
    redact_add("secret-value");
    kbuf b;
    kbuf_init(&b, 8);
    cr_expect_eq(redact("0123456789abcdef", 16, &b), -1);
    cr_expect(strstr(kbuf_str(&b), "secret") == NULL);
    kbuf_free(&b);
    redact_reset();
}

static void *adder(void *arg)
{
    char s[32];
    for (int i = 0; i < 20; i++) {
        /* 4 threads x 20 secrets x 3 forms stay under REDACT_MAX_SECRETS */
        snprintf(s, sizeof s, "thread%ld-secret-%d", (long)(intptr_t)arg, i);
        redact_add(s);
        kbuf b;
        kbuf_init(&b, 4096);
        redact(s, strlen(s), &b);
        if (strcmp(kbuf_str(&b), "***") != 0)
            return (void *)1;
        kbuf_free(&b);
    }
    return NULL;
}

Test(redact, is_safe_to_use_from_several_threads)
{
    redact_reset();
    pthread_t th[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, adder, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) {
        void *rc = NULL;
        pthread_join(th[i], &rc);
        cr_expect_null(rc, "a thread saw its own secret unredacted");
    }
    redact_reset();
}
