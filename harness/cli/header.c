/* header: --header 'Name: VALUE', checked as given and expanded once for the whole run. */
#include "header.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redact.h"

/* Names kpct (or libcurl) sets itself on every request, each with the reason. */
static const struct refused {
    const char *name;
    const char *why;
} refused[] = {
    {"Authorization", "kpct sends KLARNA_USERNAME and KLARNA_PASSWORD as Basic auth (and the "
                      "case files test it): set those"},
    {"Proxy-Authorization", "it would go to the target, not the proxy: give the proxy's "
                            "credentials in https_proxy"},
    {"Host", "the target's URL decides it"},
    {"Content-Length", "libcurl frames each request body"},
    {"Transfer-Encoding", "libcurl frames each request body"},
    {"Content-Type", "each step's body decides it (set it in the case file)"},
    {"Expect", "kpct decides it from each body's size"},
    {"Connection", "it is about the connection, which libcurl manages"},
    {"Keep-Alive", "it is about the connection, which libcurl manages"},
    {"Proxy-Connection", "it is about the connection, which libcurl manages"},
    {"TE", "it is about the connection, which libcurl manages"},
    {"Trailer", "it is about the connection, which libcurl manages"},
    {"Upgrade", "it is about the connection, which libcurl manages"},
};

/* RFC 9110 tchar. */
static bool token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The length of spec's name: the bytes before its ':' (the whole spec when there is none). */
static size_t name_len(const char *spec)
{
    return strcspn(spec, ":");
}

int header_check(const char *spec, char *err, size_t errlen)
{
    size_t n = name_len(spec);
    if (!spec[n]) {
        snprintf(err, errlen, "--header wants 'Name: VALUE', with a ':' after the name");
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "--header: the name before ':' is empty");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!token_char((unsigned char)spec[i])) {
            snprintf(err, errlen,
                     "--header: \"%.*s%s\" is not a header name (letters, digits and "
                     "!#$%%&'*+-.^_`|~ only)",
                     (int)(n > 64 ? 64 : n), spec, n > 64 ? "..." : "");
            return -1;
        }
    if (strlen(spec) > CASE_MAX_RUN_HEADER_BYTES) {
        snprintf(err, errlen, "--header %.*s%s: over %u bytes (CASE_MAX_RUN_HEADER_BYTES)",
                 (int)(n > 64 ? 64 : n), spec, n > 64 ? "..." : "", CASE_MAX_RUN_HEADER_BYTES);
        return -1;
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (strlen(refused[i].name) == n && !strncasecmp(spec, refused[i].name, n)) {
            snprintf(err, errlen, "--header cannot set %s: %s", refused[i].name, refused[i].why);
            return -1;
        }
    return 0;
}

bool header_same_name(const char *a, const char *b)
{
    size_t n = name_len(a);
    return n == name_len(b) && !strncasecmp(a, b, n);
}

/* The value as given: after the ':' and the blanks that follow it, without trailing blanks
 * (a new string), or NULL when memory ran out. */
static char *raw_value(const char *spec)
{
    const char *v = spec + name_len(spec) + 1;
    v += strspn(v, " \t");
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    return strndup(v, len);
}

/* Whether the value holds a byte a header value cannot carry: a control other than tab
 * (CR and LF would start a header of the server's choosing). */
static bool has_control(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return true;
    return false;
}

int header_expand(const char *const *specs, size_t n, const case_vars_defs *defs, header_set *out,
                  char *err, size_t errlen)
{
    char why[512];
    for (size_t i = 0; i < n && i < CASE_MAX_RUN_HEADERS; i++) {
        const char *spec = specs[i];
        int nl = (int)name_len(spec);
        char *raw = raw_value(spec), *name = strndup(spec, (size_t)nl), *value = NULL;
        bool secret = false;
        int rc = raw && name ? 0 : -2;
        if (rc == 0)
            rc = case_vars_expand(defs, raw, CASE_MAX_RUN_HEADER_BYTES - (size_t)nl - 2, &value,
                                  &secret, why, sizeof why);
        free(raw);
        if (rc == 0 && !*value) {
            snprintf(why, sizeof why, "the value is empty");
            rc = -1;
        } else if (rc == 0 && has_control(value)) {
            snprintf(why, sizeof why,
                     "the value holds a line break or another control character once expanded");
            rc = -1;
        } else if (rc == 0 && secret && redact_add(value) < 0) {
            rc = -2;
        }
        if (rc != 0) {
            if (rc == -1)
                snprintf(err, errlen, "--header %s: %s", name, why);
            free(name);
            free(value);
            return rc;
        }
        out->items[out->count++] = (case_header){name, value};
    }
    return 0;
}

void header_set_free(header_set *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i].name);
        free(h->items[i].value);
    }
    h->count = 0;
}
