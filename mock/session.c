/* session: create/read/update as Klarna answers them. Documents are kept as compact JSON
 * text (far smaller than a cJSON tree), parsed again for each update; the
 * read-merge-validate-swap of an update runs under the session's shard lock, so
 * concurrent updates neither get lost nor tear. */
#include "session.h"

#include "b64.h"
#include "kbuf.h"
#include "market.h"
#include "rfc3339.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_FOUND_MSG       "Invalid session id"
#define ADMIN_NOT_FOUND_MSG "no such session (unknown, malformed or expired id)"

/* Members the mock owns in a read answer; stored copies sent by clients are replaced. */
static const char *const server_members[] = {"status", "expires_at", "client_token",
                                             "payment_method_categories"};
/* Read-only members (the read answer's, and the ids and tokens Klarna hands out) that a
 * client may send back: ignored on create and update, never stored. */
static const char *const read_only_members[] = {"status",       "expires_at",
                                                "client_token", "authorization_token",
                                                "session_id",   "payment_method_categories"};

enum {
    UPD_OK = 0,
    UPD_BAD_VALUE = 1,
    UPD_COMPLETED = 2,
    UPD_NOMEM = 3,
    UPD_TOO_LARGE = 4,
    UPD_STORE_FULL = 5
};

bool session_id_valid(const char *id)
{
    if (!id || strlen(id) != STORE_ID_LEN)
        return false;
    for (size_t i = 0; i < STORE_ID_LEN; i++) {
        char c = id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* session_id_valid, or with the session-id-uppercase defect the same UUID in upper case. */
static bool id_valid(const mock_server *srv, const char *id)
{
    char lower[STORE_ID_LEN + 1];

    if (session_id_valid(id))
        return true;
    if (!defect_on(srv, DEFECT_SESSION_ID_UPPERCASE) || !id || strlen(id) != STORE_ID_LEN)
        return false;
    for (size_t i = 0; i <= STORE_ID_LEN; i++)
        lower[i] = (char)tolower((unsigned char)id[i]);
    return session_id_valid(lower);
}

/* The error shapes of the shape defects, applied to the Klarna error in r. */
static void reshape_error(mock_server *srv, mock_reply *r)
{
    cJSON *doc = mock_parse_object(r->body, r->body_len), *msgs, *first;
    if (!doc)
        return;
    if (defect_on(srv, DEFECT_NO_CORRELATION_ID)) {
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "correlation_id");
        r->correlation_id[0] = '\0';
    }
    if (defect_on(srv, DEFECT_CORRELATION_HEADER_DIFFERS))
        mock_uuid(srv, r->correlation_id);
    msgs = cJSON_GetObjectItemCaseSensitive(doc, "error_messages");
    first = cJSON_GetArrayItem(msgs, 0);
    if (defect_on(srv, DEFECT_ERROR_MESSAGES_STRING) && cJSON_IsString(first))
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "error_messages",
                                               cJSON_CreateString(first->valuestring));
    char cid[sizeof r->correlation_id];
    memcpy(cid, r->correlation_id, sizeof cid);
    mock_reply_json(r, r->status, doc);
    memcpy(r->correlation_id, cid, sizeof cid);
}

/* Every Klarna error of the session calls: mock_reply_klarna_error, bent by the code and
 * shape defects when one is on. */
static void session_error(mock_server *srv, mock_reply *r, unsigned status, const char *code,
                          const char *msg)
{
    if (!defect_any(&srv->defects)) {
        mock_reply_klarna_error(srv, r, status, code, msg);
        return;
    }
    if (status == 400 && strcmp(code, "BAD_VALUE") == 0) {
        if (defect_on(srv, DEFECT_BAD_VALUE_AS_INVALID_REQUEST))
            code = "INVALID_REQUEST";
        if (defect_on(srv, DEFECT_BAD_VALUE_AS_422))
            status = 422;
    }
    mock_reply_klarna_error(srv, r, status, code, msg);
    reshape_error(srv, r);
}

