/* Matcher tests: every expectation kind, passing and failing, with the exact failure
 * text; the Klarna-error matcher against joined, reordered and annotated messages. */
#define _GNU_SOURCE /* asprintf */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "case_expect.h"
#include "case_klarna.h"

#define CID "0b5c2f9e-7d1a-4c3b-9e8f-123456789abc"

typedef struct judged {
    const char *name;
    const char *expect; /* an "expect" object */
    long status;
    const char *headers; /* "Name: value" lines */
    const char *body;
    int result;      /* 0 pass, 1 fail */
    const char *why; /* the exact failure text */
} judged;

static const judged TABLE[] = {
    /* status */
    {"status equal", "{\"status\": 204}", 204, "", "", 0, ""},
    {"status differs", "{\"status\": 204}", 400, "", "", 1, "status: expected 204, got 400"},
    {"status in a set", "{\"status\": [200, 201]}", 201, "", "", 0, ""},
    {"status not in a set", "{\"status\": [200, 201]}", 500, "", "", 1,
     "status: expected one of [200,201], got 500"},
    /* headers */
    {"header equals, any case of name",
     "{\"headers\": {\"content-type\": {\"equals\": \"text/html\"}}}", 401,
     "Content-Type: text/html", "", 0, ""},
    {"header equals fails", "{\"headers\": {\"Content-Type\": {\"equals\": \"text/html\"}}}", 401,
     "content-type: application/json", "", 1,
     "header \"Content-Type\": expected \"text/html\", got \"application/json\""},
    {"header regex", "{\"headers\": {\"WWW-Authenticate\": {\"regex\": \"^Basic realm=\"}}}", 401,
     "www-authenticate: Basic realm=\"x\"", "", 0, ""},
    {"header regex fails", "{\"headers\": {\"content-type\": {\"regex\": \"^text/html\"}}}", 401,
     "Content-Type: application/json", "", 1,
     "header \"content-type\": expected to match \"^text/html\", got \"application/json\""},
    {"header regex on a missing header",
     "{\"headers\": {\"content-type\": {\"regex\": \"^text/html\"}}}", 401, "", "", 1,
     "header \"content-type\": expected to match \"^text/html\", but the response has no such "
     "header"},
    {"header exists", "{\"headers\": {\"www-authenticate\": {\"exists\": true}}}", 401,
     "WWW-Authenticate: Basic", "", 0, ""},
    {"header exists fails", "{\"headers\": {\"www-authenticate\": {\"exists\": true}}}", 401,
     "Content-Type: text/html", "", 1,
     "header \"www-authenticate\": expected to be present, but the response has no such header"},
    {"header absent", "{\"headers\": {\"klarna-correlation-id\": {\"absent\": true}}}", 401, "", "",
     0, ""},
    {"header absent fails", "{\"headers\": {\"klarna-correlation-id\": {\"absent\": true}}}", 401,
     "Klarna-Correlation-Id: " CID, "", 1,
     "header \"klarna-correlation-id\": expected to be absent, got \"" CID "\""},
    /* body kinds */
    {"body empty", "{\"body\": \"empty\"}", 204, "", "", 0, ""},
    {"body empty fails", "{\"body\": \"empty\"}", 204, "", "{\"a\":1}", 1,
     "body: expected empty, got 7 bytes: \"{\\\"a\\\":1}\""},
    {"body json", "{\"body\": \"json\"}", 200, "", " {\"a\": [1, 2]}\n", 0, ""},
    {"body json fails", "{\"body\": \"json\"}", 200, "", "<html>\n</html>", 1,
     "body: expected JSON, got 14 bytes that do not parse: \"<html>\\n</html>\""},
    {"body json with trailing garbage fails", "{\"body\": \"json\"}", 200, "", "{} x", 1,
     "body: expected JSON, got 4 bytes that do not parse: \"{} x\""},
    {"body not_json", "{\"body\": \"not_json\"}", 401, "", "<html></html>", 0, ""},
    {"body not_json fails", "{\"body\": \"not_json\"}", 401, "", "[1]", 1,
     "body: expected something that is not JSON, got JSON: [1]"},
    /* json checks */
    {"equals deep, any key order",
     "{\"json\": [{\"pointer\": \"/a\", \"equals\": {\"x\": 1, \"y\": [true, null]}}]}", 200, "",
     "{\"a\": {\"y\": [true, null], \"x\": 1}}", 0, ""},
    {"equals fails", "{\"json\": [{\"pointer\": \"/error_code\", \"equals\": \"BAD_VALUE\"}]}", 400,
     "", "{\"error_code\": \"NOT_FOUND\"}", 1,
     "json /error_code: expected \"BAD_VALUE\", got \"NOT_FOUND\""},
    {"equals on nothing", "{\"json\": [{\"pointer\": \"/a/b\", \"equals\": 1}]}", 200, "",
     "{\"a\": {}}", 1, "json /a/b: expected 1, but nothing is at /a/b"},
    {"equals on the whole body", "{\"json\": [{\"pointer\": \"\", \"equals\": [1]}]}", 200, "",
     "[2]", 1, "json (whole body): expected [1], got [2]"},
    {"pointer with escapes", "{\"json\": [{\"pointer\": \"/a~1b/c~0d\", \"equals\": 1}]}", 200, "",
     "{\"a/b\": {\"c~d\": 1}}", 0, ""},
    {"regex", "{\"json\": [{\"pointer\": \"/id\", \"regex\": \"^[0-9a-f-]{36}$\"}]}", 200, "",
     "{\"id\": \"" CID "\"}", 0, ""},
    {"regex on a number fails", "{\"json\": [{\"pointer\": \"/id\", \"regex\": \"^1$\"}]}", 200, "",
     "{\"id\": 1}", 1, "json /id: expected a string matching \"^1$\", got 1 (a number)"},
    {"type integer", "{\"json\": [{\"pointer\": \"/q\", \"type\": \"integer\"}]}", 200, "",
     "{\"q\": 3}", 0, ""},
    {"type integer fails on a fraction",
     "{\"json\": [{\"pointer\": \"/q\", \"type\": \"integer\"}]}", 200, "", "{\"q\": 1.5}", 1,
     "json /q: expected type integer, got 1.5 (a number)"},
    {"type array", "{\"json\": [{\"pointer\": \"/l\", \"type\": \"array\"}]}", 200, "",
     "{\"l\": []}", 0, ""},
    {"type null fails", "{\"json\": [{\"pointer\": \"/l\", \"type\": \"null\"}]}", 200, "",
     "{\"l\": {}}", 1, "json /l: expected type null, got {} (an object)"},
    {"exists", "{\"json\": [{\"pointer\": \"/t\", \"exists\": true}]}", 200, "", "{\"t\": null}", 0,
     ""},
    {"exists fails", "{\"json\": [{\"pointer\": \"/t\", \"exists\": true}]}", 200, "", "{}", 1,
     "json /t: expected to exist, but nothing is at /t"},
    {"absent", "{\"json\": [{\"pointer\": \"/internal\", \"absent\": true}]}", 200, "", "{}", 0,
     ""},
    {"absent fails", "{\"json\": [{\"pointer\": \"/internal\", \"absent\": true}]}", 200, "",
     "{\"internal\": \"x\"}", 1, "json /internal: expected to be absent, got \"x\""},
    {"contains in an array",
     "{\"json\": [{\"pointer\": \"/m\", \"contains\": \"Invalid session id\"}]}", 404, "",
     "{\"m\": [\"a\", \"Invalid session id\"]}", 0, ""},
    {"contains in a string", "{\"json\": [{\"pointer\": \"/m\", \"contains\": \"session\"}]}", 404,
     "", "{\"m\": \"Invalid session id\"}", 0, ""},
    {"contains fails", "{\"json\": [{\"pointer\": \"/m\", \"contains\": \"x\"}]}", 404, "",
     "{\"m\": [\"a\", \"b\"]}", 1, "json /m: expected to contain \"x\", got [\"a\",\"b\"]"},
    {"one_of",
     "{\"json\": [{\"pointer\": \"/status\", \"one_of\": [\"incomplete\", \"complete\"]}]}", 200,
     "", "{\"status\": \"complete\"}", 0, ""},
    {"one_of fails",
     "{\"json\": [{\"pointer\": \"/status\", \"one_of\": [\"incomplete\", \"complete\"]}]}", 200,
     "", "{\"status\": \"expired\"}", 1,
     "json /status: expected one of [\"incomplete\",\"complete\"], got \"expired\""},
    {"length of an array", "{\"json\": [{\"pointer\": \"/l\", \"length\": 3}]}", 200, "",
     "{\"l\": [1,2,3]}", 0, ""},
    {"length of a string counts characters", "{\"json\": [{\"pointer\": \"/s\", \"length\": 3}]}",
     200, "", "{\"s\": \"\xc3\xa5\xc3\xa4\xc3\xb6\"}", 0, ""},
    {"length fails", "{\"json\": [{\"pointer\": \"/l\", \"length\": 3}]}", 200, "",
     "{\"l\": [1,2]}", 1, "json /l: expected length 3, got length 2: [1,2]"},
    {"length of a number fails", "{\"json\": [{\"pointer\": \"/l\", \"length\": 3}]}", 200, "",
     "{\"l\": 3}", 1, "json /l: expected length 3, got 3 (a number)"},
    {"json checks on a body that is not JSON",
     "{\"json\": [{\"pointer\": \"/a\", \"exists\": true}]}", 500, "", "oops", 1,
     "json: expected a JSON body, got 4 bytes that do not parse: \"oops\""},
    {"several failures, one per line", "{\"status\": 200, \"body\": \"json\"}", 500, "", "oops", 1,
     "status: expected 200, got 500\nbody: expected JSON, got 4 bytes that do not parse: \"oops\""},
    {"long values are cut", "{\"json\": [{\"pointer\": \"/s\", \"equals\": \"x\"}]}", 200, "",
     "{\"s\": "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
     1,
     "json /s: expected \"x\", got "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaa... (221 bytes)"},
    /* Klarna errors */
    {"klarna error with joined fields in another order",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\", \"fields\": [\"purchase_country\", "
     "\"purchase_currency\"]}}",
     400, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"Bad "
     "value: purchase_currency, purchase_country\"]}",
     0, ""},
    {"klarna error with reasons in parentheses",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\", \"fields\": [\"order_lines[0].quantity\", "
     "\"order_amount\"]}}",
     400, "klarna-correlation-id: " CID,
     "{\"error_messages\": [\"Bad value: order_amount (does not match the lines, see: docs)\", "
     "\"Bad value: order_lines[0].quantity (must be >= 0), order_lines[1].name\"], \"error_code\": "
     "\"BAD_VALUE\", \"correlation_id\": \"" CID "\"}",
     0, ""},
    {"klarna error with a field missing",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\", \"fields\": [\"order_tax_amount\", "
     "\"locale\"]}}",
     400, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"Bad "
     "value: order_tax_amount_x, locales\"]}",
     1,
     "klarna_error: expected a message naming \"order_tax_amount\", \"locale\"; messages received: "
     "[\"Bad value: order_tax_amount_x, locales\"]"},
    {"klarna error with a field only inside a reason",
     "{\"klarna_error\": {\"fields\": [\"locale\"]}}", 400, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"Bad "
     "value: purchase_currency (locale)\"]}",
     1,
     "klarna_error: expected a message naming \"locale\"; messages received: [\"Bad value: "
     "purchase_currency (locale)\"]"},
    {"klarna error messages in any order",
     "{\"klarna_error\": {\"error_code\": \"NOT_FOUND\", \"messages\": [\"b\", \"Invalid session "
     "id\"]}}",
     404, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID
     "\", \"error_code\": \"NOT_FOUND\", \"error_messages\": [\"Invalid session id\", \"b\"]}",
     0, ""},
    {"klarna error messages differ", "{\"klarna_error\": {\"messages\": [\"Invalid session id\"]}}",
     404, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID
     "\", \"error_code\": \"NOT_FOUND\", \"error_messages\": [\"Invalid session id\", \"b\"]}",
     1,
     "klarna_error: expected exactly the messages [\"Invalid session id\"] in any order; messages "
     "received: [\"Invalid session id\",\"b\"]"},
    {"klarna error with the wrong code", "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}", 400,
     "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID
     "\", \"error_code\": \"BAD_REQUEST\", \"error_messages\": [\"x\"]}",
     1, "klarna_error: expected error_code \"BAD_VALUE\", got \"BAD_REQUEST\""},
    {"klarna error whose correlation id differs from the header",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}", 400,
     "Klarna-Correlation-Id: 11111111-2222-3333-4444-555555555555",
     "{\"correlation_id\": \"" CID
     "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"x\"]}",
     1,
     "klarna_error: expected the Klarna-Correlation-Id header to equal correlation_id \"" CID
     "\", got \"11111111-2222-3333-4444-555555555555\""},
    {"klarna error without the header", "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}", 400,
     "",
     "{\"correlation_id\": \"" CID
     "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"x\"]}",
     1,
     "klarna_error: expected a Klarna-Correlation-Id header equal to correlation_id \"" CID
     "\", but the response has no such header"},
    {"klarna error whose correlation id is not a UUID",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}", 400, "Klarna-Correlation-Id: abc",
     "{\"correlation_id\": \"abc\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"x\"]}", 1,
     "klarna_error: expected correlation_id to be a UUID, got \"abc\""},
    {"klarna error with empty messages",
     "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\", \"fields\": [\"a\"]}}", 400,
     "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": []}", 1,
     "klarna_error: expected error_messages to be a non-empty array of strings, got []"},
    /* includes (judged on the JSON an "includes" names, as case_expect_subst resolves it) */
    {"includes a subset, extra members allowed",
     "{\"json\": [{\"pointer\": \"\", \"includes\": {\"a\": 1, \"o\": {\"x\": \"y\"}}}]}", 200, "",
     "{\"a\": 1, \"b\": 2, \"o\": {\"x\": \"y\", \"z\": 0}}", 0, ""},
    {"includes with a member absent",
     "{\"json\": [{\"pointer\": \"\", \"includes\": {\"a\": 1, \"merchant_data\": \"m\"}}]}", 200,
     "", "{\"a\": 1}", 1, "json (whole body): member /merchant_data absent"},
    {"includes with a value that differs inside an array",
     "{\"json\": [{\"pointer\": \"\", \"includes\": {\"order_lines\": [{\"name\": \"A\"}, "
     "{\"name\": \"X\"}]}}]}",
     200, "", "{\"order_lines\": [{\"name\": \"A\"}, {\"name\": \"Y\"}]}", 1,
     "json (whole body): member /order_lines/1/name: expected \"X\", got \"Y\""},
    {"includes compares array elements as equal",
     "{\"json\": [{\"pointer\": \"\", \"includes\": {\"l\": [{\"name\": \"A\"}]}}]}", 200, "",
     "{\"l\": [{\"name\": \"A\", \"extra\": 1}]}", 1,
     "json (whole body): member /l/0/extra: expected to be absent, got 1"},
    {"includes with an array of another length",
     "{\"json\": [{\"pointer\": \"/b\", \"includes\": {\"l\": [1, 2]}}]}", 200, "",
     "{\"b\": {\"l\": [1]}}", 1, "json /b: member /b/l: expected 2 elements, got 1: [1]"},
    {"includes escapes member names in the pointer",
     "{\"json\": [{\"pointer\": \"\", \"includes\": {\"a/b\": {\"c~d\": 1}}}]}", 200, "",
     "{\"a/b\": {\"c~d\": 2}}", 1, "json (whole body): member /a~1b/c~0d: expected 1, got 2"},
    {"includes on nothing", "{\"json\": [{\"pointer\": \"/x\", \"includes\": {\"a\": 1}}]}", 200,
     "", "{}", 1, "json /x: expected to include {\"a\":1}, but nothing is at /x"},
    {"includes on a value of another type",
     "{\"json\": [{\"pointer\": \"/x\", \"includes\": {\"a\": 1}}]}", 200, "", "{\"x\": [1]}", 1,
     "json /x: member /x: expected {\"a\":1}, got [1]"},
    /* not_equals, min_length, max_length */
    {"not_equals", "{\"json\": [{\"pointer\": \"/id\", \"not_equals\": \"old\"}]}", 200, "",
     "{\"id\": \"new\"}", 0, ""},
    {"not_equals fails", "{\"json\": [{\"pointer\": \"/id\", \"not_equals\": \"old\"}]}", 200, "",
     "{\"id\": \"old\"}", 1, "json /id: expected anything but \"old\", got \"old\""},
    {"not_equals on nothing", "{\"json\": [{\"pointer\": \"/id\", \"not_equals\": \"old\"}]}", 200,
     "", "{}", 1, "json /id: expected anything but \"old\", but nothing is at /id"},
    {"min_length", "{\"json\": [{\"pointer\": \"/l\", \"min_length\": 2}]}", 200, "",
     "{\"l\": [1, 2, 3]}", 0, ""},
    {"min_length fails", "{\"json\": [{\"pointer\": \"/l\", \"min_length\": 2}]}", 200, "",
     "{\"l\": [1]}", 1, "json /l: expected length at least 2, got length 1: [1]"},
    {"max_length fails on a string", "{\"json\": [{\"pointer\": \"/s\", \"max_length\": 2}]}", 200,
     "", "{\"s\": \"åäö\"}", 1, "json /s: expected length at most 2, got length 3: \"åäö\""},
    {"min_length on a number", "{\"json\": [{\"pointer\": \"/n\", \"min_length\": 1}]}", 200, "",
     "{\"n\": 5}", 1, "json /n: expected length at least 1, got 5 (a number)"},
    /* fields_any */
    {"klarna error fields_any: one of each group named",
     "{\"klarna_error\": {\"fields_any\": [[\"order_lines[0].quantity\", "
     "\"order_lines[0].total_amount\"]]}}",
     400, "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"Bad "
     "value: order_lines[0].total_amount\"]}",
     0, ""},
    {"klarna error fields_any: a group with none named",
     "{\"klarna_error\": {\"fields_any\": [[\"order_amount\"], [\"a\", \"b\"]]}}", 400,
     "Klarna-Correlation-Id: " CID,
     "{\"correlation_id\": \"" CID "\", \"error_code\": \"BAD_VALUE\", \"error_messages\": [\"Bad "
     "value: order_amount, c\"]}",
     1,
     "klarna_error: expected a message naming one of \"a\", \"b\"; messages received: [\"Bad "
     "value: "
     "order_amount, c\"]"},
    {"klarna error without a correlation id", "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}",
     400, "", "{\"error_messages\": [\"x\"]}", 1,
     "klarna_error: expected a correlation_id string, member /correlation_id absent\n"
     "klarna_error: expected error_code \"BAD_VALUE\", member /error_code absent"},
    {"klarna error on an HTML body", "{\"klarna_error\": {\"error_code\": \"BAD_VALUE\"}}", 401, "",
     "<html>401</html>", 1, "klarna_error: expected a JSON object body, got \"<html>401</html>\""},
};

