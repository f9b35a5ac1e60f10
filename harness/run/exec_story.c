/* exec_story: what a person reads about an exchange — the request as a curl command,
 * the response, the story of a failed step and the -v/-vv traces. Every text leaves
 * through redact(); the request text is built unredacted and redacted where shown. */
#include "exec_story.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "redact.h"
#include "xml.h"

#define STORY_MESSAGE_MAX     400  /* bytes of a one-line message before redaction */
#define STORY_HEADER_LINE_MAX 2048 /* bytes of one response header line shown */

/* Appends text with every registered secret replaced, then cut at max bytes. The cut is
 * the redactor's (redact_cut): it reads as far as it must so the cut never splits a
 * secret or leaves part of a base64 run that holds one, and no further. */
static void redacted_cut(kbuf *out, const char *text, size_t len, size_t max)
{
    kbuf r;
    bool cut = false;
    kbuf_init(&r, max + 64);
    if (redact_cut(text, len, max, &r, &cut) == 0) {
        kbuf_append_cut(out, r.data ? r.data : "", r.len);
        if (cut)
            kbuf_printf(out, "\n[... cut at %zu of %zu bytes]", max, len);
    } else {
        kbuf_puts(out, "[text withheld: redaction ran out of room]");
    }
    kbuf_free(&r);
}

static bool printable(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F)
            return false;
    }
    return true;
}

/* ---- shell quoting ---------------------------------------------------------------
 * The one quoting rule of the request text: a word goes inside single quotes, and each
 * ' in it becomes '\'' (close, escaped quote, reopen); no other byte is touched.
 * harness/redact/redact.c (shell_escaped) registers each secret in exactly this form,
 * so a secret containing a quote is still found in the text; a change here must be
 * made there too. */

/* Appends s as it reads inside single quotes. */
static void quote_inner(kbuf *out, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\'')
            continue;
        kbuf_append_cut(out, s + start, i - start);
        kbuf_append_cut(out, "'\\''", 4);
        start = i + 1;
    }
    kbuf_append_cut(out, s + start, n - start);
}

static void shell_quote(kbuf *out, const char *s, size_t n)
{
    kbuf_append_cut(out, "'", 1);
    quote_inner(out, s, n);
    kbuf_append_cut(out, "'", 1);
}

/* Appends 'a<sep>b' shell-quoted as one word. */
static void shell_quote_pair(kbuf *out, const char *a, const char *sep, const char *b)
{
    kbuf_append_cut(out, "'", 1);
    quote_inner(out, a, strlen(a));
    kbuf_append_cut(out, sep, strlen(sep));
    quote_inner(out, b, strlen(b));
    kbuf_append_cut(out, "'", 1);
}

/* ---- the request and the response ------------------------------------------------ */

void story_request(kbuf *out, const case_request *req, const case_env *env)
{
    /* Built for every request, so kept cheap: no redaction here (every consumer redacts
     * the text it shows), no temporary buffers. */
    kbuf_printf(out, "curl -sS -X %s ", req->method);
    shell_quote(out, req->url, strlen(req->url));
    for (size_t i = 0; i < req->n_headers; i++) {
        kbuf_puts(out, " -H ");
        shell_quote_pair(out, req->headers[i].name, ": ", req->headers[i].value);
    }
    if (req->body && !case_header_find(req->headers, req->n_headers, "Content-Type"))
        kbuf_puts(out, " -H 'Content-Type: application/json'");
    if (req->send_auth) {
        bool runs_own = env && env->username && req->username &&
                        !strcmp(env->username, req->username) && env->password && req->password &&
                        !strcmp(env->password, req->password);
        if (runs_own) {
            kbuf_puts(out, " -u \"$KLARNA_USERNAME:$KLARNA_PASSWORD\"");
        } else {
            kbuf_puts(out, " -u ");
            shell_quote_pair(out, req->username ? req->username : "", ":",
                             req->password ? req->password : "");
        }
    }
    if (req->body) {
        if (printable(req->body, req->body_len) && req->body_len <= EXEC_STORY_BODY_BYTES) {
            kbuf_puts(out, " --data-binary ");
            shell_quote(out, req->body, req->body_len);
        } else {
            kbuf_printf(out, " --data-binary @body   # %zu bytes%s, first bytes below\n",
                        req->body_len, printable(req->body, req->body_len) ? "" : ", binary");
            redacted_cut(out, req->body, req->body_len, EXEC_STORY_BODY_BYTES);
        }
    }
    if (out->truncated) {
        /* a cut could split a secret: show nothing rather than part of one */
        kbuf_reset(out);
        out->truncated = false;
        kbuf_printf(out, "[%s %s: request of more than %u bytes not shown]", req->method, req->url,
                    EXEC_MAX_DETAIL_BYTES);
    }
}

