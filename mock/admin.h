/* admin: the /__admin/ routes (health, reset, journal, faults, clock, sessions) of
 * docs/kpmock.md (the admin API). No Klarna auth; JSON in and out; errors as {"error": "..."}. */
#ifndef KPCT_MOCK_ADMIN_H
#define KPCT_MOCK_ADMIN_H

#include "mock_admin.h"
#include "mock_internal.h"

/* Most sessions GET /__admin/sessions lists. */
#define ADMIN_LISTING_MAX 1000

/* Answers one admin request (path starts with MOCK_ADMIN_PREFIX) into r. */
void admin_handle(mock_server *srv, const char *method, const char *path, const char *body,
                  size_t len, mock_reply *r);

#endif
