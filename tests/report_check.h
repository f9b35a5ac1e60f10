/* report_check: helpers shared by the executor and reporter tests — write a run's
 * reports to a temporary folder and check them with xmllint against the strict schema. */
#ifndef KPCT_TEST_REPORT_CHECK_H
#define KPCT_TEST_REPORT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* Writes every report of the table (junit.xml, results.json, coverage.json) under a new
 * temporary folder (path in dir, 256 bytes); returns 0 or -1. */
int report_check_write(const run_report *run, char *dir);
/* Returns true when xmllint accepts path against tests/data/junit-10.xsd. */
bool report_check_schema(const char *path);
/* Evaluates an XPath number/string with xmllint; returns a new string or NULL. */
char *report_check_xpath(const char *path, const char *xpath);
/* Returns true when the file contains needle (binary-safe search). */
bool report_check_contains(const char *path, const char *needle);
/* Fills a run_report header (target mock, market SE) around results (borrowed: the
 * caller frees results itself). */
void report_check_header(run_report *run, test_result *results, size_t count);

#endif
