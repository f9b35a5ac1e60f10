/* case_admin: the table of admin actions and, per action, its load-time check and the
 * call it makes on the mock (see case_admin.h). */
#define _GNU_SOURCE /* asprintf */
#include "case_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mock's admin routes and body members. */
#define ADMIN_CLOCK           "/__admin/clock"
#define ADMIN_FAULTS          "/__admin/faults"
#define ADMIN_SESSIONS        "/__admin/sessions"
#define ADMIN_COMPLETE_SUFFIX "/complete"
#define ADMIN_CLOCK_ADVANCE   "advance_s"
#define ADMIN_CLOCK_SET       "set"

/* ---- load-time checks ---- */

static int check_clock_advance(case_lctx *c, const case_doc *doc, const cJSON *v,
                               const case_var_scope *scope)
{
    (void)scope;
    if (case_json_whole(v, 0, (double)CASE_MAX_CLOCK_ADVANCE))
        return 0;
    case_err(c, doc, v, false, "\"clock_advance\" must be a whole number of seconds from 0 to %ld",
             CASE_MAX_CLOCK_ADVANCE);
    return 1;
}

static bool rfc3339_utc(const char *s)
{
    /* YYYY-MM-DDTHH:MM:SSZ */
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return false;
    return true;
}

static int check_clock_set(case_lctx *c, const case_doc *doc, const cJSON *v,
                           const case_var_scope *scope)
{
    (void)scope;
    if (cJSON_IsString(v) && rfc3339_utc(v->valuestring))
        return 0;
    case_err(c, doc, v, false,
             "\"clock_set\" must be an RFC 3339 UTC time like \"2030-01-01T00:00:00Z\"");
    return 1;
}

static int check_complete_session(case_lctx *c, const case_doc *doc, const cJSON *v,
                                  const case_var_scope *scope)
{
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        case_err(c, doc, v, false, "\"complete_session\" must be a session id (a string)");
        return 1;
    }
    return case_vars_check(c, doc, v, false, scope);
}

static int check_fault(case_lctx *c, const case_doc *doc, const cJSON *f,
                       const case_var_scope *scope)
{
    int problems = 0;
    if (!cJSON_IsObject(f)) {
        case_err(c, doc, f, false, "\"fault\" must be an object, not %s", case_json_type_name(f));
        return 1;
    }
    static const char *const keys[] = {"kind", "times",        "method",   "path",    "status",
                                       "body", "content_type", "delay_ms", "hang_ms", "retry_after",
                                       NULL};
    static const char *const req[] = {"kind", NULL};
    problems += case_check_keys(c, doc, f, "a fault", keys, req);
    const char *kind = case_get_str(c, doc, f, "kind", "a fault", &problems);
    static const char *const kinds[] = {"status",   "delay",      "reset", "hang",
                                        "truncate", "rate_limit", NULL};
    if (kind && !case_name_in(kind, kinds)) {
        case_err(c, doc, cJSON_GetObjectItemCaseSensitive(f, "kind"), false,
                 "unknown fault kind \"%s\" (expected status, delay, reset, hang, truncate or "
                 "rate_limit)",
                 kind);
        problems++;
    }
    static const char *const ints[] = {"times", "status", "delay_ms", "hang_ms", "retry_after"};
    for (size_t i = 0; i < 5; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, ints[i]);
        if (v && !case_json_whole(v, 0, 1e9)) {
            case_err(c, doc, v, false, "\"%s\" in a fault must be a non-negative integer", ints[i]);
            problems++;
        }
    }
    case_get_str(c, doc, f, "method", "a fault", &problems);
    case_get_str(c, doc, f, "body", "a fault", &problems);
    case_get_str(c, doc, f, "content_type", "a fault", &problems);
    const char *path = case_get_str(c, doc, f, "path", "a fault", &problems);
    if (path && path[0] != '/') {
        case_err(c, doc, cJSON_GetObjectItemCaseSensitive(f, "path"), false,
                 "\"path\" in a fault must start with /");
        problems++;
    }
    problems += case_vars_check(c, doc, f, true, scope);
    return problems;
}

/* ---- the calls ---- */

static int fixed_path(const char *path, char **out, char *err, size_t errlen)
{
    *out = strdup(path);
    if (*out)
        return 0;
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int build_clock_advance(const case_vars_ctx *vars, const cJSON *v, char **path, cJSON **body,
                               char *err, size_t errlen)
{
    (void)vars;
    *body = cJSON_CreateObject();
    if (!*body || !cJSON_AddNumberToObject(*body, ADMIN_CLOCK_ADVANCE, v->valuedouble)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return fixed_path(ADMIN_CLOCK, path, err, errlen);
}

static int build_clock_set(const case_vars_ctx *vars, const cJSON *v, char **path, cJSON **body,
                           char *err, size_t errlen)
{
    (void)vars;
    *body = cJSON_CreateObject();
    if (!*body || !cJSON_AddStringToObject(*body, ADMIN_CLOCK_SET, v->valuestring)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return fixed_path(ADMIN_CLOCK, path, err, errlen);
}

static int build_complete_session(const case_vars_ctx *vars, const cJSON *v, char **path,
                                  cJSON **body, char *err, size_t errlen)
{
    (void)body;
    char *id = case_vars_subst_string(vars, v->valuestring, err, errlen);
    if (!id)
        return -1;
    if (!*id || strpbrk(id, "/?#% ")) {
        /* shown whole or not at all: a cut value could hold part of a secret that the
         * redaction downstream no longer recognises */
        if (strlen(id) <= 64)
            snprintf(err, errlen, "complete_session: \"%s\" is not a session id", id);
        else
            snprintf(err, errlen,
                     "complete_session: a value of %zu bytes with '/', '?', '#', '%%' or a "
                     "space is not a session id",
                     strlen(id));
        free(id);
        return -1;
    }
    int n = asprintf(path, "%s/%s%s", ADMIN_SESSIONS, id, ADMIN_COMPLETE_SUFFIX);
    free(id);
    if (n < 0) {
        *path = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int build_fault(const case_vars_ctx *vars, const cJSON *v, char **path, cJSON **body,
                       char *err, size_t errlen)
{
    *body = case_vars_subst_json(vars, v, err, errlen);
    if (!*body)
        return -1;
    return fixed_path(ADMIN_FAULTS, path, err, errlen);
}

/* ---- the table ---- */

static const case_admin_action ACTIONS[] = {
    {"clock_advance", "advances the mock clock", ADMIN_CLOCK, true, check_clock_advance,
     build_clock_advance},
    {"clock_set", "sets the mock clock", ADMIN_CLOCK, true, check_clock_set, build_clock_set},
    {"complete_session", "completes a session through the admin API", ADMIN_SESSIONS, false,
     check_complete_session, build_complete_session},
    {"fault", "arms a fault", ADMIN_FAULTS, true, check_fault, build_fault},
};

#define N_ACTIONS (sizeof ACTIONS / sizeof ACTIONS[0])

static const char *const NAMES[] = {"clock_advance", "clock_set", "complete_session", "fault",
                                    NULL};
_Static_assert(sizeof NAMES / sizeof NAMES[0] == N_ACTIONS + 1, "one name per action");

const case_admin_action *case_admin_find(const char *name)
{
    for (size_t i = 0; name && i < N_ACTIONS; i++)
        if (strcmp(ACTIONS[i].name, name) == 0)
            return &ACTIONS[i];
    return NULL;
}

const char *const *case_admin_names(void)
{
    return NAMES;
}
