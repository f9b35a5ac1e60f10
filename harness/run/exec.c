/* exec: the transfer engine. Runs tests over libcurl's multi interface — slots, retries
 * with back-off and Retry-After, pacing under rate limits, the reachability of the
 * target, fail-fast and stop on a signal. What it tells a person about an exchange
 * (failure stories, traces) is written by exec_story.c. */
#include "exec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_story.h"
#include "normal.h"
#include "exec_transfer.h"

#define EXEC_POLL_MS 100 /* longest sleep in the loop (signals, back-off) */

/* The text a test's result gets when memory runs out before a better one can be made;
 * one copy is allocated per test when the engine starts, so it never fails later. */
#define EXEC_OOM_NOTE "out of memory while running the test"

/* A slot carries one test at a time, its steps strictly in order, each step's exchange
 * in the slot's transfer (exec_transfer.c).
 *
 *   IDLE      --start_test--> next_step
 *   next_step --a request is built--> SENDING, THROTTLED (waits for its rate-limit turn)
 *             or ALONE (its step changes the whole mock: waits until no other test is in
 *             flight); --no step left, or one cannot be built--> finish
 *   SENDING   --transfer_done--> next_step (the step passed), WAITING (a failure worth a
 *             retry, after a back-off) or finish
 *   WAITING   --wake_at--> start_attempt --> next_step
 *   THROTTLED --wake_at--> SENDING;  ALONE --every other slot idle--> SENDING
 *
 * finish writes the test's result and makes the slot IDLE again. */
typedef enum { SLOT_IDLE, SLOT_SENDING, SLOT_WAITING, SLOT_THROTTLED, SLOT_ALONE } slot_state;

/* Why an attempt ended, when it did not pass. */
typedef enum { END_NONE, END_FAIL, END_ERROR, END_TRANSPORT, END_RETRYABLE_FAIL } end_kind;

typedef struct slot {
    slot_state state;
    size_t job;
    case_run *run;
    transfer xfer; /* the current step's exchange */
    case_request req;
    size_t steps_sent;
    kbuf request_story; /* the request as a curl command, built when a story needs it */
    bool request_told;  /* request_story is the current request's */
    double test_started;
    double wake_at;   /* SLOT_WAITING, SLOT_THROTTLED: move on at this time */
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
    size_t n_jobs;
    size_t next_job; /* jobs before it have been started, skipped or settled */
    test_result *results;
    char **oom_notes; /* per job: EXEC_OOM_NOTE, handed over when memory runs out */
    CURLM *multi;
    slot *slots;
    size_t n_slots;
    bool halted;               /* fail-fast tripped */
    const char *halted_by;     /* test id that tripped it */
    bool answered;             /* the target has sent at least one HTTP answer */
    size_t unreachable_streak; /* transfers in a row that could not reach the target */
    bool down;                 /* the target counts as down: start no new test */
    char *unreachable;         /* why it is down, for tests not started (NULL: out of memory) */
    bool stopping;             /* stop flag seen */
    struct slot *alone;        /* the test that runs alone (clock/fault admin step, "clock" tag) */
    double next_create_at;     /* rate limits: earliest start of the next request per class */
    double next_other_at;
} engine;

static int engine_start(engine *e, char *err, size_t errlen);
static void engine_loop(engine *e);
static void settle_not_started(engine *e);
static void engine_free(engine *e);

void exec_config_defaults(exec_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->jobs = 8;
    cfg->connect_timeout_ms = 5000;
    cfg->timeout_ms = 30000;
    cfg->backoff_ms = 200;
}

int exec_run(const exec_config *cfg, const case_set *set, const exec_job *jobs, size_t n,
             test_result *results, char *err, size_t errlen)
{
    engine e = {.cfg = cfg, .set = set, .jobs = jobs, .n_jobs = n, .results = results};
    int rc = -1;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to initialise");
        return -1;
    }
    if (engine_start(&e, err, errlen) == 0) {
        engine_loop(&e);
        settle_not_started(&e);
        rc = 0;
    }
    engine_free(&e);
    curl_global_cleanup();
    return rc;
}

