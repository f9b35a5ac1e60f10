/* cmd_lint: kpct lint — loads and validates the case files, runs nothing. */
#include "cmd.h"

#include <stdio.h>

#include "plan.h"

int cmd_lint(const cli_options *o)
{
    case_set *set = NULL;
    int rc = plan_load_cases(o->cases_dir, &set);
    if (rc)
        return rc;
    size_t nm, nc;
    const char *const *markets = case_set_markets(set, &nm);
    case_set_clauses(set, &nc);
    printf("%s: ok (%zu clauses, markets:", o->cases_dir, nc);
    for (size_t i = 0; i < nm; i++)
        printf(" %s", markets[i]);
    printf(")\n");
    case_set_free(set);
    return CLI_EXIT_OK;
}
