/* githead: the commit a folder's repository is at (see githead.h).
 *
 * The answer is read from the repository's own files: find `.git` upwards from the folder,
 * follow a worktree's `gitdir:` and `commondir`, read HEAD, and resolve the branch it names
 * from its loose ref file or from packed-refs. That is what `git rev-parse HEAD` does for
 * these layouts, in about 0.1 ms instead of the several milliseconds a git process costs
 * to start (most of a short run's time). Whatever this reader does not know for sure — a
 * reftable repository, GIT_DIR in the environment, a `.git` that is not a plain repository,
 * a malformed file — is left to `git rev-parse` as a child process, bounded in time and
 * output, so the answer is never a guess. */
#include "githead.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kfile.h"

extern char **environ;

enum { FOUND = GITHEAD_FOUND, NONE = GITHEAD_NONE, UNSURE = GITHEAD_UNSURE };

#define SMALL_FILE_MAX  4096                /* HEAD, a loose ref, a .git file, commondir */
#define PACKED_REFS_MAX (64L * 1024 * 1024) /* past this, git reads it, not us */
#define SYMREF_HOPS     5                   /* git's own limit is 5 as well */
#define DIR_LEVELS      256                 /* folders walked upwards, at most */

static int is_object_name(const char *s, size_t n)
{
    if (n != 40 && n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Reads a small file whole into buf (NUL-terminated, one trailing newline dropped).
 * Returns its length, -1 when it does not exist, or -2 when it cannot be read, is not a
 * regular file, holds a NUL or is larger than SMALL_FILE_MAX. */
static long read_small(const char *path, char buf[SMALL_FILE_MAX + 1])
{
    char err[PATH_MAX + 128];
    size_t len = 0;
    char *data = kfile_read(path, SMALL_FILE_MAX, &len, err, sizeof err);
    if (!data)
        return access(path, F_OK) != 0 && (errno == ENOENT || errno == ENOTDIR) ? -1 : -2;
    memcpy(buf, data, len);
    free(data);
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    return memchr(buf, '\0', len) ? -2 : (long)len;
}

/* Joins a and b into out ("a/b"; b alone when absolute). Returns 0, or -1 when too long. */
static int join(char out[PATH_MAX], const char *a, const char *b)
{
    int n = b[0] == '/' ? snprintf(out, PATH_MAX, "%s", b) : snprintf(out, PATH_MAX, "%s/%s", a, b);
    return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* Finds the repository of dir: its git dir (where HEAD is) and common dir (where the
 * shared refs are; the same but for a linked worktree). */
static int find_repo(const char *dir, char gitdir[PATH_MAX], char common[PATH_MAX])
{
    char here[PATH_MAX], dotgit[PATH_MAX], buf[SMALL_FILE_MAX + 1];
    if (!realpath(dir, here))
        return UNSURE;
    for (int level = 0; level < DIR_LEVELS; level++) {
        struct stat st;
        if (join(dotgit, here, ".git") < 0)
            return UNSURE;
        if (lstat(dotgit, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                memcpy(gitdir, dotgit, PATH_MAX);
            } else if (S_ISREG(st.st_mode)) {
                long n = read_small(dotgit, buf); /* "gitdir: PATH", relative to here */
                if (n < 0 || strncmp(buf, "gitdir: ", 8) != 0 || join(gitdir, here, buf + 8) < 0)
                    return UNSURE;
            } else {
                return UNSURE; /* a symbolic link or stranger: git knows what it means */
            }
            char probe[PATH_MAX];
            if (join(probe, gitdir, "HEAD") < 0 || access(probe, F_OK) != 0)
                return UNSURE; /* not a plain repository: git may walk on past it */
            long n = -1;
            if (join(probe, gitdir, "commondir") < 0 || (n = read_small(probe, buf)) == -2)
                return UNSURE;
            if (n < 0)
                memcpy(common, gitdir, PATH_MAX);
            else if (join(common, gitdir, buf) < 0)
                return UNSURE;
            if (join(probe, common, "reftable") < 0 || access(probe, F_OK) == 0)
                return UNSURE; /* refs in a binary table */
            return FOUND;
        }
        if (errno != ENOENT && errno != ENOTDIR)
            return UNSURE;
        if (strcmp(here, "/") == 0)
            return NONE;
        char *slash = strrchr(here, '/');
        if (slash == here)
            here[1] = '\0';
        else
            *slash = '\0';
    }
    return UNSURE;
}

/* Looks refname up in common/packed-refs ("<object> <refname>" lines, '#' and '^' lines
 * skipped). */
static int packed_ref(const char *common, const char *refname, char out[GITHEAD_MAX])
{
    char path[PATH_MAX], line[1024];
    if (join(path, common, "packed-refs") < 0)
        return UNSURE;
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? NONE : UNSURE;
    struct stat st;
    int rc = NONE;
    if (fstat(fileno(f), &st) != 0 || st.st_size > PACKED_REFS_MAX)
        rc = UNSURE;
    size_t want = strlen(refname);
    while (rc == NONE && fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = UNSURE; /* a line longer than any ref git writes */
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (line[0] == '#' || line[0] == '^')
            continue;
        char *space = strchr(line, ' ');
        if (!space)
            continue;
        if ((size_t)(line + n - (space + 1)) == want && memcmp(space + 1, refname, want) == 0) {
            if (!is_object_name(line, (size_t)(space - line))) {
                rc = UNSURE;
                break;
            }
            memcpy(out, line, (size_t)(space - line));
            out[space - line] = '\0';
            rc = FOUND;
        }
    }
    if (ferror(f))
        rc = UNSURE;
    fclose(f);
    return rc;
}

/* A ref name this reader resolves: under refs/, no "..", no leading or empty parts. */
static int plain_refname(const char *s)
{
    if (strncmp(s, "refs/", 5) != 0 || strstr(s, "..") || strstr(s, "//") ||
        s[strlen(s) - 1] == '/')
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '\\')
            return 0;
    return 1;
}

int githead_read(const char *dir, char out[GITHEAD_MAX])
{
    char gitdir[PATH_MAX], common[PATH_MAX], path[PATH_MAX], buf[SMALL_FILE_MAX + 1];
    char ref[SMALL_FILE_MAX + 1] = "";
    if (getenv("GIT_DIR") || getenv("GIT_COMMON_DIR") || getenv("GIT_WORK_TREE"))
        return UNSURE; /* the environment chooses the repository: git's rules */
    int rc = find_repo(dir, gitdir, common);
    if (rc != FOUND)
        return rc;
    if (join(path, gitdir, "HEAD") < 0)
        return UNSURE;
    for (int hop = 0; hop <= SYMREF_HOPS; hop++) {
        long n = read_small(path, buf);
        if (n == -2)
            return UNSURE;
        if (n == -1) /* a loose ref that is not there: packed, or a branch without commits */
            return hop == 0 ? UNSURE : packed_ref(common, ref, out);
        if (is_object_name(buf, (size_t)n)) {
            memcpy(out, buf, (size_t)n + 1);
            return FOUND;
        }
        if (strncmp(buf, "ref: ", 5) != 0 || !plain_refname(buf + 5))
            return UNSURE;
        /* per-worktree refs (refs/bisect, refs/worktree, refs/rewritten) live in the git
         * dir; every other ref, branches included, in the common dir */
        memcpy(ref, buf + 5, (size_t)n - 4);
        int own = strncmp(ref, "refs/bisect/", 12) == 0 ||
                  strncmp(ref, "refs/worktree/", 14) == 0 ||
                  strncmp(ref, "refs/rewritten/", 15) == 0;
        if (own || join(path, common, ref) < 0)
            return UNSURE;
    }
    return UNSURE; /* a longer chain of symbolic refs than git follows */
}

/* ---- the fallback: git rev-parse as a child process -------------------------------- */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the child's answer until EOF, the buffer is full or the deadline; returns the
 * bytes read, or -1 past the deadline. */
static long read_answer(int fd, char *buf, size_t cap, long deadline)
{
    size_t len = 0;
    for (;;) {
        long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0)
            return -1;
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (len += (size_t)n) == cap)
            return (long)len;
    }
}

