/* Case-file regexes with bounded cost: case_regex_check on a table of patterns (those that
 * must pass, the real suite's among them, and the bombs, each with its exact reason), the
 * loader's diagnostic at the regex string, and `kpct lint` on a bomb under a memory limit. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "case_regex.h"
#include "case_tree.h"
#include "kfile.h"
#include "test_tmp.h"

typedef struct regex_row {
    const char *re;
    const char *why; /* "" when it must pass */
} regex_row;

#define TOO_DEEP(atoms, mb)                                                                        \
    "regex repetition too deep: it expands to " atoms " atoms, an estimated " mb                   \
    " to compile, over 4 MB (CASE_REGEX_MAX_COMPILE)"

#define AMBIGUOUS(n)                                                                               \
    "regex repetition too deep: " n " copies of a group with more than one branch that matches "   \
    "the empty string, over 8 (CASE_REGEX_MAX_AMBIGUOUS; glibc takes exponential time to "         \
    "compile them)"

static const regex_row ROWS[] = {
    /* the real suite's regexes (cases/ today) */
    {"^application/json", ""},
    {"^https://", ""},
    {"^text/html", ""},
    {"^eyJ[A-Za-z0-9_-]+\\.e[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", ""},
    {"^Basic realm=\"[^\"]*\"", ""},
    {"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
     "(\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
     ""},
    {"^(202[6-9]|20[3-9][0-9]|2[1-9][0-9][0-9])-", ""},
    {"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", ""},
    {"^2036-03-02T12:0[0-4]:[0-5][0-9](\\.[0-9]+)?(Z|\\+00:00)$", ""},
    /* bounded repetition that stays cheap */
    {"", ""},
    {"^.{1,255}$", ""},
    {"a{1,400}", ""},
    {"(a?){400}", ""},
    {"((((a+)+)+)+)+", ""},
    {"a{10000}", ""}, /* exact copies cost no optional nesting */
    {"a{16384}", ""}, /* 4 MB exactly */
    {"(a{100}){100}", ""},
    {"a{1000,}", ""},
    {"((a*)*)*", ""},
    {"((a+)+)+", ""},
    {"(a|b)*c?d+", ""},
    {"(a*|c?){8}", ""},
    {"(a|c?){50}", ""}, /* one branch that matches nothing is no ambiguity */
    {"(a*b?|c){20,}", ""},
    /* braces that open no bound, and brackets that hold what looks like repetition */
    {"{1,100000}", ""},
    {"a\\{1,100000}", ""},
    {"[]{1,100000}]", ""},
    {"[^]{1,100000}]", ""},
    {"[[:alpha:]{1,100000}]", ""},
    {"[\\1]", ""}, /* a backslash is an ordinary byte in a bracket */
    /* malformed but cheap: regcomp reports them */
    {"(", ""},
    {")", ""},
    {"a{2,1}", ""},
    {"[abc", ""},
    {"a{", ""},
    {"a{x}", ""},
    {"*a", ""},
    {"\\", ""},
    /* the bombs */
    {"((((a{1,100}){1,100}){1,100}){1,100})", TOO_DEEP("100000000", "more than 1 TB")},
    {"(.{1,255}){1,255}", TOO_DEEP("65025", "64 GB")},
    {"(a{1,100}){1,100}", TOO_DEEP("10000", "2 GB")},
    {"a{1,1000}", TOO_DEEP("1000", "16 MB")},
    {"a{1,32767}", TOO_DEEP("32767", "17 GB")},
    {"a{16385}", TOO_DEEP("16385", "5 MB")},
    {"a{,1000}", TOO_DEEP("1000", "16 MB")},
    {"x{0,10000}", TOO_DEEP("10000", "2 GB")},
    {"a{1,100}{1,100}", TOO_DEEP("10000", "2 GB")}, /* repetitions in a row multiply */
    {"(a*){1,10000}", TOO_DEEP("10000", "3 GB")},
    {"(a+){1,5000}", TOO_DEEP("10000", "2 GB")},
    {"(a|b|c|d|e|f|g|h|i|j){1,1000}", TOO_DEEP("10000", "155 MB")},
    {"[[:alpha:]]{1,1000}", TOO_DEEP("1000", "16 MB")},
    {"[]a]{1,1000}", TOO_DEEP("1000", "16 MB")},
    {"\\.{1,1000}", TOO_DEEP("1000", "16 MB")},
    {"((a{1,100}){1,100}", TOO_DEEP("10000", "2 GB")}, /* unclosed: glibc expands it first */
    {"(a{1,100}){1,100}(", TOO_DEEP("10001", "2 GB")},
    {"(a{1,100}){1,100}[", TOO_DEEP("10001", "2 GB")},
    {"(a{1,100}){1,100}a{2,1}", TOO_DEEP("10002", "2 GB")},
    {"a{1,700}", TOO_DEEP("700", "8 MB")},
    {"(a?){1000}", TOO_DEEP("1000", "16 MB")}, /* skippable pieces in a row cost the same */
    {"(a|){1000}", TOO_DEEP("1000", "16 MB")},
    {"(\\b){1000}", TOO_DEEP("1000", "62 MB")},
    {"(((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+",
     TOO_DEEP("4194304", "more than 1 TB")},
    /* groups with two branches that match the empty string, in a row: compile time
     * doubles with each ((a?|c?){20,} takes seconds, with little memory) */
    {"(a?|c?){20,}", AMBIGUOUS("21")},
    {"(((a|.)*(a)?|(.)?){20,})?", AMBIGUOUS("21")},
    {"(a*|c?){9}", AMBIGUOUS("9")},
    {"(a*|c?){8,}{3,}", AMBIGUOUS("36")},
    {"((a?|b?)|c?){5}", AMBIGUOUS("10")}, /* the inner group and the outer one */
    /* back-references */
    {"(a)\\1", "regex back-reference \\1 is not allowed (matching one can take exponential "
               "time)"},
    {"((a)(b))\\3\\2", "regex back-reference \\3 is not allowed (matching one can take "
                       "exponential time)"},
};

