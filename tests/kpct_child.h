/* kpct_child: the kpct binary run as a user runs it — a child process with its own
 * arguments and environment, its stdout and stderr kept — and the small case trees it
 * runs. For the end-to-end suites.
 * Ownership: kpct_child_run hands out a kpct_child freed by kpct_child_free. */
#ifndef KPCT_TEST_KPCT_CHILD_H
#define KPCT_TEST_KPCT_CHILD_H

#include <stddef.h>

typedef struct kpct_child {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
    char dir[256]; /* where stdout and stderr were kept */
} kpct_child;

/* Runs $KPCT_BIN with args (NULL-terminated, any number) and "K=V" environment entries
 * (NULL-terminated; may be NULL) added to a copy of the test's, without KLARNA_*. */
kpct_child kpct_child_run(const char *const *args, const char *const *env);
/* The same, and when signal_after_ms > 0, sends the child sig after that long. */
kpct_child kpct_child_run_signal(const char *const *args, const char *const *env,
                                 int signal_after_ms, int sig);
/* Frees the output and removes the folder that held it. */
void kpct_child_free(kpct_child *c);
/* Writes a case tree (into dir, 256 bytes) with the SE fixtures of $KPCT_CASES and one
 * suite file, suite.json. */
void kpct_child_tree(char *dir, const char *suite_json);
/* Lines of text (a last line without a newline counts too). */
size_t kpct_child_lines(const char *s);

#endif