/* Drops the read-only members a client sent (readonly-echoed keeps them). */
static void drop_read_only(const mock_server *srv, cJSON *doc)
{
    if (defect_on(srv, DEFECT_READONLY_ECHOED))
        return;
    for (size_t i = 0; i < sizeof read_only_members / sizeof *read_only_members; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(doc, read_only_members[i]);
}

/* Parses a request body that must be one JSON object in strict JSON text; NULL
 * otherwise, with Klarna's BAD_REQUEST error in r. */
static cJSON *parse_object(mock_server *srv, const char *body, size_t len, mock_reply *r)
{
    char msg[160] = "Malformed request: ";
    size_t used = strlen(msg);
    if (!body || validate_json_text(body, len, msg + used, sizeof msg - used) == 0) {
        cJSON *doc = mock_parse_object(body, len);
        if (doc)
            return doc;
        snprintf(msg + used, sizeof msg - used, "the body must be a JSON object");
    }
    session_error(srv, r, 400,
                  defect_on(srv, DEFECT_NOT_JSON_AS_BAD_VALUE) ? "BAD_VALUE" : "BAD_REQUEST", msg);
    return NULL;
}

/* FNV-1a of a string: member names in merge_members, the id behind a client token. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* Finds name's slot in an open-addressing table of cap (a power of two) members. */
static cJSON **name_slot(cJSON **table, size_t cap, const char *name)
{
    size_t i = (size_t)fnv1a(name) & (cap - 1);
    while (table[i] && strcmp(table[i]->string, name) != 0)
        i = (i + 1) & (cap - 1);
    return &table[i];
}

/* Moves every member of patch into doc: a member replaces doc's member of the same
 * name, or is appended; of duplicate names the last wins (as in most JSON parsers).
 * A table of the names keeps this linear: one-by-one lookups cost members² compares,
 * tens of seconds under the shard lock for a 1 MB body of 100,000 members. Returns 0,
 * or -1 on OOM (doc is then half merged: the caller drops it). */
static int merge_members(cJSON *doc, cJSON *patch)
{
    size_t n = 0, cap = 16;
    cJSON *it, **table;
    cJSON_ArrayForEach(it, doc) n++;
    cJSON_ArrayForEach(it, patch) n++;
    while (cap < 2 * n)
        cap *= 2;
    table = calloc(cap, sizeof *table);
    if (!table)
        return -1;
    cJSON_ArrayForEach(it, doc)
    {
        cJSON **slot = name_slot(table, cap, it->string);
        if (!*slot) /* the first of duplicates is the one a lookup finds */
            *slot = it;
    }
    while ((it = patch->child) != NULL) {
        cJSON **slot = name_slot(table, cap, it->string);
        cJSON_DetachItemViaPointer(patch, it);
        if (*slot)
            cJSON_ReplaceItemViaPointer(doc, *slot, it);
        else
            cJSON_AddItemToArray(doc, it); /* keeps its name: doc is an object */
        *slot = it;
    }
    free(table);
    return 0;
}

/* Parses stored text (always one value, as mock_print wrote it). A parse that falls
 * back to cJSON also writes cJSON's global error position (a race between worker
 * threads that is harmless only because nothing here reads it: never call
 * cJSON_GetErrorPtr in the mock). */
static cJSON *parse_text(const char *text)
{
    return mock_parse_json(text, strlen(text));
}

static const char *region_of(const char *country)
{
    const market *m = market_find(country);
    if (!m)
        return "eu";
    switch (m->region) {
    case MARKET_REGION_NA:
        return "na";
    case MARKET_REGION_OC:
        return "oc";
    default:
        return "eu";
    }
}

/* The token's payload: what mock_print writes for {session_id, purchase_country, region,
 * environment, session_type, merchant_name}, written directly (once per create and read). */
static char *token_payload(const char *id, const char *country, size_t *len)
{
    char *qid = mock_print_string(id, NULL), *qcountry = mock_print_string(country, NULL);
    char *out = NULL;
    kbuf b;
    kbuf_init(&b, SIZE_MAX / 2);
    if (qid && qcountry && kbuf_puts(&b, "{\"session_id\":") == 0 && kbuf_puts(&b, qid) == 0 &&
        kbuf_puts(&b, ",\"purchase_country\":") == 0 && kbuf_puts(&b, qcountry) == 0 &&
        kbuf_puts(&b, ",\"region\":\"") == 0 && kbuf_puts(&b, region_of(country)) == 0 &&
        kbuf_puts(&b, "\",\"environment\":\"playground\",\"session_type\":\"PAYMENTS\","
                      "\"merchant_name\":\"kpmock\"}") == 0) {
        *len = b.len;
        out = kbuf_steal(&b);
    }
    kbuf_free(&b);
    free(qid);
    free(qcountry);
    return out;
}

char *session_client_token(const char *id, const char *country)
{
    static const char header[] = "{\"alg\":\"RS256\",\"kid\":\"82305ebf-9e2c-4e2c-b8c5-"
                                 "4d9b1e6e0c5a\",\"typ\":\"JWT\"}";
    char *h64 = NULL, *p64 = NULL, *s64 = NULL, *payload = NULL, *token = NULL;
    unsigned char sig[64];
    kprng r;
    size_t payload_len = 0;
    payload = token_payload(id, country, &payload_len);
    if (!payload)
        goto out;
    /* The signature only has to look like one; derive it from the id so it is stable. */
    kprng_seed(&r, fnv1a(id) | 1);
    for (size_t i = 0; i < sizeof sig; i += 8) {
        uint64_t v = kprng_next(&r);
        memcpy(sig + i, &v, 8);
    }
    h64 = b64_encode(header, sizeof header - 1, 1);
    p64 = b64_encode(payload, payload_len, 1);
    s64 = b64_encode(sig, sizeof sig, 1);
    if (!h64 || !p64 || !s64)
        goto out;
    size_t nh = strlen(h64), np = strlen(p64), ns = strlen(s64);
    token = malloc(nh + np + ns + 3);
    if (token) {
        memcpy(token, h64, nh);
        token[nh] = '.';
        memcpy(token + nh + 1, p64, np);
        token[nh + 1 + np] = '.';
        memcpy(token + nh + np + 2, s64, ns + 1);
    }
out:
    free(payload);
    free(h64);
    free(p64);
    free(s64);
    return token;
}

/* The client token of a session: a JWT, or with client-token-not-jwt an opaque hex string. */
static char *client_token(const mock_server *srv, const char *id, const char *country)
{
    if (defect_on(srv, DEFECT_CLIENT_TOKEN_NOT_JWT)) {
        char *token = malloc(17);
        if (token)
            snprintf(token, 17, "%016llx", (unsigned long long)fnv1a(id));
        return token;
    }
    return session_client_token(id, country);
}

/* payment_method_categories as compact text: mock_print of its parse is the same text. */
static const char pmc_text[] =
    "[{\"identifier\":\"klarna\",\"name\":\"Pay with Klarna\",\"asset_urls\":{"
    "\"descriptive\":\"https://x.klarnacdn.net/payment-method/assets/badges/generic/"
    "klarna.svg\",\"standard\":\"https://x.klarnacdn.net/payment-method/assets/badges/"
    "generic/klarna.svg\"}}]";

static cJSON *payment_method_categories(void)
{
    return parse_text(pmc_text);
}

/* Upper-cased purchase_country of a validated document ("" if absent). */
static void country_of(const cJSON *doc, char out[3])
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "purchase_country");
    out[0] = '\0';
    if (cJSON_IsString(c) && strlen(c->valuestring) == 2) {
        out[0] = (char)toupper((unsigned char)c->valuestring[0]);
        out[1] = (char)toupper((unsigned char)c->valuestring[1]);
        out[2] = '\0';
    }
}

