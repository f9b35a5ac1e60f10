/* exec: the transfer engine. One slot per test in flight; each slot owns a curl easy
 * handle reused for every step of its test (libcurl's multi handle keeps the
 * connections alive between steps and tests). */
#include "exec.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_story.h"

#define EXEC_POLL_MS 100 /* longest sleep in the loop (signals, back-off) */

/* IDLE: free; SENDING: a transfer is in the multi handle; WAITING: back-off before a
 * retry; THROTTLED: the next request is built and waits for the rate limit; ALONE: the
 * next request changes the whole mock (clock, faults) and waits until no other test is
 * in flight. */
typedef enum { SLOT_IDLE, SLOT_SENDING, SLOT_WAITING, SLOT_THROTTLED, SLOT_ALONE } slot_state;

/* Why an attempt ended, when it did not pass. */
typedef enum { END_NONE, END_FAIL, END_ERROR, END_TRANSPORT, END_RETRYABLE_FAIL } end_kind;

typedef struct slot {
    slot_state state;
    size_t job;
    case_run *run;
    CURL *easy;
    struct curl_slist *req_headers;
    case_request req;
    size_t steps_sent;
    kbuf body;
    bool body_over;
    case_header *headers;
    size_t n_headers;
    size_t header_bytes;
    bool headers_over;
    char errbuf[CURL_ERROR_SIZE];
    kbuf request_story; /* the request as a curl command, built before judging */
    double test_started;
    double wake_at;   /* SLOT_WAITING: restart the test at this time */
    unsigned attempt; /* 0 = first */
    result_attempt *retries;
    size_t n_retries;
    result_step *steps; /* exchanges of the current attempt */
    size_t n_steps;
} slot;

typedef struct engine {
    const exec_config *cfg;
    const case_set *set;
    const exec_job *jobs;
    test_result *results;
    CURLM *multi;
    slot *slots;
    size_t n_slots;
    bool halted;               /* fail-fast tripped */
    const char *halted_by;     /* test id that tripped it */
    bool answered;             /* the target has sent at least one HTTP answer */
    size_t unreachable_streak; /* transfers in a row that could not reach the target */
    char *unreachable;         /* set: the target is down; the reason, for tests not started */
    bool stopping;             /* stop flag seen */
    struct slot *alone;        /* the test that runs alone (clock/fault admin step, "clock" tag) */
    double next_create_at;     /* rate limits: earliest start of the next request per class */
    double next_other_at;
} engine;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void exec_config_defaults(exec_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->jobs = 8;
    cfg->connect_timeout_ms = 5000;
    cfg->timeout_ms = 30000;
    cfg->backoff_ms = 200;
}

/* ---- response collection ---------------------------------------------------- */

static void headers_clear(slot *s)
{
    for (size_t i = 0; i < s->n_headers; i++) {
        free(s->headers[i].name);
        free(s->headers[i].value);
    }
    s->n_headers = 0;
    s->header_bytes = 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
    slot *s = userdata;
    size_t n = size * nmemb;
    if (kbuf_append(&s->body, p, n) < 0) {
        s->body_over = true;
        return 0; /* aborts the transfer: the body is over its bound */
    }
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *userdata)
{
    slot *s = userdata;
    size_t n = size * nmemb, len = n;
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
        len--;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
        headers_clear(s); /* a new response (after 100 Continue or similar) starts */
        return n;
    }
    if (!len || p[0] == ' ' || p[0] == '\t')
        return n; /* end of headers, or an obsolete folded line */
    const char *colon = memchr(p, ':', len);
    if (!colon)
        return n;
    s->header_bytes += len;
    if (s->n_headers >= EXEC_MAX_HEADERS || s->header_bytes > EXEC_MAX_HEADER_BYTES) {
        s->headers_over = true;
        return 0;
    }
    if (!s->n_headers || (s->n_headers & (s->n_headers - 1)) == 0) {
        /* grow at powers of two */
        size_t cap = s->n_headers ? s->n_headers * 2 : 16;
        case_header *h = realloc(s->headers, cap * sizeof *h);
        if (!h)
            return 0;
        s->headers = h;
    }
    const char *v = colon + 1, *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    char *name = strndup(p, (size_t)(colon - p));
    char *value = strndup(v, (size_t)(end - v));
    if (!name || !value) {
        free(name);
        free(value);
        return 0;
    }
    s->headers[s->n_headers].name = name;
    s->headers[s->n_headers].value = value;
    s->n_headers++;
    return n;
}