/* ---- the engine's life ------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int engine_start(engine *e, char *err, size_t errlen)
{
    /* every result describes its test before anything runs: the results own their copy */
    for (size_t i = 0; i < e->n_jobs; i++) {
        const case_test *t = e->jobs[i].test;
        if (test_result_describe(&e->results[i], t->suite, t->id, t->title, t->file, t->line,
                                 t->clauses, t->n_clauses, t->tags, t->n_tags,
                                 e->jobs[i].market) != 0) {
            snprintf(err, errlen, "out of memory describing the tests");
            return -1;
        }
    }
    if (!(e->oom_notes = calloc(e->n_jobs ? e->n_jobs : 1, sizeof *e->oom_notes)))
        goto oom;
    for (size_t i = 0; i < e->n_jobs; i++)
        if (!(e->oom_notes[i] = strdup(EXEC_OOM_NOTE)))
            goto oom;
    e->n_slots = e->cfg->jobs ? e->cfg->jobs : 1;
    if (!(e->multi = curl_multi_init()) || !(e->slots = calloc(e->n_slots, sizeof *e->slots)))
        goto oom;
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->n_slots + 4);
    for (size_t i = 0; i < e->n_slots; i++) {
        slot *s = &e->slots[i];
        kbuf_init(&s->request_story, EXEC_MAX_DETAIL_BYTES);
        /* grown to its ceiling once, so that later appends never allocate (story_request) */
        if (kbuf_reserve_max(&s->request_story) != 0)
            goto oom;
        if (transfer_init(&s->xfer) != 0) {
            snprintf(err, errlen, "libcurl could not create a transfer");
            return -1;
        }
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory starting the engine");
    return -1;
}

static void start_test(engine *e, slot *s, size_t job);
static void start_attempt(engine *e, slot *s);
static void send_request(engine *e, slot *s);
static void transfer_done(engine *e, slot *s, CURLcode code);
static void abort_all(engine *e);
static void skip(engine *e, size_t job, const char *reason);
static bool others_idle(const engine *e, const slot *s);

static bool slots_busy(const engine *e)
{
    for (size_t i = 0; i < e->n_slots; i++)
        if (e->slots[i].state != SLOT_IDLE)
            return true;
    return false;
}

/* True when no further test will be started. */
static bool starts_over(const engine *e)
{
    return e->next_job >= e->n_jobs || e->halted || e->stopping || e->down;
}

/* Moves a slot on when its time has come (back-off, rate limit, its turn to run alone),
 * then, while it is idle, gives it the next job. Lowers *next_wake to the slot's wake-up
 * time. Returns true when something was started. */
static bool kick_slot(engine *e, slot *s, double now, double *next_wake)
{
    bool kicked = false;
    if (s->state == SLOT_WAITING || s->state == SLOT_THROTTLED) {
        if (s->wake_at <= now) {
            if (s->state == SLOT_WAITING)
                start_attempt(e, s);
            else
                send_request(e, s);
            kicked = true;
        } else if (s->wake_at < *next_wake) {
            *next_wake = s->wake_at;
        }
    }
    if (s->state == SLOT_ALONE && (!e->alone || e->alone == s) && others_idle(e, s)) {
        e->alone = s;
        send_request(e, s);
        kicked = true;
    }
    while (s->state == SLOT_IDLE && !starts_over(e) && !e->alone) {
        size_t j = e->next_job;
        const case_test *t = e->jobs[j].test;
        if (t->skip_reason) {
            e->next_job++;
            skip(e, j, t->skip_reason);
            continue;
        }
        if (t->runs_alone) {
            if (slots_busy(e))
                break; /* wait until the tests in flight have ended */
            e->alone = s;
        }
        e->next_job++;
        start_test(e, s, j);
        kicked = true;
    }
    return kicked;
}

/* Hands every finished transfer to its slot; returns true when there was one. */
static bool collect_transfers(engine *e)
{
    bool any = false;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(e->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        slot *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        transfer_done(e, s, msg->data.result);
        any = true;
    }
    return any;
}

/* Runs until every job is done or no more will start: moves the slots on, lets libcurl
 * transfer, and sleeps until the next transfer event or wake-up time (at most
 * EXEC_POLL_MS, so a stop is seen quickly). */
static void engine_loop(engine *e)
{
    for (;;) {
        if (e->cfg->stop && *e->cfg->stop && !e->stopping) {
            e->stopping = true;
            abort_all(e);
        }
        double now = now_s();
        double next_wake = now + EXEC_POLL_MS / 1000.0;
        bool kicked = false;
        for (size_t i = 0; i < e->n_slots; i++)
            kicked |= kick_slot(e, &e->slots[i], now, &next_wake);
        if (!slots_busy(e) && starts_over(e))
            break;
        int running = 0;
        curl_multi_perform(e->multi, &running);
        kicked |= collect_transfers(e);
        if (kicked)
            continue;
        double wait = (next_wake - now_s()) * 1000.0;
        curl_multi_poll(e->multi, NULL, 0, wait < 1 ? 1 : (int)wait, NULL);
    }
}