ParameterizedTestParameters(case_regex, judges_each_pattern_with_its_exact_reason)
{
    static size_t idx[sizeof ROWS / sizeof ROWS[0]];
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0]);
}

ParameterizedTest(size_t *row, case_regex, judges_each_pattern_with_its_exact_reason)
{
    const regex_row *r = &ROWS[*row];
    char why[256] = "";
    int rc = case_regex_check(r->re, strlen(r->re), why, sizeof why);
    cr_expect_eq(rc, r->why[0] ? -1 : 0, "/%s/: rc %d (%s)", r->re, rc, why);
    cr_expect_str_eq(r->why[0] ? why : "", r->why, "/%s/", r->re);
}

Test(case_regex, bounds_the_length_and_the_nesting_of_groups)
{
    char re[CASE_REGEX_MAX_BYTES + 2], why[256];
    memset(re, 'a', sizeof re);
    re[CASE_REGEX_MAX_BYTES] = '\0';
    cr_expect_eq(case_regex_check(re, CASE_REGEX_MAX_BYTES, why, sizeof why), 0);
    re[CASE_REGEX_MAX_BYTES] = 'a';
    cr_expect_eq(case_regex_check(re, CASE_REGEX_MAX_BYTES + 1, why, sizeof why), -1);
    cr_expect_str_eq(why, "regex is 1025 bytes, over 1024 (CASE_REGEX_MAX_BYTES)");

    /* 32 groups one in another pass, 33 do not; the same number side by side pass */
    char deep[3 * (CASE_REGEX_MAX_DEPTH + 1) + 1];
    for (int n = CASE_REGEX_MAX_DEPTH; n <= CASE_REGEX_MAX_DEPTH + 1; n++) {
        size_t k = 0;
        for (int i = 0; i < n; i++)
            deep[k++] = '(';
        deep[k++] = 'a';
        for (int i = 0; i < n; i++)
            deep[k++] = ')';
        int rc = case_regex_check(deep, k, why, sizeof why);
        if (n == CASE_REGEX_MAX_DEPTH) {
            cr_expect_eq(rc, 0, "%d groups: %s", n, why);
        } else {
            cr_expect_eq(rc, -1, "%d groups", n);
            cr_expect_str_eq(why, "regex groups nested deeper than 32 (CASE_REGEX_MAX_DEPTH)");
        }
        k = 0;
        for (int i = 0; i < n; i++) {
            memcpy(deep + k, "(a)", 3);
            k += 3;
        }
        cr_expect_eq(case_regex_check(deep, k, why, sizeof why), 0, "%s", why);
    }
}

Test(case_regex, reads_only_the_bytes_it_is_given)
{
    /* the check takes a length: what follows it is not part of the regex */
    static const char text[] = "a{1,5}a{1,100000}";
    char why[256];
    cr_expect_eq(case_regex_check(text, 6, why, sizeof why), 0);
    cr_expect_eq(case_regex_check(text, sizeof text - 1, why, sizeof why), -1);
}

typedef struct estimate_row {
    const char *re;
    double atoms, skippable;
    int depth, backref;
} estimate_row;

