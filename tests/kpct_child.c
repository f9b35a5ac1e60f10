/* kpct_child: kpct as a child process, and the case trees it runs. */
#include "kpct_child.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kfile.h"
#include "test_tmp.h"

static char *slurp(const char *path)
{
    char err[256];
    size_t len;
    char *s = kfile_read(path, 64u << 20, &len, err, sizeof err);
    return s ? s : strdup("");
}

kpct_child kpct_child_run_signal(const char *const *args, const char *const *env,
                                 int signal_after_ms, int sig)
{
    kpct_child r = {0};
    char out_path[512], err_path[512];
    size_t n = 0;
    while (args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof *argv);
    cr_assert_not_null(argv);
    argv[0] = getenv("KPCT_BIN");
    memcpy(argv + 1, args, n * sizeof *argv);
    cr_assert_not_null(test_tmp_dir(r.dir, sizeof r.dir, "kpct-child"));
    snprintf(out_path, sizeof out_path, "%s/stdout", r.dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", r.dir);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        unsetenv("KLARNA_USERNAME");
        unsetenv("KLARNA_PASSWORD");
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        if (!freopen(out_path, "w", stdout) || !freopen(err_path, "w", stderr))
            _exit(99);
        execv(argv[0], (char *const *)argv);
        _exit(98);
    }
    if (signal_after_ms > 0) {
        usleep((useconds_t)signal_after_ms * 1000);
        kill(pid, sig);
    }
    int st;
    waitpid(pid, &st, 0);
    free(argv);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

kpct_child kpct_child_run(const char *const *args, const char *const *env)
{
    return kpct_child_run_signal(args, env, 0, 0);
}

void kpct_child_free(kpct_child *c)
{
    char path[600];
    free(c->out);
    free(c->err);
    snprintf(path, sizeof path, "%s/stdout", c->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/stderr", c->dir);
    unlink(path);
    rmdir(c->dir);
}

void kpct_child_tree(char *dir, const char *suite_json)
{
    char cmd[1024], path[512], err[256];
    cr_assert_not_null(test_tmp_dir(dir, 256, "kpct-cases"));
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/fixtures' && cp -r '%s/fixtures/SE' '%s/fixtures/'",
             dir, getenv("KPCT_CASES"), dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/suite.json", dir);
    cr_assert_eq(kfile_write_atomic(path, suite_json, strlen(suite_json), err, sizeof err), 0, "%s",
                 err);
}

size_t kpct_child_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n' || (!s[1] && *s != '\n');
    return n;
}
