/* cmd_list: kpct list — prints the plan a run would make (market when there are
 * several, id, title, skip reason) and its size; runs nothing. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

#include "plan.h"

typedef struct tag_count {
    const char *tag; /* borrowed from the case set */
    size_t tests;
} tag_count;

static int by_tag(const void *a, const void *b)
{
    return strcmp(((const tag_count *)a)->tag, ((const tag_count *)b)->tag);
}

/* kpct list --tags: every tag of the plan with the number of its tests, by name. Returns
 * 0, or CLI_EXIT_SOFTWARE out of memory. */
static int list_tags(const plan *p)
{
    tag_count *counts = NULL;
    size_t n = 0;
    for (size_t i = 0; i < p->n_jobs; i++) {
        const case_test *t = p->jobs[i].test;
        for (size_t k = 0; k < t->n_tags; k++) {
            size_t j = 0;
            while (j < n && strcmp(counts[j].tag, t->tags[k]))
                j++;
            if (j == n) {
                tag_count *grown = realloc(counts, (n + 1) * sizeof *grown);
                if (!grown) {
                    free(counts);
                    return msg_oom();
                }
                counts = grown;
                counts[n++] = (tag_count){t->tags[k], 0};
            }
            counts[j].tests++;
        }
    }
    if (n)
        qsort(counts, n, sizeof *counts, by_tag);
    for (size_t j = 0; j < n; j++)
        printf("%s\t%zu\n", counts[j].tag, counts[j].tests);
    fprintf(stderr, "%zu tag%s\n", n, n == 1 ? "" : "s");
    free(counts);
    return CLI_EXIT_OK;
}

int cmd_list(const cli_options *o)
{
    plan p = {0};
    int rc = plan_open(o, &p, false);
    if (rc)
        goto out;
    if (o->list_tags) {
        rc = list_tags(&p);
        goto out;
    }
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