/* ---- test life cycle -------------------------------------------------------------- */

static void steps_free(result_step *st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(st[i].name);
        free(st[i].method);
        free(st[i].url);
    }
    free(st);
}

/* Records the exchange just finished (for results.json); best effort, bounded. */
static void record_step(slot *s, long status, double seconds)
{
    if (s->n_steps >= EXEC_MAX_RECORDED_STEPS)
        return;
    result_step *grown = realloc(s->steps, (s->n_steps + 1) * sizeof *grown);
    if (!grown)
        return;
    s->steps = grown;
    result_step *st = &s->steps[s->n_steps++];
    st->name = story_redacted(s->req.step_name ? s->req.step_name : "", 1024);
    st->method = strdup(s->req.method);
    st->url = story_redacted(s->req.url, 4096);
    st->status = status;
    st->seconds = seconds;
}

static void attempts_free(result_attempt *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].message);
        free(a[i].detail);
    }
    free(a);
}

/* Records a test's end in results and frees the slot's test state. */
static void finish(engine *e, slot *s, result_status status, char *message, char *detail)
{
    test_result *r = &e->results[s->job];
    r->status = status;
    r->seconds = now_s() - s->test_started;
    r->message = message;
    r->detail = detail;
    r->retries = s->retries;
    r->n_retries = s->n_retries;
    r->steps = s->steps;
    r->n_steps = s->n_steps;
    s->steps = NULL;
    s->n_steps = 0;
    s->retries = NULL;
    s->n_retries = 0;
    case_run_free(s->run);
    s->run = NULL;
    s->state = SLOT_IDLE;
    if (e->alone == s)
        e->alone = NULL;
    if ((status == RESULT_FAIL || status == RESULT_ERROR) && e->cfg->fail_fast && !e->halted) {
        e->halted = true;
        e->halted_by = r->id;
    }
    if (e->cfg->on_result)
        e->cfg->on_result(e->cfg->ctx, r);
}

static void skip(engine *e, size_t job, const char *reason)
{
    test_result *r = &e->results[job];
    r->status = RESULT_SKIP;
    r->message = strdup(reason);
    if (e->cfg->on_result)
        e->cfg->on_result(e->cfg->ctx, r);
}

static void next_step(engine *e, slot *s);

static void start_attempt(engine *e, slot *s)
{
    const exec_job *job = &e->jobs[s->job];
    s->run = case_run_new(e->set, job->test, job->env);
    s->steps_sent = 0;
    if (!s->run) {
        finish(e, s, RESULT_ERROR, strdup("out of memory starting the test"), NULL);
        return;
    }
    next_step(e, s);
}

static void start_test(engine *e, slot *s, size_t job)
{
    s->job = job;
    s->attempt = 0;
    s->test_started = now_s();
    start_attempt(e, s);
}

static struct curl_slist *build_headers(const case_request *req)
{
    struct curl_slist *list = NULL, *l;
    kbuf line;
    kbuf_init(&line, CASE_MAX_VAR_BYTES + 4096);
    for (size_t i = 0; i < req->n_headers; i++) {
        kbuf_reset(&line);
        /* "Name;" is libcurl's way to send a header with an empty value */
        if (*req->headers[i].value
                ? kbuf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value)
                : kbuf_printf(&line, "%s;", req->headers[i].name))
            goto fail;
        if (!(l = curl_slist_append(list, kbuf_str(&line))))
            goto fail;
        list = l;
    }
    /* no "Expect: 100-continue" round trip on bodies over 1 KB, except on bodies big
     * enough to be refused unread (see EXEC_EXPECT_CONTINUE_BYTES) */
    bool big = req->body && req->body_len >= EXEC_EXPECT_CONTINUE_BYTES;
    if (!case_header_find(req->headers, req->n_headers, "Expect") && !big) {
        if (!(l = curl_slist_append(list, "Expect:")))
            goto fail;
        list = l;
    }
    if (req->body && !case_header_find(req->headers, req->n_headers, "Content-Type")) {
        if (!(l = curl_slist_append(list, "Content-Type: application/json")))
            goto fail;
        list = l;
    }
    kbuf_free(&line);
    return list;