static void reply_oom(mock_server *srv, mock_reply *r)
{
    session_error(srv, r, 500, "INTERNAL_ERROR", "kpmock ran out of memory");
}

/* The stored document is capped like a request body: updates cannot grow a session
 * past what one create could have sent. */
static void reply_session_too_large(mock_server *srv, mock_reply *r)
{
    char msg[128];
    snprintf(msg, sizeof msg, "The session would be larger than %zu bytes (--max-body)",
             srv->cfg.max_body_bytes);
    session_error(srv, r, 413, "PAYLOAD_TOO_LARGE", msg);
}

/* 503 when the store is full of live sessions, by count or by bytes. */
static void reply_store_full(mock_server *srv, mock_reply *r)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "Session limit reached: the mock holds at most %zu sessions (--max-sessions) and "
             "%zu bytes of session text (--max-store-bytes)",
             store_cap(srv->store), store_byte_cap(srv->store));
    session_error(srv, r, 503, "SESSION_LIMIT", msg);
}

/* Fills r with the create answer: session_id, client_token and payment_method_categories
 * (less what the create-answer defects leave out), the text mock_print writes for that
 * object, written directly. Returns -1 on OOM (r untouched). */
static int create_answer(const mock_server *srv, const char *id, const char *country,
                         unsigned status, mock_reply *r)
{
    char *token = client_token(srv, id, country), *qid = mock_print_string(id, NULL);
    char *qtoken = token ? mock_print_string(token, NULL) : NULL;
    int rc = -1;
    kbuf b;
    kbuf_init(&b, SIZE_MAX / 2);
    if (qid && qtoken && kbuf_puts(&b, "{\"session_id\":") == 0 && kbuf_puts(&b, qid) == 0 &&
        (defect_on(srv, DEFECT_NO_CLIENT_TOKEN) ||
         (kbuf_puts(&b, ",\"client_token\":") == 0 && kbuf_puts(&b, qtoken) == 0)) &&
        (defect_on(srv, DEFECT_NO_PAYMENT_METHOD_CATEGORIES) ||
         (kbuf_puts(&b, ",\"payment_method_categories\":") == 0 && kbuf_puts(&b, pmc_text) == 0)) &&
        kbuf_puts(&b, "}") == 0) {
        mock_reply_free(r);
        r->status = status;
        r->body_len = b.len;
        r->body = kbuf_steal(&b);
        r->content_type = "application/json";
        rc = 0;
    }
    kbuf_free(&b);
    free(token);
    free(qid);
    free(qtoken);
    return rc;
}

