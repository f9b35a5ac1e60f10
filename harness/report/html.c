/* html: the escaping writer and the page frame shared by report.html and history.html. */
#include "html.h"

#include <stdarg.h>
#include <string.h>

#include "report_assets.h"
#include "xml.h"

/* Hands what out holds to the drain once it is HTML_DRAIN_BYTES or more. */
static void settle(html *h)
{
    if (!h->full && h->drain && h->out->len >= HTML_DRAIN_BYTES && h->drain(h->ctx, h->out) != 0)
        h->full = true;
}

void html_put(html *h, const char *markup)
{
    if (!h->full && kbuf_puts(h->out, markup) < 0)
        h->full = true;
    settle(h);
}

void html_putf(html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!h->full && kbuf_vprintf(h->out, fmt, ap) < 0)
        h->full = true;
    va_end(ap);
    settle(h);
}

void html_text_cut(html *h, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (!h->full && s && xml_escape(h->out, s, n < max ? n : max, XML_TEXT) < 0)
        h->full = true;
    settle(h);
}

void html_text(html *h, const char *s)
{
    html_text_cut(h, s, (size_t)-1);
}

void html_attr(html *h, const char *s)
{
    if (!h->full && s && xml_escape_str(h->out, s, XML_ATTR | XML_ONE_LINE) < 0)
        h->full = true;
    settle(h);
}

void html_head(html *h, const char *title)
{
    html_put(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                /* defence in depth: even markup that escaped escaping could not run or load */
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; script-src '" REPORT_JS_SHA256 "'; "
                "img-src data:; base-uri 'none'; form-action 'none'\">\n"
                "<meta name=\"generator\" content=\"kpct " KPCT_VERSION "\">\n<title>");
    html_text(h, title);
    html_put(h, "</title>\n<style>\n");
    html_put(h, report_css);
    html_put(h, "</style>\n</head>\n<body>\n"
                "<pre id=\"js-errors\" class=\"verdict v-failed\" hidden></pre>\n");
}

void html_foot(html *h)
{
    html_put(h, "<script>");
    html_put(h, report_js);
    html_put(h, "</script>\n</body>\n</html>\n");
}