/* Builds a response from "Name: value" lines; headers live in hs (caller frees names). */
static case_response make_response(const judged *t, case_header *hs, size_t max)
{
    case_response r = {
        .status = t->status, .headers = hs, .body = t->body, .body_len = strlen(t->body)};
    size_t n = 0;
    for (const char *l = t->headers; *l && n < max;) {
        const char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        const char *colon = memchr(l, ':', len);
        hs[n].name = strndup(l, (size_t)(colon - l));
        hs[n].value = strndup(colon + 2, len - (size_t)(colon - l) - 2);
        n++;
        l += len + (nl ? 1 : 0);
    }
    r.n_headers = n;
    return r;
}

static cJSON *parse_exact(const char *s)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, strlen(s), &end, 0);
    while (j && end && *end && strchr(" \t\r\n", *end))
        end++;
    if (j && end && *end) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

Test(case_assert, judges_every_matcher_with_exact_failure_text)
{
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const judged *t = &TABLE[i];
        case_header hs[8];
        case_response r = make_response(t, hs, 8);
        cJSON *expect = cJSON_Parse(t->expect);
        cr_assert(expect, "bad expect in \"%s\"", t->name);
        cJSON *body = parse_exact(t->body);
        kbuf why;
        kbuf_init(&why, 1u << 16);
        int rc = case_expect_judge(expect, &r, body, &why);
        if (why.len && why.data[why.len - 1] == '\n')
            why.data[--why.len] = '\0';
        cr_expect_eq(rc, t->result, "\"%s\": result %d, want %d (%s)", t->name, rc, t->result,
                     kbuf_str(&why));
        cr_expect_str_eq(kbuf_str(&why), t->why, "\"%s\":\n got: %s\nwant: %s", t->name,
                         kbuf_str(&why), t->why);
        kbuf_free(&why);
        cJSON_Delete(body);
        cJSON_Delete(expect);
        for (size_t k = 0; k < r.n_headers; k++) {
            free(hs[k].name);
            free(hs[k].value);
        }
    }
}