/* A new session id from the seeded generator (upper case with session-id-uppercase). */
static void new_id(mock_server *srv, char id[37])
{
    mock_uuid(srv, id);
    if (defect_on(srv, DEFECT_SESSION_ID_UPPERCASE)) {
        for (size_t i = 0; id[i]; i++)
            id[i] = (char)toupper((unsigned char)id[i]);
    }
}

void session_create(mock_server *srv, const char *body, size_t len, mock_reply *r)
{
    char msg[VALIDATE_MSG_MAX];
    char id[37], country[3];
    char *text = NULL;
    cJSON *doc = parse_object(srv, body, len, r), *dedup = NULL;
    int rc;
    if (!doc)
        goto out;
    if (!(dedup = cJSON_CreateObject()) || merge_members(dedup, doc) != 0)
        goto oom;
    cJSON_Delete(doc);
    doc = dedup;
    dedup = NULL;
    drop_read_only(srv, doc);
    if (validate_session_defects(doc, &srv->defects, msg, sizeof msg) != 0) {
        session_error(srv, r, 400, "BAD_VALUE", msg);
        goto out;
    }
    country_of(doc, country);
    text = mock_print(doc, NULL);
    if (!text)
        goto oom;
    if (strlen(text) > srv->cfg.max_body_bytes && !defect_on(srv, DEFECT_NO_BODY_LIMIT)) {
        reply_session_too_large(srv, r);
        goto out;
    }
    new_id(srv, id);
    rc = store_insert(srv->store, id, text, country, mclock_now(&srv->clock));
    text = NULL; /* the store took it */
    if (rc == STORE_FULL) {
        reply_store_full(srv, r);
        goto out;
    }
    if (rc != STORE_OK ||
        create_answer(srv, id, country, defect_on(srv, DEFECT_CREATE_201) ? 201 : 200, r) != 0)
        goto oom;
    goto out;
oom:
    reply_oom(srv, r);
out:
    cJSON_Delete(doc);
    cJSON_Delete(dedup);
    free(text);
}

