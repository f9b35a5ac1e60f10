/* kfile: bounded reads and atomic writes (see kfile.h). */
#include "kfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *kfile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    char *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    if ((size_t)st.st_size > max) {
        snprintf(err, errlen, "%s: %lld bytes is over the limit of %zu bytes", path,
                 (long long)st.st_size, max);
        goto out;
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: %s", path,
                     n < 0 ? strerror(errno) : "file shrank while read");
            free(data);
            data = NULL;
            goto out;
        }
        got += (size_t)n;
    }
    data[got] = '\0';
    *len = got;
out:
    close(fd);
    return data;
}

static int make_parents(const char *path, char *err, size_t errlen)
{
    char *copy = strdup(path);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create folder %s: %s", copy, strerror(errno));
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

int kfile_begin(kfile_atomic *f, const char *path, char *err, size_t errlen)
{
    *f = (kfile_atomic){.fd = -1};
    if (make_parents(path, err, errlen) < 0)
        return -1;
    size_t tmplen = strlen(path) + 16;
    f->path = strdup(path);
    f->tmp = malloc(tmplen);
    if (!f->path || !f->tmp) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    snprintf(f->tmp, tmplen, "%s.XXXXXX", path);
    if ((f->fd = mkstemp(f->tmp)) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", f->tmp, strerror(errno));
        goto fail;
    }
    return 0;
fail:
    free(f->path);
    free(f->tmp);
    *f = (kfile_atomic){.fd = -1};
    return -1;
}

int kfile_put(kfile_atomic *f, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0 && !f->failed_errno) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            f->failed_errno = errno;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    return f->failed_errno ? -1 : 0;
}

void kfile_abandon(kfile_atomic *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    free(f->path);
    free(f->tmp);
    *f = (kfile_atomic){.fd = -1};
}

int kfile_commit(kfile_atomic *f, char *err, size_t errlen)
{
    if (f->failed_errno || fchmod(f->fd, 0644) < 0 || fsync(f->fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", f->path,
                 strerror(f->failed_errno ? f->failed_errno : errno));
        kfile_abandon(f);
        return -1;
    }
    close(f->fd);
    f->fd = -1;
    if (rename(f->tmp, f->path) < 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
        kfile_abandon(f);
        return -1;
    }
    free(f->path);
    free(f->tmp);
    *f = (kfile_atomic){.fd = -1};
    return 0;
}

int kfile_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    kfile_atomic f;
    if (kfile_begin(&f, path, err, errlen) < 0)
        return -1;
    kfile_put(&f, data, len); /* a failure is kfile_commit's to report */
    return kfile_commit(&f, err, errlen);
}

int kfile_check_writable(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/" KFILE_WRITE_CHECK, dir) >= (int)sizeof path) {
        snprintf(err, errlen, "the folder name is too long");
        return -1;
    }
    /* the steps of an atomic write but the fsync: nothing written needs to last */
    kfile_atomic f;
    if (kfile_begin(&f, path, err, errlen) < 0)
        return -1;
    int rc = 0;
    if (fchmod(f.fd, 0644) < 0 || rename(f.tmp, path) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    kfile_abandon(&f); /* closes it and removes the temporary when the rename failed */
    unlink(path);
    return rc;
}
