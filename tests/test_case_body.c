/* Body tests: fixtures picked and patched (RFC 6902 through cJSON_Utils), op-by-op
 * patch failures, inline bodies with variables, raw bytes and generated sizes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "case_body.h"

#define FIXTURE                                                                                    \
    "{\"purchase_country\": \"SE\", \"order_amount\": 1000, \"a/b\": 1, \"billing_address\": "     \
    "{\"country\": \"SE\", \"city\": \"Lund\"}, \"order_lines\": [{\"name\": \"shoe\", "           \
    "\"quantity\": 1}, {\"name\": \"ship\", \"quantity\": 1}]}"

typedef struct built {
    const char *name;
    const char *body;          /* the request.body spec */
    const char *variant_patch; /* or NULL */
    const char *out;           /* the body sent, or NULL on error */
    const char *err;
} built;

static const built TABLE[] = {
    {"fixture as is", "{\"fixture\": \"session\"}", NULL, FIXTURE, NULL},
    {"replace",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"replace\", \"path\": \"/order_amount\", "
     "\"value\": 1}]}",
     NULL,
     "{\"purchase_country\":\"SE\",\"order_amount\":1,\"a/"
     "b\":1,\"billing_address\":{\"country\":\"SE\",\"city\":\"Lund\"},\"order_lines\":[{\"name\":"
     "\"shoe\",\"quantity\":1},{\"name\":\"ship\",\"quantity\":1}]}",
     NULL},
    {"add, remove, move, copy, test and escapes",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"test\", \"path\": \"/purchase_country\", "
     "\"value\": \"SE\"},"
     " {\"op\": \"remove\", \"path\": \"/order_lines/1\"}, {\"op\": \"add\", \"path\": "
     "\"/order_lines/-\", \"value\": {\"name\": \"n\"}},"
     " {\"op\": \"move\", \"from\": \"/billing_address\", \"path\": \"/shipping_address\"},"
     " {\"op\": \"copy\", \"from\": \"/order_amount\", \"path\": \"/order_tax_amount\"},"
     " {\"op\": \"test\", \"path\": \"/a~1b\", \"value\": 1}]}",
     NULL,
     "{\"purchase_country\":\"SE\",\"order_amount\":1000,\"a/"
     "b\":1,\"order_lines\":[{\"name\":\"shoe\",\"quantity\":1},{\"name\":\"n\"}],\"shipping_"
     "address\":{\"country\":\"SE\",\"city\":\"Lund\"},\"order_tax_amount\":1000}",
     NULL},
    {"patch values take variables, typed",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"replace\", \"path\": \"/order_amount\", "
     "\"value\": \"${amount}\"}, {\"op\": \"add\", \"path\": \"/ref\", \"value\": "
     "\"r-${amount}\"}]}",
     NULL,
     "{\"purchase_country\":\"SE\",\"order_amount\":77,\"a/"
     "b\":1,\"billing_address\":{\"country\":\"SE\",\"city\":\"Lund\"},\"order_lines\":[{\"name\":"
     "\"shoe\",\"quantity\":1},{\"name\":\"ship\",\"quantity\":1}],\"ref\":\"r-77\"}",
     NULL},
    {"pick, nested",
     "{\"fixture\": \"session\", \"pick\": [\"/order_amount\", \"/billing_address/city\", "
     "\"/order_lines\"]}",
     NULL,
     "{\"order_amount\":1000,\"billing_address\":{\"city\":\"Lund\"},\"order_lines\":[{\"name\":"
     "\"shoe\",\"quantity\":1},{\"name\":\"ship\",\"quantity\":1}]}",
     NULL},
    {"pick then patch",
     "{\"fixture\": \"session\", \"pick\": [\"/order_amount\"], \"patch\": [{\"op\": \"replace\", "
     "\"path\": \"/order_amount\", \"value\": 2}]}",
     NULL, "{\"order_amount\":2}", NULL},
    {"variant patch after the step's patch",
     "{\"fixture\": \"session\", \"pick\": [\"/order_lines\"], \"patch\": [{\"op\": \"remove\", "
     "\"path\": \"/order_lines/1\"}]}",
     "[{\"op\": \"replace\", \"path\": \"/order_lines/0/quantity\", \"value\": -1}]",
     "{\"order_lines\":[{\"name\":\"shoe\",\"quantity\":-1}]}", NULL},
    {"variant patch on an inline body", "{\"inline\": {\"a\": \"${amount}\"}}",
     "[{\"op\": \"add\", \"path\": \"/b\", \"value\": \"${amount}\"}]", "{\"a\":77,\"b\":77}",
     NULL},
    {"a patch that does not apply",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"add\", \"path\": \"/x\", \"value\": 1}, "
     "{\"op\": \"replace\", \"path\": \"/nope\", \"value\": 1}]}",
     NULL, NULL, "the step's patch: patch[1] (replace /nope): the path finds nothing"},
    /* JSON Pointer compares names exactly: cJSON_Utils alone would take out "order_amount" */
    {"a remove, replace or move whose name differs only in case finds nothing",
     "{\"fixture\": \"session\"}", "[{\"op\": \"remove\", \"path\": \"/Order_amount\"}]", NULL,
     "the variant's patch: patch[0] (remove /Order_amount): the path finds nothing"},
    {"a replace whose name differs only in case",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"replace\", \"path\": "
     "\"/billing_address/City\", \"value\": 1}]}",
     NULL, NULL,
     "the step's patch: patch[0] (replace /billing_address/City): the path finds nothing"},
    {"a move from a name that differs only in case", "{\"fixture\": \"session\"}",
     "[{\"op\": \"move\", \"from\": \"/Order_amount\", \"path\": \"/x\"}]", NULL,
     "the variant's patch: patch[0] (move /x): \"from\" finds nothing"},
    {"a failing test op",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"test\", \"path\": \"/order_amount\", "
     "\"value\": \"${amount}\"}]}",
     NULL, NULL, "the step's patch: patch[0] (test /order_amount): test failed: the value differs"},
    {"an index out of range", "{\"fixture\": \"session\"}",
     "[{\"op\": \"add\", \"path\": \"/order_lines/9\", \"value\": 1}]", NULL,
     "the variant's patch: patch[0] (add /order_lines/9): array index out of range"},
    {"an undefined variable in a patch",
     "{\"fixture\": \"session\", \"patch\": [{\"op\": \"add\", \"path\": \"/x\", \"value\": "
     "\"${nope}\"}]}",
     NULL, NULL, "the step's patch: undefined variable ${nope}: not captured"},
    {"inline", "{\"inline\": {\"s\": \"${amount}\", \"t\": \"x${amount}\"}}", NULL,
     "{\"s\":77,\"t\":\"x77\"}", NULL},
    {"raw is sent as is", "{\"raw\": \"{\\\"order_amount\\\": ${amount}\"}", NULL,
     "{\"order_amount\": ${amount}", NULL},
    {"generate small", "{\"generate\": {\"bytes\": 5}}", NULL, "{}   ", NULL},
    {"generate exact", "{\"generate\": {\"bytes\": 12}}", NULL, "{\"pad\":\"xx\"}", NULL},
};

