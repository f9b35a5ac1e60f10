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

int kfile_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    if (make_parents(path, err, errlen) < 0)
        return -1;
    size_t tmplen = strlen(path) + 16;
    char *tmp = malloc(tmplen);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, tmplen, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            goto fail;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto fail;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto fail;
    }
    free(tmp);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

int kfile_check_writable(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/" KFILE_WRITE_CHECK, dir) >= (int)sizeof path) {
        snprintf(err, errlen, "the folder name is too long");
        return -1;
    }
    if (kfile_write_atomic(path, "", 0, err, errlen) < 0)
        return -1;
    unlink(path);
    return 0;
}