int githead_git(const char *dir, long timeout_ms, char out[GITHEAD_MAX])
{
    char *argv[] = {"git", "-C", (char *)dir, "rev-parse", "--verify", "-q", "HEAD", NULL};
    char answer[GITHEAD_MAX + 2];
    int pipefd[2], status = 0, rc = -1;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    if (pipe(pipefd) != 0)
        return -1;
    /* the child gets the write end as its stdout only; nothing else leaks into it */
    fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
    fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
    if (posix_spawn_file_actions_init(&fa) != 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    int spawned = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (spawned != 0) {
        close(pipefd[0]);
        return -1;
    }
    long n = read_answer(pipefd[0], answer, sizeof answer, now_ms() + timeout_ms);
    close(pipefd[0]);
    if (n < 0)
        kill(pid, SIGKILL); /* too slow: a hung git must not hold the run */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (n > 0 && answer[n - 1] == '\n')
        n--;
    if (n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        is_object_name(answer, (size_t)n)) {
        memcpy(out, answer, (size_t)n);
        out[n] = '\0';
        rc = 0;
    }
    return rc;
}

int githead_commit(const char *dir, long timeout_ms, char out[GITHEAD_MAX])
{
    int rc = githead_read(dir, out); /* writes out only when it found the commit */
    if (rc == FOUND)
        return 0;
    if (rc == NONE)
        return -1;
    return githead_git(dir, timeout_ms, out);
}
