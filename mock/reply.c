/* reply: the few answer shapes the mock gives (Klarna errors, admin errors, JSON, empty),
 * built as data so the HTTP front turns every one into a response the same way; and the
 * one way the Klarna and admin routes read a JSON object body. */
#include "mock_internal.h"

#include "kbuf.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mock_uuid(mock_server *srv, char out[37])
{
    pthread_mutex_lock(&srv->rng_mu);
    kprng_uuid(&srv->rng, out);
    pthread_mutex_unlock(&srv->rng_mu);
}

void mock_reply_free(mock_reply *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

void mock_reply_empty(mock_reply *r, unsigned status)
{
    mock_reply_free(r);
    r->status = status;
    r->content_type = NULL;
}

void mock_reply_text(mock_reply *r, unsigned status, const char *content_type, const char *text,
                     size_t len)
{
    mock_reply_free(r);
    r->status = status;
    r->content_type = content_type;
    r->body = len ? malloc(len) : NULL;
    if (r->body) {
        memcpy(r->body, text, len);
        r->body_len = len;
    }
}

static void reply_oom(mock_reply *r)
{
    static const char msg[] = "kpmock: out of memory\n";
    mock_reply_text(r, 500, "text/plain", msg, sizeof msg - 1);
}

/* A string as cJSON prints it: the two-character escapes, \u00XX for the other control
 * bytes, every other byte as it is. */
static int print_string(kbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s ? s : "";
    int rc = kbuf_append(b, "\"", 1);
    for (const char *p = run; rc == 0 && *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[6] = {'\\', 0};
        size_t n = 2;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = kbuf_append(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        if (rc == 0)
            rc = kbuf_append(b, esc, n);
    }
    if (rc == 0)
        rc = kbuf_puts(b, run);
    return rc == 0 ? kbuf_append(b, "\"", 1) : rc;
}

/* A number as cJSON prints it. Whole numbers below 10^15 print as their digits under
 * every cJSON version ("%1.15g" and the "%d" fast path agree there), and they are
 * nearly every number of a session; the rest go through cJSON itself, so fractions,
 * huge values, -0 and NaN come out exactly as the library would write them. */
static int print_number(kbuf *b, const cJSON *item)
{
    char digits[32];
    double d = item->valuedouble;
    if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d && !(d == 0 && signbit(d))) {
        int64_t v = (int64_t)d;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char *p = digits + sizeof digits;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        return kbuf_append(b, p, (size_t)(digits + sizeof digits - p));
    }
    if (!cJSON_PrintPreallocated((cJSON *)item, digits, (int)sizeof digits, 0))
        return -1;
    return kbuf_puts(b, digits);
}

static int print_value(kbuf *b, const cJSON *item, int depth)
{
    const cJSON *child;
    bool object;
    int rc = 0;
    if (depth > 2 * CJSON_NESTING_LIMIT) /* deeper than any tree cJSON parses */
        return -1;
    switch (item->type & 0xFF) {
    case cJSON_NULL:
        return kbuf_puts(b, "null");
    case cJSON_False:
        return kbuf_puts(b, "false");
    case cJSON_True:
        return kbuf_puts(b, "true");
    case cJSON_Number:
        return print_number(b, item);
    case cJSON_String:
        return print_string(b, item->valuestring);
    case cJSON_Raw:
        return item->valuestring ? kbuf_puts(b, item->valuestring) : -1;
    case cJSON_Array:
    case cJSON_Object:
        object = cJSON_IsObject(item);
        rc = kbuf_append(b, object ? "{" : "[", 1);
        for (child = item->child; rc == 0 && child; child = child->next) {
            if (child != item->child)
                rc = kbuf_append(b, ",", 1);
            if (rc == 0 && object && (rc = print_string(b, child->string)) == 0)
                rc = kbuf_append(b, ":", 1);
            if (rc == 0)
                rc = print_value(b, child, depth + 1);
        }
        return rc == 0 ? kbuf_append(b, object ? "}" : "]", 1) : rc;
    default:
        return -1;
    }
}

char *mock_print(const cJSON *json, size_t *len)
{
    kbuf b;
    /* no ceiling of its own: the text is bounded by the tree, and every tree the mock
     * prints is bounded by --max-body or by the store's caps */
    kbuf_init(&b, SIZE_MAX / 2);
    if (!json || print_value(&b, json, 0) != 0) {
        kbuf_free(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return kbuf_steal(&b);
}

void mock_reply_json(mock_reply *r, unsigned status, cJSON *json)
{
    size_t len = 0;
    char *text = mock_print(json, &len);
    cJSON_Delete(json);
    if (!text) {
        reply_oom(r);
        return;
    }
    mock_reply_free(r);
    r->status = status;
    r->body = text;
    r->body_len = len;
    r->content_type = "application/json";
}

void mock_reply_klarna_error(mock_server *srv, mock_reply *r, unsigned status, const char *code,
                             const char *msg)
{
    char id[37];
    cJSON *o = cJSON_CreateObject(), *msgs = NULL;
    mock_uuid(srv, id);
    if (!o || !cJSON_AddStringToObject(o, "correlation_id", id) ||
        !cJSON_AddStringToObject(o, "error_code", code) ||
        !(msgs = cJSON_AddArrayToObject(o, "error_messages"))) {
        cJSON_Delete(o);
        reply_oom(r);
        return;
    }
    cJSON_AddItemToArray(msgs, cJSON_CreateString(msg));
    mock_reply_json(r, status, o);
    if (r->status == status)
        memcpy(r->correlation_id, id, sizeof id);
}

void mock_reply_admin_error(mock_reply *r, unsigned status, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "error", msg)) {
        cJSON_Delete(o);
        reply_oom(r);
        return;
    }
    mock_reply_json(r, status, o);
}

cJSON *mock_parse_object(const char *body, size_t len)
{
    const char *end = NULL;
    cJSON *doc;
    if (!body || len == 0)
        return NULL;
    doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    while (doc && end && (size_t)(end - body) < len && isspace((unsigned char)*end))
        end++;
    if (doc && (!cJSON_IsObject(doc) || !end || (size_t)(end - body) != len)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}
