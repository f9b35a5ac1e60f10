/* fuzz_json: the mock's own JSON reader and printer (mock/json.c) against cJSON, which they
 * promise to equal. The input is any text. Oracles, for every input: mock_parse_json and
 * mock_parse_object refuse exactly when cJSON_ParseWithLengthOpts(text, len, &end, 0) with
 * isspace after the value refuses (the mock's parse before json.c), else both trees are the
 * same node for node and print to the same cJSON_PrintUnformatted text; mock_print of either
 * tree is that text byte for byte, and mock_print_string of every string and member name is
 * what cJSON prints for that string. A difference prints both sides and traps. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "../cjson_oracle.h"
#include "fuzz_util.h"
#include "mock_internal.h"

static _Noreturn void mismatch(const char *what, const char *text, size_t len, const char *mock,
                               const char *cjson)
{
    fprintf(stderr, "fuzz_json: %s\n  input (%zu bytes): ", what, len);
    fwrite(text, 1, len, stderr);
    fprintf(stderr, "\n  mock:  %s\n  cJSON: %s\n", mock ? mock : "(null)",
            cjson ? cjson : "(null)");
    fuzz_fail(__FILE__, __LINE__, what);
}

/* mock_print of tree equals cJSON_PrintUnformatted of it, byte for byte and in length. */
static void check_print(const cJSON *tree, const char *text, size_t len, const char *which)
{
    size_t n = (size_t)-1;
    char *want = cJSON_PrintUnformatted(tree), *got = mock_print(tree, &n);
    FUZZ_CHECK(want && got);
    if (strcmp(got, want) != 0 || n != strlen(got))
        mismatch(which, text, len, got, want);
    free(want);
    free(got);
}

/* mock_print_string of every string and member name in tree equals cJSON's print of it. */
static void check_strings(const cJSON *tree, const char *text, size_t len)
{
    for (; tree; tree = tree->next) {
        const char *s[2] = {tree->string, cJSON_IsString(tree) ? tree->valuestring : NULL};
        for (int i = 0; i < 2; i++) {
            if (!s[i])
                continue;
            cJSON *item = cJSON_CreateString(s[i]);
            FUZZ_CHECK(item);
            size_t n = (size_t)-1;
            char *want = cJSON_PrintUnformatted(item), *got = mock_print_string(s[i], &n);
            FUZZ_CHECK(want && got);
            if (strcmp(got, want) != 0 || n != strlen(got))
                mismatch("mock_print_string differs from cJSON", text, len, got, want);
            free(want);
            free(got);
            cJSON_Delete(item);
        }
        check_strings(tree->child, text, len);
    }
}

static void check_parse(const char *text, size_t len, bool object)
{
    const char *name = object ? "mock_parse_object" : "mock_parse_json";
    cJSON *want = cjson_oracle_parse_whole(text, len, object);
    cJSON *got = object ? mock_parse_object(text, len) : mock_parse_json(text, len);
    char *want_text = want ? cJSON_PrintUnformatted(want) : NULL;
    char *got_text = got ? cJSON_PrintUnformatted(got) : NULL;
    char what[80];
    if (!want != !got || (want && (!want_text || !got_text || strcmp(want_text, got_text) != 0))) {
        snprintf(what, sizeof what, "%s and cJSON disagree", name);
        mismatch(what, text, len, got ? got_text : "refused", want ? want_text : "refused");
    }
    if (!cjson_oracle_same_tree(got, want)) {
        snprintf(what, sizeof what, "%s builds another tree than cJSON (same print)", name);
        mismatch(what, text, len, got_text, want_text);
    }
    if (want && !object) {
        check_print(want, text, len, "mock_print of cJSON's tree differs from cJSON's print");
        check_print(got, text, len, "mock_print of the mock's tree differs from cJSON's print");
        check_strings(got, text, len);
    }
    free(want_text);
    free(got_text);
    cJSON_Delete(want);
    cJSON_Delete(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (256u << 10))
        return 0;
    /* an exact-size copy, so ASan sees any read past len */
    char *text = malloc(size ? size : 1);
    FUZZ_CHECK(text);
    memcpy(text, data, size);
    check_parse(text, size, false);
    check_parse(text, size, true);
    free(text);
    return 0;
}
