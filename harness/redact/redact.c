/* redact: the process-wide registry of secrets (credentials, ${env:...} values) and the
 * filter that replaces them, their standard base64 forms and their JSON- and
 * shell-escaped forms, by "***" in any output. */
#include "redact.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

typedef struct secret {
    char *bytes;
    size_t len;
} secret;

static pthread_mutex_t redact_lock = PTHREAD_MUTEX_INITIALIZER;
static secret redact_secrets[REDACT_MAX_SECRETS];
static size_t secret_count;
static size_t refused_count;

/* Keeps the table sorted longest first, so a secret that contains another wins. */
static void add_locked(const char *s, size_t len)
{
    if (len == 0)
        return;
    if (len < REDACT_MIN_BYTES) {
        refused_count++;
        return;
    }
    for (size_t i = 0; i < secret_count; i++)
        if (redact_secrets[i].len == len && memcmp(redact_secrets[i].bytes, s, len) == 0)
            return;
    if (secret_count == REDACT_MAX_SECRETS) {
        /* Never silently stop redacting: count it, so the CLI can refuse to go on. */
        refused_count++;
        return;
    }
    char *copy = malloc(len);
    if (!copy) {
        refused_count++;
        return;
    }
    memcpy(copy, s, len);
    size_t at = secret_count;
    while (at > 0 && redact_secrets[at - 1].len < len) {
        redact_secrets[at] = redact_secrets[at - 1];
        at--;
    }
    redact_secrets[at] = (secret){copy, len};
    secret_count++;
}

/* Writes s as it appears inside a JSON string printed by cJSON (", \\ and control
 * characters escaped; other bytes as they are). Returns a new string, or NULL. */
static char *json_escaped(const char *s, size_t len, size_t *out_len)
{
    char *out = malloc(6 * len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *short_form = c == '"'    ? "\\\""
                                 : c == '\\' ? "\\\\"
                                 : c == '\b' ? "\\b"
                                 : c == '\f' ? "\\f"
                                 : c == '\n' ? "\\n"
                                 : c == '\r' ? "\\r"
                                 : c == '\t' ? "\\t"
                                             : NULL;
        if (short_form) {
            memcpy(o, short_form, 2);
            o += 2;
        } else if (c < 0x20) {
            o += sprintf(o, "\\u%04x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* Writes s as it appears inside a single-quoted shell word (each ' as '\\''), the way
 * the request story quotes URLs, headers and bodies. Returns a new string, or NULL. */
static char *shell_escaped(const char *s, size_t len, size_t *out_len)
{
    char *out = malloc(4 * len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* Adds the forms a value takes once escaped by the outputs that carry it before they
 * are redacted: a JSON body (cJSON escapes), the shell-quoted request story, and both
 * (a JSON body inside the story). Without them a secret with a quote or a backslash
 * would pass the filter in its escaped form. */
static void add_escaped_locked(const char *s, size_t len)
{
    size_t jl = 0, sl = 0, jsl = 0;
    char *json = json_escaped(s, len, &jl);
    char *shell = shell_escaped(s, len, &sl);
    char *both = json ? shell_escaped(json, jl, &jsl) : NULL;
    if (!json || !shell || !both)
        refused_count++;
    /* add_locked skips a form equal to one already registered (no escape needed) */
    if (json)
        add_locked(json, jl);
    if (shell)
        add_locked(shell, sl);
    if (both)
        add_locked(both, jsl);
    free(json);
    free(shell);
    free(both);
}

static void add_with_base64_locked(const char *s, size_t len)
{
    if (len == 0)
        return;
    add_locked(s, len);
    if (len < REDACT_MIN_BYTES)
        return;
    add_escaped_locked(s, len);
    char *enc = b64_encode(s, len, 0);
    if (!enc) {
        refused_count++;
        return;
    }
    /* Padded, and without the padding (what leaks when the value sits inside longer text). */
    size_t elen = strlen(enc);
    add_locked(enc, elen);
    while (elen > 0 && enc[elen - 1] == '=')
        elen--;
    add_locked(enc, elen);
    free(enc);
}

int redact_add(const char *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&redact_lock);
    size_t before = refused_count;
    add_with_base64_locked(s, strlen(s));
    int rc = refused_count == before ? 0 : -1;
    pthread_mutex_unlock(&redact_lock);
    return rc;
}

int redact_add_credentials(const char *username, const char *password)
{
    pthread_mutex_lock(&redact_lock);
    size_t before = refused_count;
    if (username)
        add_with_base64_locked(username, strlen(username));
    if (password)
        add_with_base64_locked(password, strlen(password));
    if (username && password) {
        size_t ul = strlen(username), pl = strlen(password);
        char *pair = malloc(ul + pl + 2);
        if (pair) {
            memcpy(pair, username, ul);
            pair[ul] = ':';
            memcpy(pair + ul + 1, password, pl + 1);
            add_with_base64_locked(pair, ul + pl + 1);
            free(pair);
        } else {
            refused_count++;
        }
    }
    int rc = refused_count == before ? 0 : -1;
    pthread_mutex_unlock(&redact_lock);
    return rc;
}

size_t redact_refused(void)
{
    pthread_mutex_lock(&redact_lock);
    size_t n = refused_count;
    pthread_mutex_unlock(&redact_lock);
    return n;
}

void redact_reset(void)
{
    pthread_mutex_lock(&redact_lock);
    for (size_t i = 0; i < secret_count; i++)
        free(redact_secrets[i].bytes);
    secret_count = 0;
    refused_count = 0;
    pthread_mutex_unlock(&redact_lock);
}

int redact(const char *text, size_t len, kbuf *out)
{
    int rc = 0;
    pthread_mutex_lock(&redact_lock);
    size_t start = 0, i = 0;
    while (i < len) {
        size_t hit = 0;
        for (size_t k = 0; k < secret_count; k++) {
            const secret *s = &redact_secrets[k];
            if (s->len <= len - i && s->bytes[0] == text[i] &&
                memcmp(s->bytes, text + i, s->len) == 0) {
                hit = s->len;
                break;
            }
        }
        if (!hit) {
            i++;
            continue;
        }
        if (kbuf_append(out, text + start, i - start) != 0 || kbuf_puts(out, "***") != 0) {
            rc = -1;
            goto out;
        }
        i += hit;
        start = i;
    }
    if (kbuf_append(out, text + start, len - start) != 0)
        rc = -1;
out:
    pthread_mutex_unlock(&redact_lock);
    return rc;
}
