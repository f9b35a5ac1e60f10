/* test_case_digest: the case-set digest is what the documented sha256sum recipe prints,
 * and it moves with every byte and name of a file the loader reads, and with no other. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "case_tree.h"
#include "test_tmp.h"

#define SUITE SUITE_NAMED("s", "a")
#define SUITE_NAMED(suite, id)                                                                     \
    "{\"suite\": \"" suite "\", \"title\": \"t\", \"cases\": [\n"                                  \
    "{\"id\": \"" id "\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n"                           \
    " \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/x\"}, \"expect\": "             \
    "{\"status\": "                                                                                \
    "200}}]}\n]}\n"

/* The recipe of case_digest.h, run by the shell in dir. */
static char *recipe(const char *dir)
{
    char *cmd, line[128] = "";
    cr_assert(asprintf(&cmd,
                       "cd '%s' && find . -name '*.json' | sed 's|^\\./||' | LC_ALL=C sort | "
                       "xargs -d '\\n' sha256sum | sha256sum",
                       dir) > 0);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    cr_assert(fgets(line, sizeof line, p));
    pclose(p);
    free(cmd);
    line[64] = '\0';
    return strdup(line);
}

static char *digest_of(const char *root)
{
    case_set *set = NULL;
    char *diags = case_tree_load(root, &set);
    cr_assert_str_eq(diags, "");
    cr_assert(set);
    char *d = strdup(case_set_digest(set));
    free(diags);
    case_set_free(set);
    return d;
}

Test(case_digest, is_the_sha256sum_of_the_sorted_sha256sum_lines)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json", SUITE);
    case_tree_write(root, "sub/b.json", SUITE_NAMED("b", "b"));
    char *got = digest_of(root), *want = recipe(root);
    cr_assert_eq(strlen(got), 64);
    cr_assert_str_eq(got, want);
    free(got);
    free(want);
    case_tree_free(root);
}

Test(case_digest, of_the_real_cases_folder_is_the_recipes)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    char *dir;
    cr_assert(src);
    cr_assert(asprintf(&dir, "%s/cases", src) > 0);
    case_set *set = NULL;
    case_diags d = {0};
    cr_assert_eq(case_set_load(dir, &set, &d), 0);
    char *want = recipe(dir);
    cr_assert_str_eq(case_set_digest(set), want);
    free(want);
    case_set_free(set);
    case_diags_free(&d);
    free(dir);
}

Test(case_digest, moves_with_a_byte_or_a_name_and_not_with_files_the_loader_skips)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json", SUITE);
    char *first = digest_of(root), *again = digest_of(root);
    cr_assert_str_eq(first, again, "loading twice gives the same digest");

    case_tree_write(root, "README.md", "not read by the loader\n");
    char *with_readme = digest_of(root);
    cr_assert_str_eq(with_readme, first, "a file the loader does not read leaves it alone");

    case_tree_write(root, "s.json", SUITE " ");
    char *edited = digest_of(root);
    cr_assert_str_neq(edited, first, "one more byte moves it");

    case_tree_write(root, "s.json", SUITE);
    char *restored = digest_of(root);
    cr_assert_str_eq(restored, first);

    char *from, *to;
    cr_assert(asprintf(&from, "%s/s.json", root) > 0 && asprintf(&to, "%s/t.json", root) > 0);
    cr_assert_eq(rename(from, to), 0);
    char *renamed = digest_of(root);
    cr_assert_str_neq(renamed, first, "a new name moves it");

    free(from);
    free(to);
    free(first);
    free(again);
    free(with_readme);
    free(edited);
    free(restored);
    free(renamed);
    case_tree_free(root);
}

Test(case_digest, of_a_document_parsed_from_memory_covers_it_under_its_name)
{
    case_set *set = NULL;
    case_diags d = {0};
    cr_assert_eq(case_suite_parse("mem.json", SUITE, strlen(SUITE), &set, &d), 0);
    char hex[65], *line;
    FILE *p;
    char *cmd;
    cr_assert(asprintf(&line, "printf '%%s' '%s' | sha256sum", SUITE) > 0);
    p = popen(line, "r");
    cr_assert(p && fgets(hex, sizeof hex, p));
    pclose(p);
    cr_assert(asprintf(&cmd, "printf '%%s  mem.json\\n' %s | sha256sum", hex) > 0);
    char want[65];
    p = popen(cmd, "r");
    cr_assert(p && fgets(want, sizeof want, p));
    pclose(p);
    cr_assert_str_eq(case_set_digest(set), want);
    free(line);
    free(cmd);
    case_set_free(set);
    case_diags_free(&d);
}
