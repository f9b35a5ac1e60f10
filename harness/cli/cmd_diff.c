/* cmd_diff: kpct diff A B — two runs (report folders, or results.json files with the
 * coverage.json beside them) compared clause by clause, test by test and answer by
 * answer; the changes on the console, in diff.json and in diff.md. */
#define _GNU_SOURCE /* strndup */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "diff.h"
#include "jsonfile.h"
#include "kbuf.h"
#include "kfile.h"
#include "msg.h"
#include "result_read.h"
#include "xml.h"

static const char *const kind_name[] = {"clause", "test", "answer", "only_in_a", "only_in_b"};

/* A run folder, or the folder of a results.json given as a file. */
static int read_run(const char *arg, run_report *out, char *err, size_t errlen)
{
    size_t n = strlen(arg);
    const char *file = "results.json";
    size_t fl = strlen(file);
    char *dir = NULL;
    if (n >= fl && !strcmp(arg + n - fl, file) && (n == fl || arg[n - fl - 1] == '/'))
        dir = n == fl ? strdup(".") : strndup(arg, n - fl - 1);
    else
        dir = strdup(arg);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = run_report_read(dir[0] ? dir : "/", out, err, errlen);
    free(dir);
    return rc;
}

static cJSON *diff_json(const cli_options *o, const diff_report *d)
{
    cJSON *doc = cJSON_CreateObject(), *list = NULL;
    if (!doc || !cJSON_AddStringToObject(doc, "schema", "kpct-diff/1") ||
        !cJSON_AddStringToObject(doc, "a", o->diff_a) ||
        !cJSON_AddStringToObject(doc, "b", o->diff_b) ||
        !cJSON_AddBoolToObject(doc, "agree", d->n_confirmed == 0) ||
        !cJSON_AddNumberToObject(doc, "changes", (double)d->n_changes) ||
        !cJSON_AddNumberToObject(doc, "confirmed_changes", (double)d->n_confirmed) ||
        !(list = cJSON_AddArrayToObject(doc, "list")))
        goto fail;
    for (size_t i = 0; i < d->n_changes; i++) {
        const diff_change *c = &d->changes[i];
        cJSON *e = cJSON_CreateObject();
        if (!e || !cJSON_AddItemToArray(list, e)) {
            cJSON_Delete(e);
            goto fail;
        }
        if (!cJSON_AddStringToObject(e, "kind", kind_name[c->kind]) ||
            !cJSON_AddStringToObject(e, "market", c->market ? c->market : "") ||
            !cJSON_AddStringToObject(e, "id", c->id ? c->id : "") ||
            (c->kind == DIFF_ANSWER &&
             (!cJSON_AddNumberToObject(e, "step", (double)c->step) ||
              !cJSON_AddStringToObject(e, "step_name", c->step_name ? c->step_name : "") ||
              !cJSON_AddStringToObject(e, "what", c->what))) ||
            !(c->a ? cJSON_AddStringToObject(e, "a", c->a) : cJSON_AddNullToObject(e, "a")) ||
            !(c->b ? cJSON_AddStringToObject(e, "b", c->b) : cJSON_AddNullToObject(e, "b")) ||
            !cJSON_AddBoolToObject(e, "unconfirmed", c->unconfirmed))
            goto fail;
    }
    return doc;
fail:
    cJSON_Delete(doc);
    return NULL;
}

/* Markdown-safe table cell: one line, pipes escaped. */
static void md_cell(kbuf *md, const char *s)
{
    kbuf plain;
    kbuf_init(&plain, 1u << 16);
    xml_plain_line(&plain, s ? s : "", s ? strlen(s) : 0);
    for (const char *p = kbuf_str(&plain); *p; p++)
        if (*p == '|' ? kbuf_puts(md, "\\|") : kbuf_append(md, p, 1))
            break;
    kbuf_free(&plain);
}

static void diff_md(kbuf *md, const cli_options *o, const diff_report *d)
{
    kbuf_puts(md, "# kpct diff\n\nA: `");
    md_cell(md, o->diff_a);
    kbuf_puts(md, "`  \nB: `");
    md_cell(md, o->diff_b);
    kbuf_printf(md, "`\n\n%s: %zu changes, %zu of them on confirmed clauses.\n",
                d->n_confirmed ? "**Disagree**" : "**Agree**", d->n_changes, d->n_confirmed);
    if (!d->n_changes)
        return;
    kbuf_puts(md, "\n| kind | market | id | step | what | A | B | unconfirmed |\n"
                  "|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < d->n_changes; i++) {
        const diff_change *c = &d->changes[i];
        kbuf_printf(md, "| %s | %s | ", kind_name[c->kind], c->market ? c->market : "");
        md_cell(md, c->id);
        kbuf_puts(md, " | ");
        if (c->kind == DIFF_ANSWER) {
            kbuf_printf(md, "%zu ", c->step);
            md_cell(md, c->step_name);
        }
        kbuf_printf(md, " | %s | ", c->what ? c->what : "");
        md_cell(md, c->a ? c->a : "");
        kbuf_puts(md, " | ");
        md_cell(md, c->b ? c->b : "");
        kbuf_printf(md, " | %s |\n", c->unconfirmed ? "yes" : "");
    }
}

int cmd_diff(const cli_options *o)
{
    run_report a = {0}, b = {0};
    diff_report d = {0};
    cJSON *doc = NULL;
    kbuf line, md;
    kbuf_init(&line, 1u << 20);
    kbuf_init(&md, 64u << 20);
    char err[1024];
    int rc = CLI_EXIT_BAD_CASES;
    if (read_run(o->diff_a, &a, err, sizeof err) < 0 ||
        read_run(o->diff_b, &b, err, sizeof err) < 0) {
        msg_error("%s", err);
        goto out;
    }
    if (diff_runs(&a, &b, &d) < 0) {
        rc = msg_oom();
        goto out;
    }
    for (size_t i = 0; i < d.n_changes; i++) {
        kbuf_reset(&line);
        diff_line(&line, &d.changes[i]);
        kbuf plain;
        kbuf_init(&plain, 4u << 20);
        xml_plain_line(&plain, kbuf_str(&line), line.len);
        printf("%s\n", kbuf_str(&plain));
        kbuf_free(&plain);
    }
    if (d.n_changes)
        printf("%zu changes, %zu on confirmed clauses: the runs %s\n", d.n_changes, d.n_confirmed,
               d.n_confirmed ? "disagree" : "agree");
    else
        printf("no differences\n");
    char path[4096];
    if (!(doc = diff_json(o, &d))) {
        rc = msg_oom();
        goto out;
    }
    snprintf(path, sizeof path, "%s/diff.json", o->out_dir);
    if (jsonfile_write(path, doc, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    diff_md(&md, o, &d);
    snprintf(path, sizeof path, "%s/diff.md", o->out_dir);
    if (kfile_write_atomic(path, kbuf_str(&md), md.len, err, sizeof err) < 0) {
        msg_error("%s", err);
        rc = CLI_EXIT_SOFTWARE;
        goto out;
    }
    rc = d.n_confirmed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
out:
    cJSON_Delete(doc);
    kbuf_free(&line);
    kbuf_free(&md);
    diff_report_free(&d);
    run_report_free(&a);
    run_report_free(&b);
    return rc;
}
