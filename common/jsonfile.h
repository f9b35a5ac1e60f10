/* jsonfile: one way to put a JSON document on disk — printed by cJSON, a trailing
 * newline, written atomically by kfile — for every JSON report.
 * Ownership: jsonfile_write only reads doc; the caller keeps and frees it. */
#ifndef KPCT_JSONFILE_H
#define KPCT_JSONFILE_H

#include <stddef.h>

#include <cJSON.h>

/* Prints doc (cJSON's formatted form plus a newline) and writes it to path atomically,
 * creating missing folders. Returns 0, or -1 with a reason in err naming path. */
int jsonfile_write(const char *path, const cJSON *doc, char *err, size_t errlen);

#endif
