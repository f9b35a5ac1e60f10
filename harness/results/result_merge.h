/* result_merge: the runs of one plan split by --shard K/N put back together as the run
 * the whole plan would have made: its tests in plan order (by tests[].plan_index), their
 * statuses, the catalog, hence the same coverage. Pure: no files, no output.
 *
 * Merged header: target, base URL, version, seed and settings are the first shard's (lowest K; the
 * embedded mock of each shard listened on its own port and had its own seed);
 * started_at is the earliest; seconds is the SUM of the shards' seconds (the work done,
 * comparable to an unsharded run's; the wall time of parallel shards is shorter);
 * interrupted when any was; no shard member.
 *
 * Refused, with the reason in err: shards of different case sets (case_digest), targets
 * or markets; a run without case_digest or a test without plan_index (an older kpct);
 * a test (suite, id, market) or a plan position in two shards; a sharded run beside an
 * unsharded one; shards of different N; the same K twice; a missing K.
 *
 * Ownership: on success the shards' results and the catalog are MOVED into *out (the
 * shards are left without them, still freed with run_report_free) and the caller frees
 * *out with run_report_free; on failure nothing is changed. */
#ifndef KPCT_RESULT_MERGE_H
#define KPCT_RESULT_MERGE_H

#include <stddef.h>

#include "result.h"

/* Merges shards[0..n) (named names[i] in messages, e.g. their folders) into *out.
 * Returns 0, -1 with a one-line reason in err (the shards do not make one run), or -2
 * out of memory. */
int result_merge(run_report *shards, const char *const *names, size_t n, run_report *out, char *err,
                 size_t errlen);

#endif
