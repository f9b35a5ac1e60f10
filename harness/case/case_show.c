/* case_show: values shown in a failure text, redacted before they are cut (see
 * case_show.h). */
#include "case_show.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case_model.h"
#include "redact.h"

/* Values are redacted before they are cut: a cut made first could split a secret and
 * leave its first part where the filter no longer recognises it. */

/* Redacts the part of s that can be shown (plus room for a secret straddling the cut)
 * into red (initialised here; caller frees); returns how many of its bytes to show: at
 * most CASE_MAX_SHOWN, cut on a character boundary, with *more set when s was cut. */
static size_t redact_for_show(kbuf *red, const char *s, size_t len, bool *more)
{
    kbuf_init(red, 3 * (CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES) + 64);
    size_t scan =
        len > CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES ? CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES : len;
    if (redact(s, scan, red) != 0) {
        kbuf_reset(red);
        kbuf_puts(red, "[value withheld: redaction ran out of room]");
    }
    size_t rn = red->len;
    *more = rn > CASE_MAX_SHOWN || len > CASE_MAX_SHOWN + CASE_MAX_VAR_BYTES;
    size_t n = rn > CASE_MAX_SHOWN ? CASE_MAX_SHOWN : rn;
    while (n < rn && n > 0 && ((unsigned char)red->data[n] & 0xC0) == 0x80)
        n--;
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