Test(case_assert, never_shows_part_of_a_secret_where_a_value_is_cut)
{
    /* A value is cut at CASE_MAX_SHOWN bytes; a secret across that cut must not leave
     * its first half behind (redaction has to run before the cut, not after). */
    static const char secret[] = "TOPSECRET-0123456789-abcdefghij-klmnopqrst";
    char *body = NULL, *expect = NULL;
    char pad[CASE_MAX_SHOWN];
    memset(pad, 'x', sizeof pad - 20);
    pad[sizeof pad - 20] = '\0';
    cr_assert(asprintf(&body, "{\"token\": \"%s%s\"}", pad, secret) > 0);
    cr_assert(asprintf(&expect,
                       "{\"json\": [{\"pointer\": \"/token\", \"equals\": \"other\"}, "
                       "{\"pointer\": \"\", \"type\": \"array\"}], \"body\": \"not_json\"}") > 0);
    redact_reset();
    cr_assert_eq(redact_add(secret), 0);
    case_response r = {.status = 200, .body = body, .body_len = strlen(body)};
    cJSON *exp = cJSON_Parse(expect), *parsed = cJSON_Parse(body);
    kbuf why;
    kbuf_init(&why, 1u << 16);
    cr_expect_eq(case_expect_judge(exp, &r, parsed, &why), 1);
    cr_expect(!strstr(kbuf_str(&why), "TOPSECRET"), "part of the secret shows: %s", kbuf_str(&why));
    cr_expect(strstr(kbuf_str(&why), "json /token: expected \"other\", got \"xxx"), "%s",
              kbuf_str(&why));
    kbuf_free(&why);
    cJSON_Delete(exp);
    cJSON_Delete(parsed);
    free(body);
    free(expect);
    redact_reset();
}

