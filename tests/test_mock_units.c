/* Unit tests of kpmock's modules without HTTP: store (cap, eviction, expiry bases),
 * the clock, auth header parsing, fault spec checks, arming and matching, the journal ring, quota
 * windows, session id syntax, and the mock's JSON printer against cJSON's. */
#include "auth.h"
#include "b64.h"
#include "cjson_oracle.h"
#include "clock.h"
#include "fault.h"
#include "journal.h"
#include "mock_internal.h"
#include "quota.h"
#include "session.h"
#include "store.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID(n) "00000000-0000-4000-8000-00000000000" #n

static int touch(store_entry *e, void *arg)
{
    e->updated_at = *(int64_t *)arg;
    return 7;
}

static int touch_nothing(store_entry *e, void *arg)
{
    (void)e;
    (void)arg;
    return 0;
}

Test(store, caps_sessions_and_evicts_expired_ones_first)
{
    store *s = store_new(2, 100, false);
    cr_assert_eq(store_insert(s, ID(1), strdup("{}"), "SE", 1000), STORE_OK);
    cr_assert_eq(store_insert(s, ID(2), strdup("{}"), "SE", 1050), STORE_OK);
    cr_assert_eq(store_insert(s, ID(3), strdup("{}"), "SE", 1099), STORE_FULL);
    cr_assert_eq(store_insert(s, ID(2), strdup("{}"), "SE", 1099), STORE_FULL);
    /* at 1100 the first has expired: it is evicted to make room */
    cr_assert_eq(store_insert(s, ID(3), strdup("{}"), "SE", 1100), STORE_OK);
    cr_assert_eq(store_count(s), 2);
    int64_t now = 1100;
    cr_assert_eq(store_with(s, ID(1), now, touch, &now), STORE_NOT_FOUND);
    cr_assert_eq(store_with(s, ID(2), now, touch, &now), 7);
    store_free(s);
}

Test(store, refuses_duplicate_ids)
{
    store *s = store_new(10, 100, false);
    cr_assert_eq(store_insert(s, ID(1), strdup("{}"), "SE", 0), STORE_OK);
    cr_assert_eq(store_insert(s, ID(1), strdup("{}"), "SE", 0), STORE_DUPLICATE);
    cr_assert_eq(store_count(s), 1);
    store_free(s);
}

Test(store, counts_expiry_from_the_last_update_when_asked)
{
    store *by_create = store_new(10, 100, false), *by_update = store_new(10, 100, true);
    int64_t t = 90;
    for (int i = 0; i < 2; i++) {
        store *s = i ? by_update : by_create;
        cr_assert_eq(store_insert(s, ID(1), strdup("{}"), "SE", 0), STORE_OK);
        cr_assert_eq(store_with(s, ID(1), 90, touch, &t), 7);
    }
    cr_assert_eq(store_with(by_create, ID(1), 150, touch, &t), STORE_NOT_FOUND);
    cr_assert_eq(store_with(by_update, ID(1), 150, touch, &t), 7);
    cr_assert_eq(store_with(by_update, ID(1), 190, touch, &t), STORE_NOT_FOUND);
    cr_assert_eq(store_count(by_update), 0, "an expired session is evicted when met");
    store_free(by_create);
    store_free(by_update);
}

Test(store, grows_past_its_initial_buckets_and_clears)
{
    store *s = store_new(100000, 100, false);
    char id[40];
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        cr_assert_eq(store_insert(s, id, strdup("{}"), "SE", 0), STORE_OK);
    }
    int64_t t = 1;
    for (int i = 0; i < 20000; i += 997) {
        snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        cr_assert_eq(store_with(s, id, 1, touch, &t), 7);
    }
    cr_assert_eq(store_evict_expired(s, 99), 0);
    cr_assert_eq(store_evict_expired(s, 100), 20000, "expiry counts from creation here");
    store_clear(s);
    cr_assert_eq(store_count(s), 0);
    store_free(s);
    store_free(NULL);
}

