/* case_admin: the table of admin actions and, per action, its load-time check and the
 * call it makes on the mock (see case_admin.h). */
#define _GNU_SOURCE /* asprintf */
#include "case_admin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_admin.h"
#include "mock_fault.h"
#include "rfc3339.h"

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

static int check_clock_set(case_lctx *c, const case_doc *doc, const cJSON *v,
                           const case_var_scope *scope)
{
    (void)scope;
    int64_t t;
    /* the mock's own reading of the time, so lint and the mock agree on every value */
    if (cJSON_IsString(v) && rfc3339_parse_utc(v->valuestring, &t) == 0)
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

/* Whether some string in item (recursively) holds a ${...} reference (or something
 * that starts like one). */
static bool holds_reference(const cJSON *item)
{
    if (cJSON_IsString(item)) {
        size_t pos = 0;
        case_var_ref ref;
        char err[8];
        return case_vars_next(item->valuestring, &pos, &ref, err, sizeof err) != 0;
    }
    for (const cJSON *e = item->child; e; e = e->next)
        if (holds_reference(e))
            return true;
    return false;
}

/* A fault is the mock's to judge: it is checked by mock_fault_spec_check, the very code
 * POST /__admin/faults runs, and its reason is reported at the fault. The loader adds
 * only what the mock cannot see: duplicate keys (the mock's parse keeps the first) and
 * ${variables}. A fault holding a reference is not shown to the mock at load time: its
 * value is known only when the step runs, no representative stands in for every member
 * (a "${code}" status could be any number), and the mock checks the substituted fault
 * when the step arms it (a refusal fails the step). */
static int check_fault(case_lctx *c, const case_doc *doc, const cJSON *f,
                       const case_var_scope *scope)
{
    int problems = 0;
    for (const cJSON *m = cJSON_IsObject(f) ? f->child : NULL; m; m = m->next)
        if (case_key_seen_before(f, m)) {
            case_err(c, doc, m, true, "duplicate key \"%s\" in a fault", m->string);
            problems++;
        }
    if (!holds_reference(f)) {
        char why[256];
        if (mock_fault_spec_check(f, why, sizeof why) != 0) {
            if (strcmp(why, "out of memory") == 0) {
                case_oom(c);
                return problems;
            }
            case_err(c, doc, f, false, "the mock refuses this fault: %s", why);
            problems++;
        }
        return problems;
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

static int build_clock_advance(const case_admin_action *self, const case_vars_ctx *vars,
                               const cJSON *v, char **path, cJSON **body, char *err, size_t errlen)
{
    (void)vars;
    *body = cJSON_CreateObject();
    if (!*body || !cJSON_AddNumberToObject(*body, MOCK_ADMIN_CLOCK_ADVANCE, v->valuedouble)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return fixed_path(self->path, path, err, errlen);
}

static int build_clock_set(const case_admin_action *self, const case_vars_ctx *vars, const cJSON *v,
                           char **path, cJSON **body, char *err, size_t errlen)
{
    (void)vars;
    *body = cJSON_CreateObject();
    if (!*body || !cJSON_AddStringToObject(*body, MOCK_ADMIN_CLOCK_SET, v->valuestring)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return fixed_path(self->path, path, err, errlen);
}

static int build_complete_session(const case_admin_action *self, const case_vars_ctx *vars,
                                  const cJSON *v, char **path, cJSON **body, char *err,
                                  size_t errlen)
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
    int n = asprintf(path, "%s/%s%s", self->path, id, MOCK_ADMIN_COMPLETE_SUFFIX);
    free(id);
    if (n < 0) {
        *path = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int build_fault(const case_admin_action *self, const case_vars_ctx *vars, const cJSON *v,
                       char **path, cJSON **body, char *err, size_t errlen)
{
    *body = case_vars_subst_json(vars, v, err, errlen);
    if (!*body)
        return -1;
    return fixed_path(self->path, path, err, errlen);
}

/* ---- the table ---- */

static const case_admin_action ACTIONS[] = {
    {"clock_advance", "advances the mock clock", MOCK_ADMIN_CLOCK, true, check_clock_advance,
     build_clock_advance},
    {"clock_set", "sets the mock clock", MOCK_ADMIN_CLOCK, true, check_clock_set, build_clock_set},
    {"complete_session", "completes a session through the admin API", MOCK_ADMIN_SESSIONS, false,
     check_complete_session, build_complete_session},
    {"fault", "arms a fault", MOCK_ADMIN_FAULTS, true, check_fault, build_fault},
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
