/* history_write: the history pages on disk — each renderer's text written atomically
 * beside the other. A floor above history.c and both renderers, so the model and its
 * lookups never call up into the pages drawn from them. */
#include "history.h"

#include <stdio.h>

#include "kbuf.h"
#include "kfile.h"

static int write_one(const char *dir, const char *file, const history *h,
                     int (*render)(const history *, kbuf *), char *err, size_t errlen)
{
    kbuf out, path;
    int rc = -1;
    kbuf_init(&out, HISTORY_MAX_BYTES);
    kbuf_init(&path, 4096);
    if (kbuf_printf(&path, "%s/%s", dir, file) < 0)
        snprintf(err, errlen, "%s/%s: path longer than 4096 bytes", dir, file);
    else if (render(h, &out) < 0)
        snprintf(err, errlen, "%s: exceeds its %u-byte bound or memory ran out", kbuf_str(&path),
                 HISTORY_MAX_BYTES);
    else
        rc = kfile_write_atomic(kbuf_str(&path), out.data ? out.data : "", out.len, err, errlen);
    kbuf_free(&out);
    kbuf_free(&path);
    return rc;
}

int history_write(const history *h, const char *dir, char *err, size_t errlen)
{
    char second[1024];
    int a = write_one(dir, "history.html", h, history_html_render, err, errlen);
    int b = write_one(dir, "history.md", h, history_md_render, a ? second : err,
                      a ? sizeof second : errlen);
    return a || b ? -1 : 0;
}
