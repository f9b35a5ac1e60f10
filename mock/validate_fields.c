/* validate_fields: the floor under the validator's parts — the failing-field list and pure
 * readers of JSON values (members, bounded integers, bounded strings, word lists). */
#include "validate_internal.h"

#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool failures_full(const failures *f)
{
    return f->n >= VALIDATE_MAX_FIELDS;
}

void failures_add(failures *f, const char *field)
{
    if (failures_full(f))
        return;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->field[i], field) == 0)
            return;
    }
    snprintf(f->field[f->n], FIELD_NAME_MAX, "%s", field);
    f->n++;
}

void failures_add_member(failures *f, const char *object, const char *member)
{
    char name[FIELD_NAME_MAX];

    snprintf(name, sizeof name, "%s.%s", object, member);
    failures_add(f, name);
}

/* cJSON_GetObjectItemCaseSensitive's walk (the first member of that name; a member
 * without a name ends it), comparing first bytes before whole names: the validator looks
 * up some forty names per session. */
const cJSON *member(const cJSON *obj, const char *key)
{
    const cJSON *v;

    if (!cJSON_IsObject(obj))
        return NULL;
    for (v = obj->child; v && v->string; v = v->next) {
        if (v->string[0] == key[0] && strcmp(v->string, key) == 0)
            break;
    }
    return v && v->string && !cJSON_IsNull(v) ? v : NULL;
}

/* A lookup per key costs a string compare per key and member; this pass mostly compares
 * first bytes, which matters on 1000-line orders. */
void read_members(const cJSON *obj, const char *const *keys, size_t n, const cJSON **found)
{
    uint32_t seen = 0;
    const cJSON *c;

    for (size_t k = 0; k < n; k++)
        found[k] = NULL;
    if (!cJSON_IsObject(obj))
        return;
    cJSON_ArrayForEach(c, obj)
    {
        if (!c->string)
            continue;
        for (size_t k = 0; k < n; k++) {
            if (!(seen & (UINT32_C(1) << k)) && keys[k][0] == c->string[0] &&
                strcmp(keys[k], c->string) == 0) {
                seen |= UINT32_C(1) << k;
                found[k] = cJSON_IsNull(c) ? NULL : c;
                break;
            }
        }
    }
}

bool json_int(const cJSON *v, int64_t lo, int64_t hi, int64_t *out)
{
    double d;

    if (!cJSON_IsNumber(v))
        return false;
    d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
        return false;
    *out = (int64_t)d; /* -0.0 becomes plain 0 */
    return true;
}

bool string_fits(const cJSON *v, long min, long max)
{
    long n;

    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    n = utf8_chars(v->valuestring, strlen(v->valuestring));
    return n >= min && n <= max;
}

bool one_of(const cJSON *v, const char *const *words)
{
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    for (; *words; words++) {
        if (strcmp(v->valuestring, *words) == 0)
            return true;
    }
    return false;
}

void check_strings(failures *f, const cJSON *obj, const char *object, const string_rule *rules)
{
    for (; rules->member; rules++) {
        const cJSON *v = member(obj, rules->member);
        if (v && !string_fits(v, rules->min, rules->max))
            failures_add_member(f, object, rules->member);
    }
}

const cJSON *optional_object(failures *f, const cJSON *parent, const char *object)
{
    const cJSON *obj = member(parent, object);

    if (obj && !cJSON_IsObject(obj)) {
        failures_add(f, object);
        return NULL;
    }
    return obj;
}