Test(case_body, builds_bodies_from_fixtures_patches_and_variables)
{
    case_market m = {.code = "SE"};
    cJSON *fixture = cJSON_Parse(FIXTURE);
    case_fixture fx = {"session", fixture, NULL};
    m.fixtures = &fx;
    m.n_fixtures = 1;
    case_vars_table t = {0};
    char err[512];
    cJSON *amount = cJSON_CreateNumber(77);
    cr_assert_eq(case_vars_set(&t, "amount", amount, err, sizeof err), 0);
    cJSON_Delete(amount);
    kprng rng;
    kprng_seed(&rng, 1);
    case_vars_ctx v = {&t, NULL, "http://x", &rng, NULL};
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const built *b = &TABLE[i];
        cJSON *body = cJSON_Parse(b->body);
        cJSON *vp = b->variant_patch ? cJSON_Parse(b->variant_patch) : NULL;
        cr_assert(body && (vp || !b->variant_patch), "bad table entry %s", b->name);
        char *out = NULL;
        size_t len = 0;
        err[0] = '\0';
        bool generated = false;
        int rc = case_body_build(&v, &m, body, vp, &out, &len, &generated, err, sizeof err);
        cr_expect_eq(generated, cJSON_GetObjectItemCaseSensitive(body, "generate") != NULL, "%s",
                     b->name);
        if (generated) { /* not built: made as sent */
            cr_assert_null(out, "%s", b->name);
            cr_assert((out = calloc(1, len + 1)) != NULL);
            cr_expect_eq(case_generated_body(len, 0, out, len + 1), len, "%s", b->name);
        }
        if (b->out) {
            cr_expect_eq(rc, 0, "%s: %s", b->name, err);
            cJSON *wj = cJSON_Parse(b->out), *gj = out ? cJSON_Parse(out) : NULL;
            bool json = wj && !cJSON_GetObjectItemCaseSensitive(body, "raw") &&
                        !cJSON_GetObjectItemCaseSensitive(body, "generate");
            /* JSON bodies compare as JSON: a replace moves a member to the end */
            bool same = json ? cJSON_Compare(wj, gj, true) : out && strcmp(out, b->out) == 0;
            cr_expect(same, "%s:\n got: %s\nwant: %s", b->name, out, b->out);
            cr_expect_eq(len, out ? strlen(out) : 0);
            cJSON_Delete(wj);
            cJSON_Delete(gj);
        } else {
            cr_expect_eq(rc, -1, "%s", b->name);
            cr_expect_str_eq(err, b->err, "%s", b->name);
        }
        free(out);
        cJSON_Delete(body);
        cJSON_Delete(vp);
    }
    case_vars_clear(&t);
    cJSON_Delete(fixture);
}

