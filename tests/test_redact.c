/* Redaction tests: secrets and their encoded forms (percent, JSON, shell, base64 at any
 * alignment, as a whole run) become "***", credentials register the Basic-auth form,
 * short secrets are refused and counted, the ceiling is honoured. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
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

/* One row: the secret registered, a text holding it in some form, the exact redaction.
 * Arrays, not pointers: Criterion runs each row in a fresh image of the program, where
 * the runner's pointers mean nothing. */
typedef struct form_row {
    char secret[32], text[80], want[40];
} form_row;

ParameterizedTestParameters(redact, replaces_every_encoded_form)
{
    static form_row rows[] = {
        {"us er:p@ss/w0rd!", "q=us%20er%3Ap%40ss%2Fw0rd%21&x", "q=***&x"},
        {"us er:p@ss/w0rd!", "q=us+er%3ap%40ss%2fw0rd%21&x", "q=***&x"},
        {"us er:p@ss/w0rd!", "q=us%20er:p@ss/w0rd!&x", "q=***&x"},   /* only space */
        {"us er:p@ss/w0rd!", "q=us+er:p%40ss/w0rd%21&x", "q=***&x"}, /* some encoded */
        {"us er:p@ss/w0rd!", "q=%75%73%20%65%72%3A%70%40%73%73%2F%77%30%72%64%21", "q=***"},
        {"pct%secret", "a=pct%25secret b=pct%secret", "a=*** b=***"},
        {"caf\xc3\xa9-secret", "{\"u\":\"caf\\u00e9-secret\"}", "{\"u\":\"***\"}"},
        {"caf\xc3\xa9-secret", "caf%C3%A9-secret", "***"},
        {"sl/ash-secret", "{\"u\":\"sl\\/ash-secret\"}", "{\"u\":\"***\"}"},
        /* base64 of "secret-value" in longer text at each offset: the whole run goes */
        {"secret-value", "Basic c2VjcmV0LXZhbHVl end", "Basic *** end"},
        {"secret-value", "t=eHNlY3JldC12YWx1ZXh4 end", "t=*** end"},
        {"secret-value", "t=eHlzZWNyZXQtdmFsdWV4 end", "t=*** end"},
        {"secret-value", "t=QUFBQUFBc2VjcmV0LXZhbHVlQkJC= end", "t=*** end"},
        /* URL-safe: "??secret~~" has the characters that differ between alphabets */
        {"??secret~~", "t=Pz9zZWNyZXR-fg end", "t=*** end"},
        {"??secret~~", "t=Pz9zZWNyZXR+fg== end", "t=*** end"},
        /* a form body carrying base64: + / = percent-encoded */
        {"??secret~~", "t=Pz9zZWNyZXR%2Bfg%3D%3D&end", "t=***&end"},
        {"not-a-secret", "no secret here: bm90LWE gZQ==", "no secret here: bm90LWE gZQ=="},
    };
    return cr_make_param_array(form_row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(form_row *row, redact, replaces_every_encoded_form)
{
    redact_reset();
    cr_assert_eq(redact_add(row->secret), 0);
    expect_redacted(row->text, row->want);
    redact_reset();
}

Test(redact, leaves_nothing_of_a_base64_pair_that_decodes_to_the_password)
{
    /* The audit's case: base64 of user:password redacted only over the user's part left
     * the rest, which decodes to the whole password. */
    redact_reset();
    cr_assert_eq(redact_add_credentials("merchant-42", "correct-horse"), 0);
    const char *pair = "merchant-42:correct-horse";
    for (size_t a = 0; a < 3; a++) {
        char in[64];
        snprintf(in, sizeof in, "%.*s%s", (int)a, "xyz", pair);
        for (int url = 0; url < 2; url++) {
            char *enc = b64_encode(in, strlen(in), url), *text = NULL;
            cr_assert(asprintf(&text, "[%s]", enc) > 0);
            expect_redacted(text, "[***]");
            free(text);
            free(enc);
        }
    }
    redact_reset();
}

static char *redacted_cut_text(const char *text, size_t max, bool *cut)
{
    kbuf b;
    kbuf_init(&b, 1u << 16);
    cr_assert_eq(redact_cut(text, strlen(text), max, &b, cut), 0);
    char *s = kbuf_steal(&b);
    return s ? s : strdup("");
}

Test(redact, cuts_after_redacting_so_no_part_of_a_secret_is_left_at_the_cut)
{
    redact_reset();
    cr_assert_eq(redact_add("secret-value"), 0);
    bool cut = false;
    /* the secret straddles the cut: what shows of it is "***", never "secr" */
    char *s = redacted_cut_text("0123456789secret-value and more", 12, &cut);
    cr_expect_str_eq(s, "0123456789**");
    cr_expect(cut);
    free(s);
    /* a long base64 run the cut falls into holds the secret further on: it all goes */
    s = redacted_cut_text("b64: QUFBQUFBQUFBQUFBQUFBQUFBc2VjcmV0LXZhbHVl end", 10, &cut);
    cr_expect_str_eq(s, "b64: *** e");
    cr_expect(cut);
    free(s);
    /* secrets before the cut shrink the text: the window still ends past every one */
    s = redacted_cut_text("secret-valuesecret-valuesecret-valuesecret-", 9, &cut);
    cr_expect_str_eq(s, "*********");
    cr_expect(cut);
    free(s);
    /* a cut inside an escape of the run (%2F, \/) is inside the run: it all goes too */
    s = redacted_cut_text("b64: QU%2Fc2VjcmV0LXZhbHVl end", 8, &cut);
    cr_expect_str_eq(s, "b64: ***");
    cr_expect(cut);
    free(s);
    s = redacted_cut_text("b64: QU%2Fc2VjcmV0LXZhbHVl end", 10, &cut);
    cr_expect_str_eq(s, "b64: *** e");
    free(s);
    s = redacted_cut_text("b64: QU\\/c2VjcmV0LXZhbHVl end", 8, &cut);
    cr_expect_str_eq(s, "b64: ***");
    free(s);
    s = redacted_cut_text("short secret-value", 64, &cut);
    cr_expect_str_eq(s, "short ***");
    cr_expect(!cut);
    free(s);
    redact_reset();
}

/* Found by tests/fuzz/fuzz_match: a base64 run that reaches the end of the text made the
 * scan for its end look one byte past it (for a %2B). The text here is a heap copy with
 * no NUL after it, so the ASan and valgrind runs see any such read. */
Test(redact, reads_no_byte_past_the_end_of_a_text_that_ends_in_base64)
{
    redact_reset();
    cr_assert_eq(redact_add("secret-value"), 0);
    static const char src[] = "b64: QUFBQUFBc2VjcmV0LXZhbHVl";
    size_t len = sizeof src - 1;
    char *text = malloc(len);
    cr_assert(text);
    memcpy(text, src, len);
    kbuf b;
    kbuf_init(&b, 1024);
    cr_assert_eq(redact(text, len, &b), 0);
    cr_expect_str_eq(kbuf_str(&b), "b64: ***");
    kbuf_reset(&b);
    bool cut = true;
    cr_assert_eq(redact_cut(text, len, 64, &b, &cut), 0);
    cr_expect_str_eq(kbuf_str(&b), "b64: ***");
    cr_expect(!cut);
    kbuf_free(&b);
    free(text);
    redact_reset();
}