Test(clock, moves_sets_and_resets)
{
    mclock c;
    mclock_init(&c);
    mclock_set(&c, 1795608000);
    int64_t now = mclock_now(&c);
    cr_assert(now >= 1795608000 && now <= 1795608001);
    mclock_advance(&c, 3600);
    cr_assert_geq(mclock_now(&c), 1795611600);
    mclock_reset(&c);
    cr_assert_eq(mclock_offset_s(&c), 0);
}

typedef struct auth_row {
    const char *header;
    bool ok;
} auth_row;

Test(auth, accepts_only_the_configured_basic_credentials)
{
    /* "kpmock:kpmock", "kpmock:", ":kpmock", "kpmock", "kpmock:kpmock:x", "KPMOCK:kpmock" */
    static const auth_row rows[] = {
        {"Basic a3Btb2NrOmtwbW9jaw==", true},
        {"basic a3Btb2NrOmtwbW9jaw==", true},
        {"  BASIC\ta3Btb2NrOmtwbW9jaw==  ", true},
        {"Basic a3Btb2NrOmtwbW9jaw", true}, /* padding optional */
        {"Basic a3Btb2NrOg==", false},
        {"Basic OmtwbW9jaw==", false},
        {"Basic a3Btb2Nr", false},
        {"Basic a3Btb2NrOmtwbW9jazp4", false},
        {"Basic S1BNT0NLOmtwbW9jaw==", false},
        {"Basic", false},
        {"Basic ", false},
        {"Basica3Btb2NrOmtwbW9jaw==", false},
        {"Bearer a3Btb2NrOmtwbW9jaw==", false},
        {"Basic !!!!", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        cr_assert_eq(auth_check(rows[i].header, "kpmock", "kpmock"), rows[i].ok, "row %zu: %s", i,
                     rows[i].header);
    char *huge = malloc(AUTH_HEADER_MAX + 16);
    memset(huge, 'A', AUTH_HEADER_MAX + 15);
    memcpy(huge, "Basic ", 6);
    huge[AUTH_HEADER_MAX + 15] = '\0';
    cr_assert_not(auth_check(huge, "kpmock", "kpmock"));
    free(huge);
    /* an empty configured password is matched exactly, not by anything */
    cr_assert(auth_check("Basic a3Btb2NrOg==", "kpmock", ""));
    cr_assert_not(auth_check("Basic a3Btb2NrOmtwbW9jaw==", "kpmock", ""));
}

static cJSON *spec(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "%s", text);
    return j;
}

Test(fault, fires_in_arming_order_and_counts_down)
{
    fault_list *l = fault_list_new();
    unsigned id1, id2;
    char err[160];
    fault f;
    cJSON *a = spec("{\"kind\":\"status\",\"status\":500,\"times\":2,\"path\":\"/a*\"}");
    cJSON *b = spec("{\"kind\":\"reset\",\"method\":\"GET\"}");
    cr_assert_eq(fault_arm(l, a, &id1, err, sizeof err), 0, "%s", err);
    cr_assert_eq(fault_arm(l, b, &id2, err, sizeof err), 0, "%s", err);
    cr_assert_eq(id2, id1 + 1);
    cr_assert_eq(fault_take(l, "POST", "/b", &f), 0);
    cr_assert_eq(fault_take(l, "POST", "/abc", &f), 1);
    cr_assert_eq(f.kind, FAULT_STATUS);
    cr_assert_eq(f.remaining, 1);
    fault_release(&f);
    cr_assert_eq(fault_take(l, "GET", "/a", &f), 1);
    cr_assert_eq(f.kind, FAULT_STATUS, "first armed wins");
    cr_assert_eq(f.remaining, 0);
    fault_release(&f);
    cr_assert_eq(fault_take(l, "GET", "/a", &f), 1);
    cr_assert_eq(f.kind, FAULT_RESET, "the status fault is used up");
    fault_release(&f);
    cr_assert_eq(fault_take(l, "GET", "/a", &f), 0);
    cJSON_Delete(a);
    cJSON_Delete(b);
    fault_list_free(l);
    fault_list_free(NULL);
    fault_release(NULL);
}

Test(fault, caps_the_number_armed)
{
    fault_list *l = fault_list_new();
    cJSON *s = spec("{\"kind\":\"reset\",\"path\":\"/never\"}");
    unsigned id;
    char err[160];
    for (int i = 0; i < FAULT_MAX_ARMED; i++)
        cr_assert_eq(fault_arm(l, s, &id, err, sizeof err), 0);
    cr_assert_eq(fault_arm(l, s, &id, err, sizeof err), -1);
    cr_assert(strstr(err, "256"), "%s", err);
    fault_clear(l);
    cr_assert_eq(fault_arm(l, s, &id, err, sizeof err), 0);
    cJSON_Delete(s);
    fault_list_free(l);
}

/* One fault spec and the exact reason the mock gives ("" when it is taken). Arrays, not
 * pointers: Criterion copies parameters into a fresh process. */
typedef struct spec_row {
    char json[120];
    char reason[160];
} spec_row;

ParameterizedTestParameters(fault, check_and_arm_agree_on_every_spec)
{
    static spec_row rows[] = {
        {"{\"kind\":\"status\",\"status\":503,\"times\":2,\"path\":\"/payments/*\"}", ""},
        {"{\"kind\":\"delay\",\"delay_ms\":250,\"method\":\"POST\"}", ""},
        {"{\"kind\":\"rate_limit\"}", ""},
        {"{\"kind\":\"hang\",\"hang_ms\":0,\"times\":0}", ""},
        {"[1]", "a fault must be a JSON object"},
        {"{\"kind\":\"explode\"}",
         "kind must be one of status, delay, reset, hang, truncate, rate_limit"},
        {"{\"kind\":\"delay\",\"delay\":5}",
         "unknown member 'delay' (a fault takes kind, times, method, path, status, body, "
         "content_type, delay_ms, hang_ms, retry_after)"},
        {"{\"kind\":\"status\"}", "a status fault needs \"status\" (200..599)"},
        {"{\"kind\":\"status\",\"status\":101}", "status must be from 200 to 599"},
        {"{\"kind\":\"status\",\"status\":600}", "status must be an integer from 0 to 599"},
        {"{\"kind\":\"reset\",\"times\":-1}", "times must be an integer from 0 to 1000000"},
        {"{\"kind\":\"delay\",\"delay_ms\":600001}",
         "delay_ms must be an integer from 0 to 600000"},
        {"{\"kind\":\"reset\",\"method\":7}", "method must be a string of at most 15 bytes"},
        {"{\"kind\":\"status\",\"status\":500,\"content_type\":\"a\\nb\"}",
         "content_type must be printable ASCII (it is sent as a header)"},
    };
    return cr_make_param_array(spec_row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(spec_row *row, fault, check_and_arm_agree_on_every_spec)
{
    cJSON *s = spec(row->json);
    char checked[160] = "", armed[160] = "";
    unsigned id = 0;
    fault_list *l = fault_list_new();
    int rc_check = mock_fault_spec_check(s, checked, sizeof checked);
    int rc_arm = fault_arm(l, s, &id, armed, sizeof armed);
    cr_assert_eq(rc_check, row->reason[0] ? -1 : 0, "%s: %s", row->json, checked);
    cr_assert_eq(rc_arm, rc_check, "%s: check and arm disagree", row->json);
    cr_assert_str_eq(checked, row->reason, "%s", row->json);
    cr_assert_str_eq(armed, checked, "%s", row->json);
    cJSON_Delete(s);
    fault_list_free(l);
}

Test(fault, check_refuses_null_and_keeps_no_state)
{
    char err[160];
    cr_assert_eq(mock_fault_spec_check(NULL, err, sizeof err), -1);
    cr_assert_str_eq(err, "a fault must be a JSON object");
}

Test(journal, overwrites_the_oldest_and_counts_drops)
{
    journal *j = journal_new(2);
    for (int i = 0; i < 5; i++)
        journal_add(j, 1000 * i, "GET", "/p", 200, 5, 0, i == 4 ? "delay" : NULL);
    cJSON *o = journal_json(j);
    char *text = cJSON_PrintUnformatted(o);
    cr_assert(strstr(text, "\"capacity\":2,\"dropped\":3"), "%s", text);
    cr_assert(strstr(text, "\"seq\":4") && strstr(text, "\"seq\":5") && !strstr(text, "\"seq\":3"),
              "%s", text);
    cr_assert(strstr(text, "\"fault\":\"delay\""), "%s", text);
    free(text);
    cJSON_Delete(o);
    journal_free(j);
    journal_free(NULL);
}

Test(journal, keeps_nothing_at_capacity_zero_and_cuts_long_paths)
{
    journal *j = journal_new(0);
    journal_add(j, 0, "GET", "/p", 200, 1, 0, NULL);
    cJSON *o = journal_json(j);
    char *text = cJSON_PrintUnformatted(o);
    cr_assert_str_eq(text, "{\"capacity\":0,\"dropped\":1,\"entries\":[]}");
    free(text);
    cJSON_Delete(o);
    journal_free(j);
    j = journal_new(1);
    char *path = malloc(5000);
    memset(path, 'x', 4999);
    path[4999] = '\0';
    journal_add(j, 0, "GET", path, 200, 1, 0, NULL);
    o = journal_json(j);
    const char *kept = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "entries"), 0)
                           ->child->next->next->next->valuestring;
    cr_assert_eq(strlen(kept), JOURNAL_PATH_MAX + 3);
    free(path);
    cJSON_Delete(o);
    journal_free(j);
}

Test(quota, counts_creates_and_others_per_second_and_user)
{
    quota *q = quota_new(2, 3);
    cr_assert(quota_admit(q, "a", true, 10));
    cr_assert(quota_admit(q, "a", true, 10));
    cr_assert_not(quota_admit(q, "a", true, 10));
    cr_assert(quota_admit(q, "b", true, 10), "another credential has its own allowance");
    for (int i = 0; i < 3; i++)
        cr_assert(quota_admit(q, "a", false, 10));
    cr_assert_not(quota_admit(q, "a", false, 10));
    cr_assert(quota_admit(q, "a", true, 11), "a new second");
    quota_reset(q);
    cr_assert(quota_admit(q, "a", true, 11));
    cr_assert(quota_admit(q, "a", true, 11));
    cr_assert_not(quota_admit(q, "a", true, 11));
    quota_free(q);
    quota_free(NULL);
}

Test(session, accepts_only_lowercase_uuids_as_ids)
{
    static const struct {
        const char *id;
        bool ok;
    } rows[] = {
        {"6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", true},
        {"6F1C1A3E-2B1D-4C55-9D8E-0A1B2C3D4E5F", false},
        {"6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5", false},
        {"6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5ff", false},
        {"6f1c1a3e22b1d-4c55-9d8e-0a1b2c3d4e5f", false},
        {"6f1c1a3g-2b1d-4c55-9d8e-0a1b2c3d4e5f", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        cr_assert_eq(session_id_valid(rows[i].id), rows[i].ok, "row %zu", i);
}

Test(session, client_token_is_stable_per_session)
{
    char *a = session_client_token("6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", "SE");
    char *b = session_client_token("6f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", "SE");
    char *c = session_client_token("7f1c1a3e-2b1d-4c55-9d8e-0a1b2c3d4e5f", "SE");
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    free(a);
    free(b);
    free(c);
}

/* A full store of live sessions is scanned for expired ones once per mock-clock second,
 * not once per refused insert; a session stored with an earlier expiry (a clock set
 * back) makes the next insert scan again. */
Test(store, scans_a_full_store_once_until_the_clock_moves)
{
    store *s = store_new(2, 100, false);
    cr_assert_eq(store_insert(s, ID(1), strdup("{}"), "SE", 1000), STORE_OK);
    cr_assert_eq(store_insert(s, ID(2), strdup("{}"), "SE", 1000), STORE_OK);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(store_insert(s, ID(3), strdup("{}"), "SE", 1050), STORE_FULL);
    cr_assert_eq(store_sweeps(s), 1, "scanned %llu times", (unsigned long long)store_sweeps(s));
    cr_assert_eq(store_insert(s, ID(3), strdup("{}"), "SE", 1049), STORE_FULL);
    cr_assert_eq(store_sweeps(s), 1, "the clock went back: nothing new can have expired");
    cr_assert_eq(store_insert(s, ID(3), strdup("{}"), "SE", 1051), STORE_FULL);
    cr_assert_eq(store_sweeps(s), 2);
    /* meet 1 after it expired (a slot frees), then store 4 with the clock set back */
    cr_assert_eq(store_with(s, ID(1), 2000, touch_nothing, NULL), STORE_NOT_FOUND);
    cr_assert_eq(store_insert(s, ID(4), strdup("{}"), "SE", 900), STORE_OK);
    /* at 1020, 4 (expiring at 1000) is gone: a scan must run although 1020 < 1051 */
    cr_assert_eq(store_insert(s, ID(5), strdup("{}"), "SE", 1020), STORE_OK);
    cr_assert_eq(store_sweeps(s), 3);
    store_free(s);
}

/* The byte cap counts every stored document's text: inserts past it evict expired
 * sessions first and are refused otherwise; evictions, clears and resizes keep the
 * count exact. */
Test(store, caps_the_bytes_of_stored_text)
{
    store *s = store_new(100, 100, false);
    store_limit_bytes(s, 10);
    cr_assert_eq(store_byte_cap(s), 10);
    cr_assert_eq(store_insert(s, ID(1), strdup("{\"a\":1}"), "SE", 1000), STORE_OK); /* 7 */
    cr_assert_eq(store_bytes(s), 7);
    cr_assert_eq(store_insert(s, ID(2), strdup("{\"b\":1}"), "SE", 1050), STORE_FULL);
    cr_assert_eq(store_count(s), 1, "a refused insert leaves no slot taken");
    cr_assert_eq(store_insert(s, ID(2), strdup("{}"), "SE", 1050), STORE_OK);
    cr_assert_eq(store_bytes(s), 9);
    cr_assert_eq(store_resize(s, 2, 4), -1, "9 - 2 + 4 > 10");
    cr_assert_eq(store_bytes(s), 9, "a refused resize accounts nothing");
    cr_assert_eq(store_resize(s, 2, 3), 0);
    cr_assert_eq(store_resize(s, 3, 2), 0);
    cr_assert_eq(store_bytes(s), 9);
    /* at 1100 the first expires: the next insert evicts it to make room */
    cr_assert_eq(store_insert(s, ID(3), strdup("{\"c\":1}"), "SE", 1100), STORE_OK);
    cr_assert_eq(store_bytes(s), 9);
    cr_assert_eq(store_count(s), 2);
    store_clear(s);
    cr_assert_eq(store_bytes(s), 0);
    store_free(s);
}

/* mock_print must write exactly what cJSON_PrintUnformatted writes: the store's byte
 * accounting, the size checks and every answer depend on that text. */
Test(mock_print, writes_what_cjson_writes)
{
    static const char *const rows[] = {
        "{}",
        "[]",
        "{\"a\":[],\"b\":{},\"c\":[{}],\"d\":null,\"e\":true,\"f\":false}",
        "[0,-0,1,-1,2147483647,2147483648,-2147483649,999999999999999,1000000000000000,"
        "9007199254740991,-9007199254740993,1e300,-1e-300,0.1,2.5,1.0,100e-2,3.14159265358979,"
        "123456789.123456789,1.7976931348623157e308,5e-324]",
        "{\"s\":\"plain \\u00e5\\u00e4\\u00f6 \\ud83d\\ude00 / "
        "\\/\",\"q\":\"\\\"\\\\\\b\\f\\n\\r\\t\","
        "\"c\":\"\\u0001\\u001f\\u007f\",\"k\\\"ey\\n\":1}",
        "{\"dup\":1,\"dup\":2}",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        cJSON *doc = cJSON_Parse(rows[i]);
        size_t len = 0;
        cr_assert_not_null(doc, "%s", rows[i]);
        char *want = cJSON_PrintUnformatted(doc), *got = mock_print(doc, &len);
        cr_assert_str_eq(got, want, "row %zu", i);
        cr_assert_eq(len, strlen(want), "row %zu", i);
        free(want);
        free(got);
        cJSON_Delete(doc);
    }
}

Test(mock_print, writes_every_fixture_as_cjson_does)
{
    static const char *const files[] = {"session.json", "session_full.json", "cart_update.json",
                                        "customer_update.json", "market.json"};
    const char *markets[] = {"SE", "US", "DE", "GB", "AU", "CH"};
    for (size_t m = 0; m < sizeof markets / sizeof *markets; m++) {
        for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/fixtures/%s/%s", getenv("KPCT_CASES_DIR"), markets[m],
                     files[f]);
            FILE *fp = fopen(path, "rb");
            cr_assert_not_null(fp, "%s", path);
            char text[65536];
            size_t n = fread(text, 1, sizeof text - 1, fp);
            fclose(fp);
            text[n] = '\0';
            cJSON *doc = cJSON_Parse(text);
            cr_assert_not_null(doc, "%s", path);
            char *want = cJSON_PrintUnformatted(doc), *got = mock_print(doc, NULL);
            cr_assert_str_eq(got, want, "%s", path);
            free(want);
            free(got);
            cJSON_Delete(doc);
        }
    }
}

static void expect_same_parse(const char *text, size_t len, const char *what)
{
    cJSON *want = cjson_oracle_parse_whole(text, len, true), *got = mock_parse_object(text, len);
    cr_assert(cjson_oracle_same_tree(got, want), "mock_parse_object differs from cJSON on %s: %.*s",
              what, (int)len, text);
    cJSON_Delete(want);
    cJSON_Delete(got);
    want = cjson_oracle_parse_whole(text, len, false);
    got = mock_parse_json(text, len);
    cr_assert(cjson_oracle_same_tree(got, want), "mock_parse_json differs from cJSON on %s: %.*s",
              what, (int)len, text);
    cJSON_Delete(want);
    cJSON_Delete(got);
}

/* The fast reader takes a subset of JSON itself and leaves the rest to cJSON: at every
 * border of that subset (numbers, escapes, literals, blanks, nesting, garbage) the tree
 * must be cJSON's, or both must refuse. */
Test(mock_parse, reads_every_text_as_cjson_does)
{
    static const char *const rows[] = {
        "{}",
        " {} ",
        "{}\n\t\r\v\f",
        "{} x",
        "{}{}",
        "[]",
        "[1,2]",
        "\"s\"",
        "1",
        "true",
        "{\"a\":1}",
        "{ \"a\" : 1 , \"b\" : [ 1 , 2 ] }",
        "{\"a\":1,}",
        "{\"a\":1 \"b\":2}",
        "{\"a\"}",
        "{\"a\":}",
        "{a:1}",
        "{\"a\":1",
        "{\"a\":[1,]}",
        "{\"a\":[,1]}",
        "{\"n\":0,\"m\":-0,\"k\":-1,\"l\":999999999999999,\"h\":1000000000000000}",
        "{\"n\":01}",
        "{\"n\":-}",
        "{\"n\":1.5}",
        "{\"n\":1e3}",
        "{\"n\":1E+3}",
        "{\"n\":-0.0}",
        "{\"n\":2147483647,\"o\":2147483648,\"p\":-2147483648,\"q\":-2147483649}",
        "{\"n\":1-2}",
        "{\"n\":1.2.3}",
        "{\"n\":+1}",
        "{\"n\":.5}",
        "{\"n\":1x}",
        "{\"t\":true,\"f\":false,\"z\":null}",
        "{\"t\":tru}",
        "{\"t\":truex}",
        "{\"t\":nul}",
        "{\"t\":True}",
        "{\"s\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}",
        "{\"s\":\"\\x\"}",
        "{\"s\":\"\\u00e5\\ud83d\\ude00\"}",
        "{\"s\":\"\\u0000\"}",
        "{\"s\":\"\\ud800\"}",
        "{\"s\":\"tab\there\"}",
        "{\"s\":\"\x01\"}",
        "{\"s\":\"\xc3\xa5\xff\"}",
        "{\"s\":\"open}",
        "{\"s\":\"\\",
        "{\"\":\"\"}",
        "{\"k\\n\\u0041\":1}",
        "{\"dup\":1,\"dup\":2}",
        "\xef\xbb\xbf{}",
        "{\"a\":{\"b\":{\"c\":[[[]]]}}}",
        "\x01{}",
        "{}\x01",
        "{\"a\":1}\x00",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"purchase_country\":\"SE\",\"order_lines\":[{\"name\":\"Boot\",\"quantity\":1}]}",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        size_t len = strlen(rows[i]);
        if (strcmp(rows[i], "{\"a\":1}") == 0)
            len++; /* and once with its NUL as a trailing byte */
        expect_same_parse(rows[i], strlen(rows[i]), "a row");
        expect_same_parse(rows[i], len, "a row with its NUL");
    }
}

/* Every one-byte change (replaced, inserted, removed) of a session-shaped text, with the
 * bytes that matter to a JSON reader: each variant reads as cJSON reads it. */
Test(mock_parse, reads_every_one_byte_variant_as_cjson_does)
{
    static const char seed[] =
        "{\"a\":[1,-20,true,false,null,{}],\"s\":\"x\\ny\",\"n\":{\"k\":-0,\"d\":10}}";
    static const char bytes[] = "{}[]:,\" \t\n\\-+.0159eEtfnlu/x\x01\x7f\xc3";
    char text[sizeof seed + 1];
    size_t n = sizeof seed - 1, variants = 0;
    for (size_t at = 0; at <= n; at++) {
        for (size_t b = 0; b < sizeof bytes - 1; b++) {
            memcpy(text, seed, at);
            text[at] = bytes[b]; /* inserted */
            memcpy(text + at + 1, seed + at, n - at);
            expect_same_parse(text, n + 1, "an insertion");
            if (at < n) { /* replaced */
                memcpy(text, seed, n);
                text[at] = bytes[b];
                expect_same_parse(text, n, "a replacement");
            }
            variants++;
        }
        if (at < n) { /* removed */
            memcpy(text, seed, at);
            memcpy(text + at, seed + at + 1, n - at - 1);
            expect_same_parse(text, n - 1, "a removal");
        }
    }
    cr_assert_gt(variants, 1000);
}

/* Past the fast reader's depth cJSON reads on, up to its own limit and not beyond. */
Test(mock_parse, leaves_deep_nesting_to_cjson)
{
    static const size_t depths[] = {199, 200, 201, 999, 1000, 1001};
    for (size_t d = 0; d < sizeof depths / sizeof *depths; d++) {
        size_t n = depths[d];
        char *text = malloc(2 * n + 8);
        cr_assert_not_null(text);
        memcpy(text, "{\"a\":", 5);
        memset(text + 5, '[', n - 1);
        memset(text + 5 + n - 1, ']', n - 1);
        text[5 + 2 * (n - 1)] = '}';
        expect_same_parse(text, 5 + 2 * (n - 1) + 1, "deep nesting");
        free(text);
    }
}
