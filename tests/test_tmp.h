/* test_tmp: every test program keeps its temporary folders under one base folder that
 * is made before its first test and removed after its last (Criterion report hooks run
 * in the runner process; the tests, run in child processes, find the base in TMPDIR).
 * So a test run leaves nothing behind in /tmp, whatever a test forgets to clean. */
#ifndef KPCT_TEST_TMP_H
#define KPCT_TEST_TMP_H

#include <stddef.h>

/* Makes a new folder "$TMPDIR/<prefix>-XXXXXX", writes its path into out (n bytes) and
 * returns out; NULL when the path does not fit or the folder cannot be made. */
char *test_tmp_dir(char *out, size_t n, const char *prefix);

#endif
