/* xml: byte-safe XML escaping for reports built from whatever a server sent. */
#include "xml.h"
#include "utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the ANSI escape sequence starting at s[0] == ESC (at least 1). */
static size_t ansi_len(const unsigned char *s, size_t n)
{
    if (n < 2)
        return 1;
    size_t i = 2;
    if (s[1] == '[') { /* CSI: parameters, intermediates, one final byte */
        while (i < n && s[i] >= 0x30 && s[i] <= 0x3F)
            i++;
        while (i < n && s[i] >= 0x20 && s[i] <= 0x2F)
            i++;
        if (i < n && s[i] >= 0x40 && s[i] <= 0x7E)
            i++;
        return i;
    }
    if (s[1] == ']') { /* OSC: up to BEL or ESC \ */
        while (i < n) {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\')
                return i + 2;
            i++;
        }
        return n;
    }
    if (s[1] >= 0x40 && s[1] <= 0x5F)
        return 2; /* two-byte escape */
    return 1;
}

int xml_escape(kbuf *out, const char *str, size_t n, int mode)
{
    const unsigned char *s = (const unsigned char *)str;
    bool attr = (mode & XML_ATTR) != 0;
    bool one_line = (mode & XML_ONE_LINE) != 0;
    size_t i = 0;
    while (i < n) {
        /* copy the longest run of plain printable ASCII at once */
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] < 0x7F && s[j] != '&' && s[j] != '<' && s[j] != '>' &&
               s[j] != '"' && s[j] != '\'')
            j++;
        if (j > i) {
            if (kbuf_append(out, s + i, j - i) < 0)
                return -1;
            i = j;
            continue;
        }
        unsigned char c = s[i];
        const char *rep = NULL;
        size_t adv = 1;
        uint32_t cp;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : "\"";
            break;
        case '\'':
            rep = attr ? "&apos;" : "'";
            break;
        case '\t':
            rep = one_line ? " " : attr ? "&#9;" : "\t";
            break;
        case '\n':
            rep = one_line ? " " : attr ? "&#10;" : "\n";
            break;
        case '\r':
            rep = one_line ? " " : "&#13;";
            break;
        case 0x1b:
            rep = "";
            adv = ansi_len(s + i, n - i);
            break;
        default:
            if (c < 0x20) {
                rep = replacement;
            } else if (c == 0x7F) {
                rep = "\x7F";
            } else {
                size_t len = utf8_seq(s + i, n - i, &cp);
                if (len == 0 || cp == 0xFFFE || cp == 0xFFFF) {
                    rep = replacement;
                    adv = len ? len : 1;
                } else {
                    if (kbuf_append(out, s + i, len) < 0)
                        return -1;
                    i += len;
                    continue;
                }
            }
        }
        if (kbuf_puts(out, rep) < 0)
            return -1;
        i += adv;
    }
    return 0;
}

int xml_utf8_clean(kbuf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, start = 0;
    uint32_t cp;
    while (i < n) {
        size_t len = s[i] < 0x80 ? 1 : utf8_seq(s + i, n - i, &cp);
        if (len) {
            i += len;
            continue;
        }
        if (kbuf_append(out, s + start, i - start) < 0 || kbuf_puts(out, replacement) < 0)
            return -1;
        start = ++i;
    }
    return kbuf_append(out, s + start, i - start);
}

static int plain(kbuf *out, const char *str, size_t n, bool keep_lines)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0x1b) {
            i += ansi_len(s + i, n - i);
        } else if (keep_lines && (c == '\n' || c == '\t')) {
            if (kbuf_append(out, s + i, 1) < 0)
                return -1;
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            if (kbuf_append(out, " ", 1) < 0)
                return -1;
            i++;
        } else if (c < 0x80) {
            if (kbuf_append(out, s + i, 1) < 0)
                return -1;
            i++;
        } else {
            size_t len = utf8_seq(s + i, n - i, &cp);
            /* C1 controls (U+0080..U+009F, e.g. U+009B CSI) drive some terminals too */
            const char *rep = !len ? replacement : cp <= 0x9F ? " " : (const char *)s + i;
            if (kbuf_append(out, rep, !len ? 3 : cp <= 0x9F ? 1 : len) < 0)
                return -1;
            i += len ? len : 1;
        }
    }
    return 0;
}

int xml_plain_line(kbuf *out, const char *str, size_t n)
{
    return plain(out, str, n, false);
}

int xml_plain_text(kbuf *out, const char *str, size_t n)
{
    return plain(out, str, n, true);
}

int xml_escape_str(kbuf *out, const char *s, int mode)
{
    return s ? xml_escape(out, s, strlen(s), mode) : 0;
}
