/* rng: a small seeded pseudo-random generator (splitmix64) for ids, tokens and
 * correlation ids. Deterministic for a given seed; not for cryptography (the mock's
 * tokens only need to look like Klarna's). A kprng is not locked: give each thread
 * its own, or guard it. */
#ifndef KPCT_RNG_H
#define KPCT_RNG_H

#include <stdint.h>

typedef struct kprng {
    uint64_t state;
} kprng;

/* Seeds the generator; seed 0 means "from the clock and process id". */
void kprng_seed(kprng *r, uint64_t seed);
/* Returns the next 64 random bits. */
uint64_t kprng_next(kprng *r);
/* Writes a lowercase RFC 4122 version-4 UUID (36 chars + NUL) into out[37]. */
void kprng_uuid(kprng *r, char out[37]);

#endif
