/* case_show: values shown in a failure text, redacted before they are cut (see
 * case_show.h). */
#include "case_show.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case_model.h"
#include "redact.h"

/* Values are redacted and cut by the redactor (redact_cut), which reads as far as it must
 * so that the cut splits no secret and leaves no part of a base64 run that holds one; a
 * cut made afterwards could leave the first part of a secret where the filter no longer
 * recognises it. */

/* Redacts s into red (initialised here; caller frees) up to CASE_MAX_SHOWN bytes; returns
 * how many of them to show (the cut moved back to a character boundary), with *more set
 * when s was cut. */
static size_t redact_for_show(kbuf *red, const char *s, size_t len, bool *more)
{
    kbuf_init(red, CASE_MAX_SHOWN + 64);
    bool cut = false;
    if (redact_cut(s, len, CASE_MAX_SHOWN, red, &cut) != 0) {
        kbuf_reset(red);
        kbuf_puts(red, "[value withheld: redaction ran out of room]");
        cut = false;
    }
    size_t n = red->len;
    if (cut && n > 0) {
        /* the last character may have lost its tail at the cut */
        size_t lead = n;
        while (lead > 0 && ((unsigned char)red->data[lead - 1] & 0xC0) == 0x80)
            lead--;
        if (lead > 0) {
            unsigned char b = (unsigned char)red->data[lead - 1];
            size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (n - (lead - 1) < need)
                n = lead - 1;
        }
    }
    *more = cut;
    return n;
}

void case_show_json(kbuf *out, const cJSON *item)
{
    if (!item) {
        kbuf_puts(out, "member absent");
        return;
    }
    char *txt = cJSON_PrintUnformatted(item);
    if (!txt) {
        kbuf_puts(out, "(unprintable)");
        return;
    }
    size_t len = strlen(txt);
    kbuf red;
    bool more;
    size_t n = redact_for_show(&red, txt, len, &more);
    kbuf_append(out, red.data ? red.data : "", n);
    if (more)
        kbuf_printf(out, "... (%zu bytes)", len);
    kbuf_free(&red);
    free(txt);
}

void case_show_text(kbuf *out, const char *s, size_t len)
{
    kbuf red;
    bool more;
    size_t n = redact_for_show(&red, s, len, &more);
    const char *r = red.data ? red.data : "";
    kbuf_puts(out, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)r[i];
        if (ch == '"' || ch == '\\')
            kbuf_printf(out, "\\%c", ch);
        else if (ch == '\n')
            kbuf_puts(out, "\\n");
        else if (ch == '\r')
            kbuf_puts(out, "\\r");
        else if (ch == '\t')
            kbuf_puts(out, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            kbuf_printf(out, "\\u%04x", ch);
        else
            kbuf_append(out, r + i, 1);
    }
    kbuf_puts(out, "\"");
    if (more)
        kbuf_printf(out, "... (%zu bytes)", len);
    kbuf_free(&red);
}
