/* case_tree: temp cases/ folders for the case tests (see case_tree.h). */
#define _GNU_SOURCE
#include "case_tree.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbuf.h"
#include "test_tmp.h"

static void die(const char *what, const char *path)
{
    fprintf(stderr, "case_tree: %s %s\n", what, path);
    abort();
}

void case_tree_write_bytes(const char *root, const char *rel, const char *bytes, size_t len)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", root, rel) < 0)
        die("asprintf", rel);
    /* create parent folders */
    for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0)
        die("cannot write", path);
    free(path);
}

void case_tree_write(const char *root, const char *rel, const char *text)
{
    case_tree_write_bytes(root, rel, text, strlen(text));
}

char *case_tree_new(void)
{
    char tmpl[512];
    if (!test_tmp_dir(tmpl, sizeof tmpl, "kpct-case"))
        die("mkdtemp", tmpl);
    char *root = strdup(tmpl);
    case_tree_write(root, "fixtures/SE/market.json",
                    "{\"country\": \"SE\", \"currency\": \"SEK\", \"locale\": \"sv-SE\",\n"
                    " \"foreign_currency\": \"EUR\", \"amount\": 1000}\n");
    case_tree_write(root, "fixtures/SE/session.json",
                    "{\"purchase_country\": \"SE\", \"purchase_currency\": \"SEK\",\n"
                    " \"locale\": \"sv-SE\", \"order_amount\": 1000, \"order_tax_amount\": 200,\n"
                    " \"billing_address\": {\"country\": \"SE\", \"city\": \"Lund\"},\n"
                    " \"order_lines\": [{\"name\": \"shoe\", \"quantity\": 1, \"unit_price\": 1000,"
                    " \"total_amount\": 1000}]}\n");
    case_tree_write(root, "fixtures/SE/cart.json", "{\"order_amount\": 5}\n");
    case_tree_write(root, "fixtures/US/market.json",
                    "{\"country\": \"US\", \"currency\": \"USD\", \"locale\": \"en-US\",\n"
                    " \"amount\": 2000}\n");
    case_tree_write(root, "fixtures/US/session.json",
                    "{\"purchase_country\": \"US\", \"purchase_currency\": \"USD\",\n"
                    " \"locale\": \"en-US\", \"order_amount\": 2000, \"order_tax_amount\": 0,\n"
                    " \"billing_address\": {\"country\": \"US\", \"city\": \"Reno\"},\n"
                    " \"order_lines\": [{\"name\": \"boot\", \"quantity\": 1, \"unit_price\": 2000,"
                    " \"total_amount\": 2000}]}\n");
    case_tree_write(
        root, "contract.json",
        "{\"clauses\": [\n"
        "  {\"id\": \"c.one\", \"title\": \"One\", \"source\": \"doc\", \"mock_only\": false,"
        " \"unconfirmed\": false},\n"
        "  {\"id\": \"c.two\", \"title\": \"Two\", \"source\": \"doc\", \"mock_only\": true,"
        " \"unconfirmed\": true}\n"
        "]}\n");
    return root;
}

void case_tree_free(char *root)
{
    if (!root)
        return;
    char *cmd = NULL;
    if (strstr(root, "/kpct-case-") && asprintf(&cmd, "rm -rf '%s'", root) >= 0) {
        if (system(cmd) != 0)
            fprintf(stderr, "case_tree: could not remove %s\n", root);
    }
    free(cmd);
    free(root);
}

char *case_tree_load(const char *root, case_set **out)
{
    case_set *set = NULL;
    case_diags d = {0};
    int rc = case_set_load(root, &set, &d);
    kbuf b;
    kbuf_init(&b, 1u << 20);
    size_t rl = strlen(root);
    for (size_t i = 0; i < d.count; i++) {
        const char *f = d.items[i].file;
        if (strncmp(f, root, rl) == 0 && f[rl] == '/')
            f += rl + 1;
        kbuf_printf(&b, "%s%s:%d:%d: ", i ? "\n" : "", f, d.items[i].line, d.items[i].col);
        /* messages that cite another file cite it by the same path: shorten it too */
        for (const char *m = d.items[i].message; *m;) {
            if (strncmp(m, root, rl) == 0 && m[rl] == '/') {
                m += rl + 1;
                continue;
            }
            kbuf_append(&b, m, 1);
            m++;
        }
    }
    if (rc == 0 && d.count)
        kbuf_puts(&b, "\n(load succeeded with diagnostics)");
    if (rc != 0 && d.count == 0)
        kbuf_puts(&b, "(load failed without diagnostics)");
    case_diags_free(&d);
    if (out)
        *out = set;
    else
        case_set_free(set);
    char *s = kbuf_steal(&b);
    return s ? s : strdup("");
}

const case_test *case_tree_test(const case_set *set, const case_filter *f, const char *id)
{
    const case_test **list = NULL;
    size_t n = 0;
    char err[256];
    cr_assert_eq(case_set_select(set, f, &list, &n, err, sizeof err), 0, "%s", err);
    const case_test *t = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i]->id, id) == 0)
            t = list[i];
    free(list);
    cr_assert(t, "no test %s", id);
    return t;
}
