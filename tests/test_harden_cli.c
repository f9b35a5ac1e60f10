/* kpct's answers to a few things an audit found: a response header line too long for
 * libcurl is an error that names the bound (not "Out of memory"), a status line outside
 * 100..599 is an error (not a failure), and what a run killed mid-write left in the
 * report folder is removed by the next run. kpct runs as a child process against a
 * loopback server that sends one canned answer. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kbuf.h"
#include "kfile.h"
#include "test_tmp.h"

typedef struct canned {
    int fd, port;
    pthread_t th;
    kbuf answer;
} canned;

static void *serve(void *arg)
{
    canned *c = arg;
    for (int s; (s = accept(c->fd, NULL, NULL)) >= 0; close(s)) {
        char buf[65536];
        size_t got = 0;
        while (got < sizeof buf - 1) {
            ssize_t n = read(s, buf + got, sizeof buf - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            buf[got] = '\0';
            if (strstr(buf, "\r\n\r\n"))
                break;
        }
        static const char no[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        if (!strncmp(buf, "GET /__admin/", 13)) {
            (void)!write(s, no, sizeof no - 1);
            continue;
        }
        for (size_t off = 0; off < c->answer.len;) {
            ssize_t n = write(s, c->answer.data + off, c->answer.len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        shutdown(s, SHUT_WR);
        while (read(s, buf, sizeof buf) > 0)
            ;
    }
    return NULL;
}

static void canned_start(canned *c)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(bind(c->fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(c->fd, 16), 0);
    getsockname(c->fd, (struct sockaddr *)&a, &al);
    c->port = ntohs(a.sin_port);
    cr_assert_eq(pthread_create(&c->th, NULL, serve, c), 0);
}

static void canned_stop(canned *c)
{
    shutdown(c->fd, SHUT_RDWR);
    close(c->fd);
    pthread_join(c->th, NULL);
    kbuf_free(&c->answer);
}

static const char suite[] =
    "{\"suite\": \"smoke\", \"title\": \"smoke\", \"cases\": [\n"
    " {\"id\": \"smoke.one\", \"title\": \"one\", \"clauses\": [],\n"
    "  \"steps\": [{\"name\": \"read\", \"request\": {\"method\": \"GET\", \"path\": "
    "\"/payments/v1/sessions/00000000-0000-4000-8000-000000000000\"},\n"
    "    \"expect\": {\"status\": 404}}]}]}\n";

/* Runs kpct against url with out as its report folder; returns the exit status and
 * its stdout in *stdout_text (to free). */
static int run_kpct(const char *tree, const char *url, const char *out, char **stdout_text)
{
    char so[600], cases[600], err[256];
    snprintf(so, sizeof so, "%s/stdout", tree);
    snprintf(cases, sizeof cases, "%s/cases", tree);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setenv("KLARNA_USERNAME", "harden-user", 1);
        setenv("KLARNA_PASSWORD", "harden-pass", 1);
        if (!freopen(so, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(99);
        if (url)
            execl(getenv("KPCT_BIN"), "kpct", "run", cases, "--out", out, "--target", url,
                  (char *)NULL);
        else
            execl(getenv("KPCT_BIN"), "kpct", "run", cases, "--out", out, (char *)NULL);
        _exit(98);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    size_t len;
    *stdout_text = kfile_read(so, 1u << 20, &len, err, sizeof err);
    cr_assert_not_null(*stdout_text, "%s", err);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void make_tree(char *tree, size_t n)
{
    char cmd[1024], path[600], err[256];
    cr_assert_not_null(test_tmp_dir(tree, n, "kpct-harden"));
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/cases/fixtures' && cp -r '%s/fixtures/SE' '%s/cases/fixtures/'", tree,
             getenv("KPCT_CASES"), tree);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/cases/suite.json", tree);
    cr_assert_eq(kfile_write_atomic(path, suite, strlen(suite), err, sizeof err), 0, "%s", err);
}

/* One row: the head of a canned answer, how many filler bytes one header carries, and
 * the exact console line kpct prints for the test. */
typedef struct answer_row {
    char head[64];
    size_t filler;
    char line[160];
} answer_row;

ParameterizedTestParameters(harden_cli, names_what_is_wrong_with_an_answer)
{
    static answer_row rows[] = {
        {"HTTP/1.1 200 OK\r\nX-Big: ", 16u << 20,
         "a response header line exceeds libcurl's 102400-byte bound"},
        {"HTTP/1.1 999 Odd\r\n", 0, "not an HTTP status: 999"},
        {"HTTP/1.1 600 Odd\r\n", 0, "not an HTTP status: 600"},
    };
    return cr_make_param_array(answer_row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(answer_row *row, harden_cli, names_what_is_wrong_with_an_answer)
{
    char tree[256], out[300], url[64];
    canned c;
    kbuf_init(&c.answer, 32u << 20);
    kbuf_puts(&c.answer, row->head);
    for (size_t i = 0; i < row->filler; i++)
        kbuf_append(&c.answer, "a", 1);
    kbuf_puts(&c.answer, row->filler ? "\r\n" : "");
    kbuf_puts(&c.answer, "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    canned_start(&c);
    make_tree(tree, sizeof tree);
    snprintf(out, sizeof out, "%s/out", tree);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", c.port);
    char *text = NULL;
    int rc = run_kpct(tree, url, out, &text);
    cr_expect_eq(rc, 2, "an error, not a failure: %s", text);
    char want[400];
    snprintf(want, sizeof want, "/payments/v1/sessions/00000000-0000-4000-8000-000000000000: %s\n",
             row->line);
    cr_expect(strstr(text, want), "want \"%s\" in:\n%s", want, text);
    free(text);
    canned_stop(&c);
}

Test(harden_cli, removes_what_a_run_killed_while_writing_left_in_the_report_folder)
{
    char tree[256], out[300], path[700], err[256];
    make_tree(tree, sizeof tree);
    snprintf(out, sizeof out, "%s/out", tree);
    static const char *const left[] = {".kpct-write-check", ".kpct-write-check.a1B2c3",
                                       "junit.xml.Xy12Zw", "results.json.000000",
                                       "coverage.json.qwerty"};
    static const char *const kept[] = {"notes.txt", "junit.xml.bak", "results.json.1"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", out, left[i]);
        cr_assert_eq(kfile_write_atomic(path, "x", 1, err, sizeof err), 0, "%s", err);
    }
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, kept[i]);
        cr_assert_eq(kfile_write_atomic(path, "x", 1, err, sizeof err), 0, "%s", err);
    }
    char *text = NULL;
    int rc = run_kpct(tree, NULL, out, &text);
    cr_expect_eq(rc, 0, "%s", text);
    free(text);
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", out, left[i]);
        cr_expect(access(path, F_OK) != 0, "%s is still there", left[i]);
    }
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, kept[i]);
        cr_expect(access(path, F_OK) == 0, "%s, not ours, was removed", kept[i]);
    }
}
