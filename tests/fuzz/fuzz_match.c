/* fuzz_match: the JSON matcher of "expect" blocks and the redaction every story passes
 * through. The input is an "expect" object, a synthetic response (fuzz_cases.h) and a
 * text, FUZZ_SEP-separated. The expectation is set into a one-step suite, loaded and
 * checked as kpct loads a cases folder, and judged against the response; the text is
 * redacted whole and cut. The run's credentials and one more value are registered
 * secrets. Oracles: no secret in any form redact promises to catch (raw, percent- or
 * JSON-escaped, inside base64 of either alphabet) is left in a failure story or a
 * redacted text; a cut redaction is exactly the start of the whole one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_cases.h"
#include "redact.h"

/* A third secret, as a ${env:...} value would be registered. */
#define FUZZ_TOKEN "tok-3Zq9Ar0wLx"

static const char *const SECRETS[] = {FUZZ_USERNAME, FUZZ_PASSWORD, FUZZ_TOKEN};

static const char SUITE_HEAD[] =
    "{\"suite\": \"fuzz\", \"title\": \"t\", \"cases\": [{\"id\": \"m.one\", \"title\": \"t\", "
    "\"clauses\": [], \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\", "
    "\"path\": \"/payments/v1/sessions/abc\"}, \"expect\": ";
static const char SUITE_TAIL[] = "}]}]}\n";

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* How one escaped or plain byte sequence at t[j] reads: its bytes in out, its length in t
 * as the return (0: none). Only the first reading is returned; the readings exclude each
 * other by their first byte. */
static size_t read_escape(const char *t, size_t len, size_t j, unsigned char out[3], size_t *n)
{
    if (t[j] == '%' && len - j >= 3 && hex(t[j + 1]) >= 0 && hex(t[j + 2]) >= 0) {
        out[0] = (unsigned char)(hex(t[j + 1]) * 16 + hex(t[j + 2]));
        *n = 1;
        return 3;
    }
    if (t[j] == '\\' && len - j >= 2) {
        const char *from = "\"/bfnrt", *to = "\"/\b\f\n\r\t";
        const char *p = t[j + 1] ? strchr(from, t[j + 1]) : NULL;
        if (p) {
            out[0] = (unsigned char)to[p - from];
            *n = 1;
            return 2;
        }
        if (t[j + 1] == 'u' && len - j >= 6) {
            long cp = 0;
            for (int k = 2; k < 6; k++) {
                if (hex(t[j + k]) < 0)
                    return 0;
                cp = cp * 16 + hex(t[j + k]);
            }
            if (cp < 0x80) {
                out[0] = (unsigned char)cp;
                *n = 1;
            } else if (cp < 0x800) {
                out[0] = (unsigned char)(0xC0 | (cp >> 6));
                out[1] = (unsigned char)(0x80 | (cp & 0x3F));
                *n = 2;
            } else {
                out[0] = (unsigned char)(0xE0 | (cp >> 12));
                out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                out[2] = (unsigned char)(0x80 | (cp & 0x3F));
                *n = 3;
            }
            return 6;
        }
    }
    return 0;
}

/* Whether t spells secret at j, each byte raw or escaped (an independent reading of what
 * redact.h promises, written apart from redact.c). */
static bool spells_at(const char *t, size_t len, size_t j, const char *secret)
{
    size_t k = 0, slen = strlen(secret);
    while (k < slen) {
        if (j >= len)
            return false;
        if (t[j] == secret[k]) {
            j++, k++;
            continue;
        }
        unsigned char u[3];
        size_t n = 0, used = read_escape(t, len, j, u, &n);
        if (!used || n > slen - k || memcmp(u, secret + k, n) != 0)
            return false;
        j += used, k += n;
    }
    return true;
}

static int b64_value(char c, const char *extra)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == extra[0])
        return 62;
    if (c == extra[1])
        return 63;
    return -1;
}

/* Whether some run of base64 text (alphabet: A-Z a-z 0-9 and extra) decodes, from any of
 * its four alignments, to bytes containing secret. */
