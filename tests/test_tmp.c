/* test_tmp: one temporary base folder per test program (see test_tmp.h). */
#define _XOPEN_SOURCE 700
#include "test_tmp.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char base[512];

char *test_tmp_dir(char *out, size_t n, const char *prefix)
{
    const char *parent = getenv("TMPDIR");
    int len = snprintf(out, n, "%s/%s-XXXXXX", parent && *parent ? parent : "/tmp", prefix);
    if (len < 0 || (size_t)len >= n || !mkdtemp(out))
        return NULL;
    return out;
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    (void)set;
    if (test_tmp_dir(base, sizeof base, "kpct-tests"))
        setenv("TMPDIR", base, 1);
    else
        base[0] = '\0';
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : 0; /* keep going: remove what can be removed */
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    if (base[0])
        nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
