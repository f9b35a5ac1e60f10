/* fuzz_util: input parts, a temporary folder and the failure trap of the fuzz targets. */
#define _GNU_SOURCE /* nftw flags, memmem */
#include "fuzz_util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

fuzz_input fuzz_input_of(const uint8_t *data, size_t size)
{
    return (fuzz_input){(const char *)data, size, false};
}

bool fuzz_take(fuzz_input *in, const char **part, size_t *len)
{
    if (in->done)
        return false;
    const char *sep = fuzz_find(in->p, in->n, FUZZ_SEP, sizeof FUZZ_SEP - 1);
    *part = in->p;
    if (!sep) {
        *len = in->n;
        in->done = true;
        return true;
    }
    *len = (size_t)(sep - in->p);
    in->n -= *len + sizeof FUZZ_SEP - 1;
    in->p = sep + sizeof FUZZ_SEP - 1;
    return true;
}

char *fuzz_strndup(const char *s, size_t len)
{
    char *c = malloc(len + 1);
    if (!c)
        abort();
    if (len)
        memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

static char tmp_root[64];

static void remove_tmpdir(void)
{
    if (tmp_root[0])
        fuzz_rm_tree(tmp_root);
}

const char *fuzz_tmpdir(void)
{
    if (!tmp_root[0]) {
        /* tmpfs when there is one: the reports are written atomically, with an fsync each,
           which on a disk would cost more than everything else the fuzzers do */
        const char *base = getenv("TMPDIR");
        struct stat st;
        if (!base || !*base || strlen(base) >= 40)
            base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
        snprintf(tmp_root, sizeof tmp_root, "%s/kpct-fuzz-XXXXXX", base);
        if (!mkdtemp(tmp_root)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(remove_tmpdir);
    }
    return tmp_root;
}

int fuzz_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = len ? fwrite(data, 1, len, f) : 0;
    return fclose(f) == 0 && put == len ? 0 : -1;
}

char *fuzz_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? 2 * cap : 8192;
            char *grown = realloc(buf, cap + 1);
            if (!grown)
                abort();
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int fuzz_rm_tree(const char *path)
{
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
    return memmem(hay, hay_len, needle, needle_len);
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: %s:%d: broken promise: %s\n", file, line, what);
    __builtin_trap();
}