static bool in_base64(const char *t, size_t len, const char *secret, const char *extra)
{
    size_t slen = strlen(secret);
    unsigned char *dec = malloc(len / 4 * 3 + 3);
    if (!dec)
        abort();
    bool found = false;
    for (size_t i = 0; i < len && !found;) {
        if (b64_value(t[i], extra) < 0) {
            i++;
            continue;
        }
        size_t end = i;
        while (end < len && b64_value(t[end], extra) >= 0)
            end++;
        for (size_t o = 0; o < 4 && i + o < end && !found; o++) {
            size_t n = 0;
            unsigned bits = 0;
            int have = 0;
            for (size_t k = i + o; k < end; k++) {
                bits = (bits << 6) | (unsigned)b64_value(t[k], extra);
                have += 6;
                if (have >= 8) {
                    have -= 8;
                    dec[n++] = (unsigned char)(bits >> have);
                    bits &= (1u << have) - 1;
                }
            }
            found = fuzz_find((const char *)dec, n, secret, slen) != NULL;
        }
        i = end;
    }
    free(dec);
    return found;
}

/* Whether any registered secret is left in t in a form redact promises to catch. */
static bool leaks(const char *t, size_t len, bool say)
{
    for (size_t s = 0; s < sizeof SECRETS / sizeof SECRETS[0]; s++) {
        for (size_t j = 0; j < len; j++)
            if (spells_at(t, len, j, SECRETS[s])) {
                if (say)
                    fprintf(stderr, "fuzz_match: secret %zu left at byte %zu\n", s, j);
                return true;
            }
        if (in_base64(t, len, SECRETS[s], "+/") || in_base64(t, len, SECRETS[s], "-_")) {
            if (say)
                fprintf(stderr, "fuzz_match: secret %zu left in base64\n", s);
            return true;
        }
    }
    return false;
}

/* Whether the expectation itself spells a secret: a story may then quote the case file's
 * own text (a header regex is shown as written), which is no secret kpct was given. */
static bool expect_spells_secret;

static void story_judged(const kbuf *why, int rc)
{
    (void)rc;
    if (expect_spells_secret)
        return;
    bool leaked = leaks(why->data, why->len, true);
    if (leaked)
        fprintf(stderr, "fuzz_match: the story:\n%.*s\n", (int)why->len, why->data);
    FUZZ_CHECK(!leaked);
}

static void check_redaction(const char *text, size_t len, size_t max)
{
    kbuf whole, cut_out;
    kbuf_init(&whole, 4 * len + 64);
    kbuf_init(&cut_out, 4 * len + 64);
    FUZZ_CHECK(redact(text, len, &whole) == 0);
    FUZZ_CHECK(!leaks(whole.data, whole.len, true));
    bool cut = false;
    FUZZ_CHECK(redact_cut(text, len, max, &cut_out, &cut) == 0);
    size_t want = whole.len < max ? whole.len : max;
    FUZZ_CHECK(cut_out.len == want);
    FUZZ_CHECK(want == 0 || memcmp(cut_out.data, whole.data, want) == 0);
    FUZZ_CHECK(cut == (whole.len > max));
    kbuf_free(&whole);
    kbuf_free(&cut_out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (redact_add_credentials(FUZZ_USERNAME, FUZZ_PASSWORD) != 0 || redact_add(FUZZ_TOKEN) != 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (64u << 10))
        return 0;
    fuzz_input in = fuzz_input_of(data, size);
    const char *expect = "", *resp_part = "", *text = NULL;
    size_t expect_len = 0, resp_len = 0, text_len = 0;
    fuzz_take(&in, &expect, &expect_len);
    fuzz_take(&in, &resp_part, &resp_len);
    fuzz_take(&in, &text, &text_len);

    fuzz_response resp;
    fuzz_response_parse(&resp, resp_part, resp_len);
    size_t doc_len = sizeof SUITE_HEAD - 1 + expect_len + sizeof SUITE_TAIL - 1;
    char *doc = malloc(doc_len);
    if (!doc)
        abort();
    memcpy(doc, SUITE_HEAD, sizeof SUITE_HEAD - 1);
    memcpy(doc + sizeof SUITE_HEAD - 1, expect, expect_len);
    memcpy(doc + sizeof SUITE_HEAD - 1 + expect_len, SUITE_TAIL, sizeof SUITE_TAIL - 1);
    case_set *set = NULL;
    expect_spells_secret = leaks(expect, expect_len, false);
    if (fuzz_cases_load(doc, doc_len, &set) == 0) {
        fuzz_cases_run(set, &resp, 1, story_judged);
        case_set_free(set);
    }
    free(doc);

    /* no third part: the response body is the text to redact */
    if (!text) {
        text = resp.resp.body;
        text_len = resp.resp.body_len;
    }
    check_redaction(text, text_len, text_len ? size % (text_len + 2) : 0);
    fuzz_response_free(&resp);
    return 0;
}
