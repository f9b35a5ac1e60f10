/* cjson_oracle: see cjson_oracle.h. */
#include "cjson_oracle.h"

#include <ctype.h>
#include <string.h>

/* The mock's parse as it was before json.c: cJSON's, exactly one value, isspace after it. */
cJSON *cjson_oracle_parse_whole(const char *text, size_t len, bool object)
{
    const char *end = NULL;
    cJSON *doc = len ? cJSON_ParseWithLengthOpts(text, len, &end, 0) : NULL;
    while (doc && end && (size_t)(end - text) < len && isspace((unsigned char)*end))
        end++;
    if (doc && (!end || (size_t)(end - text) != len || (object && !cJSON_IsObject(doc)))) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}

/* True when a and b are the same tree in every field cJSON keeps. */
bool cjson_oracle_same_tree(const cJSON *a, const cJSON *b)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type || a->valueint != b->valueint ||
        memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble) != 0 ||
        !a->string != !b->string || (a->string && strcmp(a->string, b->string) != 0) ||
        !a->valuestring != !b->valuestring ||
        (a->valuestring && strcmp(a->valuestring, b->valuestring) != 0))
        return false;
    const cJSON *x = a->child, *y = b->child, *last_x = NULL, *last_y = NULL;
    for (; x && y; x = x->next, y = y->next) {
        if (!cjson_oracle_same_tree(x, y))
            return false;
        last_x = x;
        last_y = y;
    }
    /* cJSON finds the end of a list through its first member's prev */
    return !x && !y && (!a->child || (a->child->prev == last_x && b->child->prev == last_y));
}
