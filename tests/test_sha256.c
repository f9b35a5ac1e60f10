/* test_sha256: the FIPS 180-2 / NIST example vectors, streamed and in one call. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* Arrays, not pointers: Criterion copies parameters into a fresh process. */
typedef struct vector {
    char input[120];
    size_t repeat; /* input is fed this many times */
    char hex[SHA256_HEX];
} vector;

ParameterizedTestParameters(sha256, gives_the_fips_example_digests)
{
    static vector rows[] = {
        {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         1, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    return cr_make_param_array(vector, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(vector *v, sha256, gives_the_fips_example_digests)
{
    char hex[SHA256_HEX];
    sha256_ctx c;
    cr_assert_eq(sha256_init(&c), 0);
    for (size_t i = 0; i < v->repeat; i++)
        cr_assert_eq(sha256_update(&c, v->input, strlen(v->input)), 0);
    cr_assert_eq(sha256_final(&c, hex), 0);
    cr_assert_str_eq(hex, v->hex);
    if (v->repeat == 1) {
        cr_assert_eq(sha256_hex(v->input, strlen(v->input), hex), 0);
        cr_assert_str_eq(hex, v->hex);
    }
}

Test(sha256, final_on_a_failed_context_fails_and_frees_nothing_twice)
{
    char hex[SHA256_HEX] = "untouched";
    sha256_ctx c = {0};
    cr_assert_eq(sha256_update(&c, "x", 1), -1);
    cr_assert_eq(sha256_final(&c, hex), -1);
    cr_assert_str_eq(hex, "untouched");
}
