/* fault: a short linked list under one mutex, in arming order; the first match fires. */
#include "fault.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fault_list {
    pthread_mutex_t mu;
    fault *head;
    /* changed under mu only; read without it too, so that a request with nothing armed
     * (nearly every one) passes without taking the list's lock */
    _Atomic size_t count;
    unsigned next_id;
};

static const char *const kind_names[] = {
    [FAULT_NONE] = "none",
    [FAULT_STATUS] = "status",
    [FAULT_DELAY] = "delay",
    [FAULT_RESET] = "reset",
    [FAULT_HANG] = "hang",
    [FAULT_TRUNCATE] = "truncate",
    [FAULT_RATE_LIMIT] = "rate_limit",
};

const char *fault_kind_name(fault_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "none";
}

fault_list *fault_list_new(void)
{
    fault_list *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    pthread_mutex_init(&l->mu, NULL);
    l->next_id = 1;
    return l;
}

static void fault_free(fault *f)
{
    fault_release(f);
    free(f);
}

void fault_release(fault *f)
{
    if (!f)
        return;
    free(f->method);
    free(f->path);
    free(f->body);
    free(f->content_type);
    f->method = f->path = f->body = f->content_type = NULL;
}

static void clear_locked(fault_list *l)
{
    fault *f = l->head;
    while (f) {
        fault *next = f->next;
        fault_free(f);
        f = next;
    }
    l->head = NULL;
    l->count = 0;
}

void fault_list_free(fault_list *l)
{
    if (!l)
        return;
    clear_locked(l);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

void fault_clear(fault_list *l)
{
    pthread_mutex_lock(&l->mu);
    clear_locked(l);
    pthread_mutex_unlock(&l->mu);
}

/* Reads an optional non-negative integer member no larger than max. */
static int get_uint(const cJSON *spec, const char *name, unsigned dflt, unsigned max, unsigned *out,
                    char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, name);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
        v->valuedouble != (double)(unsigned)v->valuedouble) {
        snprintf(err, errlen, "%s must be an integer from 0 to %u", name, max);
        return -1;
    }
    *out = (unsigned)v->valuedouble;
    return 0;
}

/* Reads an optional string member of at most max bytes into a new copy (NULL if absent). */
static int get_str(const cJSON *spec, const char *name, size_t max, char **out, char *err,
                   size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, name);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > max) {
        snprintf(err, errlen, "%s must be a string of at most %zu bytes", name, max);
        return -1;
    }
    *out = strdup(v->valuestring);
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Every member a fault spec may carry (whatever its kind, as kpct's case loader allows). */
static const char *const spec_members[] = {
    "kind",         "times",    "method",  "path",        "status", "body",
    "content_type", "delay_ms", "hang_ms", "retry_after", NULL};

/* Refuses a member no fault takes: a typo ("delay" for "delay_ms") must not arm a fault
 * that silently does something else. */
static int check_members(const cJSON *spec, char *err, size_t errlen)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, spec)
    {
        size_t k = 0;
        while (spec_members[k] && strcmp(spec_members[k], m->string) != 0)
            k++;
        if (!spec_members[k]) {
            snprintf(err, errlen,
                     "unknown member '%.40s' (a fault takes kind, times, method, path, status, "
                     "body, content_type, delay_ms, hang_ms, retry_after)",
                     m->string);
            return -1;
        }
    }
    return 0;
}

/* True when s can be sent as a header value: printable ASCII only (no CR, LF or NUL). */
static bool header_safe(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return true;
}