/* ---- results ----------------------------------------------------------------------- */

/* Writes a test's outcome into its result and reports it. A result that is not a pass
 * always has a message: NULL means memory ran out making it, and the test becomes an
 * error with the job's EXEC_OOM_NOTE instead. Takes message and detail. */
static void result_end(engine *e, size_t job, result_status status, char *message, char *detail)
{
    test_result *r = &e->results[job];
    const char *patch = e->jobs[job].test->patch_text;
    /* made as the test ends, not when the engine starts: a streamed run frees it at once */
    if (patch && !(r->patch = story_redacted(patch, EXEC_MAX_DETAIL_BYTES))) {
        free(message);
        free(detail);
        message = detail = NULL;
        status = RESULT_ERROR;
    }
    if (status != RESULT_PASS && !message) {
        status = RESULT_ERROR;
        message = e->oom_notes[job];
        e->oom_notes[job] = NULL;
    }
    r->status = status;
    r->message = message;
    r->detail = detail;
    if (e->cfg->on_result)
        e->cfg->on_result(e->cfg->ctx, r);
}

/* Returns "out of memory <doing>", or NULL (then result_end uses the reserved note). */
static char *oom_message(const char *doing)
{
    size_t n = strlen("out of memory ") + strlen(doing) + 1;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "out of memory %s", doing);
    return m;
}

static void attempts_free(result_attempt *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].message);
        free(a[i].detail);
    }
    free(a);
}

/* Frees the slot's test state, after the forget hook has seen what the test captured. */
static void drop_run(engine *e, slot *s)
{
    if (e->cfg->forget && s->run)
        case_run_each_captured(s->run, e->cfg->forget, e->cfg->forget_ctx);
    case_run_free(s->run);
    s->run = NULL;
}

/* Ends the slot's test: hands its result (with its retries and steps) over, frees the
 * slot's test state and trips fail-fast. Takes message and detail. */
static void finish(engine *e, slot *s, result_status status, char *message, char *detail)
{
    test_result *r = &e->results[s->job];
    r->seconds = now_s() - s->test_started;
    r->retries = s->retries;
    r->n_retries = s->n_retries;
    r->steps = s->steps;
    r->n_steps = s->n_steps;
    s->steps = NULL;
    s->n_steps = 0;
    s->retries = NULL;
    s->n_retries = 0;
    drop_run(e, s);
    s->state = SLOT_IDLE;
    if (e->alone == s)
        e->alone = NULL;
    result_end(e, s->job, status, message, detail);
    if ((r->status == RESULT_FAIL || r->status == RESULT_ERROR) && e->cfg->fail_fast &&
        !e->halted) {
        e->halted = true;
        e->halted_by = r->id;
    }
}

/* Ends the slot's test as an error because memory ran out while `doing` something. */
static void finish_oom(engine *e, slot *s, const char *doing)
{
    finish(e, s, RESULT_ERROR, oom_message(doing), NULL);
}

static void skip(engine *e, size_t job, const char *reason)
{
    result_end(e, job, RESULT_SKIP, strdup(reason), NULL);
}

/* Tests never started: errors when the target is down (they could not be judged),
 * skipped otherwise, with the reason they were not run. */
static void settle_not_started(engine *e)
{
    for (; e->next_job < e->n_jobs; e->next_job++) {
        size_t j = e->next_job;
        const char *skip_reason = e->jobs[j].test->skip_reason;
        char reason[512];
        if (e->down && !e->stopping && !skip_reason) {
            /* libcurl's text: redacted like any other */
            result_end(e, j, RESULT_ERROR, e->unreachable ? story_message(e->unreachable) : NULL,
                       NULL);
            continue;
        }
        if (skip_reason)
            snprintf(reason, sizeof reason, "%s", skip_reason);
        else if (e->stopping)
            snprintf(reason, sizeof reason, "not run: the run was interrupted");
        else
            snprintf(reason, sizeof reason, "not run: --fail-fast stopped after %s", e->halted_by);
        skip(e, j, reason);
    }
}

static void engine_free(engine *e)
{
    for (size_t i = 0; e->slots && i < e->n_slots; i++) {
        slot *s = &e->slots[i];
        transfer_free(&s->xfer);
        kbuf_free(&s->request_story);
        case_run_free(s->run);
        attempts_free(s->retries, s->n_retries);
        result_steps_free(s->steps, s->n_steps);
    }
    free(e->slots);
    for (size_t i = 0; e->oom_notes && i < e->n_jobs; i++)
        free(e->oom_notes[i]);
    free(e->oom_notes);
    free(e->unreachable);
    if (e->multi)
        curl_multi_cleanup(e->multi);
}

