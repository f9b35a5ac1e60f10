/* case_klarna: the Klarna error shape (docs/contract.md §3) — a JSON object with a UUID
 * correlation_id equal to the Klarna-Correlation-Id header, an error_code, and
 * error_messages that name the bad fields the way Klarna writes them: several fields
 * joined in any order ("Bad value: a, b"), reasons in parentheses ignored. */
#include "case_klarna.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case_diag.h"
#include "case_show.h"

bool case_klarna_is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (!s || strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

void case_klarna_message_fields(const char *msg,
                                void (*fn)(const char *field, size_t len, void *arg), void *arg)
{
    /* the field list starts after the first ':' outside parentheses, if there is one */
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; msg[i]; i++) {
        if (msg[i] == '(')
            depth++;
        else if (msg[i] == ')' && depth > 0)
            depth--;
        else if (msg[i] == ':' && depth == 0) {
            start = i + 1;
            break;
        }
    }
    /* split on ',' outside parentheses, dropping everything inside them */
    char *tok = malloc(strlen(msg) + 1);
    if (!tok)
        return;
    size_t n = 0;
    depth = 0;
    for (size_t i = start;; i++) {
        char ch = msg[i];
        if (ch == '\0' || (ch == ',' && depth == 0)) {
            size_t a = 0, b = n;
            while (a < b && isspace((unsigned char)tok[a]))
                a++;
            while (b > a && isspace((unsigned char)tok[b - 1]))
                b--;
            if (b > a)
                fn(tok + a, b - a, arg);
            n = 0;
            if (ch == '\0')
                break;
        } else if (ch == '(') {
            depth++;
        } else if (ch == ')') {
            if (depth > 0)
                depth--;
        } else if (depth == 0) {
            tok[n++] = ch;
        }
    }
    free(tok);
}

int case_klarna_check(case_lctx *c, const case_doc *doc, const cJSON *spec)
{
    int problems = 0;
    if (!cJSON_IsObject(spec)) {
        case_err(
            c, doc, spec, false,
            "\"klarna_error\" must be an object like {\"error_code\": \"BAD_VALUE\", \"fields\": "
            "[...]}");
        return 1;
    }
    for (const cJSON *m = spec->child; m; m = m->next) {
        if (strcmp(m->string, "error_code") == 0) {
            if (!cJSON_IsString(m) || !m->valuestring[0]) {
                case_err(c, doc, m, false, "\"error_code\" must be a non-empty string");
                problems++;
            }
        } else if (strcmp(m->string, "fields") == 0 || strcmp(m->string, "messages") == 0) {
            bool ok = cJSON_IsArray(m) && m->child;
            for (const cJSON *e = cJSON_IsArray(m) ? m->child : NULL; e; e = e->next)
                ok = ok && cJSON_IsString(e) && e->valuestring[0];
            if (!ok) {
                case_err(c, doc, m, false, "\"%s\" must be a non-empty array of non-empty strings",
                         m->string);
                problems++;
            }
        } else if (strcmp(m->string, "fields_any") == 0) {
            bool ok = cJSON_IsArray(m) && m->child;
            for (const cJSON *g = cJSON_IsArray(m) ? m->child : NULL; g; g = g->next) {
                ok = ok && cJSON_IsArray(g) && g->child;
                for (const cJSON *e = cJSON_IsArray(g) ? g->child : NULL; e; e = e->next)
                    ok = ok && cJSON_IsString(e) && e->valuestring[0];
            }
            if (!ok) {
                case_err(c, doc, m, false,
                         "\"fields_any\" must be a non-empty array of non-empty arrays of "
                         "non-empty strings, e.g. [[\"order_amount\", \"order_lines\"]]");
                problems++;
            }
        } else {
            case_err(c, doc, m, true,
                     "unknown key \"%s\" in klarna_error (expected one of: error_code, fields, "
                     "fields_any, messages)",
                     m->string);
            problems++;
        }
    }
    return problems;
}

typedef struct field_search {
    const char *want;
    bool found;
} field_search;

static void match_field(const char *field, size_t len, void *arg)
{
    field_search *s = arg;
    if (strlen(s->want) == len && memcmp(s->want, field, len) == 0)
        s->found = true;
}

/* ", got <value>", or ", member /<name> absent" when the body has no such member. */
static void show_got(kbuf *why, const cJSON *item, const char *name)
{
    if (!item) {
        kbuf_printf(why, ", member /%s absent", name);
        return;
    }
    kbuf_puts(why, ", got ");
    case_show_json(why, item);
}

static void show_messages(kbuf *why, const cJSON *msgs)
{
    kbuf_puts(why, "; messages received: ");
    case_show_json(why, msgs);
}

/* The correlation_id: a UUID string equal to the Klarna-Correlation-Id header. */
static int judge_correlation_id(const case_response *resp, const cJSON *body, kbuf *why)
{
    int failed = 0;
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(body, "correlation_id");
    const char *header = case_header_find(resp->headers, resp->n_headers, "Klarna-Correlation-Id");
    if (!cJSON_IsString(cid)) {
        failed++;
        kbuf_puts(why, "klarna_error: expected a correlation_id string");
        show_got(why, cid, "correlation_id");
        kbuf_puts(why, "\n");
    } else if (!case_klarna_is_uuid(cid->valuestring)) {
        failed++;
        kbuf_puts(why, "klarna_error: expected correlation_id to be a UUID");
        show_got(why, cid, "correlation_id");
        kbuf_puts(why, "\n");
    } else if (!header) {
        failed++;
        kbuf_puts(why, "klarna_error: expected a Klarna-Correlation-Id header equal to "
                       "correlation_id ");
        case_show_json(why, cid);
        kbuf_puts(why, ", but the response has no such header\n");
    } else if (strcasecmp(header, cid->valuestring) != 0) {
        failed++;
        kbuf_puts(why, "klarna_error: expected the Klarna-Correlation-Id header to equal "
                       "correlation_id ");
        case_show_json(why, cid);
        kbuf_puts(why, ", got ");
        case_show_text(why, header, strlen(header));
        kbuf_puts(why, "\n");
    }
    return failed;
}