Test(case_regex, estimates_atoms_and_skippable_pieces_as_the_model_says)
{
    static const estimate_row rows[] = {
        {"a{1,10}", 10, 9, 0, 0},     /* nine optional copies */
        {"a{3}", 3, 0, 0, 0},         /* none */
        {"a{2,}", 3, 1, 0, 0},        /* two copies and a starred one */
        {"(ab|c)+", 6, 1, 1, 0},      /* two copies of a group of three, one starred */
        {"(a*)", 1, 1, 1, 0},         /* the group is not counted again */
        {"(a|)", 1, 1, 1, 0},         /* an empty branch makes the group skippable */
        {"^$", 2, 2, 0, 0},           /* anchors match nothing */
        {"\\b", 1, 4, 0, 0},          /* word anchors cost more */
        {"((a?){2}){3}", 6, 6, 2, 0}, /* bounds multiply */
        {"(a)\\2x", 3, 0, 1, 2},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const estimate_row *r = &rows[i];
        case_regex_cost c;
        case_regex_estimate(r->re, strlen(r->re), &c);
        cr_expect(c.atoms == r->atoms && c.skippable == r->skippable && c.depth == r->depth &&
                      c.backref == r->backref,
                  "/%s/: atoms %.0f skippable %.0f depth %d backref %d", r->re, c.atoms,
                  c.skippable, c.depth, c.backref);
        cr_expect(c.bytes == 256 * c.atoms + 16 * c.atoms * c.skippable, "/%s/", r->re);
    }
    case_regex_cost c;
    case_regex_estimate("((a?|b?)|c?){3}", 15, &c);
    cr_expect(c.ambiguous == 6, "%.0f", c.ambiguous);
    case_regex_estimate("(a|b?)(a?|)", 11, &c);
    cr_expect(c.ambiguous == 1, "%.0f", c.ambiguous);
}

/* Line 1 opens the suite, line 2 the case; the regex is on line 3. */
#define HEAD "{\"suite\": \"s\", \"title\": \"t\", \"cases\": [\n"
#define CASE "{\"id\": \"a\", \"title\": \"t\", \"clauses\": [\"c.one\"],\n"
#define EXPECT(e)                                                                                  \
    " \"steps\": [{\"request\": {\"method\": \"GET\", \"path\": \"/x\"}, \"expect\": " e "}]}\n]}" \
    "\n"

Test(case_regex, a_bomb_is_a_load_error_at_the_regex_string)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json",
                    HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"regex\": "
                                     "\"((((a{1,100}){1,100}){1,100}){1,100})\"}],\n"
                                     " \"headers\": {\"X\": {\"regex\": \"(a)\\\\1\"}}}"));
    char *got = case_tree_load(root, NULL);
    cr_expect_str_eq(got, "s.json:4:29: regex back-reference \\1 is not allowed (matching one "
                          "can take exponential time)\n"
                          "s.json:3:104: " TOO_DEEP("100000000", "more than 1 TB"));
    free(got);
    case_tree_free(root);
}

/* Runs `kpct lint root` with its address space limited to limit bytes (none under ASan,
 * which reserves far more than that for its shadow memory); returns its exit status and
 * its stderr in *err. */
static int lint_limited(const char *root, rlim_t limit, char **err)
{
    char dir[256], err_path[512];
    cr_assert_not_null(test_tmp_dir(dir, sizeof dir, "kpct-regex"));
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    const char *bin = getenv("KPCT_BIN");
    cr_assert_not_null(bin, "KPCT_BIN is not set");
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
#if !defined(__SANITIZE_ADDRESS__)
        struct rlimit rl = {limit, limit};
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            _exit(97);
#else
        (void)limit;
#endif
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

Test(case_regex, kpct_lint_refuses_a_bomb_with_65_under_a_256_mb_limit)
{
    char *root = case_tree_new();
    case_tree_write(root, "s.json",
                    HEAD CASE EXPECT("{\"json\": [{\"pointer\": \"/a\", \"regex\": "
                                     "\"((((a{1,100}){1,100}){1,100}){1,100})\"}]}"));
    char *err = NULL;
    int status = lint_limited(root, 256u << 20, &err);
    cr_expect_eq(status, 65, "status %d, stderr: %s", status, err);
    char *want = NULL;
    cr_assert(asprintf(&want, "%s/s.json:3:104: " TOO_DEEP("100000000", "more than 1 TB"), root) >
              0);
    cr_expect(strstr(err, want), "stderr lacks\n  %s\ngot:\n%s", want, err);
    free(want);
    free(err);
    case_tree_free(root);
}