/* ---- a test's steps ---------------------------------------------------------------- */

static void next_step(engine *e, slot *s);

static void start_test(engine *e, slot *s, size_t job)
{
    s->job = job;
    s->attempt = 0;
    s->test_started = now_s();
    start_attempt(e, s);
}

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

static void attempt_failed(engine *e, slot *s, end_kind kind, kbuf *story, long retry_after_s);

/* Asks the case module for the test's next request and sends it, parks it (ALONE,
 * THROTTLED), or ends the test when there is none or it cannot be built. */
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

/* ---- sending ----------------------------------------------------------------------- */

/* Starts the transfer of s->req (the slot becomes SENDING), or ends the test as an
 * error when it cannot be started. */
static void send_request(engine *e, slot *s)
{
    s->request_told = false;
    if (transfer_prepare(&s->xfer, e->cfg, &s->req, s) != 0) {
        finish_oom(e, s, "building the request headers");
        return;
    }
    CURLMcode mc = curl_multi_add_handle(e->multi, s->xfer.easy);
    if (mc != CURLM_OK) {
        kbuf why;
        kbuf_init(&why, 1024);
        kbuf_printf(&why, "libcurl could not start the transfer: %s", curl_multi_strerror(mc));
        finish(e, s, RESULT_ERROR, why.data ? kbuf_steal(&why) : NULL, NULL);
        return;
    }
    s->state = SLOT_SENDING;
}

/* ---- the end of a transfer -------------------------------------------------------- */

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
    curl_easy_getinfo(s->xfer.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
    bool no_connection = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                         code == CURLE_COULDNT_RESOLVE_PROXY ||
                         (code == CURLE_OPERATION_TIMEDOUT && connect_us == 0);
    if (!no_connection || e->answered || e->down)
        return;
    if (++e->unreachable_streak >= unreachable_threshold(e)) {
        kbuf why;
        kbuf_init(&why, 2048);
        e->down = true;
        if (kbuf_printf(&why,
                        "not run: the target is unreachable (%zu connections in a row failed: %s)",
                        e->unreachable_streak,
                        *s->xfer.errbuf ? s->xfer.errbuf : curl_easy_strerror(code)) == 0)
            e->unreachable = kbuf_steal(&why);
        kbuf_free(&why);
    }
}

/* Records the exchange just finished (for results.json), up to EXEC_MAX_RECORDED_STEPS:
 * with a whole response (resp; NULL when none came), its status, content type, whether
 * it carried a Klarna-Correlation-Id, and its body normalised (normal.h) and redacted.
 * Returns 0, or -1 when memory ran out. */
static int record_step(slot *s, const case_response *resp, double seconds)
{
    if (s->n_steps >= EXEC_MAX_RECORDED_STEPS)
        return 0;
    result_step *grown = realloc(s->steps, (s->n_steps + 1) * sizeof *grown);
    if (!grown)
        return -1;
    s->steps = grown;
    result_step st = {
        .name = story_redacted(s->req.step_name ? s->req.step_name : "", 1024),
        .method = strdup(s->req.method),
        .url = story_redacted(s->req.url, 4096),
        .status = resp ? resp->status : 0,
        .seconds = seconds,
    };
    char *body = NULL;
    bool oom = !st.name || !st.method || !st.url;
    if (resp && !oom) {
        const char *ct = case_header_find(resp->headers, resp->n_headers, "Content-Type");
        st.content_type = ct ? story_redacted(ct, 256) : NULL;
        st.correlation_id =
            case_header_find(resp->headers, resp->n_headers, "Klarna-Correlation-Id") != NULL;
        body = normal_body(resp->body, resp->body_len);
        st.body = body ? story_redacted(body, 2 * NORMAL_MAX_BODY) : NULL;
        oom = (ct && !st.content_type) || !st.body;
    }
    free(body);
    if (oom) {
        free(st.name);
        free(st.method);
        free(st.url);
        free(st.content_type);
        free(st.body);
        return -1;
    }
    s->steps[s->n_steps++] = st;
    return 0;
}

/* The request of s as a curl command, for a story or a trace. Built the first time one
 * needs it after the transfer, while s->req (the run's) is still the request sent: most
 * requests pass and no one reads it, and a large body's start is redacted to build it. */
