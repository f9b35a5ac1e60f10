/* fuzz_validate: the mock's validation. The first byte picks a defect to emulate, the rest
 * is a request body: its raw text is checked (validate_json_text) and, when cJSON parses
 * it, the session rules are applied with and without that defect. Oracles: the
 * sanitizers, and validate.h's promises — 0 or 1, and a one-line reason or BAD_VALUE
 * message, within its bound, exactly when 1; no defects reads as the contract. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "defect.h"
#include "fuzz_util.h"
#include "validate.h"

static void check_message(int rc, const char *msg, size_t cap, const char *prefix)
{
    FUZZ_CHECK(rc == 0 || rc == 1);
    size_t len = strnlen(msg, cap);
    FUZZ_CHECK(len < cap);
    FUZZ_CHECK(!memchr(msg, '\n', len));
    if (rc == 1)
        FUZZ_CHECK(len > 0 && strncmp(msg, prefix, strlen(prefix)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (256u << 10))
        return 0;
    /* the first byte names one built-in defect to emulate; past the last, none */
    defect_set defects = {{0, 0}};
    if (data[0] < DEFECT_COUNT)
        defects.w[data[0] >> 6] |= (uint64_t)1 << (data[0] & 63);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    char why[512];
    memset(why, 0x55, sizeof why);
    why[sizeof why - 1] = '\0';
    int rc = validate_json_text(text, len, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == 1);
    if (rc == 1)
        check_message(rc, why, sizeof why, "");

    cJSON *session = cJSON_ParseWithLength(text, len);
    if (!session)
        return 0;
    char msg[VALIDATE_MSG_MAX], plain[VALIDATE_MSG_MAX], none[VALIDATE_MSG_MAX];
    msg[0] = plain[0] = none[0] = '\0';
    int with = validate_session_defects(session, &defects, msg, sizeof msg);
    check_message(with, msg, sizeof msg, "Bad value: ");
    int contract = validate_session(session, plain, sizeof plain);
    check_message(contract, plain, sizeof plain, "Bad value: ");
    defect_set off = {{0, 0}};
    int zero = validate_session_defects(session, &off, none, sizeof none);
    FUZZ_CHECK(zero == contract && (contract == 0 || strcmp(none, plain) == 0));
    /* a short buffer is cut, never overrun */
    char small[16];
    memset(small, 0x55, sizeof small);
    int cut = validate_session(session, small, sizeof small);
    FUZZ_CHECK(cut == contract && (cut == 0 || strnlen(small, sizeof small) < sizeof small));
    cJSON_Delete(session);
    return 0;
}
