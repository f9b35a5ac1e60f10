/* fault: faults armed through the admin API (fixed status, delay, connection reset,
 * hang, truncated body, 429), each for N matching requests, matched by method and
 * path (exact, or a prefix when the pattern ends with '*').
 * Ownership: the list owns the armed faults; fault_take copies one into a caller's
 * struct, whose strings the caller releases with fault_release. */
#ifndef KPCT_MOCK_FAULT_H
#define KPCT_MOCK_FAULT_H

#include "mock_fault.h"

#include <cJSON.h>
#include <stddef.h>

/* Most faults armed at once. */
#define FAULT_MAX_ARMED 256
/* Longest delay_ms / hang_ms accepted (10 minutes). */
#define FAULT_MAX_WAIT_MS 600000u
/* Longest body of a status fault. */
#define FAULT_MAX_BODY 65536

typedef enum {
    FAULT_NONE = 0,
    FAULT_STATUS,
    FAULT_DELAY,
    FAULT_RESET,
    FAULT_HANG,
    FAULT_TRUNCATE,
    FAULT_RATE_LIMIT
} fault_kind;

typedef struct fault {
    unsigned id;
    fault_kind kind;
    unsigned times;       /* as armed; 0 = until cleared */
    unsigned remaining;   /* left to fire (meaningless when times is 0) */
    char *method;         /* NULL = any */
    char *path;           /* NULL = any */
    unsigned status;      /* status: HTTP status */
    char *body;           /* status: body ("" by default) */
    char *content_type;   /* status: default "application/json" */
    unsigned delay_ms;    /* delay */
    unsigned hang_ms;     /* hang: 0 = until the idle timeout */
    unsigned retry_after; /* rate_limit: seconds, default 1 */
    struct fault *next;
} fault;

typedef struct fault_list fault_list;

/* Makes an empty list; NULL on OOM. */
fault_list *fault_list_new(void);
/* Frees the list and every armed fault; accepts NULL. */
void fault_list_free(fault_list *l);
/* Arms the fault described by spec (the admin API's JSON, checked as
 * mock_fault_spec_check does); returns 0 and its id, or -1 with a one-line reason in err. */
int fault_arm(fault_list *l, const cJSON *spec, unsigned *id, char *err, size_t errlen);
/* Finds the first armed fault matching method and path, uses up one of its times and
 * copies it into *out; returns 1 when one fired, 0 when none matched (or on OOM). */
int fault_take(fault_list *l, const char *method, const char *path, fault *out);
/* Releases the strings of a fault filled by fault_take; accepts NULL. */
void fault_release(fault *f);
/* Disarms every fault. */
void fault_clear(fault_list *l);
/* Returns {"faults":[...]} with the remaining counts, or NULL on OOM. */
cJSON *fault_list_json(fault_list *l);
/* Returns the admin API's name of a kind ("status", "delay", ...). */
const char *fault_kind_name(fault_kind k);

#endif
