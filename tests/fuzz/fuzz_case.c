/* fuzz_case: the case-document parser, then the parsed tests run. The input is a suite
 * document, then FUZZ_SEP-separated synthetic responses (fuzz_cases.h). The document is
 * parsed from memory (case_suite_parse: no fixtures, no markets) and loaded as a cases
 * folder beside the real SE fixtures (case_set_load), whose tests are then built step by
 * step and judged against the responses. Oracles: the sanitizers, and each API's
 * promises — a result or diagnostics placed inside the document, never both; a step that
 * cannot be built or a judgement that fails says why. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_cases.h"

#define MAX_RESPONSES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (64u << 10))
        return 0; /* case files are small; long inputs only slow the search */
    fuzz_input in = fuzz_input_of(data, size);
    const char *doc, *part;
    size_t doc_len, len;
    fuzz_take(&in, &doc, &doc_len);
    fuzz_response responses[MAX_RESPONSES];
    size_t count = 0;
    while (count < MAX_RESPONSES && fuzz_take(&in, &part, &len))
        fuzz_response_parse(&responses[count++], part, len);

    case_set *set = NULL;
    case_diags d = {0};
    int rc = case_suite_parse("mem.json", doc, doc_len, &set, &d);
    fuzz_cases_check_diags(rc, set, &d, "mem.json", doc, doc_len);
    case_set_free(set);

    set = NULL;
    if (fuzz_cases_load(doc, doc_len, &set) == 0) {
        fuzz_cases_run(set, responses, count, NULL);
        case_set_free(set);
    }
    for (size_t i = 0; i < count; i++)
        fuzz_response_free(&responses[i]);
    return 0;
}
