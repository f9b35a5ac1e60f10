/* mutate_run: the kill matrix of the real suite against a few built-in defects run at
 * once (one caught by a case of its own, one only a US case catches, so it survives in
 * SE), and the refusal to measure a suite that is red against the faithful mock. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_tree.h"
#include "mock.h"
#include "mutate.h"
#include "redact.h"

static const char *const SE[] = {"SE"};

static mutate_config config(void)
{
    return (mutate_config){.markets = SE,
                           .n_markets = 1,
                           .workers = 3,
                           .jobs = 8,
                           .seed = 7,
                           .username = "mutate-user",
                           .password = "mutate-password"};
}

typedef struct kill_row {
    const char *defect;
    bool killed;
    const char *clause;
} kill_row;

static const kill_row kill_rows[] = {
    {"update-200", true, "update.ok"},
    {"locale-by-billing-country", true, "update.bad_value.locale"},
    {"no-us-sales-tax-model", false, "update.bad_value.order_lines.us_sales_tax"},
};
#define N_ROWS (sizeof kill_rows / sizeof kill_rows[0])

Test(mutate, runs_defects_in_parallel_and_names_the_survivor_with_its_clause)
{
    const char *dir = getenv("KPCT_CASES_DIR");
    cr_assert(dir, "KPCT_CASES_DIR is not set");
    case_set *set = NULL;
    case_diags diags = {0};
    cr_assert_eq(case_set_load(dir, &set, &diags), 0);
    size_t idx[N_ROWS];
    for (size_t i = 0; i < N_ROWS; i++) {
        int k = mock_defect_lookup(kill_rows[i].defect);
        cr_assert_geq(k, 0, "%s", kill_rows[i].defect);
        idx[i] = (size_t)k;
    }
    mutate_result res[N_ROWS] = {0};
    mutate_config cfg = config();
    char err[512] = "";
    cr_assert_eq(mutate_run(&cfg, set, idx, N_ROWS, res, err, sizeof err), 0, "%s", err);
    for (size_t i = 0; i < N_ROWS; i++) {
        const kill_row *w = &kill_rows[i];
        cr_expect_str_eq(res[i].name, w->defect);
        cr_expect(res[i].ran, "%s did not run", w->defect);
        cr_expect_eq(res[i].killed, w->killed, "%s: killed %d", w->defect, res[i].killed);
        cr_expect_eq(res[i].n_killers > 0, w->killed, "%s: %zu killers", w->defect,
                     res[i].n_killers);
        cr_expect_str_eq(res[i].clause, w->clause);
        if (w->killed)
            cr_expect_not_null(res[i].killers[0]);
        cr_expect_gt(res[i].seconds, 0.0);
    }
    mutate_results_clear(res, N_ROWS);
    case_set_free(set);
    case_diags_free(&diags);
}

Test(mutate, refuses_a_suite_that_fails_against_the_faithful_mock)
{
    char *root = case_tree_new();
    case_tree_write(
        root, "red.json",
        "{\"suite\": \"red\", \"title\": \"A red suite\", \"cases\": [\n"
        " {\"id\": \"red.teapot\", \"title\": \"A create answers 418\", \"clauses\": [],\n"
        "  \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": "
        "\"/payments/v1/sessions\", \"body\": {\"fixture\": \"session\"}},\n"
        "              \"expect\": {\"status\": 418}}]}]}\n");
    case_set *set = NULL;
    char *diags = case_tree_load(root, &set);
    cr_assert_str_eq(diags, "");
    size_t idx[1] = {(size_t)mock_defect_lookup("update-200")};
    mutate_result res[1] = {0};
    mutate_config cfg = config();
    char err[512] = "";
    cr_expect_eq(mutate_run(&cfg, set, idx, 1, res, err, sizeof err), 1);
    cr_expect_str_eq(err, "the suite does not pass against the faithful mock (1 tests failed or "
                          "errored, first red.teapot): fix that before measuring what it "
                          "catches");
    cr_expect(!res[0].ran);
    mutate_results_clear(res, 1);
    case_set_free(set);
    free(diags);
    case_tree_free(root);
}
