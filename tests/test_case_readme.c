/* The format reference's examples are tested: every block of cases/README.md marked
 * "kpct:example suite" must load cleanly, the "contract" example must load as a
 * catalog, and the "broken" example must give exactly the diagnostics shown after it. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "case_tree.h"
#include "kbuf.h"
#include "kfile.h"

typedef struct example {
    char *kind;     /* suite, contract, broken */
    char *json;     /* the ```json block */
    char *expected; /* for broken: the ```text block after it */
    int line;       /* where the marker is */
} example;

/* Returns the fenced block starting at or after *p ("```lang"), advancing *p past it. */
static char *fenced(const char **p, const char *lang)
{
    char open[32];
    snprintf(open, sizeof open, "```%s\n", lang);
    const char *start = strstr(*p, open);
    if (!start)
        return NULL;
    start += strlen(open);
    const char *end = strstr(start, "\n```");
    if (!end)
        return NULL;
    *p = end + 4;
    return strndup(start, (size_t)(end - start) + 1);
}

static size_t read_examples(example *out, size_t max)
{
    const char *src = getenv("KPCT_SOURCE_ROOT");
    cr_assert(src, "KPCT_SOURCE_ROOT is not set");
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/cases/README.md", src) > 0);
    char err[256];
    size_t len = 0;
    char *text = kfile_read(path, 1u << 20, &len, err, sizeof err);
    cr_assert(text, "%s", err);
    size_t n = 0;
    const char *marker = "<!-- kpct:example ";
    for (const char *p = text; (p = strstr(p, marker)) && n < max;) {
        int line = 1;
        for (const char *q = text; q < p; q++)
            line += *q == '\n';
        const char *kind = p + strlen(marker);
        const char *kend = strstr(kind, " -->");
        cr_assert(kend, "README.md:%d: unterminated example marker", line);
        example *e = &out[n++];
        e->kind = strndup(kind, (size_t)(kend - kind));
        e->line = line;
        p = kend;
        e->json = fenced(&p, "json");
        cr_assert(e->json, "README.md:%d: no ```json block after the marker", line);
        e->expected = strcmp(e->kind, "broken") == 0 ? fenced(&p, "text") : NULL;
    }
    free(text);
    free(path);
    return n;
}

static void free_example(example *e)
{
    free(e->kind);
    free(e->json);
    free(e->expected);
}

Test(case_readme, every_example_in_the_format_reference_loads_as_documented)
{
    example ex[32];
    size_t n = read_examples(ex, 32);
    size_t suites = 0, brokens = 0, contracts = 0;
    for (size_t i = 0; i < n; i++) {
        example *e = &ex[i];
        char *root = case_tree_new();
        char *got = NULL;
        if (strcmp(e->kind, "contract") != 0) {
            /* the examples name clauses of the real catalog: check them without one */
            char *catalog = NULL;
            cr_assert(asprintf(&catalog, "%s/contract.json", root) > 0);
            unlink(catalog);
            free(catalog);
        }
        if (strcmp(e->kind, "suite") == 0) {
            suites++;
            case_tree_write(root, "example.json", e->json);
            case_set *set = NULL;
            got = case_tree_load(root, &set);
            cr_expect_str_eq(got, "", "README.md:%d: the example does not load:\n%s", e->line, got);
            cr_expect(set != NULL);
            case_set_free(set);
        } else if (strcmp(e->kind, "contract") == 0) {
            contracts++;
            case_tree_write(root, "contract.json", e->json);
            case_tree_write(root, "s.json",
                            "{\"suite\": \"s\", \"title\": \"t\", \"cases\": [{\"id\": \"a\", "
                            "\"title\": \"t\", \"clauses\": [\"update.ok\"], \"steps\": "
                            "[{\"request\": {\"method\": \"GET\", \"path\": \"/\"}, \"expect\": "
                            "{}}]}]}");
            case_set *set = NULL;
            got = case_tree_load(root, &set);
            cr_expect_str_eq(got, "", "README.md:%d: the catalog example does not load:\n%s",
                             e->line, got);
            size_t nc = 0;
            if (set)
                case_set_clauses(set, &nc);
            cr_expect_eq(nc, 1);
            case_set_free(set);
        } else if (strcmp(e->kind, "broken") == 0) {
            brokens++;
            cr_assert(e->expected, "README.md:%d: no ```text block after the broken example",
                      e->line);
            /* the diagnostics name the file: write the example under that name */
            char *name = strndup(e->expected, strcspn(e->expected, ":"));
            case_tree_write(root, name, e->json);
            free(name);
            got = case_tree_load(root, NULL);
            size_t el = strlen(e->expected);
            while (el && e->expected[el - 1] == '\n')
                e->expected[--el] = '\0';
            cr_expect_str_eq(got, e->expected, "README.md:%d:\n got: %s\nwant: %s", e->line, got,
                             e->expected);
        } else {
            cr_expect_fail("README.md:%d: unknown example kind \"%s\"", e->line, e->kind);
        }
        free(got);
        case_tree_free(root);
        free_example(e);
    }
    /* the test is only worth something while the README keeps its examples */
    cr_expect_geq(suites, 2, "README.md lost its suite examples");
    cr_expect_eq(brokens, 1);
    cr_expect_eq(contracts, 1);
}
