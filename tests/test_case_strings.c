/* Strings in case files: a \u0000 escape (in any key or value, of a suite, a fixture or the
 * catalog) and bytes that are not UTF-8 are load errors at their file:line:col, and ids
 * have a length bound. A table of files, each with the exact diagnostics it must give;
 * then `kpct lint` on two of them, which must exit 65. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case.h"
#include "case_diag.h"
#include "case_tree.h"
#include "kfile.h"
#include "test_tmp.h"

/* Line 1 opens the suite, line 2 the case; the thing under test is on line 3. */
#define HEAD       "{\"suite\": \"s\", \"title\": \"t\", \"cases\": [\n"
#define CASE       "{\"id\": \"a\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n"
#define GET        "\"request\": {\"method\": \"GET\", \"path\": \"/x\"}"
#define STEP       "{" GET ", \"expect\": {\"status\": 200}}"
#define STEPS(...) " \"steps\": [" __VA_ARGS__ "]}\n]}\n"
#define GOOD       HEAD CASE STEPS(STEP)

#define NUL_ESCAPE  "\\u0000 in a string: a case-file string cannot hold a NUL character"
#define BAD_UTF8(b) "invalid UTF-8 (byte 0x" b "): a JSON file must be UTF-8"

typedef struct strings_row {
    const char *name;
    const char *rel;      /* the file written (s.json also gets GOOD when rel is another) */
    const char *text;     /* its bytes */
    const char *expected; /* every diagnostic, one per line; "" when it loads */
} strings_row;

static const strings_row ROWS[] = {
    /* \u0000, which cJSON decodes and then cuts the string at */
    {"in a case id", "s.json",
     HEAD "{\"id\": \"c.\\u0000x\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP),
     "s.json:2:11: " NUL_ESCAPE},
    {"in a path", "s.json",
     HEAD CASE STEPS(
         "{\"request\": {\"method\": \"GET\", \"path\": \"/p\\u0000x\"}, \"expect\": {}}"),
     "s.json:3:53: " NUL_ESCAPE},
    {"in a key", "s.json",
     HEAD CASE STEPS("{" GET ", \"expect\": {\"json\": [{\"pointer\": \"/a\", "
                     "\"equals\": {\"k\\u0000\": 1}}]}}"),
     "s.json:3:108: " NUL_ESCAPE},
    {"in a suite title, after an escaped quote", "s.json",
     "{\"suite\": \"s\", \"title\": \"say \\\"hi\\\"\\u0000\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:36: " NUL_ESCAPE},
    {"in a fixture", "fixtures/SE/cart.json", "{\"order_amount\": 5,\n \"note\": \"\\u0000\"}\n",
     "fixtures/SE/cart.json:2:11: " NUL_ESCAPE},
    {"in market.json", "fixtures/US/market.json",
     "{\"country\": \"US\", \"currency\": \"USD\", \"locale\": \"en-US\\u0000\"}\n",
     "fixtures/US/market.json:1:54: " NUL_ESCAPE
     "\nfixtures/US/market.json:1:1: missing market.json for market US"},
    {"in the catalog", "contract.json",
     "{\"clauses\": [{\"id\": \"c.one\", \"title\": \"One\\u0000\"}]}\n",
     "contract.json:1:43: " NUL_ESCAPE
     "\ns.json:2:39: unknown clause \"c.one\": not in contract.json"},
    {"an escaped backslash before u0000 is text, not an escape", "s.json",
     "{\"suite\": \"s\", \"title\": \"t\\\\u0000\", \"cases\": [\n" CASE STEPS(STEP), ""},
    {"other escapes are kept", "s.json",
     "{\"suite\": \"s\", \"title\": \"\\u00e9\\u0001\\ud83d\\ude00\\\"\", \"cases\": [\n" CASE
         STEPS(STEP),
     ""},
    /* bytes that are not UTF-8, wherever they are */
    {"a stray byte in a title", "s.json",
     "{\"suite\": \"s\", \"title\": \"t\xff\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:27: " BAD_UTF8("FF")},
    {"a lone continuation byte in an id", "s.json",
     HEAD "{\"id\": \"a\x80\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP),
     "s.json:2:10: " BAD_UTF8("80")},
    {"an overlong form in a path", "s.json",
     HEAD CASE STEPS(
         "{\"request\": {\"method\": \"GET\", \"path\": \"/\xc0\xaf\"}, \"expect\": {}}"),
     "s.json:3:52: " BAD_UTF8("C0")},
    {"an encoded surrogate", "s.json",
     "{\"suite\": \"s\", \"title\": \"\xed\xa0\x80\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:26: " BAD_UTF8("ED")},
    {"past U+10FFFF", "s.json",
     "{\"suite\": \"s\", \"title\": \"\xf4\x90\x80\x80\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:26: " BAD_UTF8("F4")},
    {"a sequence cut by the closing quote", "s.json",
     "{\"suite\": \"s\", \"title\": \"\xe2\x82\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:26: " BAD_UTF8("E2")},
    {"outside any string", "s.json",
     "{\"suite\": \"s\", \xa0\"title\": \"t\", \"cases\": [\n" CASE STEPS(STEP),
     "s.json:1:16: " BAD_UTF8("A0")},
    {"in a fixture", "fixtures/SE/cart.json", "{\"order_amount\": 5, \"name\": \"sk\xf6\"}\n",
     "fixtures/SE/cart.json:1:32: " BAD_UTF8("F6")},
    {"valid UTF-8 of every length loads", "s.json",
     "{\"suite\": \"s\", \"title\": \"\xc3\x96"
     "d\xc3\xb6n \xe2\x82\xac \xf0\x9f\x98\x80\", "
     "\"cases\": [\n" CASE STEPS(STEP),
     ""},
    {"a byte order mark loads", "s.json", "\xef\xbb\xbf" GOOD, ""},
};

