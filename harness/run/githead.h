/* githead: the commit a folder's git repository is at (`git rev-parse HEAD`), which a run
 * records beside the case-set digest so a report says which revision of the cases it ran.
 * git runs without a shell, with its output bounded and a time limit. */
#ifndef KPCT_GITHEAD_H
#define KPCT_GITHEAD_H

#include <stddef.h>

#define GITHEAD_TIMEOUT_MS 2000 /* git gets this long before it is killed */
#define GITHEAD_MAX        65   /* a SHA-256 object name and the NUL */

/* Writes the commit of dir's repository (40 or 64 lower-case hex digits) into out.
 * Returns 0, or -1 when there is none to tell: git missing, dir not in a repository, a
 * repository without commits, git not done within timeout_ms, or an answer that is not
 * an object name (out untouched). */
int githead_commit(const char *dir, long timeout_ms, char out[GITHEAD_MAX]);

#endif