fail:
    kbuf_free(&line);
    curl_slist_free_all(list);
    return NULL;
}

static void send_request(engine *e, slot *s)
{
    const exec_config *cfg = e->cfg;
    const case_request *req = &s->req;
    CURL *c = s->easy;

    curl_easy_reset(c);
    kbuf_reset(&s->body);
    s->body_over = false;
    headers_clear(s);
    s->headers_over = false;
    s->errbuf[0] = '\0';
    kbuf_reset(&s->request_story);
    story_request(&s->request_story, req, e->jobs[s->job].env);
    curl_slist_free_all(s->req_headers);
    s->req_headers = build_headers(req);

    curl_easy_setopt(c, CURLOPT_PRIVATE, s);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kpct/" KPCT_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, s->req_headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (cfg->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cacert);
    if (cfg->client_cert)
        curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_cert);
    if (cfg->client_key)
        curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
    if (cfg->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cfg->noproxy)
        curl_easy_setopt(c, CURLOPT_NOPROXY, cfg->noproxy);
    if (req->send_auth) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, req->username ? req->username : "");
        curl_easy_setopt(c, CURLOPT_PASSWORD, req->password ? req->password : "");
    }
    bool wants_body = !strcmp(req->method, "POST") || !strcmp(req->method, "PUT") ||
                      !strcmp(req->method, "PATCH");
    if (!strcmp(req->method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (req->body || wants_body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(req->body ? req->body_len : 0));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }
    s->state = SLOT_SENDING;
    curl_multi_add_handle(e->multi, c);
}

/* Ends an attempt that did not pass: retries it when allowed, else finishes the test. */
static void attempt_failed(engine *e, slot *s, end_kind kind, kbuf *story, long retry_after_s)
{
    result_status st = kind == END_FAIL || kind == END_RETRYABLE_FAIL ? RESULT_FAIL : RESULT_ERROR;
    char *message = story_message(kbuf_str(story));
    char *detail = story_detail(story);
    bool retryable = kind == END_TRANSPORT || kind == END_RETRYABLE_FAIL;
    if (retryable && s->attempt < e->cfg->retries && !e->stopping) {
        result_attempt *a = realloc(s->retries, (s->n_retries + 1) * sizeof *a);
        if (a) {
            s->retries = a;
            a[s->n_retries].status = st;
            a[s->n_retries].message = message;
            a[s->n_retries].detail = detail;
            s->n_retries++;
            steps_free(s->steps, s->n_steps); /* results keep the last attempt's exchanges */
            s->steps = NULL;
            s->n_steps = 0;
            case_run_free(s->run);
            s->run = NULL;
            long wait = e->cfg->backoff_ms << (s->attempt < 16 ? s->attempt : 16);
            /* a server's Retry-After is clamped before scaling: a huge one must not overflow */
            if (retry_after_s > EXEC_MAX_BACKOFF_MS / 1000)
                retry_after_s = EXEC_MAX_BACKOFF_MS / 1000;
            if (retry_after_s > 0 && retry_after_s * 1000 > wait)
                wait = retry_after_s * 1000;
            if (wait > EXEC_MAX_BACKOFF_MS)
                wait = EXEC_MAX_BACKOFF_MS;
            s->attempt++;
            s->state = SLOT_WAITING;
            s->wake_at = now_s() + (double)wait / 1000.0;
            return;
        }
    }
    finish(e, s, st, message, detail);
}

/* Reserves a start time under the rate limits: requests of one class are spaced
 * 1/rate apart (no bursts, so a run stays under a per-second quota). */
static double rate_reserve(engine *e, const case_request *req)
{
    bool create = req->is_create;
    double rate = create ? e->cfg->create_per_s : e->cfg->other_per_s;
    double *next = create ? &e->next_create_at : &e->next_other_at;
    double now = now_s();
    if (rate <= 0 || req->is_admin)
        return now;
    double at = *next > now ? *next : now;
    *next = at + 1.0 / rate;
    return at;
}

