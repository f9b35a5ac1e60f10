/* hostile: small misbehaving HTTP servers for tests, one thread each on a free
 * loopback port. Ownership: hostile_start hands out a server freed by hostile_stop. */
#ifndef KPCT_TEST_HOSTILE_H
#define KPCT_TEST_HOSTILE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    HOSTILE_OK,             /* 200 application/json {"ok":true} */
    HOSTILE_STATUS,         /* the status and body given */
    HOSTILE_HANG,           /* reads the request, never answers */
    HOSTILE_RESET_MID_BODY, /* promises 1000 bytes, sends 100, then resets the connection */
    HOSTILE_HUGE_BODY,      /* 200 with a 50 MB body */
    HOSTILE_SLOW_DRIP,      /* 200, body of 1000 bytes, one byte every 50 ms */
    HOSTILE_FLAKY,          /* 503 on the first request, then like HOSTILE_OK */
    HOSTILE_RATE_LIMITED,   /* 429 with Retry-After: 1 (or the body given) on the first
                               request, then like HOSTILE_OK */
    HOSTILE_HEADER_FLOOD,   /* 200 with 10,000 response headers */
    HOSTILE_GARBAGE,        /* bytes that are not HTTP, then a close */
    HOSTILE_CHUNKED_HUGE,   /* 200, chunked, no length: 50 MB of chunks */
    HOSTILE_EARLY_413,      /* 413 right after the request head, body never read, close;
                               logs " [expect-continue]" after the request line when the
                               client offered to wait */
    HOSTILE_DIGEST,         /* 200 application/json {"bytes":N,"sha256":"<hex>"} of the
                               request body it read (Content-Length) */
    HOSTILE_DROP_REUSED     /* like HOSTILE_DIGEST, but the second request on a connection
                               is read and the connection closed unanswered (a kept-alive
                               connection the server let go) */
} hostile_kind;

typedef struct hostile hostile;

#define HOSTILE_LOG_MAX 4096 /* request lines remembered */

/* Every kind but HOSTILE_EARLY_413 answers "Expect: 100-continue" with 100 Continue.
 * Every kind answers GET /__admin/... with 404 (the runner's kpmock probe) and does
 * not count it as a request. */
/* Starts a server; status/content_type/body only matter for HOSTILE_STATUS. Returns NULL on
 * failure. */
hostile *hostile_start(hostile_kind kind, int status, const char *content_type, const char *body);
/* The server's base URL, e.g. "http://127.0.0.1:40001". */
const char *hostile_url(const hostile *h);
/* How many requests the server has read. */
unsigned hostile_requests(const hostile *h);
/* The request lines read so far ("POST /x HTTP/1.1"), in arrival order; borrowed,
 * valid until hostile_stop. Returns how many. */
size_t hostile_log(hostile *h, char ***lines);
/* A base URL where nothing listens (bound, then closed). */
void hostile_dead_url(char *out, size_t outlen);
/* The request line of kpct run's preflight read (harness/run/preflight.h). */
#define HOSTILE_PREFLIGHT_LINE "GET /payments/v1/sessions/00000000-0000-4000-8000-000000000000 "
/* From now on answer the preflight read with 404, not counted or logged, like the admin
 * probe: for tests of what the misbehaviour does to the tests themselves. */
void hostile_pass_preflight(hostile *h);
/* Stops the server and frees it; accepts NULL. */
void hostile_stop(hostile *h);

#endif
