/* case_fs: joined paths, sorted folder listings, the suite walk and bounded reads
 * (see case_fs.h). */
#define _GNU_SOURCE /* asprintf */
#include "case_fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kfile.h"

char *case_fs_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    char *p = NULL;
    if (asprintf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name) < 0)
        return NULL;
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long case_fs_list(const char *path, char ***out)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    bool oom = false;
    while (!oom && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                oom = true;
                break;
            }
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
        else
            oom = true;
    }
    closedir(d);
    if (oom) {
        /* a listing with holes would load a smaller set without a word */
        case_fs_free_names(names, (long)n);
        errno = ENOMEM;
        return -1;
    }
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    *out = names;
    return (long)n;
}

void case_fs_free_names(char **names, long n)
{
    for (long i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

bool case_fs_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool case_fs_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool case_fs_is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *case_fs_read(const char *path, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size > CASE_MAX_FILE_BYTES) {
        snprintf(err, errlen, "file is %lld bytes, over %u (CASE_MAX_FILE_BYTES)",
                 (long long)st.st_size, CASE_MAX_FILE_BYTES);
        return NULL;
    }
    char why[256];
    char *text = kfile_read(path, CASE_MAX_FILE_BYTES, len, why, sizeof why);
    if (!text)
        snprintf(err, errlen, "cannot read: %s", why);
    return text;
}

static size_t count_json(const char *dir, int depth)
{
    char **names = NULL;
    long k = case_fs_list(dir, &names);
    size_t n = 0;
    for (long i = 0; i < k; i++) {
        char *p = case_fs_join(dir, names[i]);
        if (!p)
            continue; /* a short count only makes the load fail ("more JSON files ...") */
        if (case_fs_is_dir(p) && depth < CASE_MAX_DIR_DEPTH)
            n += count_json(p, depth + 1);
        else if (case_fs_ends_with(names[i], ".json"))
            n++;
        free(p);
    }
    case_fs_free_names(names, k);
    return n;
}

size_t case_fs_count_json(const char *dir)
{
    return count_json(dir, 0);
}

static int collect(case_lctx *c, const char *dir, int depth, bool top, char ***paths, size_t *n)
{
    char **names = NULL;
    long k = case_fs_list(dir, &names);
    if (k < 0) {
        case_ferr(c, dir, 1, 1, "cannot read folder: %s", strerror(errno));
        return 0;
    }
    int rc = 0;
    for (long i = 0; i < k && rc == 0; i++) {
        if (top && (strcmp(names[i], "fixtures") == 0 || strcmp(names[i], "contract.json") == 0))
            continue;
        char *p = case_fs_join(dir, names[i]);
        if (!p) {
            rc = -1;
            break;
        }
        if (case_fs_is_dir(p)) {
            if (depth >= CASE_MAX_DIR_DEPTH)
                case_ferr(c, p, 1, 1, "folders nested deeper than %d levels", CASE_MAX_DIR_DEPTH);
            else
                rc = collect(c, p, depth + 1, false, paths, n);
            free(p);
        } else if (case_fs_ends_with(names[i], ".json") && case_fs_is_file(p)) {
            char **x = realloc(*paths, (*n + 1) * sizeof *x);
            if (!x) {
                free(p);
                rc = -1;
                break;
            }
            *paths = x;
            (*paths)[(*n)++] = p;
        } else {
            free(p);
        }
    }
    case_fs_free_names(names, k);
    if (rc != 0)
        case_oom(c);
    return rc;
}

int case_fs_collect_suites(case_lctx *c, const char *dir, char ***paths, size_t *n)
{
    return collect(c, dir, 0, true, paths, n);
}