/* A copy of an entry taken under its lock, so JSON work happens outside it. */
typedef struct snapshot {
    char *doc;
    store_entry e;
    int64_t expires_at;
    store *s;
} snapshot;

static int take_snapshot(store_entry *e, void *arg)
{
    snapshot *snap = arg;
    snap->doc = strdup(e->doc);
    snap->e = *e;
    snap->e.doc = NULL;
    snap->expires_at = store_expires_at(snap->s, e);
    return snap->doc ? 0 : 1;
}

/* Adds a server-owned string member, unless readonly-echoed keeps the client's copy. */
static bool add_server_string(const mock_server *srv, cJSON *doc, const char *name,
                              const char *value)
{
    if (defect_on(srv, DEFECT_READONLY_ECHOED) && cJSON_GetObjectItemCaseSensitive(doc, name))
        return true;
    return cJSON_AddStringToObject(doc, name, value) != NULL;
}

/* Builds the stored document plus status, expires_at, client_token and
 * payment_method_categories; admin adds session_id, created_at and updated_at. */
static cJSON *session_view(const mock_server *srv, const char *id, const snapshot *snap, bool admin)
{
    char when[RFC3339_TEXT_MAX];
    char *token = NULL;
    bool echo = defect_on(srv, DEFECT_READONLY_ECHOED);
    cJSON *doc = parse_text(snap->doc);
    if (!doc)
        return NULL;
    for (size_t i = 0; i < sizeof server_members / sizeof *server_members && !echo; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(doc, server_members[i]);
    if (admin) {
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "session_id");
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "created_at");
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "updated_at");
    }
    token = client_token(srv, id, snap->e.country);
    rfc3339_format(snap->expires_at, when);
    if (!token ||
        (!(defect_on(srv, DEFECT_READ_NO_STATUS) && !admin) &&
         !add_server_string(srv, doc, "status", snap->e.complete ? "complete" : "incomplete")) ||
        !add_server_string(srv, doc, "expires_at", when) ||
        !add_server_string(srv, doc, "client_token", token) ||
        (!(echo && cJSON_GetObjectItemCaseSensitive(doc, "payment_method_categories")) &&
         !cJSON_AddItemToObject(doc, "payment_method_categories", payment_method_categories())))
        goto fail;
    if (admin) {
        char created[RFC3339_TEXT_MAX], updated[RFC3339_TEXT_MAX];
        rfc3339_format(snap->e.created_at, created);
        rfc3339_format(snap->e.updated_at, updated);
        if (!cJSON_AddStringToObject(doc, "session_id", id) ||
            !cJSON_AddStringToObject(doc, "created_at", created) ||
            !cJSON_AddStringToObject(doc, "updated_at", updated))
            goto fail;
    }
    free(token);
    return doc;
fail:
    free(token);
    cJSON_Delete(doc);
    return NULL;
}

static void read_common(mock_server *srv, const char *id, mock_reply *r, bool admin)
{
    snapshot snap = {.s = srv->store};
    int rc = id_valid(srv, id)
                 ? store_with(srv->store, id, mclock_now(&srv->clock), take_snapshot, &snap)
                 : STORE_NOT_FOUND;
    cJSON *view;
    if (rc == STORE_NOT_FOUND) {
        if (admin)
            mock_reply_admin_error(r, 404, ADMIN_NOT_FOUND_MSG);
        else if (defect_on(srv, DEFECT_READ_NOT_FOUND_NO_BODY))
            mock_reply_empty(r, 404);
        else
            session_error(srv, r, 404, "NOT_FOUND", NOT_FOUND_MSG);
        return;
    }
    view = rc == 0 ? session_view(srv, id, &snap, admin) : NULL;
    free(snap.doc);
    if (!view) {
        reply_oom(srv, r);
        return;
    }
    mock_reply_json(r, 200, view);
}

