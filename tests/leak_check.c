/* leak_check: every decoding a reader could apply to an output, then a plain search. */
#define _GNU_SOURCE
#include "leak_check.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"

typedef struct text {
    char *p;
    size_t len;
} text;

static int hexv(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static text pct_decode(text in, bool plus)
{
    text out = {malloc(in.len + 1), 0};
    for (size_t i = 0; i < in.len; i++) {
        if (in.p[i] == '%' && i + 2 < in.len + 0 && hexv(in.p[i + 1]) >= 0 &&
            hexv(in.p[i + 2]) >= 0) {
            out.p[out.len++] = (char)(hexv(in.p[i + 1]) * 16 + hexv(in.p[i + 2]));
            i += 2;
        } else {
            out.p[out.len++] = plus && in.p[i] == '+' ? ' ' : in.p[i];
        }
    }
    return out;
}

static text json_unescape(text in)
{
    text out = {malloc(in.len + 1), 0};
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    for (size_t i = 0; i < in.len; i++) {
        const char *e =
            i + 1 < in.len && in.p[i] == '\\' && in.p[i + 1] ? strchr(from, in.p[i + 1]) : NULL;
        unsigned long cp = 0;
        int ok = in.p[i] == '\\' && i + 5 < in.len && in.p[i + 1] == 'u';
        for (int k = 0; ok && k < 4; k++)
            ok = hexv(in.p[i + 2 + k]) >= 0, cp = cp * 16 + (unsigned long)hexv(in.p[i + 2 + k]);
        if (e) {
            out.p[out.len++] = to[e - from];
            i++;
        } else if (ok) {
            if (cp >= 0xD800 && cp < 0xDC00 && i + 11 < in.len && in.p[i + 6] == '\\' &&
                in.p[i + 7] == 'u') {
                unsigned long lo = 0;
                for (int k = 0; k < 4; k++)
                    lo = lo * 16 + (unsigned long)(hexv(in.p[i + 8 + k]) & 0xF);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            out.len += put_utf8(out.p + out.len, cp);
            i += 5;
        } else {
            out.p[out.len++] = in.p[i];
        }
    }
    return out;
}

static text xml_unescape(text in)
{
    text out = {malloc(in.len + 1), 0};
    static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    static const char chr[] = "&<>\"'";
    for (size_t i = 0; i < in.len; i++) {
        size_t k;
        for (k = 0; k < 5; k++)
            if (in.len - i >= strlen(ent[k]) && memcmp(in.p + i, ent[k], strlen(ent[k])) == 0)
                break;
        if (k < 5) {
            out.p[out.len++] = chr[k];
            i += strlen(ent[k]) - 1;
        } else if (in.p[i] == '&' && i + 2 < in.len && in.p[i + 1] == '#') {
            char *end;
            int hex = in.p[i + 2] == 'x';
            unsigned long cp = strtoul(in.p + i + 2 + hex, &end, hex ? 16 : 10);
            if (*end == ';' && cp < 0x110000) {
                out.len += put_utf8(out.p + out.len, cp);
                i = (size_t)(end - in.p);
            } else {
                out.p[out.len++] = in.p[i];
            }
        } else {
            out.p[out.len++] = in.p[i];
        }
    }
    return out;
}

static int b64v(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decodes run (base64 characters only) as if it started at a quantum boundary. */
static text b64_decode_loose(const char *run, size_t n)
{
    text out = {malloc(n + 1), 0};
    unsigned long acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 6) | (unsigned long)b64v(run[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.p[out.len++] = (char)((acc >> bits) & 0xFF);
        }
    }
    return out;
}

static const char *find_secret(text t, const char *const *secrets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memmem(t.p, t.len, secrets[i], strlen(secrets[i])))
            return secrets[i];
    return NULL;
}

/* Searches t, then every run of base64 characters in it decoded at each of its 4 offsets. */
static const char *search(text t, const char *const *secrets, size_t n, const char **how)
{
    const char *s = find_secret(t, secrets, n);
    if (s) {
        *how = "as text";
        return s;
    }
    for (size_t i = 0; i < t.len;) {
        size_t j = i;
        while (j < t.len && b64v(t.p[j]) >= 0)
            j++;
        for (size_t off = 0; off < 4 && j - i >= 4 + off; off++) {
            text d = b64_decode_loose(t.p + i + off, j - i - off);
            s = find_secret(d, secrets, n);
            free(d.p);
            if (s) {
                *how = "decoded from base64";
                return s;
            }
        }
        i = j + 1;
    }
    return NULL;
}

bool leak_check(const char *raw, size_t len, const char *const *secrets, size_t n, char *why,
                size_t whylen)
{
    text v[9];
    static const char *const names[] = {"raw",          "raw, %-decoded",  "raw, %+-decoded",
                                        "XML-decoded",  "XML, %-decoded",  "XML, %+-decoded",
                                        "JSON-decoded", "JSON, %-decoded", "JSON, %+-decoded"};
    v[0] = (text){malloc(len + 1), len};
    memcpy(v[0].p, raw, len);
    v[3] = xml_unescape(v[0]);
    v[6] = json_unescape(v[3]);
    for (int b = 0; b < 9; b += 3) {
        v[b + 1] = pct_decode(v[b], false);
        v[b + 2] = pct_decode(v[b], true);
    }
    bool leaked = false;
    for (int k = 0; k < 9 && !leaked; k++) {
        const char *how = NULL;
        const char *s = search(v[k], secrets, n, &how);
        if (s) {
            snprintf(why, whylen, "\"%s\" found %s in the %s text", s, how, names[k]);
            leaked = true;
        }
    }
    for (int k = 0; k < 9; k++)
        free(v[k].p);
    return leaked;
}

unsigned leak_check_file(const char *path, const char *const *secrets, size_t n,
                         const char *const *markers)
{
    char err[256], why[512];
    size_t len = 0;
    char *s = kfile_read(path, 64u << 20, &len, err, sizeof err);
    cr_assert_not_null(s, "%s: %s", path, err);
    cr_expect(!leak_check(s, len, secrets, n, why, sizeof why), "%s: %s", path, why);
    unsigned seen = 0;
    for (unsigned i = 0; markers && markers[i] && i < 8; i++)
        if (memmem(s, len, markers[i], strlen(markers[i])))
            seen |= 1u << i;
    free(s);
    return seen;
}

size_t leak_check_run(const char *dir, const char *out, const char *const *secrets, size_t n,
                      const char *const *markers, unsigned *seen)
{
    char path[700];
    unsigned bits = 0;
    snprintf(path, sizeof path, "%s/stdout", dir);
    bits |= leak_check_file(path, secrets, n, markers);
    snprintf(path, sizeof path, "%s/stderr", dir);
    bits |= leak_check_file(path, secrets, n, markers);
    DIR *d = opendir(out);
    cr_assert_not_null(d, "%s", out);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", out, e->d_name);
        bits |= leak_check_file(path, secrets, n, markers);
        files++;
    }
    closedir(d);
    if (seen)
        *seen |= bits;
    return files;
}

void leak_check_pct(kbuf *o, const char *s, bool lower, bool plus, bool reserved_only)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool unreserved = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                          (*p >= '0' && *p <= '9') || strchr("-._~", *p);
        bool keep = unreserved || (reserved_only && *p >= 0x21 && *p < 0x7F &&
                                   !strchr(":/?#[]@!$&'()*+,;=%\"<>\\^`{|}", *p));
        if (keep)
            kbuf_append(o, (const char *)p, 1);
        else if (plus && *p == ' ')
            kbuf_puts(o, "+");
        else
            kbuf_printf(o, lower ? "%%%02x" : "%%%02X", *p);
    }
    kbuf_puts(o, " ");
}

/* JSON as Python writes it: \uXXXX for non-ASCII, \/ for a slash. */
void leak_check_json_ascii(kbuf *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '/')
            kbuf_puts(o, "\\/");
        else if (*p == 0xC3 && p[1]) {
            kbuf_printf(o, "\\u%04x", ((*p & 0x1F) << 6) | (p[1] & 0x3F));
            p++;
        } else
            kbuf_append(o, (const char *)p, 1);
    }
    kbuf_puts(o, " ");
}
