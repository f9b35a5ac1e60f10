/* sleeper: wakes suspended connections (delay and hang faults) at their deadline, or
 * earlier when the client hangs up, from one timer thread per server. Suspending keeps
 * libmicrohttpd's pool threads free, so N hanging requests never starve the others. */
#ifndef KPCT_MOCK_SLEEPER_H
#define KPCT_MOCK_SLEEPER_H

#include <microhttpd.h>
#include <stdint.h>

typedef struct sleeper sleeper;

/* Starts the timer thread; returns NULL when it cannot. */
sleeper *sleeper_new(void);
/* Stops the thread, resumes every connection still asleep and refuses later adds. */
void sleeper_stop(sleeper *s);
/* Stops (if not yet) and frees; accepts NULL. */
void sleeper_free(sleeper *s);
/* Hands over a connection the caller has just suspended: it is resumed at deadline_ms
 * (sleeper_now_ms scale) or, when watch_fd >= 0, as soon as the peer closes that socket.
 * Returns 0, or -1 (the caller must resume it itself) on OOM or after sleeper_free began. */
int sleeper_add(sleeper *s, struct MHD_Connection *c, int64_t deadline_ms, int watch_fd);
/* Returns a monotonic clock in milliseconds. */
int64_t sleeper_now_ms(void);

#endif
