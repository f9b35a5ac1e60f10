/* Variable tests: the ${...} grammar, substitution into text and JSON (typed when a
 * string is exactly one reference), env values registered as secrets, table bounds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "case_klarna.h"
#include "case_vars.h"

typedef struct fixture_vars {
    case_vars_table table;
    cJSON *market;
    kprng rng;
    case_vars_ctx ctx;
} fixture_vars;

static fixture_vars *fv_new(void)
{
    fixture_vars *f = calloc(1, sizeof *f);
    f->market = cJSON_Parse("{\"currency\": \"SEK\", \"amount\": 1000, \"flags\": [1]}");
    kprng_seed(&f->rng, 42);
    f->ctx = (case_vars_ctx){&f->table, f->market, "http://127.0.0.1:8080", &f->rng, NULL};
    char err[256];
    cJSON *v = cJSON_Parse("{\"id\": \"abc\", \"n\": 5, \"obj\": {\"k\": [true]}}");
    for (cJSON *m = v->child; m; m = m->next)
        cr_assert_eq(case_vars_set(&f->table, m->string, m, err, sizeof err), 0, "%s", err);
    cJSON_Delete(v);
    return f;
}

static void fv_free(fixture_vars *f)
{
    case_vars_clear(&f->table);
    cJSON_Delete(f->market);
    free(f);
}

typedef struct text_case {
    const char *in, *out, *err;
} text_case;

Test(case_vars, substitutes_references_as_text)
{
    setenv("KPCT_TEST_SECRET", "s3cr3t-value", 1);
    setenv("KPCT_TEST_SHORT", "abc", 1);
    unsetenv("KPCT_TEST_UNSET");
    static char huge[CASE_MAX_VAR_BYTES + 2];
    memset(huge, 'h', CASE_MAX_VAR_BYTES + 1);
    setenv("KPCT_TEST_HUGE", huge, 1);
    static const text_case cases[] = {
        {"/payments/v1/sessions/${id}", "/payments/v1/sessions/abc", NULL},
        {"${id}-${n}-${obj}", "abc-5-{\"k\":[true]}", NULL},
        {"${market.currency} ${market.amount}", "SEK 1000", NULL},
        {"${base_url}/x", "http://127.0.0.1:8080/x", NULL},
        {"token ${env:KPCT_TEST_SECRET}", "token s3cr3t-value", NULL},
        {"cost $5 and $${literal}", "cost $5 and ${literal}", NULL},
        {"no refs", "no refs", NULL},
        {"${nope}", NULL, "undefined variable ${nope}: not captured"},
        {"${market.nope}", NULL,
         "undefined variable ${market.nope}: not in this market's market.json"},
        {"${env:KPCT_TEST_UNSET}", NULL,
         "environment variable KPCT_TEST_UNSET is not set (used as ${env:KPCT_TEST_UNSET})"},
        {"${env:KPCT_TEST_SHORT}", NULL,
         "environment variable KPCT_TEST_SHORT is too short to be kept out of reports (secrets "
         "need at least 4 bytes)"},
        {"${env:KPCT_TEST_HUGE}", NULL,
         "environment variable KPCT_TEST_HUGE is 65537 bytes, over 65536 (CASE_MAX_VAR_BYTES)"},
        {"${var:tenant}", NULL,
         "undefined variable ${var:tenant}: no --var or --secret tenant=VALUE given"},
        {"${a b}", NULL,
         "malformed variable reference \"${a b}\" (expected ${name}, ${market.KEY}, ${env:NAME}, "
         "${var:NAME}, ${uuid} or ${base_url})"},
        {"${market}", NULL,
         "malformed variable reference \"${market}\" (expected ${name}, ${market.KEY}, "
         "${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})"},
        {"${var:}", NULL,
         "malformed variable reference \"${var:}\" (expected ${name}, ${market.KEY}, "
         "${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})"},
        {"${var:a-b}", NULL,
         "malformed variable reference \"${var:a-b}\" (expected ${name}, ${market.KEY}, "
         "${env:NAME}, ${var:NAME}, ${uuid} or ${base_url})"},
        {"x ${id", NULL,
         "unterminated variable reference \"${\" (write \"$${\" for a literal \"${\")"},
    };
    fixture_vars *f = fv_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        char *out = case_vars_subst_string(&f->ctx, cases[i].in, err, sizeof err);
        if (cases[i].out) {
            cr_expect_str_eq(out ? out : "(null)", cases[i].out, "input %s (%s)", cases[i].in, err);
        } else {
            cr_expect_null(out, "input %s", cases[i].in);
            cr_expect_str_eq(err, cases[i].err, "input %s", cases[i].in);
        }
        free(out);
    }
    fv_free(f);
}

Test(case_vars, keeps_the_json_type_of_a_whole_string_reference)
{
    fixture_vars *f = fv_new();
    cJSON *in = cJSON_Parse("{\"a\": \"${n}\", \"b\": \"${obj}\", \"c\": \"n=${n}\", \"d\": "
                            "[\"${market.amount}\", \"${market.flags}\", \"${id}\"], \"e\": 1.5, "
                            "\"f\": \"$${n}\"}");
    char err[256];
    cJSON *out = case_vars_subst_json(&f->ctx, in, err, sizeof err);
    cr_assert(out, "%s", err);
    char *txt = cJSON_PrintUnformatted(out);
    cr_expect_str_eq(txt, "{\"a\":5,\"b\":{\"k\":[true]},\"c\":\"n=5\",\"d\":[1000,[1],\"abc\"],"
                          "\"e\":1.5,\"f\":\"${n}\"}");
    free(txt);
    cJSON_Delete(out);
    cJSON_Delete(in);
    fv_free(f);
}

Test(case_vars, gives_a_fresh_uuid_at_each_use)
{
    fixture_vars *f = fv_new();
    char err[256];
    char *out = case_vars_subst_string(&f->ctx, "${uuid} ${uuid}", err, sizeof err);
    cr_assert(out);
    cr_assert_eq(strlen(out), 73);
    out[36] = '\0';
    cr_expect(case_klarna_is_uuid(out));
    cr_expect(case_klarna_is_uuid(out + 37));
    cr_expect_str_neq(out, out + 37);
    free(out);
    fv_free(f);
}

Test(case_vars, registers_environment_values_as_secrets_when_read)
{
    redact_reset();
    setenv("KPCT_TEST_TOKEN", "tok-4815162342", 1);
    fixture_vars *f = fv_new();
    char err[256];
    char *out = case_vars_subst_string(&f->ctx, "Bearer ${env:KPCT_TEST_TOKEN}", err, sizeof err);
    cr_assert(out);
    kbuf b;
    kbuf_init(&b, 4096);
    cr_assert_eq(redact(out, strlen(out), &b), 0);
    cr_expect_str_eq(kbuf_str(&b), "Bearer ***");
    kbuf_free(&b);
    free(out);
    fv_free(f);
    redact_reset();
}

Test(case_vars, bounds_the_table_and_each_value)
{
    case_vars_table t = {0};
    char err[256];
    cJSON *v = cJSON_CreateNumber(1);
    char name[32];
    for (int i = 0; i < CASE_MAX_VARS; i++) {
        snprintf(name, sizeof name, "v%d", i);
        cr_assert_eq(case_vars_set(&t, name, v, err, sizeof err), 0);
    }
    cr_expect_eq(case_vars_set(&t, "v0", v, err, sizeof err), 0, "replacing stays possible");
    cr_expect_eq(case_vars_set(&t, "one_more", v, err, sizeof err), -1);
    cr_expect_str_eq(err, "too many variables: more than 256 (CASE_MAX_VARS)");
    cJSON_Delete(v);
    case_vars_clear(&t);
    char *big = malloc(CASE_MAX_VAR_BYTES + 1);
    memset(big, 'x', CASE_MAX_VAR_BYTES - 1);
    big[CASE_MAX_VAR_BYTES - 1] = '\0';
    v = cJSON_CreateString(big); /* printed with quotes: 65536 + 1 bytes */
    cr_expect_eq(case_vars_set(&t, "big", v, err, sizeof err), -1);
    cr_expect_str_eq(err,
                     "captured value of \"big\" is 65537 bytes, over 65536 (CASE_MAX_VAR_BYTES)");
    cJSON_Delete(v);
    free(big);
    case_vars_clear(&t);
}

