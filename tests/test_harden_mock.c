/* kpmock's connection bounds against clients that most servers meet: a client that
 * writes a whole oversize body before it reads still gets the 413 (the lingering
 * close), and a request head that trickles in is cut at --head-timeout while other
 * connections are served. Raw sockets, so the client does exactly what is described. */
#include "test_mock_util.h"

#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int connect_to(unsigned port)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the head and all size body bytes, and only then reads the answer's status
 * line: 413, or 0 when the write or the read failed (a reset, a broken pipe). */
static int write_all_then_read(unsigned port, size_t size)
{
    char head[256], out[512];
    int fd = connect_to(port);
    int n = snprintf(head, sizeof head,
                     "POST /payments/v1/sessions HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: Basic a3Btb2NrOmtwbW9jaw==\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     size);
    static char body[65536];
    memset(body, 'x', sizeof body);
    int status = 0;
    if (send(fd, head, (size_t)n, MSG_NOSIGNAL) != n)
        goto out;
    for (size_t sent = 0; sent < size;) {
        size_t chunk = size - sent < sizeof body ? size - sent : sizeof body;
        ssize_t w = send(fd, body, chunk, MSG_NOSIGNAL);
        if (w <= 0)
            goto out;
        sent += (size_t)w;
    }
    size_t got = 0;
    while (got < 12) {
        ssize_t r = recv(fd, out + got, sizeof out - 1 - got, 0);
        if (r <= 0)
            goto out;
        got += (size_t)r;
    }
    out[got] = '\0';
    if (strncmp(out, "HTTP/1.1 ", 9) == 0)
        status = atoi(out + 9);
out:
    close(fd);
    return status;
}

typedef struct size_row {
    size_t bytes;
} size_row;

Test(harden_mock, a_client_that_writes_all_of_an_oversize_body_first_gets_the_413)
{
    mock_config cfg;
    tm_config(&cfg);
    mock_server *srv = tm_start(&cfg);
    static const size_t sizes[] = {2000000, 5000000};
    for (size_t s = 0; s < 2; s++) {
        int got413 = 0;
        for (int i = 0; i < 10; i++)
            got413 += write_all_then_read(mock_server_port(srv), sizes[s]) == 413;
        cr_expect_eq(got413, 10, "%zu bytes: %d of 10 clients got the 413", sizes[s], got413);
    }
    free(tm_create(mock_server_url(srv), NULL)); /* and it goes on serving */
    mock_server_stop(srv);
}

Test(harden_mock, cuts_a_head_that_trickles_in_past_the_head_timeout)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.head_timeout_s = 2;
    cfg.idle_timeout_s = 30; /* the drip keeps it from being idle */
    mock_server *srv = tm_start(&cfg);
    int fd = connect_to(mock_server_port(srv));
    double t0 = now_s(), cut = -1;
    static const char line[] = "GET /__admin/health HTTP/1.1\r\n";
    cr_assert_eq(send(fd, line, sizeof line - 1, MSG_NOSIGNAL), (ssize_t)sizeof line - 1);
    int served = 0;
    for (int i = 0; i < 40 && cut < 0; i++) {
        char h[64];
        int n = snprintf(h, sizeof h, "X-Drip-%d: a\r\n", i);
        if (send(fd, h, (size_t)n, MSG_NOSIGNAL) != n) {
            cut = now_s() - t0;
            break;
        }
        /* the server closes: readable with 0 bytes (or a reset) within the next 0.5 s */
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 500) > 0) {
            char c;
            if (recv(fd, &c, 1, 0) <= 0)
                cut = now_s() - t0;
        }
        /* meanwhile other connections are served */
        if (i % 2 == 0) {
            tm_admin(mock_server_url(srv), "GET", "/__admin/health", NULL, 200);
            served++;
        }
    }
    close(fd);
    cr_assert_geq(cut, 0, "the dripping head was never cut");
    cr_expect(cut >= 1.9 && cut < 3.0, "cut after %.2f s, want about 2 s", cut);
    cr_expect_geq(served, 2);
    cr_log_info("dripping head cut after %.2f s", cut);
    mock_server_stop(srv);
}

Test(harden_mock, keeps_an_idle_kept_alive_connection_past_the_head_timeout)
{
    mock_config cfg;
    tm_config(&cfg);
    cfg.head_timeout_s = 1;
    cfg.idle_timeout_s = 30;
    mock_server *srv = tm_start(&cfg);
    int fd = connect_to(mock_server_port(srv));
    static const char req[] = "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n";
    char out[1024];
    for (int round = 0; round < 2; round++) {
        cr_assert_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)sizeof req - 1);
        ssize_t r = recv(fd, out, sizeof out - 1, 0);
        cr_assert_gt(r, 0, "round %d: closed", round);
        out[r] = '\0';
        cr_assert(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
        if (round == 0)
            usleep(1500 * 1000); /* idle between requests is the idle timeout's business */
    }
    close(fd);
    mock_server_stop(srv);
}
