/* report_json: a run as reports/results.json, the machine-readable input of later
 * report, diff and merge commands. Schema "kpct-results/1" (documented in
 * reports/README.md): run metadata, a summary, one object per test.
 * Ownership: json_results_build hands out a cJSON tree the caller frees with cJSON_Delete. */
#ifndef KPCT_REPORT_JSON_H
#define KPCT_REPORT_JSON_H

#include <stddef.h>

#include <cJSON.h>

#include "result.h"

#define JSON_RESULTS_SCHEMA RESULT_SCHEMA

/* Builds the results document; returns it, or NULL on OOM. */
cJSON *json_results_build(const run_report *run);
/* The object of test t as it reads inside the document's tests array (indented for its
 * depth, no separator), in a string the caller frees, its length in *len; NULL on OOM. */
char *json_results_test_text(const test_result *t, size_t *len);
/* The document around its tests: *head up to the tests array's '[', *tail from its ']'
 * to the end of the file; between them go the test texts joined by ", ". Returns 0, or
 * -1 on OOM. The caller frees both. */
int json_results_frame(const run_report *run, char **head, char **tail);
/* Builds and writes path atomically; returns 0, or -1 with a reason in err. */
int json_results_write(const run_report *run, const char *path, char *err, size_t errlen);

#endif
