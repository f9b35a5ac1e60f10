/* reply: the few answer shapes the mock gives (Klarna errors, admin errors, JSON, empty),
 * built as data so the HTTP front turns every one into a response the same way. */
#include "mock_internal.h"

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
