/* report_sample: a run with every outcome and a hostile server's text, for the report
 * page tests (test_report_pages.c) and the browser test (report_sample_main.c).
 * Ownership: the caller frees the returned run with run_report_free. */
#ifndef KPCT_TEST_REPORT_SAMPLE_H
#define KPCT_TEST_REPORT_SAMPLE_H

#include <stdbool.h>

#include "result.h"

#define REPORT_SAMPLE_CURRENCY "update.bad_value.purchase_currency"
/* What a hostile server answers: markup that would run, a broken UTF-8 byte, Markdown. */
#define REPORT_SAMPLE_HOSTILE                                                                      \
    "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> "       \
    "\xff|*_[x](y)@team"

/* The run: target and start as given; the currency test fails when currency_fails, else
 * passes. Aborts when memory runs out. */
run_report report_sample_run(const char *target, const char *started, bool currency_fails);

#endif
