/* rng: splitmix64 and UUIDv4 formatting (see rng.h). */
#include "rng.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

void kprng_seed(kprng *r, uint64_t seed)
{
    if (seed == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
    }
    r->state = seed;
}

uint64_t kprng_next(kprng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void kprng_uuid(kprng *r, char out[37])
{
    uint64_t hi = kprng_next(r), lo = kprng_next(r);
    hi = (hi & ~UINT64_C(0xf000)) | UINT64_C(0x4000);                        /* version 4 */
    lo = (lo & UINT64_C(0x3fffffffffffffff)) | UINT64_C(0x8000000000000000); /* variant */
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
             (unsigned)(hi >> 16 & 0xffff), (unsigned)(hi & 0xffff), (unsigned)(lo >> 48),
             (unsigned long long)(lo & UINT64_C(0xffffffffffff)));
}