static fault_kind kind_from_name(const char *s)
{
    for (size_t k = FAULT_STATUS; k < sizeof kind_names / sizeof *kind_names; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return (fault_kind)k;
    return FAULT_NONE;
}

/* Reads spec into f (kind, match and the kind's members), exactly as the admin API takes
 * it; returns 0, or -1 with the reason in err. f's strings are f's: the caller releases
 * them whatever the outcome. */
static int parse_spec(const cJSON *spec, fault *f, char *err, size_t errlen)
{
    if (!cJSON_IsObject(spec)) {
        snprintf(err, errlen, "a fault must be a JSON object");
        return -1;
    }
    if (check_members(spec, err, errlen) != 0)
        return -1;
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(spec, "kind");
    if (!cJSON_IsString(kind) || (f->kind = kind_from_name(kind->valuestring)) == FAULT_NONE) {
        snprintf(err, errlen,
                 "kind must be one of status, delay, reset, hang, truncate, rate_limit");
        return -1;
    }
    if (get_uint(spec, "times", 1, 1000000, &f->times, err, errlen) ||
        get_str(spec, "method", 15, &f->method, err, errlen) ||
        get_str(spec, "path", 1024, &f->path, err, errlen))
        return -1;
    /* a request's path always starts with '/': a pattern that does not would never fire */
    if (f->path && f->path[0] != '/') {
        snprintf(err, errlen, "path must start with / (it is matched against request paths)");
        return -1;
    }
    f->remaining = f->times;
    switch (f->kind) {
    case FAULT_STATUS:
        /* 1xx is left out: an interim answer and nothing after it is a hang, not a status */
        if (!cJSON_GetObjectItemCaseSensitive(spec, "status")) {
            snprintf(err, errlen, "a status fault needs \"status\" (200..599)");
            return -1;
        }
        if (get_uint(spec, "status", 500, 599, &f->status, err, errlen) ||
            get_str(spec, "body", FAULT_MAX_BODY, &f->body, err, errlen) ||
            get_str(spec, "content_type", 255, &f->content_type, err, errlen))
            return -1;
        if (f->status < 200) {
            snprintf(err, errlen, "status must be from 200 to 599");
            return -1;
        }
        if (f->content_type && !header_safe(f->content_type)) {
            snprintf(err, errlen, "content_type must be printable ASCII (it is sent as a header)");
            return -1;
        }
        return 0;
    case FAULT_DELAY:
        return get_uint(spec, "delay_ms", 0, FAULT_MAX_WAIT_MS, &f->delay_ms, err, errlen);
    case FAULT_HANG:
        return get_uint(spec, "hang_ms", 0, FAULT_MAX_WAIT_MS, &f->hang_ms, err, errlen);
    case FAULT_RATE_LIMIT:
        return get_uint(spec, "retry_after", 1, 86400, &f->retry_after, err, errlen);
    default:
        return 0;
    }
}

int mock_fault_spec_check(const cJSON *spec, char *err, size_t errlen)
{
    fault f = {0};
    int rc = parse_spec(spec, &f, err, errlen);
    fault_release(&f);
    return rc;
}

int fault_arm(fault_list *l, const cJSON *spec, unsigned *id, char *err, size_t errlen)
{
    fault *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (parse_spec(spec, f, err, errlen) != 0)
        goto fail;
    pthread_mutex_lock(&l->mu);
    if (l->count >= FAULT_MAX_ARMED) {
        pthread_mutex_unlock(&l->mu);
        snprintf(err, errlen, "at most %d faults can be armed at once", FAULT_MAX_ARMED);
        goto fail;
    }
    f->id = l->next_id++;
    fault **pp = &l->head;
    while (*pp)
        pp = &(*pp)->next;
    *pp = f;
    l->count++;
    *id = f->id;
    pthread_mutex_unlock(&l->mu);
    return 0;
fail:
    fault_free(f);
    return -1;
}

static bool path_matches(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

int fault_take(fault_list *l, const char *method, const char *path, fault *out)
{
    int fired = 0;
    /* a fault armed by an answered admin call is seen: its count was stored before */
    if (atomic_load(&l->count) == 0)
        return 0;
    pthread_mutex_lock(&l->mu);
    fault **pp = &l->head;
    while (*pp) {
        fault *f = *pp;
        if ((!f->method || strcmp(f->method, method) == 0) &&
            (!f->path || path_matches(f->path, path))) {
            bool oom = false;
            *out = *f;
            out->next = NULL;
            out->method = dup_or_null(f->method, &oom);
            out->path = dup_or_null(f->path, &oom);
            out->body = dup_or_null(f->body, &oom);
            out->content_type = dup_or_null(f->content_type, &oom);
            if (oom) {
                fault_release(out);
                break;
            }
            out->remaining = f->times ? --f->remaining : 0;
            if (f->times && f->remaining == 0) {
                *pp = f->next;
                l->count--;
                fault_free(f);
            }
            fired = 1;
            break;
        }
        pp = &f->next;
    }
    pthread_mutex_unlock(&l->mu);
    return fired;
}

cJSON *fault_list_json(fault_list *l)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "faults") : NULL;
    bool ok = arr != NULL;
    pthread_mutex_lock(&l->mu);
    for (fault *f = l->head; ok && f; f = f->next) {
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddNumberToObject(o, "id", f->id) &&
             cJSON_AddStringToObject(o, "kind", fault_kind_name(f->kind)) &&
             cJSON_AddNumberToObject(o, "times", f->times) &&
             (f->times ? cJSON_AddNumberToObject(o, "remaining", f->remaining) != NULL
                       : cJSON_AddNullToObject(o, "remaining") != NULL) &&
             (f->method ? cJSON_AddStringToObject(o, "method", f->method) != NULL : true) &&
             (f->path ? cJSON_AddStringToObject(o, "path", f->path) != NULL : true);
        if (ok && f->kind == FAULT_STATUS)
            ok = cJSON_AddNumberToObject(o, "status", f->status) &&
                 cJSON_AddStringToObject(o, "body", f->body ? f->body : "") &&
                 cJSON_AddStringToObject(o, "content_type",
                                         f->content_type ? f->content_type : "application/json");
        if (ok && f->kind == FAULT_DELAY)
            ok = cJSON_AddNumberToObject(o, "delay_ms", f->delay_ms) != NULL;
        if (ok && f->kind == FAULT_HANG)
            ok = cJSON_AddNumberToObject(o, "hang_ms", f->hang_ms) != NULL;
        if (ok && f->kind == FAULT_RATE_LIMIT)
            ok = cJSON_AddNumberToObject(o, "retry_after", f->retry_after) != NULL;
        if (o)
            cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&l->mu);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
