/* session: the semantics of the Klarna session calls (create, read, update) and of the
 * admin API's session inspection, on top of the store; each fills a mock_reply. */
#ifndef KPCT_MOCK_SESSION_H
#define KPCT_MOCK_SESSION_H

#include "mock_internal.h"

#include <stdbool.h>
#include <stddef.h>

/* Returns true when id is a lowercase UUID (8-4-4-4-12 hex digits). */
bool session_id_valid(const char *id);
/* POST /payments/v1/sessions: validates body (of duplicate member names the last
 * wins), stores it, answers 200 with session_id, client_token and
 * payment_method_categories (or 400, 413 when its text would pass --max-body, 503). */
void session_create(mock_server *srv, const char *body, size_t len, mock_reply *r);
/* GET /payments/v1/sessions/{id}: 200 with the stored session and its status, or 404. */
void session_read(mock_server *srv, const char *id, mock_reply *r);
/* POST /payments/v1/sessions/{id}: merges body into the session by top-level member
 * replacement, validates the whole result and swaps it in atomically (204), or
 * answers 400 / 403 / 404 / 413 (the result would pass --max-body) and changes nothing. */
void session_update(mock_server *srv, const char *id, const char *body, size_t len, mock_reply *r);
/* GET /__admin/sessions/{id}: the stored session plus status and timestamps, or 404. */
void session_admin_get(mock_server *srv, const char *id, mock_reply *r);
/* GET /__admin/sessions: count and the first listing_max sessions. */
void session_admin_list(mock_server *srv, size_t listing_max, mock_reply *r);
/* POST /__admin/sessions/{id}/complete: marks the session complete (204) or 404. */
void session_admin_complete(mock_server *srv, const char *id, mock_reply *r);
/* Writes the client token (JWT shape) of session id created for country into a new
 * string; NULL on OOM. */
char *session_client_token(const char *id, const char *country);

#endif
