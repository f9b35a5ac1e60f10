/* cmd_list: kpct list — prints the plan a run would make (market when there are
 * several, id, title, skip reason) and its size; runs nothing. */
#include "cmd.h"

#include <stdio.h>

#include "plan.h"

int cmd_list(const cli_options *o)
{
    plan p = {0};
    int rc = plan_open(o, &p, false);
    if (rc)
        goto out;
    for (size_t i = 0; i < p.n_jobs; i++) {
        const case_test *t = p.jobs[i].test;
        if (p.n_markets > 1)
            printf("%s\t", p.jobs[i].market);
        printf("%s\t%s", t->id, t->title ? t->title : "");
        if (t->skip_reason)
            printf("\t[skip: %s]", t->skip_reason);
        printf("\n");
    }
    fprintf(stderr, "%zu test%s\n", p.n_jobs, p.n_jobs == 1 ? "" : "s");
out:
    plan_free(&p);
    return rc;
}
