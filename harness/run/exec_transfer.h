/* exec_transfer: one exchange over libcurl for exec — sets a reusable easy handle up to
 * send a case_request exactly as given, and collects the response within the bounds of
 * exec.h. exec.c owns the multi handle and decides what an ended transfer means.
 * Ownership: a transfer owns its easy handle, its header list and the response it
 * collected; transfer_free releases them; transfer_response only borrows them. */
#ifndef KPCT_EXEC_TRANSFER_H
#define KPCT_EXEC_TRANSFER_H

#include <curl/curl.h>
#include <stdbool.h>

#include "case.h"
#include "exec.h"
#include "kbuf.h"

typedef struct transfer {
    CURL *easy; /* reused for every exchange (the multi handle keeps connections alive) */
    struct curl_slist *req_headers;
    kbuf body;
    case_header *headers; /* of the last response received (after a 100 Continue) */
    size_t n_headers;
    size_t header_bytes;
    bool body_over;          /* the body passed EXEC_MAX_BODY_BYTES: the transfer was cut */
    bool headers_over;       /* the headers passed EXEC_MAX_HEADERS or EXEC_MAX_HEADER_BYTES */
    bool out_of_memory;      /* the response could not be kept: the transfer was cut */
    size_t gen_len, gen_off; /* a generated request body: its size, and what was sent */
    char errbuf[CURL_ERROR_SIZE];
} transfer;

/* Readies a zeroed t; returns 0, or -1 when libcurl cannot create a handle. */
int transfer_init(transfer *t);
/* Forgets the last exchange and sets t up to send req under cfg's timeouts, TLS and
 * proxy settings, with owner as its CURLINFO_PRIVATE. Returns 0, or -1 when memory ran
 * out building the header list (nothing may then be sent). */
int transfer_prepare(transfer *t, const exec_config *cfg, const case_request *req, void *owner);
/* True when the transfer brought a whole response within the bounds (code: libcurl's). */
bool transfer_whole(const transfer *t, CURLcode code);
/* The response collected, as the case module judges it (borrows t's data). */
case_response transfer_response(const transfer *t, long status, double seconds);
/* Releases what t holds; accepts a zeroed t. */
void transfer_free(transfer *t);

#endif
