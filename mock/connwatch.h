/* connwatch: what libmicrohttpd does not do for a connection, from one thread per server
 * that wakes every 100 ms.
 * - The request-head deadline: MHD's timeout counts idleness, so a client sending one
 *   header line every few seconds would hold a connection for ever; a head not complete
 *   in time is closed, whatever trickles in.
 * - The lingering close: MHD closes a connection it answered before reading the body
 *   (an early 413) with the body still arriving, and the kernel then resets it, so a
 *   client that writes its whole body before reading gets a broken pipe instead of the
 *   answer. The socket is handed over here instead, and the rest of the body read and
 *   dropped (within a bound of bytes and time) before it is closed.
 * Ownership: connwatch_new hands out a watch freed by connwatch_free; the slot a
 * connection gets from connwatch_open is freed by connwatch_close; a socket given to
 * connwatch_linger is the watch's to close. */
#ifndef KPCT_MOCK_CONNWATCH_H
#define KPCT_MOCK_CONNWATCH_H

#include <stdint.h>

/* Bounds of a lingering close: bytes read and dropped at most (or 4x the body cap, the
 * larger), time at most, sockets lingering at once (beyond, one is closed at once). */
#define CONNWATCH_LINGER_MIN_BYTES (16u << 20)
#define CONNWATCH_LINGER_MS        2000
#define CONNWATCH_LINGER_MAX       256

typedef struct connwatch connwatch;
typedef struct connwatch_slot connwatch_slot;

/* Starts the thread. A head must be complete head_timeout_s seconds after a connection
 * opens or a request line begins (0 = no deadline); a kept-alive connection may idle
 * idle_timeout_s (0 = for ever) before the next request line. Returns NULL if the thread
 * cannot start or out of memory. */
connwatch *connwatch_new(unsigned head_timeout_s, unsigned idle_timeout_s);
/* Stops the thread, closes every lingering socket and frees the watch; every slot must
 * be closed first. Accepts NULL. */
void connwatch_free(connwatch *w);
/* Starts watching a new connection on socket fd; returns its slot, or NULL on OOM, with
 * w NULL or without a deadline (the connection is then not watched). */
connwatch_slot *connwatch_open(connwatch *w, int fd);
/* The request line of the connection's next request has arrived. Accepts NULL. */
void connwatch_request_line(connwatch *w, connwatch_slot *s);
/* The head of the current request is complete: no deadline until it has been answered.
 * Accepts NULL. */
void connwatch_head_done(connwatch *w, connwatch_slot *s);
/* The current request is over; the connection now waits for the next one. Accepts NULL. */
void connwatch_request_done(connwatch *w, connwatch_slot *s);
/* Stops watching (the connection is closing); frees the slot. Accepts NULL. */
void connwatch_close(connwatch *w, connwatch_slot *s);
/* Takes over fd (a dup of an answered connection's socket, which MHD is about to close):
 * reads and drops what arrives until the peer closes, max_bytes were read or
 * CONNWATCH_LINGER_MS passed, then closes it. fd is closed at once when w is NULL or
 * CONNWATCH_LINGER_MAX sockets linger already. */
void connwatch_linger(connwatch *w, int fd, uint64_t max_bytes);

#endif
