/* plan: what run and list share, one floor below them — the loaded case set, the
 * resolved target, the markets and the job plan with its shard. Like the commands it
 * prints what goes wrong and answers with an exit status.
 * Ownership: a plan owns its case set, target, markets, headers and jobs; plan_free releases
 * them. */
#ifndef KPCT_PLAN_H
#define KPCT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "cli.h"
#include "exec.h"
#include "header.h"
#include "target.h"

#define PLAN_MAX_MARKETS 64
#define PLAN_PROBE_MS    2000 /* GET /__admin/health on URL targets */

typedef struct plan {
    case_set *set;
    target tgt;
    bool have_target;
    char *markets[PLAN_MAX_MARKETS];
    size_t n_markets;
    case_env envs[PLAN_MAX_MARKETS];
    header_set headers; /* --header, expanded: in every env and the target's probe */
    exec_job *jobs;     /* every market's selected tests, then the shard */
    size_t n_jobs;
    uint64_t seed; /* --seed, or a fixed one so runs without it repeat */
} plan;

/* Loads the case set, printing every problem as file:line:col: message. Returns 0,
 * or CLI_EXIT_BAD_CASES. */
int plan_load_cases(const char *dir, case_set **set);
/* Expands the --header values, loads the cases, resolves the target (for a run also its
 * credentials, and opens it), chooses the markets and plans the jobs. Returns 0, or the exit status
 * after printing why; p must be zeroed and is freed by plan_free either way. */
int plan_open(const cli_options *o, plan *p, bool for_run);
/* Decides the markets to run: default_market, --market's "all", or its comma list, each
 * with fixtures in set. Fills markets (new strings) and *n. Returns 0, -1 with a reason
 * (usage), -2 out of memory. */
int plan_choose_markets(const cli_options *o, const char *default_market, const case_set *set,
                        char **markets, size_t *n, char *err, size_t errlen);
/* The position in the whole plan (before --shard) of the plan's job-th job, so that
 * kpct merge can put the shards back in the unsharded order. */
size_t plan_index_of(const cli_options *o, size_t job);
/* Releases the plan; accepts a zeroed one. */
void plan_free(plan *p);

#endif
