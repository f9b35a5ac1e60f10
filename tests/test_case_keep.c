/* Keep tests: a loaded set drops its suite documents' trees and reads them back when a
 * test of them runs (case_keep.h). Each test loads a folder of more suite files than the
 * keeper keeps idle, so most are read back from disk, and checks what the runs build:
 * steps and variant patches as written, several runs of one document at once, runs in
 * threads, the variables walk, and the error a test gets when its file changed or went
 * away after the load. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "case_keep.h"
#include "case_tree.h"

#define N_FILES (CASE_KEEP_IDLE + 3)

static char *root;
static case_set *set;

/* Suite file i: a case of two steps whose paths name the file, and a case with two
 * variants patching the second step's inline body. */
static char *suite_text(int i)
{
    char *s = NULL;
    int n = asprintf(
        &s,
        "{\"suite\": \"keep%d\", \"title\": \"t\", \"cases\": [\n"
        "{\"id\": \"keep%d.steps\", \"title\": \"two steps\", \"clauses\": [],\n"
        " \"steps\": [\n"
        "  {\"name\": \"first\", \"request\": {\"method\": \"GET\", \"path\": \"/f%d/one\"},"
        "   \"expect\": {\"status\": 200}},\n"
        "  {\"name\": \"second\", \"request\": {\"method\": \"GET\", \"path\": "
        "\"/f%d/${var:WHO}\"}, \"expect\": {\"status\": 200}}]},\n"
        "{\"id\": \"keep%d.patched\", \"title\": \"patched\", \"clauses\": [],\n"
        " \"steps\": [{\"name\": \"send\", \"request\": {\"method\": \"POST\", \"path\": \"/p\","
        "   \"body\": {\"inline\": {\"file\": %d, \"amount\": 1}}}, \"expect\": {\"status\": 204},"
        "   \"variant_target\": true}],\n"
        " \"variants\": [{\"id\": \"plain\"},\n"
        "  {\"id\": \"negative\", \"patch\": [{\"op\": \"replace\", \"path\": \"/amount\","
        " \"value\": %d}]}]}]}\n",
        i, i, i, i, i, i, 100 + i);
    cr_assert(n > 0);
    return s;
}

static void write_suite(int i, const char *text)
{
    char rel[32];
    snprintf(rel, sizeof rel, "keep%d.json", i);
    case_tree_write(root, rel, text);
}

static void setup(void)
{
    root = case_tree_new();
    for (int i = 0; i < N_FILES; i++) {
        char *text = suite_text(i);
        write_suite(i, text);
        free(text);
    }
    char *diags = case_tree_load(root, &set);
    cr_assert_str_eq(diags, "");
    free(diags);
}

static case_vars_defs defs;

static void teardown(void)
{
    case_vars_defs_free(&defs);
    case_set_free(set);
    case_tree_free(root);
}

static const case_test *find(const char *id)
{
    case_filter f = {.market = "SE", .target = TARGET_MOCK};
    return case_tree_test(set, &f, id);
}

static case_run *start(const char *id)
{
    static case_env env = {.base_url = "http://127.0.0.1:9", .market = "SE", .defs = &defs};
    if (!defs.count) {
        char err[256];
        cr_assert_eq(case_vars_define(&defs, "WHO=two", false, err, sizeof err), 0, "%s", err);
    }
    case_run *run = case_run_new(set, find(id), &env);
    cr_assert(run);
    return run;
}

/* The URL (or, with body, the body) of run's next request. */
static char *next(case_run *run, bool body)
{
    case_request req;
    char err[512];
    int rc = case_run_next(run, &req, err, sizeof err);
    cr_assert_eq(rc, 1, "%s", rc < 0 ? err : "no more steps");
    char *s = body ? strndup(req.body, req.body_len) : strdup(req.url);
    case_response resp = {.status = body ? 204 : 200, .body = "", .headers = NULL};
    kbuf why;
    kbuf_init(&why, 4096);
    cr_assert_eq(case_run_judge(run, &resp, &why), 0, "%s", kbuf_str(&why));
    kbuf_free(&why);
    return s;
}

static void expect_steps(int i)
{
    char id[32], want[64];
    snprintf(id, sizeof id, "keep%d.steps", i);
    case_run *run = start(id);
    char *url = next(run, false);
    snprintf(want, sizeof want, "http://127.0.0.1:9/f%d/one", i);
    cr_expect_str_eq(url, want);
    free(url);
    url = next(run, false);
    snprintf(want, sizeof want, "http://127.0.0.1:9/f%d/two", i);
    cr_expect_str_eq(url, want);
    free(url);
    case_run_free(run);
}