void session_read(mock_server *srv, const char *id, mock_reply *r)
{
    read_common(srv, id, r, false);
}

void session_admin_get(mock_server *srv, const char *id, mock_reply *r)
{
    read_common(srv, id, r, true);
}

typedef struct update_ctx {
    cJSON *patch; /* the parsed request body; its members are moved out */
    cJSON *sent;  /* update-no-merge: a copy of the body, stored as the whole session */
    const mock_server *srv;
    int64_t now;
    size_t max_bytes; /* ceiling of the stored document's text */
    store *store;     /* for the byte accounting of the swap */
    char msg[VALIDATE_MSG_MAX];
} update_ctx;

/* Swaps text in as e's document (ownership taken); returns UPD_OK or why not. */
static int swap_in(update_ctx *u, store_entry *e, char *text)
{
    if (!text)
        return UPD_NOMEM;
    if (strlen(text) > u->max_bytes && !defect_on(u->srv, DEFECT_NO_BODY_LIMIT)) {
        free(text);
        return UPD_TOO_LARGE;
    }
    if (store_resize(u->store, strlen(e->doc), strlen(text)) != 0) {
        free(text);
        return UPD_STORE_FULL;
    }
    e->doc = text; /* the store frees the old text */
    e->updated_at = u->now;
    return UPD_OK;
}

/* True when validation is skipped: partial-update-unchecked on a body without
 * purchase_country (looked up before the merge moved the body's members). */
static bool unchecked(const update_ctx *u, bool partial)
{
    return partial && defect_on(u->srv, DEFECT_PARTIAL_UPDATE_UNCHECKED);
}

/* Runs under the shard lock: merge into a fresh parse of the stored text, validate the
 * whole result, and only then swap the text in. */
static int apply_update(store_entry *e, void *arg)
{
    update_ctx *u = arg;
    bool partial = !cJSON_GetObjectItemCaseSensitive(u->patch, "purchase_country");
    cJSON *doc;
    int rc;
    if (e->complete && !defect_on(u->srv, DEFECT_COMPLETED_UPDATABLE))
        return UPD_COMPLETED;
    doc = parse_text(e->doc);
    if (!doc || merge_members(doc, u->patch) != 0) {
        cJSON_Delete(doc);
        return UPD_NOMEM;
    }
    if (!unchecked(u, partial) &&
        validate_session_defects(doc, &u->srv->defects, u->msg, sizeof u->msg) != 0) {
        if (defect_on(u->srv, DEFECT_REJECTED_UPDATE_APPLIED))
            swap_in(u, e, mock_print(doc, NULL));
        cJSON_Delete(doc);
        return UPD_BAD_VALUE;
    }
    if (defect_on(u->srv, DEFECT_UPDATE_NOT_PERSISTED)) {
        cJSON_Delete(doc);
        return UPD_OK;
    }
    rc = swap_in(u, e, mock_print(u->sent ? u->sent : doc, NULL));
    cJSON_Delete(doc);
    return rc;
}

/* The answer to an update of an id that is not a live session. */
static void reply_update_not_found(mock_server *srv, mock_reply *r)
{
    if (defect_on(srv, DEFECT_UPDATE_NOT_FOUND_AS_400))
        session_error(srv, r, 400, "BAD_VALUE", "Bad value: session_id");
    else
        session_error(srv, r, 404, "NOT_FOUND", NOT_FOUND_MSG);
}

