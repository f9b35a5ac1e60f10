/* fake_case: the case.h test double (see fake_case.h). */
#include "fake_case.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

struct case_run {
    const fake_script *script;
    const case_env *env;
    size_t next;
    size_t judged; /* steps judged: the fake "captures" each one's path */
    char url[2048];
};

void fake_test(case_test *t, const char *suite, const char *id, const fake_script *script)
{
    memset(t, 0, sizeof *t);
    t->suite = suite;
    t->id = id;
    t->title = id;
    t->file = "fake.json";
    t->line = 1;
    t->n_steps = script->n_steps;
    t->priv = script;
}

void fake_run(const exec_config *cfg, const char *base_url, const case_test *tests, size_t n,
              test_result *results)
{
    static case_env env = {.market = "SE", .username = "user", .password = "pass"};
    exec_job jobs[64];
    char err[256];
    cr_assert_leq(n, sizeof jobs / sizeof *jobs);
    env.base_url = base_url;
    for (size_t i = 0; i < n; i++)
        jobs[i] = (exec_job){&tests[i], "SE", &env};
    cr_assert_eq(exec_run(cfg, NULL, jobs, n, results, err, sizeof err), 0, "%s", err);
}

case_run *case_run_new(const case_set *set, const case_test *test, const case_env *env)
{
    (void)set;
    case_run *r = calloc(1, sizeof *r);
    if (r) {
        r->script = test->priv;
        r->env = env;
    }
    return r;
}

int case_run_next(case_run *run, case_request *req, char *err, size_t errlen)
{
    if (run->next >= run->script->n_steps)
        return 0;
    const fake_step *st = &run->script->steps[run->next];
    if (st->build_error) {
        snprintf(err, errlen, "undefined variable ${nope}");
        return -1;
    }
    snprintf(run->url, sizeof run->url, "%s%s", run->env->base_url, st->path);
    memset(req, 0, sizeof *req);
    req->method = st->method;
    req->url = run->url;
    req->body = st->body;
    req->body_len = st->generated ? st->generated : st->body ? strlen(st->body) : 0;
    req->body_generated = st->generated > 0;
    req->send_auth = run->env->username != NULL;
    req->username = run->env->username;
    req->password = run->env->password;
    req->step_index = run->next;
    req->step_name = "step";
    req->is_create = !strcmp(st->method, "POST") && !strcmp(st->path, CASE_SESSIONS_PATH);
    req->is_admin = st->admin;
    req->admin_global = st->admin; /* the fake's admin steps stand for clock calls */
    req->send_auth = req->send_auth && !st->admin;
    run->next++;
    return 1;
}

int case_run_judge(case_run *run, const case_response *resp, kbuf *why)
{
    const fake_step *st = &run->script->steps[run->next - 1];
    run->judged = run->next;
    if (resp->status != st->expect_status) {
        kbuf_printf(why, "expected status %ld, got %ld\n", st->expect_status, resp->status);
        return 1;
    }
    if (st->expect_body && !strstr(resp->body, st->expect_body)) {
        kbuf_printf(why, "expected the body to contain \"%s\"\n", st->expect_body);
        return 1;
    }
    return 0;
}

void case_run_each_captured(const case_run *run, void (*fn)(void *arg, const char *value),
                            void *arg)
{
    for (size_t i = 0; i < run->judged; i++)
        fn(arg, run->script->steps[i].path);
}

void case_run_free(case_run *run)
{
    free(run);
}