/* Appends "response: HTTP ..." with the headers and the start of the body. */
static void story_response(kbuf *out, const case_response *resp)
{
    kbuf_printf(out, "response: HTTP %ld (%.1f ms)\n", resp->status, resp->seconds * 1000.0);
    for (size_t i = 0; i < resp->n_headers; i++) {
        kbuf h;
        kbuf_init(&h, EXEC_MAX_HEADER_BYTES + 8);
        kbuf_printf(&h, "  %s: %s\n", resp->headers[i].name, resp->headers[i].value);
        redacted_cut(out, kbuf_str(&h), h.len, STORY_HEADER_LINE_MAX);
        kbuf_free(&h);
    }
    if (resp->body_len) {
        kbuf_puts(out, "\n");
        redacted_cut(out, resp->body, resp->body_len, EXEC_STORY_BODY_BYTES);
        kbuf_puts(out, "\n");
    } else {
        kbuf_puts(out, "  (empty body)\n");
    }
}

/* ---- failure stories --------------------------------------------------------------- */

void story_step(kbuf *out, const case_request *req)
{
    if (req->step_name && *req->step_name)
        kbuf_printf(out, "step %zu \"%s\": ", req->step_index + 1, req->step_name);
    else
        kbuf_printf(out, "step %zu: ", req->step_index + 1);
}

static void append_request(kbuf *out, const kbuf *request)
{
    kbuf_puts(out, "\n\nrequest:\n  ");
    kbuf_append(out, request->data ? request->data : "", request->len);
}

void story_judged(kbuf *out, const kbuf *why, const kbuf *request, const case_response *resp)
{
    kbuf_append_cut(out, why->data ? why->data : "expectation not met", why->data ? why->len : 19);
    if (why->truncated)
        kbuf_printf(out, "\n[... cut at %u bytes]", STORY_WHY_MAX);
    append_request(out, request);
    kbuf_puts(out, "\n\n");
    story_response(out, resp);
}

void story_cut_short(kbuf *out, const kbuf *request, const case_response *resp)
{
    append_request(out, request);
    if (resp->status > 0) {
        kbuf_puts(out, "\n\npartial ");
        story_response(out, resp);
    }
}

/* ---- traces (-v, -vv) -------------------------------------------------------------- */

void story_trace(FILE *to, int verbose, const char *test_id, const case_request *req,
                 const kbuf *request, const case_response *resp, const char *error)
{
    if (verbose < 1)
        return;
    kbuf raw, out;
    kbuf_init(&raw, 4 * EXEC_MAX_DETAIL_BYTES);
    kbuf_init(&out, 4 * EXEC_MAX_DETAIL_BYTES);
    kbuf_printf(&raw, "kpct: %s %s %s -> ", test_id, req->method, req->url);
    if (error)
        kbuf_printf(&raw, "error: %s", error);
    else
        kbuf_printf(&raw, "%ld", resp->status);
    kbuf_printf(&raw, " (%.1f ms)\n", resp->seconds * 1000.0);
    if (verbose >= 2) {
        kbuf_puts(&raw, "> ");
        kbuf_append(&raw, request->data ? request->data : "", request->len);
        kbuf_puts(&raw, "\n");
        if (!error) {
            kbuf_puts(&raw, "< ");
            story_response(&raw, resp);
        }
    }
    redacted_cut(&out, raw.data ? raw.data : "", raw.len, 4 * EXEC_MAX_DETAIL_BYTES);
    /* traces go to a terminal: a server's escape sequences must not drive it */
    kbuf shown;
    kbuf_init(&shown, 4 * out.len + 64);
    if (xml_plain_text(&shown, out.data ? out.data : "", out.len) == 0)
        fwrite(shown.data ? shown.data : "", 1, shown.len, to);
    kbuf_free(&shown);
    kbuf_free(&raw);
    kbuf_free(&out);
}

/* ---- result texts ------------------------------------------------------------------ */

char *story_message(const char *text)
{
    size_t n = strcspn(text, "\n");
    kbuf out;
    kbuf_init(&out, 2 * STORY_MESSAGE_MAX + 64);
    redacted_cut(&out, text, n, STORY_MESSAGE_MAX);
    for (size_t i = 0; i < out.len; i++)
        if (out.data[i] == '\n' || out.data[i] == '\r')
            out.data[i] = ' ';
    return kbuf_steal(&out);
}

char *story_detail(const kbuf *story)
{
    kbuf out;
    kbuf_init(&out, EXEC_MAX_DETAIL_BYTES + 64);
    redacted_cut(&out, story->data ? story->data : "", story->len, EXEC_MAX_DETAIL_BYTES);
    return kbuf_steal(&out);
}

char *story_redacted(const char *text, size_t max)
{
    kbuf out;
    kbuf_init(&out, 4 * max);
    redacted_cut(&out, text, strlen(text), max);
    return kbuf_steal(&out);
}