/* True when no slot but s has a test in flight (slots parked in SLOT_ALONE do not count). */
static bool others_idle(const engine *e, const slot *s)
{
    for (size_t i = 0; i < e->n_slots; i++) {
        const slot *o = &e->slots[i];
        if (o != s && o->state != SLOT_IDLE && o->state != SLOT_ALONE)
            return false;
    }
    return true;
}

static void next_step(engine *e, slot *s)
{
    char err[1024] = "";
    int rc = case_run_next(s->run, &s->req, err, sizeof err);
    if (rc == 1) {
        s->steps_sent++;
        if (s->req.admin_global && e->alone != s) {
            /* park until every other test has ended; no new test starts meanwhile */
            if (!e->alone)
                e->alone = s;
            if (e->alone != s || !others_idle(e, s)) {
                s->state = SLOT_ALONE;
                return;
            }
        }
        double at = rate_reserve(e, &s->req);
        if (at > now_s()) {
            s->state = SLOT_THROTTLED;
            s->wake_at = at;
            return;
        }
        send_request(e, s);
        return;
    }
    if (rc == 0) {
        finish(e, s, RESULT_PASS, NULL, NULL);
        return;
    }
    kbuf story;
    kbuf_init(&story, EXEC_MAX_DETAIL_BYTES);
    kbuf_printf(&story, "step %zu: cannot build the request: %s\n", s->steps_sent + 1,
                *err ? err : "unknown reason");
    attempt_failed(e, s, END_ERROR, &story, 0);
    kbuf_free(&story);
}

/* Connection-level failures in a row, before the target ever answered, after which
 * the target counts as down: tests not started yet end as errors at once instead of
 * each waiting for its own connect timeout. */
static size_t unreachable_threshold(const engine *e)
{
    return e->n_slots > 3 ? e->n_slots : 3;
}

