/* cjson_oracle: cJSON as the reference the mock's JSON reader (mock/json.c) must equal —
 * its parse of exactly one value, and a node-for-node comparison of two trees. Shared by
 * tests/test_mock_units.c and tests/fuzz/fuzz_json.c.
 * Ownership: cjson_oracle_parse_whole hands out a tree freed by cJSON_Delete. */
#ifndef KPCT_TEST_CJSON_ORACLE_H
#define KPCT_TEST_CJSON_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

/* cJSON's parse of text (len bytes) as exactly one value with only isspace after it (an
 * object when object is set); NULL when cJSON refuses or anything else follows. */
cJSON *cjson_oracle_parse_whole(const char *text, size_t len, bool object);
/* True when a and b are the same tree in every field cJSON keeps (both NULL counts). */
bool cjson_oracle_same_tree(const cJSON *a, const cJSON *b);

#endif