Test(case_vars, accepts_only_plain_capture_names)
{
    cr_expect(case_vars_valid_name("session_id"));
    cr_expect(case_vars_valid_name("_x1"));
    cr_expect(!case_vars_valid_name("1x"));
    cr_expect(!case_vars_valid_name("a-b"));
    cr_expect(!case_vars_valid_name("uuid"));
    cr_expect(!case_vars_valid_name("base_url"));
    cr_expect(!case_vars_valid_name("market"));
    cr_expect(!case_vars_valid_name(""));
}

/* ---- the run's variables: --var and --secret ---- */

typedef struct define_row {
    const char *assignment;
    bool secret;
    int rc;
    const char *err; /* NULL when it is accepted */
} define_row;

static const define_row define_rows[] = {
    {"tenant=acme", false, 0, NULL},
    {"empty=", false, 0, NULL},
    {"with_eq=a=b", false, 0, NULL},
    {"gw_key=s3cr3t-value", true, 0, NULL},
    {"no_equals", false, -1, "\"=\" is missing: write NAME=VALUE"},
    {"=value", false, -1, "the name is empty: write NAME=VALUE"},
    {"1x=value", false, -1,
     "name \"1x\" is not [A-Za-z_][A-Za-z0-9_]* (a case reads it as ${var:NAME})"},
    {"a b=value", true, -1,
     "name \"a b\" is not [A-Za-z_][A-Za-z0-9_]* (a case reads it as ${var:NAME})"},
    {"tenant=other", false, -1, "tenant is defined twice (by --var or --secret)"},
    {"tenant=other-secret", true, -1, "tenant is defined twice (by --var or --secret)"},
    {"short=abc", true, -1,
     "the value of short is too short to be kept out of reports (secrets need at least 4 bytes)"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=v", false, -1,
     "name \"aaaaaaaaaaaaaaaa...\" is over 64 bytes"},
};

