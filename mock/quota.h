/* quota: emulation of the playground's per-credential rate limits (docs/contract.md §1), as
 * fixed one-second windows counting create calls and other calls separately. */
#ifndef KPCT_MOCK_QUOTA_H
#define KPCT_MOCK_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

/* Most credentials tracked at once; beyond it the stalest window is reused. */
#define QUOTA_MAX_USERS 1024

typedef struct quota quota;

/* Makes a quota of create_per_s creates and other_per_s other calls per second per
 * username; NULL on OOM. */
quota *quota_new(unsigned create_per_s, unsigned other_per_s);
/* Frees the quota; accepts NULL. */
void quota_free(quota *q);
/* Counts one call by username in second now_s; returns false (and does not count it)
 * when that second's allowance is used up. */
bool quota_admit(quota *q, const char *username, bool is_create, int64_t now_s);
/* Forgets every window. */
void quota_reset(quota *q);

#endif