typedef struct fields_case {
    const char *message;
    const char *fields; /* the fields named, joined by '|' */
} fields_case;

static void collect(const char *f, size_t len, void *arg)
{
    kbuf *b = arg;
    if (b->len)
        kbuf_puts(b, "|");
    kbuf_append(b, f, len);
}

Test(case_assert, reads_the_fields_a_klarna_message_names)
{
    static const fields_case cases[] = {
        {"Bad value: order_tax_amount", "order_tax_amount"},
        {"Bad value: purchase_currency, purchase_country", "purchase_currency|purchase_country"},
        {"Bad value: purchase_country,purchase_currency", "purchase_country|purchase_currency"},
        {"Bad value: order_lines[0].quantity (must be positive)", "order_lines[0].quantity"},
        {"Bad value: a (reason, with comma), b (x (nested))", "a|b"},
        {"Bad value: locale (expected: sv-SE)", "locale"},
        {"Invalid session id", "Invalid session id"},
        {"Bad value:", ""},
        {"  Bad value :  order_amount  ", "order_amount"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kbuf b;
        kbuf_init(&b, 4096);
        case_klarna_message_fields(cases[i].message, collect, &b);
        cr_expect_str_eq(kbuf_str(&b), cases[i].fields, "message \"%s\"", cases[i].message);
        kbuf_free(&b);
    }
}

Test(case_assert, recognises_uuids)
{
    cr_expect(case_klarna_is_uuid(CID));
    cr_expect(case_klarna_is_uuid("0B5C2F9E-7D1A-4C3B-9E8F-123456789ABC"));
    cr_expect(!case_klarna_is_uuid("0b5c2f9e7d1a4c3b9e8f123456789abc"));
    cr_expect(!case_klarna_is_uuid("0b5c2f9e-7d1a-4c3b-9e8f-123456789ab"));
    cr_expect(!case_klarna_is_uuid("0b5c2f9e-7d1a-4c3b-9e8f-123456789abg"));
    cr_expect(!case_klarna_is_uuid(""));
}

#define A10  "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10

/* A value a regex is matched against, at the bound or past it: where and how long. */
typedef struct subject_case {
    const char *name;
    bool in_header;   /* else the JSON string at /t */
    size_t len;       /* bytes of 'a' */
    const char *also; /* a second value of the header, or NULL */
    const char *re;
    int result;
    const char *why; /* the exact failure text */
} subject_case;

static const subject_case SUBJECTS[] = {
    {"a JSON string at the bound is matched", false, CASE_EXPECT_MAX_SUBJECT, NULL, "^a+$", 0, ""},
    {"a JSON string one byte over is not", false, CASE_EXPECT_MAX_SUBJECT + 1, NULL, "^a+$", 1,
     "json /t: expected a string matching \"^a+$\", got a string of 16385 bytes, longer than "
     "the 16384 a regex is matched against"},
    {"a JSON string at the bound that does not match shows its start", false,
     CASE_EXPECT_MAX_SUBJECT, NULL, "b", 1,
     "json /t: expected a string matching \"b\", got \"" A100 A10 A10 A10 A10 A10 A10 A10 A10 A10
     "aaaaaaaaa... (16386 bytes) (a string)"}, /* 199 a: a value is cut at CASE_MAX_SHOWN */
    {"a header value at the bound is matched", true, CASE_EXPECT_MAX_SUBJECT, NULL, "^a+$", 0, ""},
    {"a header value one byte over is not", true, CASE_EXPECT_MAX_SUBJECT + 1, NULL, "^a+$", 1,
     "header \"x-long\": expected to match \"^a+$\", got a value of 16385 bytes, longer than the "
     "16384 a regex is matched against"},
    {"a header value over the bound beside one that matches", true, CASE_EXPECT_MAX_SUBJECT + 1,
     "short", "^(a+|short)$", 0, ""},
};

Test(case_assert, matches_a_regex_against_values_up_to_the_bound_only)
{
    for (size_t i = 0; i < sizeof SUBJECTS / sizeof SUBJECTS[0]; i++) {
        const subject_case *t = &SUBJECTS[i];
        char *value = malloc(t->len + 1), *body = NULL, *expect = NULL;
        cr_assert(value);
        memset(value, 'a', t->len);
        value[t->len] = '\0';
        case_header hs[2] = {{.name = "X-Long", .value = value},
                             {.name = "x-long", .value = (char *)t->also}};
        case_response r = {.status = 200,
                           .headers = hs,
                           .n_headers = t->also ? 2 : 1,
                           .body = "{}",
                           .body_len = 2};
        if (t->in_header) {
            cr_assert(asprintf(&expect, "{\"headers\": {\"x-long\": {\"regex\": \"%s\"}}}", t->re) >
                      0);
        } else {
            cr_assert(asprintf(&body, "{\"t\": \"%s\"}", value) > 0);
            r.body = body;
            r.body_len = strlen(body);
            cr_assert(asprintf(&expect, "{\"json\": [{\"pointer\": \"/t\", \"regex\": \"%s\"}]}",
                               t->re) > 0);
        }
        cJSON *exp = cJSON_Parse(expect), *parsed = cJSON_Parse(r.body);
        cr_assert(exp && parsed, "\"%s\": bad JSON", t->name);
        kbuf why;
        kbuf_init(&why, 1u << 16);
        int rc = case_expect_judge(exp, &r, parsed, &why);
        if (why.len && why.data[why.len - 1] == '\n')
            why.data[--why.len] = '\0';
        cr_expect_eq(rc, t->result, "\"%s\": result %d, want %d (%s)", t->name, rc, t->result,
                     kbuf_str(&why));
        cr_expect_str_eq(kbuf_str(&why), t->why, "\"%s\":\n got: %s\nwant: %s", t->name,
                         kbuf_str(&why), t->why);
        kbuf_free(&why);
        cJSON_Delete(exp);
        cJSON_Delete(parsed);
        free(body);
        free(expect);
        free(value);
    }
}

Test(case_assert, redacts_the_header_name_and_regex_of_a_failure)
{
    static const char secret[] = "TOPSECRET-0123456789";
    redact_reset();
    cr_assert_eq(redact_add(secret), 0);
    case_header hs[1] = {{.name = "x-TOPSECRET-0123456789", .value = "other"}};
    case_response r = {.status = 200, .headers = hs, .n_headers = 1, .body = "", .body_len = 0};
    cJSON *exp = cJSON_Parse("{\"headers\": {\"x-TOPSECRET-0123456789\": "
                             "{\"regex\": \"^TOPSECRET-0123456789$\"}}}");
    cr_assert(exp);
    kbuf why;
    kbuf_init(&why, 1u << 16);
    cr_expect_eq(case_expect_judge(exp, &r, NULL, &why), 1);
    cr_expect(!strstr(kbuf_str(&why), "TOPSECRET"), "the secret shows: %s", kbuf_str(&why));
    cr_expect(strstr(kbuf_str(&why), "header \"x-"), "%s", kbuf_str(&why));
    cr_expect(strstr(kbuf_str(&why), "expected to match \"^"), "%s", kbuf_str(&why));
    kbuf_free(&why);
    cJSON_Delete(exp);
    redact_reset();
}
