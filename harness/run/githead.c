/* githead: `git -C DIR rev-parse HEAD` as a child process, bounded in time and output. */
#include "githead.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

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

static int is_object_name(const char *s, size_t n)
{
    if (n != 40 && n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int githead_commit(const char *dir, long timeout_ms, char out[GITHEAD_MAX])
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
