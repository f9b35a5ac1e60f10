/* report_check: see report_check.h. */
#include "report_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfile.h"
#include "coverage.h"
#include "report.h"
#include "test_tmp.h"

static const char *data_dir(void)
{
    const char *d = getenv("KPCT_TEST_DATA");
    return d ? d : "tests/data";
}

int report_check_write(const run_report *run, char *dir)
{
    char err[512];
    coverage *cov = NULL;
    if (!test_tmp_dir(dir, 256, "kpct-test") || coverage_compute(run, &cov) < 0)
        return -1;
    int rc = report_write_all(run, cov, dir, err, sizeof err);
    coverage_free(cov);
    return rc;
}

bool report_check_schema(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s/junit-10.xsd' '%s' 2>/dev/null",
             data_dir(), path);
    return system(cmd) == 0;
}

char *report_check_xpath(const char *path, const char *xpath)
{
    char cmd[1024], buf[4096];
    snprintf(cmd, sizeof cmd, "xmllint --xpath \"%s\" '%s' 2>/dev/null", xpath, path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    pclose(p);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return strdup(buf);
}

bool report_check_contains(const char *path, const char *needle)
{
    char err[256];
    size_t len;
    char *text = kfile_read(path, 512u << 20, &len, err, sizeof err);
    bool found = false;
    size_t nl = strlen(needle);
    for (size_t i = 0; text && nl && i + nl <= len && !found; i++)
        found = !memcmp(text + i, needle, nl);
    free(text);
    return found;
}

void report_check_header(run_report *run, test_result *results, size_t count)
{
    static char *markets[] = {"SE"};
    memset(run, 0, sizeof *run);
    run->target = "mock";
    run->base_url = "http://127.0.0.1:1";
    run->markets = markets;
    run->n_markets = 1;
    run->version = "0.1.0";
    run->started_at = "2026-11-25T12:00:00Z";
    run->seed = 42;
    run->seconds = 0.5;
    run->results = results;
    run->count = count;
}
