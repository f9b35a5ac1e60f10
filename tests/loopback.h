/* loopback: a test's own HTTP server on 127.0.0.1 — one thread accepting connections one
 * at a time, each handed to the test's answer function and closed after it — and the
 * reading and writing such an answer does. For the suites that put a server of their own
 * (an echo, a gateway) in front of kpct.
 * Ownership: the caller owns the loopback struct; loopback_stop joins its thread. */
#ifndef KPCT_TEST_LOOPBACK_H
#define KPCT_TEST_LOOPBACK_H

#include <pthread.h>
#include <stddef.h>

#include "kbuf.h"

/* Answers one connection (fd, closed by the caller afterwards); ctx is loopback_start's. */
typedef void (*loopback_answer)(void *ctx, int fd);

typedef struct loopback {
    int fd, port; /* the listening socket, and its port on 127.0.0.1 */
    pthread_t th;
    loopback_answer answer;
    void *ctx;
} loopback;

/* Listens on an ephemeral loopback port and starts the accepting thread (asserts). */
void loopback_start(loopback *s, loopback_answer answer, void *ctx);
/* Closes the listening socket and joins the thread. */
void loopback_stop(loopback *s);
/* Reads one request (head and Content-Length body) into req, at most req's ceiling; returns
 * the length of the head with its blank line, 0 when no whole head came. */
size_t loopback_read_request(int fd, kbuf *req);
/* Writes n bytes of p, stopping early when the peer goes away. */
void loopback_write_all(int fd, const char *p, size_t n);

#endif