static const kbuf *request_story(engine *e, slot *s)
{
    if (!s->request_told) {
        kbuf_reset(&s->request_story);
        story_request(&s->request_story, &s->req, e->jobs[s->job].env);
        s->request_told = true;
    }
    return &s->request_story;
}

static void trace(engine *e, slot *s, const case_response *resp, const char *error)
{
    if (e->cfg->verbose < 1)
        return;
    story_trace(e->cfg->trace ? e->cfg->trace : stderr, e->cfg->verbose, e->jobs[s->job].test->id,
                &s->req, request_story(e, s), resp, error);
}

/* The transfer did not bring a whole response (transport error, a bound hit): the
 * attempt errors, or fails in a way worth a retry. */
static void transfer_cut_short(engine *e, slot *s, CURLcode code, curl_off_t content_length,
                               const case_response *resp)
{
    end_kind kind = END_TRANSPORT;
    kbuf story;
    kbuf_init(&story, EXEC_MAX_DETAIL_BYTES);
    story_step(&story, &s->req);
    kbuf_printf(&story, "%s %s: ", s->req.method, s->req.url);
    if (s->xfer.body_over) {
        kind = END_ERROR;
        if (content_length >= 0)
            kbuf_printf(&story, "response body of %lld bytes exceeds the %u-byte bound",
                        (long long)content_length, EXEC_MAX_BODY_BYTES);
        else
            kbuf_printf(&story, "response body exceeds the %u-byte bound", EXEC_MAX_BODY_BYTES);
    } else if (s->xfer.headers_over) {
        kind = END_ERROR;
        kbuf_printf(&story, "response headers exceed the bound (%d headers, %u bytes)",
                    EXEC_MAX_HEADERS, EXEC_MAX_HEADER_BYTES);
    } else if (code == CURLE_OUT_OF_MEMORY && resp->status > 0) {
        /* libcurl refuses one header line over CURL_MAX_HTTP_HEADER before our header
         * callback sees it, and says only "Out of memory" */
        kind = END_ERROR;
        kbuf_printf(&story, "a response header line exceeds libcurl's %d-byte bound",
                    CURL_MAX_HTTP_HEADER);
    } else if (code == CURLE_OK && (resp->status < 100 || resp->status > 599)) {
        kind = END_ERROR;
        kbuf_printf(&story, "not an HTTP status: %ld", resp->status);
    } else {
        kbuf_printf(&story, "%s", *s->xfer.errbuf ? s->xfer.errbuf : curl_easy_strerror(code));
        if (code == CURLE_OPERATION_TIMEDOUT)
            kbuf_printf(&story, " (connect timeout %ld ms, total timeout %ld ms)",
                        e->cfg->connect_timeout_ms, e->cfg->timeout_ms);
    }
    char *line = strndup(kbuf_str(&story), story.len);
    trace(e, s, resp, line ? line : "transport error");
    free(line);
    story_cut_short(&story, request_story(e, s), resp);
    attempt_failed(e, s, kind, &story, 0);
    kbuf_free(&story);
}

/* A whole response came: the case module judges it; the test goes on to its next step
 * or the attempt fails (worth a retry on 429 and 5xx, after Retry-After on a 429). */
static void transfer_judged(engine *e, slot *s, const case_response *resp)
{
    trace(e, s, resp, NULL);
    kbuf why, story;
    kbuf_init(&why, STORY_WHY_MAX);
    kbuf_init(&story, EXEC_MAX_DETAIL_BYTES);
    story_step(&story, &s->req);
    int rc = case_run_judge(s->run, resp, &why);
    if (rc == 0) {
        kbuf_free(&why);
        kbuf_free(&story);
        next_step(e, s);
        return;
    }
    story_judged(&story, &why, request_story(e, s), resp);
    const char *patch = e->jobs[s->job].test->patch_text;
    if (patch)
        kbuf_printf(&story, "\n\nthe variant's patch: %s", patch);
    end_kind kind = END_ERROR;
    long retry_after = 0;
    if (rc > 0) {
        kind = resp->status == 429 || resp->status >= 500 ? END_RETRYABLE_FAIL : END_FAIL;
        const char *ra = case_header_find(resp->headers, resp->n_headers, "Retry-After");
        if (ra && resp->status == 429)
            retry_after = strtol(ra, NULL, 10);
    }
    attempt_failed(e, s, kind, &story, retry_after);
    kbuf_free(&why);
    kbuf_free(&story);
}

