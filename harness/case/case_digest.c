/* case_digest: the case-set digest over the documents' own digests (see case_digest.h). */
#include "case_digest.h"

#include <stdlib.h>
#include <string.h>

/* One line of the digested list. */
typedef struct digest_line {
    const char *rel; /* path relative to the cases folder, borrowed from the document */
    const char *hex; /* the document's SHA-256 */
} digest_line;

/* The path of a document relative to the folder it was loaded from. */
static const char *relative(const char *path, const char *root)
{
    size_t n = root ? strlen(root) : 0;
    if (!n || strncmp(path, root, n))
        return path;
    path += n;
    while (*path == '/')
        path++;
    return path;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const digest_line *)a)->rel, ((const digest_line *)b)->rel);
}

int case_digest_compute(case_set *set, const char *root)
{
    digest_line *lines = calloc(set->n_docs ? set->n_docs : 1, sizeof *lines);
    char hex[SHA256_HEX];
    sha256_ctx c;
    int rc = -1;
    if (!lines || sha256_init(&c) < 0)
        goto out;
    for (size_t i = 0; i < set->n_docs; i++)
        lines[i] = (digest_line){relative(set->docs[i].path, root), set->docs[i].sha256};
    qsort(lines, set->n_docs, sizeof *lines, by_path);
    rc = 0;
    for (size_t i = 0; i < set->n_docs && rc == 0; i++)
        if (sha256_update(&c, lines[i].hex, strlen(lines[i].hex)) < 0 ||
            sha256_update(&c, "  ", 2) < 0 ||
            sha256_update(&c, lines[i].rel, strlen(lines[i].rel)) < 0 ||
            sha256_update(&c, "\n", 1) < 0)
            rc = -1;
    if (sha256_final(&c, hex) < 0)
        rc = -1;
    if (rc == 0)
        memcpy(set->digest, hex, sizeof hex);
out:
    free(lines);
    return rc;
}
