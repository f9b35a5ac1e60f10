/* xml: escaping arbitrary bytes (response bodies, messages from the outside) into
 * well-formed XML 1.0 text or attribute values. Never emits CDATA, so "]]>" needs no
 * special case beyond escaping '>'. */
#ifndef KPCT_XML_H
#define KPCT_XML_H

#include <stddef.h>

#include "kbuf.h"

/* Escaping modes. */
enum {
    XML_TEXT = 0,    /* element content: newlines and tabs kept */
    XML_ATTR = 1,    /* attribute value: quotes escaped, newlines and tabs kept as &#10; &#9; */
    XML_ONE_LINE = 2 /* with XML_ATTR or XML_TEXT: newlines, CR and tabs become spaces */
};

/* Appends n bytes of s to out as XML-safe text: & < > " ' escaped; ANSI escape
 * sequences removed; other characters XML 1.0 forbids (C0 controls but tab, LF, CR;
 * U+FFFE, U+FFFF) and invalid UTF-8 (overlong, surrogates, truncated, > U+10FFFF)
 * replaced by U+FFFD. Returns 0, or -1 when out's ceiling is reached. */
int xml_escape(kbuf *out, const char *s, size_t n, int mode);
/* Appends s with invalid UTF-8 replaced by U+FFFD and nothing else changed (for JSON
 * reports); returns 0, or -1 at out's ceiling. */
int xml_utf8_clean(kbuf *out, const char *s, size_t n);
/* Appends s as one plain line for a terminal: ANSI sequences removed, invalid UTF-8
 * replaced by U+FFFD, C0 and C1 control characters (newlines too) turned into spaces. Returns 0,
 * or -1 at out's ceiling. */
int xml_plain_line(kbuf *out, const char *s, size_t n);
/* Like xml_plain_line but keeps newlines and tabs (multi-line text for a terminal, such
 * as -vv traces). Returns 0, or -1 at out's ceiling. */
int xml_plain_text(kbuf *out, const char *s, size_t n);
/* xml_escape of a NUL-terminated string (NULL appends nothing). */
int xml_escape_str(kbuf *out, const char *s, int mode);

#endif