Test(case_keep, runs_every_test_of_more_files_than_it_keeps, .init = setup, .fini = teardown)
{
    /* last file first: every file but the last few loaded was dropped */
    for (int i = N_FILES - 1; i >= 0; i--)
        expect_steps(i);
    for (int i = 0; i < N_FILES; i++)
        expect_steps(i);
    /* the variants read back are the ones loaded: each file's own patch value */
    for (int i = 0; i < N_FILES; i++)
        for (int patched = 0; patched < 2; patched++) {
            char id[48], want[64];
            snprintf(id, sizeof id, "keep%d.patched.%s", i, patched ? "negative" : "plain");
            case_run *run = start(id);
            char *body = next(run, true);
            snprintf(want, sizeof want, "{\"file\":%d,\"amount\":%d}", i, patched ? 100 + i : 1);
            cr_expect_str_eq(body, want, "%s", id);
            free(body);
            case_run_free(run);
        }
}

Test(case_keep, keeps_every_document_a_running_test_holds, .init = setup, .fini = teardown)
{
    /* more documents held at once than are kept idle, two runs of each */
    case_run *runs[2 * N_FILES];
    for (int i = 0; i < N_FILES; i++) {
        char id[32];
        snprintf(id, sizeof id, "keep%d.steps", i);
        runs[2 * i] = start(id);
        runs[2 * i + 1] = start(id);
    }
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < N_FILES; i++) {
            char want[64];
            snprintf(want, sizeof want, "http://127.0.0.1:9/f%d/%s", i, k ? "two" : "one");
            char *url = next(runs[2 * i + 1], false);
            cr_expect_str_eq(url, want);
            free(url);
            /* one run of the pair ends after its first step; the other goes on */
            if (k == 0) {
                url = next(runs[2 * i], false);
                cr_expect_str_eq(url, want);
                free(url);
                case_run_free(runs[2 * i]);
            }
        }
    for (int i = 0; i < N_FILES; i++)
        case_run_free(runs[2 * i + 1]);
}

static void *run_all(void *arg)
{
    int offset = *(const int *)arg;
    for (int round = 0; round < 20; round++)
        for (int j = 0; j < N_FILES; j++)
            expect_steps((j + offset) % N_FILES);
    return NULL;
}

Test(case_keep, serves_runs_in_several_threads, .init = setup, .fini = teardown)
{
    case_run_free(start("keep0.steps")); /* defines WHO before the threads read it */
    pthread_t th[3];
    int offsets[3] = {0, 2, 5};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, run_all, &offsets[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
}

static void count_name(void *ctx, const char *name)
{
    cr_expect_str_eq(name, "WHO");
    (*(int *)ctx)++;
}

Test(case_keep, walks_the_variables_of_a_dropped_document, .init = setup, .fini = teardown)
{
    int n = 0;
    cr_expect_eq(case_vars_undefined(set, find("keep0.steps"), "SE", NULL, count_name, &n), 1);
    cr_expect_eq(n, 1);
    expect_steps(0);
}

/* Starts test id and expects its first step to error with a reason that starts with
 * head and holds want. */
static void expect_step_error(const char *id, const char *head, const char *want)
{
    case_run *run = start(id);
    case_request req;
    char err[512];
    cr_assert_eq(case_run_next(run, &req, err, sizeof err), -1, "the test errors");
    cr_expect(strncmp(err, head, strlen(head)) == 0 && strstr(err, want), "got: %s", err);
    cr_expect_eq(case_run_next(run, &req, err, sizeof err), 0, "and runs no step");
    case_run_free(run);
}

Test(case_keep, errors_a_test_whose_file_changed_after_the_load, .init = setup, .fini = teardown)
{
    char *text = suite_text(0);
    text[strlen(text) - 2] = ' '; /* one byte: the same JSON, not the same file */
    write_suite(0, text);
    free(text);
    expect_step_error("keep0.steps", root, "/keep0.json changed after the run loaded it");
    expect_step_error("keep0.patched.negative", root,
                      "/keep0.json changed after the run loaded it");
    for (int i = 1; i < N_FILES; i++)
        expect_steps(i);
    /* put back as loaded, it runs again */
    text = suite_text(0);
    write_suite(0, text);
    free(text);
    expect_steps(0);
}

Test(case_keep, errors_a_test_whose_file_is_gone, .init = setup, .fini = teardown)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/keep0.json", root);
    cr_assert_eq(unlink(path), 0);
    expect_step_error("keep0.steps", "cannot read ", "/keep0.json back: ");
    expect_steps(N_FILES - 1);
}