/* The error_code: the expected one, or any string. */
static int judge_error_code(const cJSON *spec, const cJSON *body, kbuf *why)
{
    int failed = 0;
    const cJSON *want_code = cJSON_GetObjectItemCaseSensitive(spec, "error_code");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(body, "error_code");
    if (want_code &&
        !(cJSON_IsString(code) && strcmp(code->valuestring, want_code->valuestring) == 0)) {
        failed++;
        kbuf_puts(why, "klarna_error: expected error_code ");
        case_show_json(why, want_code);
        show_got(why, code, "error_code");
        kbuf_puts(why, "\n");
    } else if (!want_code && !cJSON_IsString(code)) {
        failed++;
        kbuf_puts(why, "klarna_error: expected an error_code string");
        show_got(why, code, "error_code");
        kbuf_puts(why, "\n");
    }
    return failed;
}

/* Every field of "fields" is named by some message. */
static int judge_fields(const cJSON *spec, const cJSON *msgs, kbuf *why)
{
    int failed = 0;
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(spec, "fields");
    size_t missing = 0;
    for (const cJSON *f = fields ? fields->child : NULL; f; f = f->next) {
        field_search s = {f->valuestring, false};
        for (const cJSON *m = msgs->child; m && !s.found; m = m->next)
            case_klarna_message_fields(m->valuestring, match_field, &s);
        if (s.found)
            continue;
        if (!missing++)
            kbuf_puts(why, "klarna_error: expected a message naming ");
        else
            kbuf_puts(why, ", ");
        case_show_json(why, f);
    }
    if (missing) {
        failed++;
        show_messages(why, msgs);
        kbuf_puts(why, "\n");
    }
    return failed;
}

static bool named(const cJSON *msgs, const char *field)
{
    field_search s = {field, false};
    for (const cJSON *m = msgs->child; m && !s.found; m = m->next)
        case_klarna_message_fields(m->valuestring, match_field, &s);
    return s.found;
}

/* Every group of "fields_any" has a field some message names. */
static int judge_fields_any(const cJSON *spec, const cJSON *msgs, kbuf *why)
{
    int failed = 0;
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(spec, "fields_any");
    for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next) {
        bool hit = false;
        for (const cJSON *f = g->child; f && !hit; f = f->next)
            hit = named(msgs, f->valuestring);
        if (hit)
            continue;
        failed++;
        kbuf_puts(why, "klarna_error: expected a message naming one of ");
        for (const cJSON *f = g->child; f; f = f->next) {
            case_show_json(why, f);
            if (f->next)
                kbuf_puts(why, ", ");
        }
        show_messages(why, msgs);
        kbuf_puts(why, "\n");
    }
    return failed;
}

/* "messages": the received messages are exactly these texts, in any order. */
static int judge_messages(const cJSON *spec, const cJSON *msgs, kbuf *why)
{
    int failed = 0;
    const cJSON *want_msgs = cJSON_GetObjectItemCaseSensitive(spec, "messages");
    if (want_msgs) {
        size_t n_want = (size_t)cJSON_GetArraySize(want_msgs);
        size_t n_got = (size_t)cJSON_GetArraySize(msgs);
        bool *used = calloc(n_got + 1, sizeof *used);
        bool same = used && n_want == n_got;
        for (const cJSON *w = want_msgs->child; w && same; w = w->next) {
            bool hit = false;
            size_t i = 0;
            for (const cJSON *m = msgs->child; m && !hit; m = m->next, i++)
                if (!used[i] && strcmp(m->valuestring, w->valuestring) == 0)
                    hit = used[i] = true;
            same = hit;
        }
        free(used);
        if (!same) {
            failed++;
            kbuf_puts(why, "klarna_error: expected exactly the messages ");
            case_show_json(why, want_msgs);
            kbuf_puts(why, " in any order");
            show_messages(why, msgs);
            kbuf_puts(why, "\n");
        }
    }
    return failed;
}

int case_klarna_judge(const cJSON *spec, const case_response *resp, const cJSON *body, kbuf *why)
{
    if (!cJSON_IsObject(body)) {
        kbuf_puts(why, "klarna_error: expected a JSON object body, got ");
        if (body)
            case_show_json(why, body);
        else
            case_show_text(why, resp->body ? resp->body : "", resp->body_len);
        kbuf_puts(why, "\n");
        return 1;
    }
    int failed = judge_correlation_id(resp, body, why);
    failed += judge_error_code(spec, body, why);
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(body, "error_messages");
    bool msgs_ok = cJSON_IsArray(msgs) && msgs->child;
    for (const cJSON *m = msgs_ok ? msgs->child : NULL; m; m = m->next)
        msgs_ok = msgs_ok && cJSON_IsString(m);
    if (!msgs_ok) {
        kbuf_puts(why, "klarna_error: expected error_messages to be a non-empty array of strings");
        show_got(why, msgs, "error_messages");
        kbuf_puts(why, "\n");
        return 1;
    }
    failed += judge_fields(spec, msgs, why);
    failed += judge_fields_any(spec, msgs, why);
    failed += judge_messages(spec, msgs, why);
    return failed ? 1 : 0;
}
