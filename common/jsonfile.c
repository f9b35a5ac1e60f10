/* jsonfile: print a cJSON document and write it atomically. */
#include "jsonfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"

int jsonfile_write(const char *path, const cJSON *doc, char *err, size_t errlen)
{
    int rc = -1;
    char *text = doc ? cJSON_Print(doc) : NULL;
    if (!text)
        goto oom;
    size_t len = strlen(text);
    /* cJSON_Print has no trailing newline; files read better with one. */
    char *with_nl = realloc(text, len + 2);
    if (!with_nl)
        goto oom;
    text = with_nl;
    text[len] = '\n';
    text[len + 1] = '\0';
    rc = kfile_write_atomic(path, text, len + 1, err, errlen);
    free(text);
    return rc;
oom:
    free(text);
    snprintf(err, errlen, "out of memory building %s", path);
    return -1;
}
