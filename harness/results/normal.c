/* normal: volatile values out of a response body, so two runs' answers compare. */
#include "normal.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "kbuf.h"
#include "rfc3339.h"

static bool is_uuid(const char *s, size_t n)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (n != sizeof shape - 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Three base64url segments, the first starting "eyJ" (a JSON header): a JWT. */
static bool is_jwt(const char *s, size_t n)
{
    if (n < 10 || strncmp(s, "eyJ", 3) != 0)
        return false;
    int dots = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.')
            dots++;
        else if (!isalnum(c) && c != '-' && c != '_' && c != '=')
            return false;
    }
    return dots == 2;
}

static bool is_time(const char *s, size_t n)
{
    if (n < 20 || n > 40)
        return false;
    char buf[48];
    memcpy(buf, s, n);
    buf[n] = '\0';
    int64_t t;
    return rfc3339_parse_utc(buf, &t) == 0;
}

static const char *placeholder_n(const char *s, size_t n)
{
    if (is_uuid(s, n))
        return "<uuid>";
    if (is_jwt(s, n))
        return "<jwt>";
    if (is_time(s, n))
        return "<time>";
    return NULL;
}

const char *normal_placeholder(const char *s)
{
    return placeholder_n(s, strlen(s));
}

/* Replaces volatile strings in place, depth-first; member names are kept. */
static int replace_volatile(cJSON *j)
{
    for (cJSON *c = j->child; c; c = c->next) {
        if (cJSON_IsString(c)) {
            const char *ph = normal_placeholder(c->valuestring);
            if (ph && !cJSON_SetValuestring(c, ph))
                return -1;
        } else if (replace_volatile(c) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Text that is not JSON: volatile words (split at spaces, quotes and punctuation that
 * cannot be inside one) replaced. */
static int text_normal(kbuf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && (isalnum((unsigned char)s[j]) || strchr("-_.:+", s[j])))
            j++;
        if (j > i) {
            const char *ph = placeholder_n(s + i, j - i);
            if (ph ? kbuf_puts(out, ph) < 0 : kbuf_append(out, s + i, j - i) < 0)
                return -1;
            i = j;
        } else if (kbuf_append(out, s + i++, 1) < 0) {
            return -1;
        }
    }
    return 0;
}

char *normal_body(const char *body, size_t len)
{
    kbuf out;
    /* the whole text is built, then cut: a cut made first could split a placeholder */
    kbuf_init(&out, 4u * (1u << 20) + 64);
    const char *end = NULL;
    cJSON *j = len ? cJSON_ParseWithLengthOpts(body, len, &end, 0) : NULL;
    while (j && end && end < body + len && strchr(" \t\r\n", *end) && *end)
        end++;
    if (j && end != body + len) {
        cJSON_Delete(j);
        j = NULL;
    }
    int rc;
    if (j) {
        if (cJSON_IsString(j)) {
            const char *ph = normal_placeholder(j->valuestring);
            if (ph)
                cJSON_SetValuestring(j, ph);
        }
        char *txt = replace_volatile(j) == 0 ? cJSON_PrintUnformatted(j) : NULL;
        rc = txt ? kbuf_puts(&out, txt) : -1;
        free(txt);
        cJSON_Delete(j);
    } else {
        rc = text_normal(&out, body ? body : "", len);
    }
    if (rc < 0) {
        kbuf_free(&out);
        return NULL;
    }
    if (out.len > NORMAL_MAX_BODY) {
        size_t n = NORMAL_MAX_BODY - 3;
        while (n > 0 && ((unsigned char)out.data[n] & 0xC0) == 0x80)
            n--;
        memcpy(out.data + n, "...", 4);
        out.len = n + 3;
    }
    char *s = kbuf_steal(&out);
    kbuf_free(&out);
    return s;
}
