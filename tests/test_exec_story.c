/* The request as a curl command, and the redactor finding a secret in it: the story
 * quotes each word in single quotes (' as '\''), and redact registers every secret in
 * exactly that form, so a secret with a quote, a backslash or a double quote is hidden
 * wherever the story carries it (URL-free header, -u, a JSON body). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "exec.h"
#include "exec_story.h"
#include "redact.h"

/* Arrays, not pointers: Criterion hands each row to a test in another process. */
typedef struct quoting_row {
    char secret[32];
    char json_body[64]; /* {"t": secret} as cJSON prints it */
} quoting_row;

static const char *hidden_everywhere =
    "curl -sS -X POST 'http://h/x' -H 'X-Token: ***' -H 'Content-Type: application/json'"
    " -u 'other:***' --data-binary '{\"t\":\"***\"}'";

static case_request request_carrying(const char *secret, const char *json_body, case_header *header)
{
    *header = (case_header){.name = "X-Token", .value = (char *)secret};
    return (case_request){
        .method = "POST",
        .url = "http://h/x",
        .headers = header,
        .n_headers = 1,
        .body = json_body,
        .body_len = strlen(json_body),
        .send_auth = true,
        .username = "other",
        .password = secret,
    };
}

ParameterizedTestParameters(exec_story, hides_a_secret_in_every_quoted_form)
{
    static quoting_row rows[] = {
        {"s3cr3t-token", "{\"t\":\"s3cr3t-token\"}"},
        {"it's-secret", "{\"t\":\"it's-secret\"}"},
        {"x''y-secret", "{\"t\":\"x''y-secret\"}"},
        {"a\"b\\c'd-secret", "{\"t\":\"a\\\"b\\\\c'd-secret\"}"},
    };
    return cr_make_param_array(quoting_row, rows, sizeof rows / sizeof *rows);
}

ParameterizedTest(quoting_row *row, exec_story, hides_a_secret_in_every_quoted_form)
{
    static case_env env = {.market = "SE", .username = "user", .password = "pass"};
    case_header header;
    case_request req = request_carrying(row->secret, row->json_body, &header);
    kbuf text;
    kbuf_init(&text, EXEC_MAX_DETAIL_BYTES);
    redact_reset();
    cr_assert_eq(redact_add(row->secret), 0);
    story_request(&text, &req, &env);
    char *shown = story_detail(&text);
    cr_expect_str_eq(shown, hidden_everywhere, "secret %s", row->secret);
    free(shown);
    kbuf_free(&text);
    redact_reset();
}

Test(exec_story, quotes_each_word_closing_and_reopening_around_a_quote)
{
    case_header header;
    case_request req = request_carrying("it's", "{\"t\":\"it's\"}", &header);
    kbuf text;
    kbuf_init(&text, EXEC_MAX_DETAIL_BYTES);
    story_request(&text, &req, NULL);
    cr_expect_str_eq(kbuf_str(&text), "curl -sS -X POST 'http://h/x' -H 'X-Token: it'\\''s'"
                                      " -H 'Content-Type: application/json' -u 'other:it'\\''s'"
                                      " --data-binary '{\"t\":\"it'\\''s\"}'");
    kbuf_free(&text);
}

Test(exec_story, shows_the_runs_own_credentials_as_environment_variables)
{
    static case_env env = {.market = "SE", .username = "user", .password = "pass"};
    case_request req = {.method = "GET",
                        .url = "http://h/x",
                        .send_auth = true,
                        .username = "user",
                        .password = "pass"};
    kbuf text;
    kbuf_init(&text, EXEC_MAX_DETAIL_BYTES);
    story_request(&text, &req, &env);
    cr_expect_str_eq(kbuf_str(&text),
                     "curl -sS -X GET 'http://h/x' -u \"$KLARNA_USERNAME:$KLARNA_PASSWORD\"");
    kbuf_free(&text);
}