ParameterizedTestParameters(case_strings, reports_each_bad_string_at_its_position)
{
    static size_t idx[sizeof ROWS / sizeof ROWS[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *row, case_strings, reports_each_bad_string_at_its_position)
{
    const strings_row *r = &ROWS[*row];
    char *root = case_tree_new();
    if (strcmp(r->rel, "s.json") != 0)
        case_tree_write(root, "s.json", GOOD);
    case_tree_write(root, r->rel, r->text);
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got, r->expected, "%s:\n got: %s\nwant: %s", r->name, got, r->expected);
    free(got);
    case_tree_free(root);
}

/* A string of n copies of c. */
static char *repeated(char c, size_t n)
{
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

Test(case_strings, bounds_the_length_of_every_kind_of_id)
{
    char *ok = repeated('a', CASE_MAX_ID_BYTES), *over = repeated('b', CASE_MAX_ID_BYTES + 1);
    char *text = NULL, *catalog = NULL;
    char *root = case_tree_new();
    /* at the bound, everything loads */
    cr_assert(asprintf(&text,
                       "{\"suite\": \"%s\", \"title\": \"t\", \"cases\": [\n"
                       "{\"id\": \"%s\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n" STEPS(STEP),
                       ok, ok) > 0);
    case_tree_write(root, "s.json", text);
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got, "");
    free(got);
    free(text);
    /* one byte over: suite, case, variant and clause ids each refused, by length */
    cr_assert(asprintf(&text,
                       "{\"suite\": \"%s\", \"title\": \"t\", \"cases\": [\n"
                       "{\"id\": \"%s\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n"
                       " \"steps\": [{\"request\": {\"method\": \"POST\", \"path\": \"/x\", "
                       "\"body\": {\"inline\": {}}}, \"expect\": {}, \"variant_target\": true}],\n"
                       " \"variants\": [{\"id\": \"%s\", \"patch\": []}]}\n]}\n",
                       over, over, over) > 0);
    case_tree_write(root, "s.json", text);
    cr_assert(asprintf(&catalog,
                       "{\"clauses\": [{\"id\": \"c.one\", \"title\": \"One\"},\n"
                       " {\"id\": \"c.%s\", \"title\": \"Long\"}]}\n",
                       over) > 0);
    case_tree_write(root, "contract.json", catalog);
    got = case_tree_load(root, NULL);
    cr_expect_str_eq(got,
                     "contract.json:2:9: clause id is 203 bytes, over 200 (CASE_MAX_ID_BYTES)\n"
                     "s.json:1:11: suite name is 201 bytes, over 200 (CASE_MAX_ID_BYTES)\n"
                     "s.json:2:8: case id is 201 bytes, over 200 (CASE_MAX_ID_BYTES)\n"
                     "s.json:4:22: variant id is 201 bytes, over 200 (CASE_MAX_ID_BYTES)");
    free(got);
    free(text);
    free(catalog);
    free(ok);
    free(over);
    case_tree_free(root);
}

/* Runs `kpct lint root`; returns its exit status and its stderr in *err. */
static int lint(const char *root, char **err)
{
    char dir[256], err_path[512];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-strings"));
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    const char *bin = getenv("KPCT_BIN");
    cr_assert_not_null(bin, "KPCT_BIN is not set");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen(err_path, "w", stderr))
            _exit(99);
        execl(bin, bin, "lint", root, (char *)NULL);
        _exit(98);
    }
    int st;
    waitpid(pid, &st, 0);
    char why[256];
    size_t len;
    *err = kfile_read(err_path, 1u << 20, &len, why, sizeof why);
    cr_assert_not_null(*err, "%s", why);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

Test(case_strings, kpct_lint_exits_65_on_a_nul_escape_and_on_bad_utf8)
{
    static const struct {
        const char *text, *where, *message;
    } files[] = {
        {HEAD "{\"id\": \"c.\\u0000x\", \"title\": \"t\", \"clauses\": [],\n" STEPS(STEP),
         "/s.json:2:11: ", NUL_ESCAPE},
        {"{\"suite\": \"s\", \"title\": \"t\xff\", \"cases\": [\n" CASE STEPS(STEP),
         "/s.json:1:27: ", BAD_UTF8("FF")},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *root = case_tree_new(), *err = NULL, *want = NULL;
        case_tree_write(root, "s.json", files[i].text);
        int status = lint(root, &err);
        cr_expect_eq(status, 65, "status %d, stderr: %s", status, err);
        cr_assert(asprintf(&want, "%s%s%s", root, files[i].where, files[i].message) > 0);
        cr_expect(strstr(err, want), "stderr lacks\n  %s\ngot:\n%s", want, err);
        free(want);
        free(err);
        case_tree_free(root);
    }
}
