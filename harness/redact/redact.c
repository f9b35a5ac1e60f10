/* redact: the process-wide registry of secrets (credentials, ${env:...} values) and the
 * filter that replaces them by "***" in any output, in the forms servers echo them in:
 * raw, percent-encoded, JSON- and shell-escaped, and inside base64 of either alphabet. */
#include "redact.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

/* One text a secret can take in an output. A base64 form stands for its whole run of
 * base64 text: redacting only the matched part would leave neighbours that still
 * decode to part of the secret. */
typedef struct form {
    char *bytes;
    size_t len;
    bool base64;
    bool secret; /* the value itself, as registered (so a value is counted once) */
} form;

/* Forms of one secret at most: raw, JSON, shell, both, raw with "%25", 3 alignments in
 * 2 alphabets; a few to spare. */
#define FORMS_PER_SECRET 16
#define MAX_FORMS        (REDACT_MAX_SECRETS * FORMS_PER_SECRET)

static pthread_mutex_t redact_lock = PTHREAD_MUTEX_INITIALIZER;
static form *forms; /* longest first, so a form that contains another wins */
static size_t form_count, form_cap;
/* For each first byte, the indexes of the forms starting with it, longest first. */
static size_t *by_first[256];
static size_t by_first_count[256];
static size_t secret_count;
static size_t refused_count;

static void index_forms_locked(void)
{
    for (int b = 0; b < 256; b++)
        by_first_count[b] = 0;
    for (size_t i = 0; i < form_count; i++) {
        unsigned char b = (unsigned char)forms[i].bytes[0];
        by_first[b][by_first_count[b]++] = i;
    }
}