void session_update(mock_server *srv, const char *id, const char *body, size_t len, mock_reply *r)
{
    update_ctx u = {.srv = srv,
                    .now = mclock_now(&srv->clock),
                    .max_bytes = srv->cfg.max_body_bytes,
                    .store = srv->store};
    int rc;
    if (!id_valid(srv, id)) {
        reply_update_not_found(srv, r);
        return;
    }
    u.patch = parse_object(srv, body, len, r);
    if (!u.patch)
        return;
    drop_read_only(srv, u.patch);
    if (defect_on(srv, DEFECT_UPDATE_NO_MERGE) && !(u.sent = cJSON_Duplicate(u.patch, 1))) {
        cJSON_Delete(u.patch);
        reply_oom(srv, r);
        return;
    }
    rc = store_with(srv->store, id, u.now, apply_update, &u);
    cJSON_Delete(u.patch);
    cJSON_Delete(u.sent);
    switch (rc) {
    case UPD_OK:
        mock_reply_empty(r, defect_on(srv, DEFECT_UPDATE_200) ? 200 : 204);
        break;
    case STORE_NOT_FOUND:
        reply_update_not_found(srv, r);
        break;
    case UPD_BAD_VALUE:
        session_error(srv, r, 400, "BAD_VALUE", u.msg);
        break;
    case UPD_TOO_LARGE:
        reply_session_too_large(srv, r);
        break;
    case UPD_STORE_FULL:
        reply_store_full(srv, r);
        break;
    case UPD_COMPLETED:
        if (srv->cfg.completed_answer == MOCK_COMPLETED_404_SESSION_COMPLETED)
            session_error(srv, r, 404, "SESSION_COMPLETED",
                          "Session is completed and can no longer be updated");
        else
            session_error(srv, r, 403, "INVALID_OPERATION",
                          "Session is completed and can no longer be updated");
        break;
    default:
        reply_oom(srv, r);
        break;
    }
}

static int mark_complete(store_entry *e, void *arg)
{
    (void)arg;
    e->complete = true;
    return 0;
}

void session_admin_complete(mock_server *srv, const char *id, mock_reply *r)
{
    int rc = id_valid(srv, id)
                 ? store_with(srv->store, id, mclock_now(&srv->clock), mark_complete, NULL)
                 : STORE_NOT_FOUND;
    if (rc == STORE_NOT_FOUND)
        mock_reply_admin_error(r, 404, ADMIN_NOT_FOUND_MSG);
    else
        mock_reply_empty(r, 204);
}

typedef struct listing {
    cJSON *arr;
    size_t max, n;
    store *s;
    bool oom;
} listing;

static int list_one(const char *id, const store_entry *e, bool expired, void *arg)
{
    listing *l = arg;
    char when[RFC3339_TEXT_MAX];
    cJSON *o;
    if (l->n >= l->max)
        return 1;
    o = cJSON_CreateObject();
    rfc3339_format(store_expires_at(l->s, e), when);
    if (!o || !cJSON_AddStringToObject(o, "session_id", id) ||
        !cJSON_AddStringToObject(o, "status", e->complete ? "complete" : "incomplete") ||
        !cJSON_AddStringToObject(o, "expires_at", when) ||
        !cJSON_AddBoolToObject(o, "expired", expired)) {
        cJSON_Delete(o);
        l->oom = true;
        return 1;
    }
    cJSON_AddItemToArray(l->arr, o);
    l->n++;
    return 0;
}

void session_admin_list(mock_server *srv, size_t listing_max, mock_reply *r)
{
    listing l = {.max = listing_max, .s = srv->store};
    cJSON *root = cJSON_CreateObject();
    if (!root || !cJSON_AddNumberToObject(root, "count", (double)store_count(srv->store)) ||
        !(l.arr = cJSON_AddArrayToObject(root, "sessions"))) {
        cJSON_Delete(root);
        mock_reply_admin_error(r, 500, "out of memory");
        return;
    }
    store_each(srv->store, mclock_now(&srv->clock), list_one, &l);
    if (l.oom) {
        cJSON_Delete(root);
        mock_reply_admin_error(r, 500, "out of memory");
        return;
    }
    mock_reply_json(r, 200, root);
}