static void transfer_done(engine *e, slot *s, CURLcode code)
{
    long status = 0;
    curl_off_t total_us = 0, content_length = -1;
    curl_easy_getinfo(s->xfer.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(s->xfer.easy, CURLINFO_TOTAL_TIME_T, &total_us);
    curl_easy_getinfo(s->xfer.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
    curl_multi_remove_handle(e->multi, s->xfer.easy);
    double seconds = (double)total_us / 1e6;
    bool whole = transfer_whole(&s->xfer, code);
    note_reachability(e, s, code, status);
    case_response resp = transfer_response(&s->xfer, status, seconds);
    if (record_step(s, whole ? &resp : NULL, seconds) != 0 || s->xfer.out_of_memory) {
        finish_oom(e, s, s->xfer.out_of_memory ? "keeping the response" : "recording the exchange");
        return;
    }
    /* a status outside 100..599 is no HTTP answer to judge (RFC 9110 §15) */
    if (whole && status >= 100 && status <= 599)
        transfer_judged(e, s, &resp);
    else
        transfer_cut_short(e, s, code, content_length, &resp);
}

/* ---- the end of an attempt --------------------------------------------------------- */

/* The wait before retry number attempt + 1: backoff_ms doubled per retry, or the
 * server's Retry-After when longer, never over EXEC_MAX_BACKOFF_MS. */
static long backoff_ms(const engine *e, unsigned attempt, long retry_after_s)
{
    long wait = e->cfg->backoff_ms << (attempt < 16 ? attempt : 16);
    /* a server's Retry-After is clamped before scaling: a huge one must not overflow */
    if (retry_after_s > EXEC_MAX_BACKOFF_MS / 1000)
        retry_after_s = EXEC_MAX_BACKOFF_MS / 1000;
    if (retry_after_s > 0 && retry_after_s * 1000 > wait)
        wait = retry_after_s * 1000;
    if (wait > EXEC_MAX_BACKOFF_MS)
        wait = EXEC_MAX_BACKOFF_MS;
    return wait;
}

/* Ends an attempt that did not pass: retries it when allowed, else finishes the test. */
static void attempt_failed(engine *e, slot *s, end_kind kind, kbuf *story, long retry_after_s)
{
    result_status st = kind == END_FAIL || kind == END_RETRYABLE_FAIL ? RESULT_FAIL : RESULT_ERROR;
    char *message = story_message(kbuf_str(story));
    char *detail = story_detail(story);
    if (!message || !detail) {
        free(message);
        free(detail);
        finish_oom(e, s, "writing the failure story");
        return;
    }
    bool retryable = kind == END_TRANSPORT || kind == END_RETRYABLE_FAIL;
    if (!retryable || s->attempt >= e->cfg->retries || e->stopping) {
        finish(e, s, st, message, detail);
        return;
    }
    result_attempt *a = realloc(s->retries, (s->n_retries + 1) * sizeof *a);
    if (!a) {
        /* the attempt's story is kept; the test is an error, not retried */
        free(message);
        finish(e, s, RESULT_ERROR, oom_message("keeping an attempt to retry the test"), detail);
        return;
    }
    s->retries = a;
    a[s->n_retries++] = (result_attempt){.status = st, .message = message, .detail = detail};
    result_steps_free(s->steps, s->n_steps); /* results keep the last attempt's exchanges */
    s->steps = NULL;
    s->n_steps = 0;
    drop_run(e, s); /* the retry starts over with sessions of its own */
    s->state = SLOT_WAITING;
    s->wake_at = now_s() + (double)backoff_ms(e, s->attempt, retry_after_s) / 1000.0;
    s->attempt++;
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
            curl_multi_remove_handle(e->multi, s->xfer.easy);
            kbuf_printf(&story, "interrupted by a signal during step %zu (%s %s)", s->steps_sent,
                        s->req.method, s->req.url);
        } else if (s->state == SLOT_THROTTLED || s->state == SLOT_ALONE) {
            kbuf_printf(&story, "interrupted by a signal before step %zu (%s %s) was sent",
                        s->steps_sent, s->req.method, s->req.url);
        } else {
            kbuf_printf(&story, "interrupted by a signal while waiting to retry");
        }
        char *message = story_message(kbuf_str(&story));
        char *detail = story_detail(&story);
        kbuf_free(&story);
        if (!message || !detail) {
            free(message);
            free(detail);
            finish_oom(e, s, "writing why the test was interrupted");
            continue;
        }
        finish(e, s, RESULT_ERROR, message, detail);
    }
}
