/* githead: the commit a folder's git repository is at (what `git rev-parse HEAD` says),
 * which a run records beside the case-set digest so a report says which revision of the
 * cases it ran. Read from the repository's files where their layout is plain; otherwise
 * from git itself, run without a shell, with its output bounded and a time limit. */
#ifndef KPCT_GITHEAD_H
#define KPCT_GITHEAD_H

#include <stddef.h>

#define GITHEAD_TIMEOUT_MS 2000 /* git gets this long before it is killed */
#define GITHEAD_MAX        65   /* a SHA-256 object name and the NUL */

enum {
    GITHEAD_FOUND = 0,   /* out holds the commit */
    GITHEAD_NONE = -1,   /* certainly none: not in a repository, or a branch without commits */
    GITHEAD_UNSURE = -2, /* a layout the file reader does not know (reftable, GIT_DIR set, a
                          * malformed or unusual file): only git can tell */
};

/* Writes the commit of dir's repository (40 or 64 lower-case hex digits) into out: from
 * the files (githead_read), or from git when they cannot tell (githead_git). Returns 0,
 * or -1 when there is none to tell: dir not in a repository, a branch without commits,
 * git needed but missing, failing or not done within timeout_ms (out untouched). */
int githead_commit(const char *dir, long timeout_ms, char out[GITHEAD_MAX]);

/* The file reader alone: finds `.git` upwards from dir (a folder, or a worktree's
 * `gitdir:` file and its commondir), reads HEAD and the branch's loose ref or its line
 * in packed-refs. Returns GITHEAD_FOUND, GITHEAD_NONE or GITHEAD_UNSURE (out untouched
 * but on GITHEAD_FOUND). */
int githead_read(const char *dir, char out[GITHEAD_MAX]);

/* `git -C DIR rev-parse --verify -q HEAD` as a child process: 0 with out written, or -1
 * (git missing, failing, not an object name, or killed after timeout_ms). */
int githead_git(const char *dir, long timeout_ms, char out[GITHEAD_MAX]);

#endif
