/* msg: how kpct speaks about itself on stderr — usage errors, out of memory, other
 * failures — each with the exit status it leads to. */
#ifndef KPCT_MSG_H
#define KPCT_MSG_H

/* Prints "kpct: reason" and the --help hint; returns CLI_EXIT_USAGE. */
int msg_usage(const char *reason);
/* Prints "kpct: out of memory"; returns CLI_EXIT_SOFTWARE. */
int msg_oom(void);
/* Prints "kpct: " and the formatted text on one line. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
