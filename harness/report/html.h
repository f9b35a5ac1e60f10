/* html: a writer of HTML text for the report pages (report.html, history.html): every
 * piece of text from outside goes through html_text/html_attr, which escape it with
 * xml_escape (so a server's "<script>" or a broken UTF-8 byte stays inert text), and the
 * page's one stylesheet and script come from reports/assets/, embedded at build time.
 * Ownership: an html writer borrows its kbuf; nothing is handed out. */
#ifndef KPCT_HTML_H
#define KPCT_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "kbuf.h"

#define HTML_DRAIN_BYTES (64u << 10) /* what a draining writer holds before it drains */

typedef struct html {
    kbuf *out;
    bool full; /* an append hit out's ceiling (or memory ran out), or a drain failed: the page
                  is not usable */
    /* NULL, or called once out holds HTML_DRAIN_BYTES, to take them (and reset out):
     * returns 0, or -1 to end the page (full) */
    int (*drain)(void *ctx, kbuf *out);
    void *ctx;
} html;

/* Appends raw markup. */
void html_put(html *h, const char *markup);
/* Appends formatted raw markup (arguments must be markup or numbers, never outside text). */
void html_putf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends outside text escaped for element content (NULL appends nothing). */
void html_text(html *h, const char *s);
/* Appends at most max bytes of s escaped (cut on a byte; xml_escape repairs the UTF-8). */
void html_text_cut(html *h, const char *s, size_t max);
/* Appends outside text escaped for a double-quoted attribute value, on one line. */
void html_attr(html *h, const char *s);
/* Appends "<!DOCTYPE html>" through "<body>": charset, the Content-Security-Policy that
 * allows only the embedded script and styles, the title (escaped) and the stylesheet. */
void html_head(html *h, const char *title);
/* Appends the embedded script, then "</body></html>". */
void html_foot(html *h);

#endif