Test(case_body, generates_large_documents_of_the_exact_size)
{
    cJSON *body = cJSON_Parse("{\"generate\": {\"bytes\": 1100000}}");
    char *out = NULL, err[128];
    size_t len = 0;
    bool generated = false;
    cr_assert_eq(case_body_build(NULL, NULL, body, NULL, &out, &len, &generated, err, sizeof err),
                 0);
    cr_expect(generated);
    cr_expect_null(out, "a generated body is not built");
    cr_expect_eq(len, 1100000);
    cr_assert((out = malloc(len + 1)) != NULL);
    cr_expect_eq(case_generated_body(len, 0, out, len + 1), len);
    out[len] = '\0';
    cr_expect_eq(strlen(out), 1100000);
    cJSON *parsed = cJSON_Parse(out);
    cr_expect(parsed != NULL, "the generated body is JSON");
    cr_expect_eq(strlen(cJSON_GetObjectItemCaseSensitive(parsed, "pad")->valuestring), 1099990);
    cJSON_Delete(parsed);
    free(out);
    cJSON_Delete(body);
}

/* The executor asks for a generated body in pieces of whatever size libcurl's buffer
 * has: every piece, from every offset, is the same bytes as the whole. */
Test(case_body, generated_bodies_read_the_same_in_pieces_from_any_offset)
{
    static const size_t sizes[] = {2, 5, 9, 10, 11, 12, 4096, 65539};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], piece = 7;
        char *whole = calloc(1, n + 1), *pieces = calloc(1, n + 1);
        cr_assert(whole && pieces);
        cr_assert_eq(case_generated_body(n, 0, whole, n + 16), n, "n=%zu", n);
        cr_expect_eq(whole[0], '{', "n=%zu", n);
        cr_expect_eq(whole[n - 1], n >= 10 || n == 2 ? '}' : ' ', "n=%zu", n);
        cJSON *parsed = cJSON_Parse(whole);
        cr_expect(parsed != NULL, "n=%zu: %s", n, whole);
        cJSON_Delete(parsed);
        for (size_t off = 0; off < n; off += piece, piece = piece * 3 % 997 + 1) {
            size_t got = case_generated_body(n, off, pieces + off, piece);
            cr_assert_eq(got, piece < n - off ? piece : n - off, "n=%zu off=%zu", n, off);
        }
        cr_expect(memcmp(whole, pieces, n) == 0, "n=%zu: pieces differ from the whole", n);
        cr_expect_eq(case_generated_body(n, n, pieces, 8), 0, "nothing past the end");
        free(whole);
        free(pieces);
    }
}

Test(case_body, validates_json_pointer_syntax)
{
    cr_expect(case_pointer_valid(""));
    cr_expect(case_pointer_valid("/"));
    cr_expect(case_pointer_valid("/a~0b/~1/0"));
    cr_expect(!case_pointer_valid("a"));
    cr_expect(!case_pointer_valid("/a~"));
    cr_expect(!case_pointer_valid("/a~2"));
    cr_expect(!case_pointer_valid(NULL));
}
