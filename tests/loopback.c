/* loopback: see loopback.h. */
#define _GNU_SOURCE
#include "loopback.h"

#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *loopback_loop(void *arg)
{
    loopback *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        s->answer(s->ctx, c);
        close(c);
    }
}

void loopback_start(loopback *s, loopback_answer answer, void *ctx)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    s->answer = answer;
    s->ctx = ctx;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(s->fd >= 0);
    cr_assert_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(s->fd, 64), 0);
    getsockname(s->fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    cr_assert_eq(pthread_create(&s->th, NULL, loopback_loop, s), 0);
}

void loopback_stop(loopback *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->th, NULL);
}

size_t loopback_read_request(int fd, kbuf *req)
{
    char buf[65536];
    size_t head_end = 0, want = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return head_end;
        kbuf_append(req, buf, (size_t)n);
        const char *e = strstr(kbuf_str(req), "\r\n\r\n");
        if (e && !head_end) {
            head_end = (size_t)(e - req->data) + 4;
            const char *cl = strcasestr(req->data, "\r\ncontent-length:");
            want = cl && cl < e ? strtoul(cl + 17, NULL, 10) : 0;
        }
        if (head_end && req->len >= head_end + want)
            return head_end;
    }
}

void loopback_write_all(int fd, const char *p, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, p + off, n - off);
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}