static void note_reachability(engine *e, const slot *s, CURLcode code, long status)
{
    curl_off_t connect_us = 0;
    if (status > 0 || code == CURLE_OK) {
        e->answered = true;
        e->unreachable_streak = 0;
        return;
    }
    curl_easy_getinfo(s->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    bool no_connection = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                         code == CURLE_COULDNT_RESOLVE_PROXY ||
                         (code == CURLE_OPERATION_TIMEDOUT && connect_us == 0);
    if (!no_connection || e->answered || e->unreachable)
        return;
    if (++e->unreachable_streak >= unreachable_threshold(e)) {
        kbuf why;
        kbuf_init(&why, 2048);
        kbuf_printf(&why,
                    "not run: the target is unreachable (%zu connections in a row failed: %s)",
                    e->unreachable_streak, *s->errbuf ? s->errbuf : curl_easy_strerror(code));
        e->unreachable = kbuf_steal(&why);
    }
}

static void trace(const engine *e, const slot *s, const case_response *resp, const char *error)
{
    story_trace(e->cfg->trace ? e->cfg->trace : stderr, e->cfg->verbose, e->jobs[s->job].test->id,
                &s->req, &s->request_story, resp, error);
}

static void transfer_done(engine *e, slot *s, CURLcode code)
{
    long status = 0;
    curl_off_t total_us = 0, content_length = -1;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(s->easy, CURLINFO_TOTAL_TIME_T, &total_us);
    curl_easy_getinfo(s->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
    curl_multi_remove_handle(e->multi, s->easy);
    double seconds = (double)total_us / 1e6;
    case_response resp = {
        .status = status,
        .headers = s->headers,
        .n_headers = s->n_headers,
        .body = s->body.data ? s->body.data : "",
        .body_len = s->body.len,
        .seconds = seconds,
    };
    kbuf story;
    kbuf_init(&story, EXEC_MAX_DETAIL_BYTES);
    note_reachability(e, s, code, status);
    record_step(s, s->body_over || s->headers_over || code != CURLE_OK ? 0 : status, seconds);

    if (s->body_over || s->headers_over || code != CURLE_OK) {
        end_kind kind = END_TRANSPORT;
        story_step(&story, &s->req);
        kbuf_printf(&story, "%s %s: ", s->req.method, s->req.url);
        if (s->body_over) {
            kind = END_ERROR;
            if (content_length >= 0)
                kbuf_printf(&story, "response body of %lld bytes exceeds the %u-byte bound",
                            (long long)content_length, EXEC_MAX_BODY_BYTES);
            else
                kbuf_printf(&story, "response body exceeds the %u-byte bound", EXEC_MAX_BODY_BYTES);
        } else if (s->headers_over) {
            kind = END_ERROR;
            kbuf_printf(&story, "response headers exceed the bound (%d headers, %u bytes)",
                        EXEC_MAX_HEADERS, EXEC_MAX_HEADER_BYTES);
        } else {
            kbuf_printf(&story, "%s", *s->errbuf ? s->errbuf : curl_easy_strerror(code));
            if (code == CURLE_OPERATION_TIMEDOUT)
                kbuf_printf(&story, " (connect timeout %ld ms, total timeout %ld ms)",
                            e->cfg->connect_timeout_ms, e->cfg->timeout_ms);
        }
        char *line = strndup(kbuf_str(&story), story.len);
        trace(e, s, &resp, line ? line : "transport error");
        free(line);
        story_cut_short(&story, &s->request_story, &resp);
        attempt_failed(e, s, kind, &story, 0);
        kbuf_free(&story);
        return;
    }

    trace(e, s, &resp, NULL);
    kbuf why;
    kbuf_init(&why, STORY_WHY_MAX);
    /* step name and index are read before judging: the request belongs to the run */
    story_step(&story, &s->req);
    int rc = case_run_judge(s->run, &resp, &why);
    if (rc == 0) {
        kbuf_free(&why);
        kbuf_free(&story);
        next_step(e, s);
        return;
    }
    story_judged(&story, &why, &s->request_story, &resp);
    end_kind kind = END_ERROR;
    long retry_after = 0;
    if (rc > 0) {
        kind = status == 429 || status >= 500 ? END_RETRYABLE_FAIL : END_FAIL;
        const char *ra = case_header_find(s->headers, s->n_headers, "Retry-After");
        if (ra && status == 429)
            retry_after = strtol(ra, NULL, 10);
    }
    attempt_failed(e, s, kind, &story, retry_after);
    kbuf_free(&why);
    kbuf_free(&story);
}

/* Ends every test in flight or waiting (the run was stopped by a signal). */
static void abort_all(engine *e)
{
    for (size_t i = 0; i < e->n_slots; i++) {
        slot *s = &e->slots[i];
        if (s->state == SLOT_IDLE)
            continue;
        kbuf story;
        kbuf_init(&story, EXEC_MAX_DETAIL_BYTES);
        if (s->state == SLOT_SENDING) {
            curl_multi_remove_handle(e->multi, s->easy);
            kbuf_printf(&story, "interrupted by a signal during step %zu (%s %s)", s->steps_sent,
                        s->req.method, s->req.url);
        } else if (s->state == SLOT_THROTTLED || s->state == SLOT_ALONE) {
            kbuf_printf(&story, "interrupted by a signal before step %zu (%s %s) was sent",
                        s->steps_sent, s->req.method, s->req.url);
        } else {
            kbuf_printf(&story, "interrupted by a signal while waiting to retry");
        }
        char *msg = story_message(kbuf_str(&story));
        finish(e, s, RESULT_ERROR, msg, story_detail(&story));
        kbuf_free(&story);
    }
}

static bool slots_busy(const engine *e)
{
    for (size_t i = 0; i < e->n_slots; i++)
        if (e->slots[i].state != SLOT_IDLE)
            return true;
    return false;
}

int exec_run(const exec_config *cfg, const case_set *set, const exec_job *jobs, size_t n,
             test_result *results, char *err, size_t errlen)
{
    int rc = -1;
    engine e = {.cfg = cfg, .set = set, .jobs = jobs, .results = results};
    size_t next_job = 0;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to initialise");
        return -1;
    }
    /* every result describes its test before anything runs: the results own their copy */
    for (size_t i = 0; i < n; i++) {
        const case_test *t = jobs[i].test;
        if (test_result_describe(&results[i], t->suite, t->id, t->title, t->file, t->line,
                                 t->clauses, t->n_clauses, t->tags, t->n_tags,
                                 jobs[i].market) != 0) {
            snprintf(err, errlen, "out of memory describing the tests");
            goto out;
        }
    }
    e.n_slots = cfg->jobs ? cfg->jobs : 1;
    if (!(e.multi = curl_multi_init()) || !(e.slots = calloc(e.n_slots, sizeof *e.slots))) {
        snprintf(err, errlen, "out of memory starting the engine");
        goto out;
    }
    curl_multi_setopt(e.multi, CURLMOPT_MAXCONNECTS, (long)e.n_slots + 4);
    for (size_t i = 0; i < e.n_slots; i++) {
        slot *s = &e.slots[i];
        kbuf_init(&s->body, EXEC_MAX_BODY_BYTES);
        kbuf_init(&s->request_story, EXEC_MAX_DETAIL_BYTES);
        if (!(s->easy = curl_easy_init())) {
            snprintf(err, errlen, "libcurl could not create a transfer");
            goto out;
        }
    }

    for (;;) {
        if (cfg->stop && *cfg->stop && !e.stopping) {
            e.stopping = true;
            abort_all(&e);
        }
        double now = now_s();
        double next_wake = now + EXEC_POLL_MS / 1000.0;
        bool kicked = false;
        for (size_t i = 0; i < e.n_slots; i++) {
            slot *s = &e.slots[i];
            if (s->state == SLOT_WAITING || s->state == SLOT_THROTTLED) {
                if (s->wake_at <= now) {
                    if (s->state == SLOT_WAITING)
                        start_attempt(&e, s);
                    else
                        send_request(&e, s);
                    kicked = true;
                } else if (s->wake_at < next_wake) {
                    next_wake = s->wake_at;
                }
            }
            if (s->state == SLOT_ALONE && (!e.alone || e.alone == s) && others_idle(&e, s)) {
                e.alone = s;
                send_request(&e, s);
                kicked = true;
            }
            while (s->state == SLOT_IDLE && next_job < n && !e.halted && !e.stopping && !e.alone &&
                   !e.unreachable) {
                size_t j = next_job;
                if (jobs[j].test->skip_reason) {
                    next_job++;
                    skip(&e, j, jobs[j].test->skip_reason);
                    continue;
                }
                if (jobs[j].test->runs_alone) {
                    if (slots_busy(&e))
                        break; /* wait until the tests in flight have ended */
                    e.alone = s;
                }
                next_job++;
                start_test(&e, s, j);
                kicked = true;
            }
        }
        if (!slots_busy(&e) && (next_job >= n || e.halted || e.stopping || e.unreachable))
            break;
        int running = 0;
        curl_multi_perform(e.multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(e.multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            transfer_done(&e, s, msg->data.result);
            kicked = true;
        }
        if (kicked)
            continue;
        double wait = (next_wake - now_s()) * 1000.0;
        curl_multi_poll(e.multi, NULL, 0, wait < 1 ? 1 : (int)wait, NULL);
    }

    /* Tests never started: errors when the target is down (they could not be judged),
     * skipped otherwise, with the reason they were not run. */
    for (; next_job < n; next_job++) {
        char reason[512];
        if (e.unreachable && !e.stopping && !jobs[next_job].test->skip_reason) {
            test_result *r = &e.results[next_job];
            r->status = RESULT_ERROR;
            r->message = story_message(e.unreachable); /* libcurl's text: redacted like any other */
            if (cfg->on_result)
                cfg->on_result(cfg->ctx, r);
            continue;
        }
        if (jobs[next_job].test->skip_reason)
            snprintf(reason, sizeof reason, "%s", jobs[next_job].test->skip_reason);
        else if (e.stopping)
            snprintf(reason, sizeof reason, "not run: the run was interrupted");
        else
            snprintf(reason, sizeof reason, "not run: --fail-fast stopped after %s", e.halted_by);
        skip(&e, next_job, reason);
    }
    rc = 0;
out:
    for (size_t i = 0; e.slots && i < e.n_slots; i++) {
        slot *s = &e.slots[i];
        if (s->easy)
            curl_easy_cleanup(s->easy);
        curl_slist_free_all(s->req_headers);
        headers_clear(s);
        free(s->headers);
        kbuf_free(&s->body);
        kbuf_free(&s->request_story);
        case_run_free(s->run);
        attempts_free(s->retries, s->n_retries);
        steps_free(s->steps, s->n_steps);
    }
    free(e.slots);
    free(e.unreachable);
    if (e.multi)
        curl_multi_cleanup(e.multi);
    curl_global_cleanup();
    return rc;
}
