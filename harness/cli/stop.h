/* stop: SIGINT and SIGTERM end a run early (its partial reports are still written);
 * SIGPIPE is ignored so a closed pipe is an error, not a silent death. */
#ifndef KPCT_STOP_H
#define KPCT_STOP_H

#include <signal.h>

/* The signal that asked kpct to stop, or 0. */
extern volatile sig_atomic_t stop_signal;

/* Installs the handlers; a second SIGINT or SIGTERM ends kpct at once. */
void stop_install(void);

#endif