/* The rows are defined in order into one table (the duplicates need tenant). */
Test(case_vars, defines_run_variables_or_says_why_not)
{
    static case_vars_defs d;
    for (size_t i = 0; i < sizeof define_rows / sizeof define_rows[0]; i++) {
        const define_row *row = &define_rows[i];
        char err[256] = "";
        cr_expect_eq(case_vars_define(&d, row->assignment, row->secret, err, sizeof err), row->rc,
                     "%s: %s", row->assignment, err);
        cr_expect_str_eq(err, row->err ? row->err : "", "%s", row->assignment);
        const char *eq = strchr(row->assignment, '=');
        if (!row->err)
            cr_expect_str_eq(case_vars_defined(&d, row->assignment, (size_t)(eq - row->assignment)),
                             eq + 1);
        else if (row->secret && eq)
            cr_expect(!strstr(err, eq + 1), "the reason shows the secret: %s", err);
    }
    case_vars_defs_free(&d);
}

Test(case_vars, bounds_the_run_variables_in_count_and_bytes)
{
    case_vars_defs d = {0};
    char err[256], a[32];
    for (int i = 0; i < CASE_MAX_RUN_VARS; i++) {
        snprintf(a, sizeof a, "v%d=x", i);
        cr_assert_eq(case_vars_define(&d, a, false, err, sizeof err), 0, "%s", err);
    }
    cr_expect_eq(case_vars_define(&d, "one_more=x", false, err, sizeof err), -1);
    cr_expect_str_eq(err, "more than 256 variables (CASE_MAX_RUN_VARS)");
    case_vars_defs_free(&d);
    char *big = malloc(CASE_MAX_VAR_BYTES + 8);
    memcpy(big, "big=", 4);
    memset(big + 4, 'x', CASE_MAX_VAR_BYTES + 1);
    big[CASE_MAX_VAR_BYTES + 5] = '\0';
    cr_expect_eq(case_vars_define(&d, big, true, err, sizeof err), -1);
    cr_expect_str_eq(err, "the value of big is 65537 bytes, over 65536 (CASE_MAX_VAR_BYTES)");
    big[CASE_MAX_VAR_BYTES + 4] = '\0'; /* exactly at the bound */
    cr_expect_eq(case_vars_define(&d, big, false, err, sizeof err), 0, "%s", err);
    free(big);
    case_vars_defs_free(&d);
}

Test(case_vars, substitutes_run_variables_and_redacts_secrets_from_their_definition)
{
    redact_reset();
    case_vars_defs d = {0};
    char err[256];
    cr_assert_eq(case_vars_define(&d, "tenant=acme", false, err, sizeof err), 0, "%s", err);
    cr_assert_eq(case_vars_define(&d, "gw_key=gw-4815162342", true, err, sizeof err), 0, "%s", err);
    kbuf b;
    kbuf_init(&b, 4096);
    /* redacted from the moment it is defined, before any case reads it */
    cr_assert_eq(redact("key gw-4815162342", 17, &b), 0);
    cr_expect_str_eq(kbuf_str(&b), "key ***");
    fixture_vars *f = fv_new();
    f->ctx.defs = &d;
    char *out = case_vars_subst_string(&f->ctx, "${var:tenant}/${var:gw_key}", err, sizeof err);
    cr_expect_str_eq(out ? out : err, "acme/gw-4815162342");
    free(out);
    /* ${tenant} is a capture, not the --var: the namespaces do not mix */
    out = case_vars_subst_string(&f->ctx, "${tenant}", err, sizeof err);
    cr_expect_null(out);
    cr_expect_str_eq(err, "undefined variable ${tenant}: not captured");
    cJSON *in = cJSON_Parse("{\"k\": \"${var:gw_key}\", \"t\": \"t=${var:tenant}\"}");
    cJSON *json = case_vars_subst_json(&f->ctx, in, err, sizeof err);
    cr_assert(json, "%s", err);
    char *txt = cJSON_PrintUnformatted(json);
    cr_expect_str_eq(txt, "{\"k\":\"gw-4815162342\",\"t\":\"t=acme\"}");
    free(txt);
    cJSON_Delete(json);
    cJSON_Delete(in);
    fv_free(f);
    kbuf_free(&b);
    case_vars_defs_free(&d);
    redact_reset();
}