/* Adds one form; false on OOM or past MAX_FORMS (the caller counts the refusal). */
static bool add_form_locked(const char *s, size_t len, bool base64, bool secret)
{
    if (len < REDACT_MIN_BYTES)
        return true; /* only base64 inner parts can be this short, never the secret itself */
    for (size_t i = 0; i < form_count; i++)
        if (forms[i].len == len && memcmp(forms[i].bytes, s, len) == 0) {
            forms[i].base64 = forms[i].base64 || base64;
            forms[i].secret = forms[i].secret || secret;
            return true;
        }
    if (form_count == MAX_FORMS)
        return false;
    if (form_count == form_cap) {
        size_t cap = form_cap ? 2 * form_cap : 64;
        form *grown = realloc(forms, cap * sizeof *forms);
        if (!grown)
            return false;
        forms = grown;
        for (int b = 0; b < 256; b++) {
            size_t *idx = realloc(by_first[b], cap * sizeof *idx);
            if (!idx)
                return false;
            by_first[b] = idx;
        }
        form_cap = cap;
    }
    char *copy = malloc(len);
    if (!copy)
        return false;
    memcpy(copy, s, len);
    size_t at = form_count;
    while (at > 0 && forms[at - 1].len < len) {
        forms[at] = forms[at - 1];
        at--;
    }
    forms[at] = (form){copy, len, base64, secret};
    form_count++;
    return true;
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

/* Writes s with every occurrence of the byte from replaced by the text to (the shell
 * quoting of the request story, ' as '\\''; percent-encoding of %, as %25). Returns a new
 * string, or NULL. */
static char *replaced(const char *s, size_t len, char from, const char *to, size_t *out_len)
{
    size_t tl = strlen(to);
    char *out = malloc(tl * len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == from) {
            memcpy(o, to, tl);
            o += tl;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

/* Adds the base64 characters of s that do not depend on its neighbours, for s starting
 * at each offset mod 3 of the encoded bytes, in both alphabets. Character k of an
 * encoding holds bits 6k..6k+5, so with a bytes before s (bits 0..8a-1) the characters
 * from ceil(8a/6) to (8a+8n)/6-1 are s's alone. */
static bool add_base64_locked(const char *s, size_t n)
{
    bool ok = true;
    char *shifted = malloc(n + 2);
    if (!shifted)
        return false;
    for (size_t a = 0; a < 3 && ok; a++) {
        memset(shifted, 0, a);
        memcpy(shifted + a, s, n);
        size_t first = (8 * a + 5) / 6, end = (8 * a + 8 * n) / 6;
        for (int url = 0; url < 2 && ok; url++) {
            char *enc = b64_encode(shifted, a + n, url);
            if (!enc || strlen(enc) < end)
                ok = false;
            else
                ok = add_form_locked(enc + first, end - first, true, false);
            free(enc);
        }
    }
    free(shifted);
    return ok;
}

/* Registers one secret and its forms. The percent-encodings (either case of hex, + for
 * a space, any subset of bytes encoded) and the JSON escapes other servers use (\/,
 * \uXXXX) need no forms of their own: the matcher decodes them (match_at). */
static void add_secret_locked(const char *s, size_t len)
{
    if (len == 0)
        return;
    if (len < REDACT_MIN_BYTES) {
        refused_count++;
        return;
    }
    for (size_t i = 0; i < form_count; i++)
        if (forms[i].secret && forms[i].len == len && memcmp(forms[i].bytes, s, len) == 0)
            return;
    if (secret_count == REDACT_MAX_SECRETS) {
        /* Never silently stop redacting: count it, so the CLI can refuse to go on. */
        refused_count++;
        return;
    }
    secret_count++;
    /* A JSON body (cJSON escapes), the shell-quoted request story, and both (a JSON body
     * inside the story); a % the matcher leaves undecoded (it is itself) as %25. */
    size_t jl = 0, sl = 0, jsl = 0, pl = 0;
    char *json = json_escaped(s, len, &jl);
    char *shell = replaced(s, len, '\'', "'\\''", &sl);
    char *both = json ? replaced(json, jl, '\'', "'\\''", &jsl) : NULL;
    char *pct = replaced(s, len, '%', "%25", &pl);
    bool ok = json && shell && both && pct;
    ok = add_form_locked(s, len, false, true) && ok;
    if (json)
        ok = add_form_locked(json, jl, false, false) && ok;
    if (shell)
        ok = add_form_locked(shell, sl, false, false) && ok;
    if (both)
        ok = add_form_locked(both, jsl, false, false) && ok;
    if (pct)
        ok = add_form_locked(pct, pl, false, false) && ok;
    ok = add_base64_locked(s, len) && ok;
    index_forms_locked();
    if (!ok)
        refused_count++;
    free(json);
    free(shell);
    free(both);
    free(pct);
}

int redact_add(const char *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&redact_lock);
    size_t before = refused_count;
    add_secret_locked(s, strlen(s));
    int rc = refused_count == before ? 0 : -1;
    pthread_mutex_unlock(&redact_lock);
    return rc;
}

int redact_add_credentials(const char *username, const char *password)
{
    pthread_mutex_lock(&redact_lock);
    size_t before = refused_count;
    if (username)
        add_secret_locked(username, strlen(username));
    if (password)
        add_secret_locked(password, strlen(password));
    if (username && password) {
        size_t ul = strlen(username), pl = strlen(password);
        char *pair = malloc(ul + pl + 2);
        if (pair) {
            memcpy(pair, username, ul);
            pair[ul] = ':';
            memcpy(pair + ul + 1, password, pl + 1);
            add_secret_locked(pair, ul + pl + 1);
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
    for (size_t i = 0; i < form_count; i++)
        free(forms[i].bytes);
    free(forms);
    forms = NULL;
    for (int b = 0; b < 256; b++) {
        free(by_first[b]);
        by_first[b] = NULL;
        by_first_count[b] = 0;
    }
    form_count = form_cap = 0;
    secret_count = 0;
    refused_count = 0;
    pthread_mutex_unlock(&redact_lock);
}

/* ---- matching ------------------------------------------------------------------- */

static int hex_value(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The byte of a %XX escape at t[j], or -1 (also at the end of t, j == len). */
static int percent_byte(const char *t, size_t len, size_t j)
{
    if (len - j < 3 || t[j] != '%' || hex_value(t[j + 1]) < 0 || hex_value(t[j + 2]) < 0)
        return -1;
    return hex_value(t[j + 1]) * 16 + hex_value(t[j + 2]);
}

static long hex4(const char *t, size_t len, size_t j)
{
    if (len - j < 4)
        return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hex_value(t[j + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decodes the JSON escape at t[j] (a backslash) into UTF-8 bytes; returns the escape's
 * length in t (0 if it is none) and the bytes in out / *n. */
static size_t json_escape(const char *t, size_t len, size_t j, unsigned char out[4], size_t *n)
{
    if (len - j < 2 || t[j] != '\\')
        return 0;
    static const char from[] = "\"/bfnrt", to[] = "\"/\b\f\n\r\t";
    const char *p = t[j + 1] ? strchr(from, t[j + 1]) : NULL;
    if (p) {
        out[0] = (unsigned char)to[p - from];
        *n = 1;
        return 2;
    }
    if (t[j + 1] != 'u')
        return 0;
    long cp = hex4(t, len, j + 2);
    size_t used = 6;
    if (cp < 0)
        return 0;
    if (cp >= 0xD800 && cp < 0xDC00) {
        long lo = len - j >= 12 && t[j + 6] == '\\' && t[j + 7] == 'u' ? hex4(t, len, j + 8) : -1;
        if (lo < 0xDC00 || lo >= 0xE000)
            return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        used = 12;
    }
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        *n = 1;
    } else if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 2;
    } else if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 3;
    } else {
        out[0] = (unsigned char)(0xF0 | (cp >> 18));
        out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 4;
    }
    return used;
}

/* How many bytes of t from j spell form f, or 0. Each byte of f is matched as itself, as
 * a %XX escape (either case), a space as +, or as a JSON escape (\/, \", \n, \u00e9...).
 * The rules exclude each other (an escape starts with %, + or \, which then is not the
 * byte sought), so one pass decides; a % and a \ in f match only as themselves, and the
 * forms with %25 and \\ cover their encodings. */
static size_t match_at(const char *t, size_t len, size_t j, const form *f)
{
    size_t start = j, k = 0;
    while (k < f->len) {
        if (j == len)
            return 0;
        unsigned char c = (unsigned char)f->bytes[k];
        if ((unsigned char)t[j] == c) {
            j++, k++;
        } else if (c != '%' && percent_byte(t, len, j) == c) {
            j += 3, k++;
        } else if (c == ' ' && t[j] == '+') {
            j++, k++;
        } else if (c != '\\' && t[j] == '\\') {
            unsigned char u[4];
            size_t n = 0, used = json_escape(t, len, j, u, &n);
            if (!used || n > f->len - k || memcmp(u, f->bytes + k, n) != 0)
                return 0;
            j += used, k += n;
        } else {
            return 0;
        }
    }
    return j - start;
}

static bool b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '-' || c == '_';
}

/* A base64 character written as %2B or %2F (as in a form body or a query). */
static bool b64_percent(const char *t, size_t len, size_t j)
{
    int b = percent_byte(t, len, j);
    return b == '+' || b == '/';
}

/* The start of the run of base64 text (either alphabet, its %-escapes, JSON's \/)
 * that ends at end, not before lo. */
static size_t run_start(const char *t, size_t lo, size_t end)
{
    size_t k = end;
    while (k > lo) {
        if (k - lo >= 3 && b64_percent(t, k, k - 3))
            k -= 3;
        else if (k - lo >= 2 && t[k - 2] == '\\' && t[k - 1] == '/')
            k -= 2;
        else if (b64_char(t[k - 1]))
            k--;
        else
            break;
    }
    return k;
}

/* The end of the run of base64 text that goes on at k, padding included. */
static size_t run_end(const char *t, size_t len, size_t k)
{
    for (;;) {
        if (b64_percent(t, len, k))
            k += 3;
        else if (len - k >= 2 && t[k] == '\\' && t[k + 1] == '/')
            k += 2;
        else if (k < len && b64_char(t[k]))
            k++;
        else
            break;
    }
    for (int pad = 0; pad < 2; pad++) {
        if (k < len && t[k] == '=')
            k++;
        else if (percent_byte(t, len, k) == '=')
            k += 3;
        else
            break;
    }
    return k;
}

/* The longest form found at t[i]: its length in t and whether it is base64. */
static size_t match_any(const char *t, size_t len, size_t i, bool *base64)
{
    /* the first byte a form can have here, raw and decoded */
    int firsts[2] = {(unsigned char)t[i], -1};
    unsigned char u[4];
    size_t n = 0;
    int pb = percent_byte(t, len, i);
    if (pb >= 0)
        firsts[1] = pb;
    else if (t[i] == '+')
        firsts[1] = ' ';
    else if (json_escape(t, len, i, u, &n))
        firsts[1] = u[0];
    size_t best = 0;
    for (int f = 0; f < 2; f++) {
        if (firsts[f] < 0 || (f == 1 && firsts[1] == firsts[0]))
            continue;
        unsigned char b = (unsigned char)firsts[f];
        for (size_t x = 0; x < by_first_count[b]; x++) {
            const form *fm = &forms[by_first[b][x]];
            size_t hit = match_at(t, len, i, fm);
            if (hit) {
                if (hit > best) {
                    best = hit;
                    *base64 = fm->base64;
                }
                break;
            }
        }
    }
    return best;
}

/* Appends n bytes of p, or what fits of them in the max bytes of output this call may
 * write (*left counts down); false once the output is full. */
static bool emit(kbuf *out, const char *p, size_t n, size_t *left, bool *cut, int *rc)
{
    size_t k = n < *left ? n : *left;
    if (kbuf_append(out, p, k) != 0)
        *rc = -1;
    *left -= k;
    if (k < n)
        *cut = true;
    return *rc == 0 && !*cut;
}

/* redact and redact_cut: scans text from the start, each match found where it begins
 * (so looking ahead in the whole text), and stops once max bytes of output are written
 * and nothing further can reach back before the cut: a base64 run that the cut falls
 * into is read to its end first, since a match in it replaces it from its start. */
/* Where a cut wanted at c may stop: c itself, unless c falls inside a run of base64 text
 * or just after one (the run may hold a secret's encoding further on, and the whole run
 * is blanked then), where it is the run's end. c may split one of the run's escapes
 * (%2B, %2F, \/), which then counts as inside it. */
static size_t cut_stop(const char *text, size_t len, size_t start, size_t c)
{
    for (size_t back = 1; back <= 2 && c - start >= back; back++) {
        size_t k = c - back;
        if ((b64_percent(text, len, k) && k + 3 > c) ||
            (back == 1 && text[k] == '\\' && len - k >= 2 && text[k + 1] == '/'))
            return run_end(text, len, k);
    }
    return run_start(text, start, c) < c ? run_end(text, len, c) : c;
}

static int redact_locked(const char *text, size_t len, size_t max, kbuf *out, bool *cut)
{
    int rc = 0;
    size_t start = 0, i = 0, left = max, stop_at = SIZE_MAX;
    *cut = false;
    while (i < len) {
        if (i - start >= left) {
            size_t c = start + left;
            if (stop_at == SIZE_MAX)
                stop_at = cut_stop(text, len, start, c);
            if (i >= stop_at) {
                emit(out, text + start, i - start, &left, cut, &rc);
                *cut = true;
                return rc;
            }
        }
        bool base64 = false;
        size_t hit = form_count ? match_any(text, len, i, &base64) : 0;
        if (!hit) {
            i++;
            continue;
        }
        size_t from = i, to = i + hit;
        if (base64) {
            from = run_start(text, start, i);
            to = run_end(text, len, to);
        }
        if (!emit(out, text + start, from - start, &left, cut, &rc) ||
            !emit(out, "***", 3, &left, cut, &rc))
            return rc;
        i = to;
        start = i;
        stop_at = SIZE_MAX;
    }
    emit(out, text + start, len - start, &left, cut, &rc);
    return rc;
}

int redact(const char *text, size_t len, kbuf *out)
{
    bool cut;
    pthread_mutex_lock(&redact_lock);
    int rc = redact_locked(text, len, SIZE_MAX, out, &cut);
    pthread_mutex_unlock(&redact_lock);
    return rc;
}

int redact_cut(const char *text, size_t len, size_t max, kbuf *out, bool *cut)
{
    pthread_mutex_lock(&redact_lock);
    int rc = redact_locked(text, len, max, out, cut);
    pthread_mutex_unlock(&redact_lock);
    return rc;
}
