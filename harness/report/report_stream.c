/* report_stream: the JUnit and JSON reports of a run written as its tests end, assembled
 * at the end from headers and the bodies copied back in plan order. */
#include "report_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbuf.h"
#include "kfile.h"
#include "report_json.h"
#include "report_junit.h"

#define STREAM_MAX_PATH  4096
#define STREAM_MAX_PIECE (64u << 20) /* ceiling of one test's text in one report */
#define STREAM_DRAIN     (64u << 10) /* the assembly buffer is written out past this */

/* Where one test's text lies in a body file; len 0 = not written yet. */
typedef struct piece {
    off_t off;
    size_t len;
} piece;

/* One report's body: an unlinked file and the pieces in it, indexed by plan position. */
typedef struct body {
    int fd;
    off_t end;
    piece *pieces;
} body;

struct report_stream {
    size_t n;
    body junit, json;
    char failure[512]; /* why a test could not be written; "" = none */
};

static int body_open(body *b, const char *dir, const char *name, size_t n, char *err, size_t errlen)
{
    char path[STREAM_MAX_PATH];
    /* named like the report's own temporary file, which the next run removes if found */
    if (snprintf(path, sizeof path, "%s/%s.XXXXXX", dir, name) >= (int)sizeof path) {
        snprintf(err, errlen, "%s/%s: path longer than %d bytes", dir, name, STREAM_MAX_PATH);
        return -1;
    }
    if (!(b->pieces = calloc(n ? n : 1, sizeof *b->pieces))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if ((b->fd = mkstemp(path)) < 0) {
        snprintf(err, errlen, "cannot create %s's body in %s: %s", name, dir, strerror(errno));
        return -1;
    }
    unlink(path);
    return 0;
}

report_stream *report_stream_open(const char *dir, size_t n, char *err, size_t errlen)
{
    report_stream *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->n = n;
    s->junit.fd = s->json.fd = -1;
    if (body_open(&s->junit, dir, "junit.xml", n, err, errlen) < 0 ||
        body_open(&s->json, dir, "results.json", n, err, errlen) < 0) {
        report_stream_free(s);
        return NULL;
    }
    return s;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int body_append(body *b, size_t i, const char *text, size_t len)
{
    if (write_all(b->fd, text, len) < 0)
        return -1;
    b->pieces[i] = (piece){.off = b->end, .len = len};
    b->end += (off_t)len;
    return 0;
}

static void note_failure(report_stream *s, const char *what, const char *why)
{
    if (!s->failure[0])
        snprintf(s->failure, sizeof s->failure, "cannot stream %s: %s", what, why);
}

int report_stream_add(report_stream *s, const run_report *run, size_t i)
{
    const test_result *t = &run->results[i];
    int rc = 0;
    if (i >= s->n || s->json.pieces[i].len)
        return 0;
    kbuf testcase;
    kbuf_init(&testcase, STREAM_MAX_PIECE);
    if (junit_testcase(&testcase, run, t) < 0) {
        note_failure(s, t->id, "its JUnit testcase is over its bound or memory ran out");
        rc = -1;
    } else if (body_append(&s->junit, i, testcase.data, testcase.len) < 0) {
        note_failure(s, "junit.xml", strerror(errno));
        rc = -1;
    }
    kbuf_free(&testcase);
    size_t len = 0;
    char *object = json_results_test_text(t, &len);
    if (!object) {
        note_failure(s, t->id, "out of memory");
        rc = -1;
    } else if (body_append(&s->json, i, object, len) < 0) {
        note_failure(s, "results.json", strerror(errno));
        rc = -1;
    }
    free(object);
    return rc;
}

/* The report being assembled: its temporary file and the bytes not yet written to it. */
typedef struct assembly {
    kfile_atomic file;
    body *from;
    kbuf out;
    int failed_errno; /* a write or read failed; 0 = none */
} assembly;

/* Writes n bytes to the report; returns 0, or -1 (the reason kept in failed_errno). */
static int assembly_put(assembly *a, const char *p, size_t n)
{
    if (kfile_put(&a->file, p, n) == 0)
        return 0;
    a->failed_errno = a->file.failed_errno;
    return -1;
}

static int drain(void *ctx, kbuf *out)
{
    assembly *a = ctx;
    if (out->len < STREAM_DRAIN)
        return 0;
    if (assembly_put(a, out->data, out->len) < 0)
        return -1;
    kbuf_reset(out);
    return 0;
}

/* Copies test i's piece from the body into the report (after what out holds). */
static int copy_piece(void *ctx, const run_report *run, size_t i, kbuf *out)
{
    assembly *a = ctx;
    char chunk[STREAM_DRAIN];
    (void)run;
    if (assembly_put(a, out->data ? out->data : "", out->len) < 0)
        return -1;
    kbuf_reset(out);
    const piece *p = &a->from->pieces[i];
    for (size_t done = 0; done < p->len;) {
        size_t want = p->len - done < sizeof chunk ? p->len - done : sizeof chunk;
        ssize_t r = pread(a->from->fd, chunk, want, p->off + (off_t)done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            a->failed_errno = r == 0 ? EIO : errno;
            return -1;
        }
        if (assembly_put(a, chunk, (size_t)r) < 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

/* Creates path's temporary file for the assembly; returns 0, or -1 with a reason. */
static int assembly_open(assembly *a, body *from, const char *path, char *err, size_t errlen)
{
    a->from = from;
    a->failed_errno = 0;
    kbuf_init(&a->out, 1u << 30);
    return kfile_begin(&a->file, path, err, errlen);
}

/* Writes what is left, makes the file durable and renames it to path; on failure
 * (ok false: the assembly itself failed, the reason already in err) removes it. */
static int assembly_close(assembly *a, bool ok, char *err, size_t errlen)
{
    int rc = -1;
    if (ok) {
        /* a failure to write the rest is kfile_commit's to report */
        assembly_put(a, a->out.data ? a->out.data : "", a->out.len);
        rc = kfile_commit(&a->file, err, errlen);
    } else {
        kfile_abandon(&a->file);
    }
    kbuf_free(&a->out);
    return rc;
}

/* Writes the tests the run settled without the stream (a preflight that stopped the run);
 * returns 0, or -1 with the stream's first failure in err. */
static int add_missing(report_stream *s, const run_report *run, char *err, size_t errlen)
{
    for (size_t i = 0; i < run->count && i < s->n; i++)
        report_stream_add(s, run, i);
    if (s->failure[0] || run->count > s->n) {
        snprintf(err, errlen, "%s",
                 s->failure[0] ? s->failure : "the run has more tests than its stream");
        return -1;
    }
    return 0;
}

int report_stream_finish_junit(report_stream *s, const run_report *run, const char *path, char *err,
                               size_t errlen)
{
    assembly a;
    if (add_missing(s, run, err, errlen) < 0 || assembly_open(&a, &s->junit, path, err, errlen) < 0)
        return -1;
    junit_source src = {.testcase = copy_piece, .drain = drain, .ctx = &a};
    bool ok = junit_render_with(run, &src, &a.out) == 0;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path,
                 a.failed_errno ? strerror(a.failed_errno) : "out of memory");
    return assembly_close(&a, ok, err, errlen);
}

int report_stream_finish_json(report_stream *s, const run_report *run, const char *path, char *err,
                              size_t errlen)
{
    char *head = NULL, *tail = NULL;
    assembly a;
    if (add_missing(s, run, err, errlen) < 0)
        return -1;
    if (json_results_frame(run, &head, &tail) < 0) {
        snprintf(err, errlen, "out of memory building %s", path);
        return -1;
    }
    if (assembly_open(&a, &s->json, path, err, errlen) < 0) {
        free(head);
        free(tail);
        return -1;
    }
    bool ok = kbuf_puts(&a.out, head) == 0;
    for (size_t i = 0; ok && i < run->count; i++)
        ok = (i == 0 || kbuf_puts(&a.out, ", ") == 0) && copy_piece(&a, run, i, &a.out) == 0;
    ok = ok && kbuf_puts(&a.out, tail) == 0;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path,
                 a.failed_errno ? strerror(a.failed_errno) : "out of memory");
    free(head);
    free(tail);
    return assembly_close(&a, ok, err, errlen);
}

static void body_close(body *b)
{
    if (b->fd >= 0)
        close(b->fd);
    free(b->pieces);
}

void report_stream_free(report_stream *s)
{
    if (!s)
        return;
    body_close(&s->junit);
    body_close(&s->json);
    free(s);
}
