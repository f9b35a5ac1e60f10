/* Tests of kpmock's built-in defects (mock/defect.c): one row per defect, each a short
 * request sequence whose last answer must differ between a mock following the contract and
 * one emulating the defect; plus the listing, the lookup and the kpmock program's options.
 *
 * Row notation: bodies may use $rep(N,s) for s repeated N times; "{id}" in a path is the
 * session the row's first create made on that mock. Both mocks start fresh with seed 42, so
 * ids, tokens and correlation ids agree until a defect changes something. An answer is
 * compared as: status, Content-Type, whether WWW-Authenticate is sent, whether the
 * Klarna-Correlation-Id header is absent / equal to the body's correlation_id / different,
 * and the body with the values of correlation_id and expires_at blanked (the clock moves). */
#include "test_mock_util.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 3
#define AUTH      TM_USERPWD
#define NO_AUTH   NULL
#define SESSIONS  "/payments/v1/sessions"
#define UNKNOWN   "/payments/v1/sessions/00000000-0000-4000-8000-000000000000"
#define SESSION   "/payments/v1/sessions/{id}"
/* Longer than the tests' --max-body (65536) and served only with no-body-limit. */
#define BIG_BODY "$big"

/* A valid SE cart of one line at 25 % with the line's and the session's extra members. */
#define LINE(extra)                                                                                \
    "{\"type\":\"physical\",\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"                \
    "\"tax_rate\":2500,\"total_amount\":10000," extra "\"total_tax_amount\":2000}"
#define SE_CART(extra, line)                                                                       \
    "{\"purchase_country\":\"SE\",\"purchase_currency\":\"SEK\",\"locale\":\"sv-SE\","             \
    "\"order_amount\":10000,\"order_tax_amount\":2000," extra "\"order_lines\":[" line "]}"
#define SE_WITH(extra) SE_CART(extra, LINE(""))
#define SE_LINE(extra) SE_CART("", LINE(extra))
/* A cart of one line with the given figures. */
#define CART(country, currency, locale, amount, tax, line)                                         \
    "{\"purchase_country\":\"" country "\",\"purchase_currency\":\"" currency "\","                \
    "\"locale\":\"" locale "\",\"order_amount\":" #amount ",\"order_tax_amount\":" #tax ","        \
    "\"order_lines\":[" line "]}"

typedef struct step {
    const char *method; /* NULL: no more steps */
    const char *path;
    const char *body;
    const char *userpwd;
} step;

typedef struct defect_row {
    const char *defect;
    step steps[MAX_STEPS];
} defect_row;

#define CREATE(body)                                                                               \
    {                                                                                              \
        "POST", SESSIONS, body, AUTH                                                               \
    }
#define READ                                                                                       \
    {                                                                                              \
        "GET", SESSION, NULL, AUTH                                                                 \
    }
#define UPDATE(body)                                                                               \
    {                                                                                              \
        "POST", SESSION, body, AUTH                                                                \
    }

static const defect_row rows[] = {
    {"tax-tolerance-2",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2002,
                  "{\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"
                  "\"tax_rate\":2500,\"total_amount\":10000,"
                  "\"total_tax_amount\":2002}"))}},
    {"order-tax-tolerance-plus-one", {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2002, LINE("")))}},
    {"line-tax-truncated",
     {CREATE(CART("SE", "SEK", "sv-SE", 59500, 9917,
                  "{\"name\":\"Coat\",\"quantity\":1,\"unit_price\":59500,"
                  "\"tax_rate\":2000,\"total_amount\":59500,"
                  "\"total_tax_amount\":9917}"))}},
    {"no-currency-check", {CREATE(CART("SE", "EUR", "sv-SE", 10000, 2000, LINE("")))}},
    {"no-locale-check", {CREATE(CART("SE", "SEK", "de-DE", 10000, 2000, LINE("")))}},
    {"locale-by-billing-country",
     {CREATE("{\"purchase_country\":\"SE\",\"purchase_currency\":\"NOK\",\"locale\":\"sv-SE\","
             "\"billing_address\":{\"country\":\"NO\"},\"order_amount\":10000,"
             "\"order_tax_amount\":2000,\"order_lines\":[" LINE("") "]}")}},
    {"no-billing-currency-rule", {CREATE(SE_WITH("\"billing_address\":{\"country\":\"NO\"},"))}},
    {"no-order-amount-sum", {CREATE(CART("SE", "SEK", "sv-SE", 10001, 2000, LINE("")))}},
    {"no-line-total-check",
     {CREATE(CART("SE", "SEK", "sv-SE", 9000, 1800,
                  "{\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"
                  "\"tax_rate\":2500,\"total_amount\":9000,"
                  "\"total_tax_amount\":1800}"))}},
    {"no-quantity-integer-check",
     {CREATE(CART("SE", "SEK", "sv-SE", 5000, 1000,
                  "{\"name\":\"Boot\",\"quantity\":0.5,"
                  "\"unit_price\":10000,\"tax_rate\":2500,"
                  "\"total_amount\":5000,\"total_tax_amount\":1000}"))}},
    {"no-tax-rate-range",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 5000,
                  "{\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"
                  "\"tax_rate\":10001,\"total_amount\":10000,"
                  "\"total_tax_amount\":5000}"))}},
    {"no-reference-length", {CREATE(SE_LINE("\"reference\":\"$rep(300,r)\","))}},
    {"reference-256", {CREATE(SE_LINE("\"reference\":\"$rep(256,r)\","))}},
    {"no-name-length",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2000,
                  "{\"name\":\"$rep(256,n)\",\"quantity\":1,"
                  "\"unit_price\":10000,\"tax_rate\":2500,"
                  "\"total_amount\":10000,\"total_tax_amount\":2000}"))}},
    {"name-length-in-bytes",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2000,
                  "{\"name\":\"$rep(255,å)\",\"quantity\":1,"
                  "\"unit_price\":10000,\"tax_rate\":2500,"
                  "\"total_amount\":10000,\"total_tax_amount\":2000}"))}},
    {"no-line-count-bound",
     {CREATE(CART("SE", "SEK", "sv-SE", 0, 0,
                  "$rep(1000,{\"name\":\"x\",\"quantity\":1,\"unit_price\":0,\"total_amount\":0},)"
                  "{\"name\":\"x\",\"quantity\":1,\"unit_price\":0,\"total_amount\":0}"))}},
    {"empty-order-lines", {CREATE(CART("SE", "SEK", "sv-SE", 0, 0, ""))}},
    {"no-type-enum",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2000,
                  "{\"type\":\"service\",\"name\":\"Boot\",\"quantity\":1,"
                  "\"unit_price\":10000,\"tax_rate\":2500,"
                  "\"total_amount\":10000,\"total_tax_amount\":2000}"))}},
    {"line-types-subset",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2000,
                  "{\"type\":\"gift_card\",\"name\":\"Card\",\"quantity\":1,"
                  "\"unit_price\":10000,\"tax_rate\":2500,"
                  "\"total_amount\":10000,\"total_tax_amount\":2000}"))}},
    {"no-quantity-unit-length", {CREATE(SE_LINE("\"quantity_unit\":\"pcs-boxes\","))}},
    {"no-url-length", {CREATE(SE_LINE("\"product_url\":\"https://$rep(1025,u)\","))}},
    {"negative-discount",
     {CREATE(CART("SE", "SEK", "sv-SE", 11000, 2200,
                  "{\"name\":\"Boot\",\"quantity\":1,\"unit_price\":10000,"
                  "\"total_discount_amount\":-1000,\"tax_rate\":2500,"
                  "\"total_amount\":11000,\"total_tax_amount\":2200}"))}},
    {"no-us-sales-tax-model",
     {CREATE(CART("US", "USD", "en-US", 11000, 1000,
                  "{\"name\":\"Boot\",\"quantity\":1,"
                  "\"unit_price\":11000,\"tax_rate\":1000,"
                  "\"total_amount\":11000,\"total_tax_amount\":1000}"))}},
    {"case-sensitive-codes", {CREATE(CART("se", "sek", "sv-se", 10000, 2000, LINE("")))}},
    {"no-string-length", {CREATE(SE_WITH("\"merchant_reference1\":\"$rep(256,m)\","))}},
    {"first-field-only", {CREATE(CART("SE", "EUR", "de-DE", 10000, 2000, LINE("")))}},
    {"missing-name-accepted",
     {CREATE(CART("SE", "SEK", "sv-SE", 10000, 2000,
                  "{\"quantity\":1,\"unit_price\":10000,"
                  "\"tax_rate\":2500,\"total_amount\":10000,"
                  "\"total_tax_amount\":2000}"))}},
    {"partial-update-unchecked", {CREATE(NULL), UPDATE("{\"order_amount\":1}")}},
    {"refuses-merchant-urls",
     {CREATE(SE_WITH("\"merchant_urls\":{\"confirmation\":\"https://shop.example/ok\"},"))}},
    {"refuses-options", {CREATE(SE_WITH("\"options\":{\"color_text\":\"#000000\"},"))}},
    {"refuses-attachment",
     {CREATE(SE_WITH("\"attachment\":{\"content_type\":\"application/json\",\"body\":\"{}\"},"))}},
    {"refuses-customer", {CREATE(SE_WITH("\"customer\":{\"type\":\"person\"},"))}},
    {"refuses-merchant-reference2", {CREATE(SE_WITH("\"merchant_reference2\":\"R2\","))}},
    {"refuses-merchant-data", {CREATE(SE_WITH("\"merchant_data\":\"{}\","))}},
    {"refuses-shipping-address", {CREATE(SE_WITH("\"shipping_address\":{\"country\":\"SE\"},"))}},
    {"refuses-intent", {CREATE(SE_WITH("\"intent\":\"buy\","))}},
    {"refuses-product-identifiers",
     {CREATE(SE_LINE("\"product_identifiers\":{\"brand\":\"Acme\"},"))}},
    {"refuses-line-merchant-data", {CREATE(SE_LINE("\"merchant_data\":\"x\","))}},
    {"refuses-subscription",
     {CREATE(SE_LINE(
         "\"subscription\":{\"name\":\"Box\",\"interval\":\"MONTH\",\"interval_count\":1},"))}},
    {"bad-value-as-invalid-request", {CREATE(CART("SE", "SEK", "sv-SE", 10001, 2000, LINE("")))}},
    {"bad-value-as-422", {CREATE(CART("SE", "SEK", "sv-SE", 10001, 2000, LINE("")))}},
    {"update-not-found-as-400", {{"POST", UNKNOWN, TM_UPDATE_SE, AUTH}}},
    {"read-not-found-no-body", {{"GET", UNKNOWN, NULL, AUTH}}},
    {"not-json-as-bad-value", {{"POST", SESSIONS, "{", AUTH}}},
    {"update-200", {CREATE(NULL), UPDATE(TM_UPDATE_SE)}},
    {"create-201", {CREATE(NULL)}},
    {"no-correlation-id", {{"GET", UNKNOWN, NULL, AUTH}}},
    {"correlation-header-differs", {{"GET", UNKNOWN, NULL, AUTH}}},
    {"error-messages-string", {{"GET", UNKNOWN, NULL, AUTH}}},
    {"unauthorized-json", {{"GET", UNKNOWN, NULL, NO_AUTH}}},
    {"no-www-authenticate", {{"GET", UNKNOWN, NULL, NO_AUTH}}},
    {"no-client-token", {CREATE(NULL)}},
    {"no-payment-method-categories", {CREATE(NULL)}},
    {"session-id-uppercase", {CREATE(NULL)}},
    {"client-token-not-jwt", {CREATE(NULL)}},
    {"read-no-status", {CREATE(NULL), READ}},
    {"update-not-persisted", {CREATE(NULL), UPDATE(TM_UPDATE_SE), READ}},
    {"update-no-merge", {CREATE(NULL), UPDATE(TM_UPDATE_SE), READ}},
    {"rejected-update-applied",
     {CREATE(NULL),
      UPDATE("{\"order_amount\":20000,\"order_tax_amount\":1,\"order_lines\":[{\"name\":\"Boot\","
             "\"quantity\":2,\"unit_price\":10000,\"tax_rate\":2500,\"total_amount\":20000,"
             "\"total_tax_amount\":4000}]}"),
      READ}},
    {"never-expire",
     {CREATE(NULL), {"POST", "/__admin/clock", "{\"advance_s\":176400}", NO_AUTH}, READ}},
    {"completed-updatable",
     {CREATE(NULL),
      {"POST", "/__admin/sessions/{id}/complete", "{}", NO_AUTH},
      UPDATE(TM_UPDATE_SE)}},
    {"readonly-echoed", {CREATE(SE_WITH("\"status\":\"complete\",")), READ}},
    {"password-not-checked", {{"GET", UNKNOWN, NULL, "kpmock:wrong"}}},
    {"username-not-checked", {{"GET", UNKNOWN, NULL, "wrong:kpmock"}}},
    {"no-auth", {{"GET", UNKNOWN, NULL, NO_AUTH}}},
    {"no-body-limit", {CREATE(BIG_BODY)}},
};

/* Expands $rep(N,s) (s may hold commas, not ')') and $big; returns a malloc'd string. */
static char *expand(const char *text)
{
    size_t cap = 1024, len = 0;
    char *out = malloc(cap);

    cr_assert_not_null(out);
    if (strcmp(text, BIG_BODY) == 0)
        text = SE_WITH("\"padding\":\"$rep(70000,p)\",");
    for (const char *p = text; *p;) {
        const char *piece = p;
        size_t piece_len = 1, times = 1;
        if (strncmp(p, "$rep(", 5) == 0) {
            char *end;
            times = strtoul(p + 5, &end, 10);
            piece = end + 1;
            p = strchr(piece, ')');
            cr_assert_not_null(p);
            piece_len = (size_t)(p - piece);
        }
        p++; /* past the character, or past the ')' of $rep */
        while (len + piece_len * times + 1 > cap) {
            out = realloc(out, cap *= 2);
            cr_assert_not_null(out);
        }
        for (size_t k = 0; k < times; k++, len += piece_len)
            memcpy(out + len, piece, piece_len);
    }
    out[len] = '\0';
    return out;
}

/* Blanks the string value of every member named key in the JSON text. */
static void blank_member(char *body, const char *key)
{
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\":\"", key);
    for (char *p = strstr(body, needle); p; p = strstr(p, needle)) {
        char *v = p + strlen(needle);
        char *end = strchr(v, '"');
        if (!end)
            return;
        memmove(v, end, strlen(end) + 1);
        p = v;
    }
}

/* The comparable form of an answer (see the top of the file); the caller frees it. */
static char *signature(const tm_resp *r)
{
    char *type = tm_header(r, "Content-Type"), *www = tm_header(r, "WWW-Authenticate");
    char *corr = tm_header(r, "Klarna-Correlation-Id"), *body = strdup(r->body ? r->body : "");
    const char *corr_state = "absent";
    size_t n;
    char *sig;

    cr_assert_not_null(body);
    if (corr) {
        char needle[80];
        snprintf(needle, sizeof needle, "\"correlation_id\":\"%s\"", corr);
        corr_state = strstr(body, needle) ? "same" : "differs";
    }
    blank_member(body, "correlation_id");
    blank_member(body, "expires_at");
    n = strlen(body) + 256;
    sig = malloc(n);
    cr_assert_not_null(sig);
    snprintf(sig, n, "%ld|%s|www=%s|corr=%s|%s", r->status, type ? type : "-", www ? "yes" : "no",
             corr_state, body);
    free(type);
    free(www);
    free(corr);
    free(body);
    return sig;
}

/* Runs row's steps on a fresh mock emulating defect (NULL = none); returns the last
 * answer's signature. */
static char *run_row(const defect_row *row, const char *defect)
{
    mock_config cfg;
    mock_server *srv;
    char id[64] = "none", *sig = NULL;
    const char *names[1] = {defect};

    tm_config(&cfg);
    cfg.max_body_bytes = 65536;
    cfg.defects = names;
    cfg.n_defects = defect ? 1 : 0;
    srv = tm_start(&cfg);
    for (size_t i = 0; i < MAX_STEPS && row->steps[i].method; i++) {
        const step *st = &row->steps[i];
        char path[256], *body = expand(st->body ? st->body : (i == 0 ? TM_SESSION_SE : ""));
        const char *at = strstr(st->path, "{id}");
        tm_resp r;
        if (at)
            snprintf(path, sizeof path, "%.*s%s%s", (int)(at - st->path), st->path, id, at + 4);
        else
            snprintf(path, sizeof path, "%s", st->path);
        tm_request(mock_server_url(srv), st->method, path, st->method[0] == 'G' ? NULL : body,
                   st->userpwd, NULL, &r);
        if (i == 0 && strcmp(st->path, SESSIONS) == 0 && r.body) {
            cJSON *j = tm_json(&r);
            cJSON *sid = cJSON_GetObjectItemCaseSensitive(j, "session_id");
            if (cJSON_IsString(sid))
                snprintf(id, sizeof id, "%s", sid->valuestring);
            cJSON_Delete(j);
        }
        free(sig);
        sig = signature(&r);
        tm_resp_free(&r);
        free(body);
    }
    mock_server_stop(srv);
    return sig;
}

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

TestSuite(mock_defects, .init = setup);

Test(mock_defects, each_defect_changes_the_answer_it_names)
{
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *clean = run_row(&rows[i], NULL);
        char *bent = run_row(&rows[i], rows[i].defect);
        cr_expect_str_neq(clean, bent, "%s: the defect changes nothing: %.300s", rows[i].defect,
                          clean);
        free(clean);
        free(bent);
    }
}

Test(mock_defects, every_defect_has_a_row_and_every_row_a_defect)
{
    size_t n = mock_defect_count();
    cr_assert_eq(sizeof rows / sizeof *rows, n, "%zu rows for %zu defects",
                 sizeof rows / sizeof *rows, n);
    for (size_t i = 0; i < n; i++) {
        const mock_defect_info *d = mock_defect_at(i);
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(rows[k].defect, d->name) == 0;
        cr_expect(found, "defect %s has no row", d->name);
    }
    cr_assert_null(mock_defect_at(n));
}

/* True when name is kebab-case: lower-case words of letters and digits joined by '-'. */
static bool kebab(const char *name)
{
    if (!*name || *name == '-')
        return false;
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              (*p == '-' && p[1] && p[1] != '-')))
            return false;
    }
    return true;
}

static cJSON *load_contract(void)
{
    const char *dir = getenv("KPCT_CASES_DIR");
    char path[1024];
    FILE *f;
    char *text;
    long n;
    cJSON *doc;

    cr_assert_not_null(dir, "KPCT_CASES_DIR is not set");
    snprintf(path, sizeof path, "%s/contract.json", dir);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = malloc((size_t)n + 1);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    doc = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(doc, "%s is not JSON", path);
    return doc;
}

static bool clause_known(const cJSON *contract, const char *id)
{
    const cJSON *clauses = cJSON_GetObjectItemCaseSensitive(contract, "clauses"), *c;
    cJSON_ArrayForEach(c, clauses)
    {
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(c, "id");
        if (cJSON_IsString(cid) && strcmp(cid->valuestring, id) == 0)
            return true;
    }
    return false;
}

Test(mock_defects, names_are_unique_kebab_case_and_clauses_exist)
{
    cJSON *contract = load_contract();
    size_t n = mock_defect_count();
    cr_assert_geq(n, 40);
    for (size_t i = 0; i < n; i++) {
        const mock_defect_info *d = mock_defect_at(i);
        cr_expect(kebab(d->name), "%s is not kebab-case", d->name);
        cr_expect_eq(mock_defect_lookup(d->name), (int)i, "%s is not found at %zu", d->name, i);
        cr_expect(d->breaks[0] && !strchr(d->breaks, '\t') && !strchr(d->breaks, '\n'),
                  "%s: what it breaks must be one line", d->name);
        cr_expect(clause_known(contract, d->clause), "%s: no clause %s in contract.json", d->name,
                  d->clause);
    }
    cr_expect_eq(mock_defect_lookup("no-such-defect"), -1);
    cr_expect_eq(mock_defect_lookup(NULL), -1);
    cr_expect_eq(mock_defect_lookup("No-Locale-Check"), -1);
    cJSON_Delete(contract);
}

Test(mock_defects, start_refuses_an_unknown_defect_by_name)
{
    mock_config cfg;
    mock_server *srv = NULL;
    const char *names[] = {"no-locale-check", "no-such-defect"};
    char err[256] = "";

    tm_config(&cfg);
    cfg.defects = names;
    cfg.n_defects = 2;
    cr_assert_eq(mock_server_start(&cfg, &srv, err, sizeof err), -1);
    cr_assert_null(srv);
    cr_assert_str_eq(err, "unknown defect 'no-such-defect' (kpmock --list-defects lists them)");
}

/* Runs kpmock with args and returns its exit status; out gets its stdout and stderr. */
static int run_kpmock(char *const *args, char *out, size_t outlen)
{
    char *argv[8] = {getenv("KPMOCK_BIN")};
    size_t n = 0, got;
    tm_child c;

    cr_assert_not_null(argv[0], "KPMOCK_BIN is not set");
    for (size_t i = 0; args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    c = tm_spawn(argv, true);
    while (n + 1 < outlen && (got = fread(out + n, 1, outlen - 1 - n, c.out)) > 0)
        n += got;
    out[n] = '\0';
    fclose(c.out);
    return tm_wait_exit(c.pid);
}

Test(mock_defects, list_defects_prints_one_tab_separated_line_per_defect)
{
    static char out[65536];
    char *args[] = {"--list-defects", NULL};
    char *line, *save = NULL;
    size_t i = 0;

    cr_assert_eq(run_kpmock(args, out, sizeof out), 0);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
        const mock_defect_info *d = mock_defect_at(i);
        char expect[512];
        cr_assert_not_null(d, "more lines than defects: %s", line);
        snprintf(expect, sizeof expect, "%s\t%s\t%s", d->name, d->breaks, d->clause);
        cr_expect_str_eq(line, expect);
    }
    cr_expect_eq(i, mock_defect_count());
}

Test(mock_defects, an_unknown_defect_is_a_usage_error_naming_the_option)
{
    char out[1024];
    char *args[] = {"--defect", "no-such-defect", NULL};

    cr_assert_eq(run_kpmock(args, out, sizeof out), 64);
    cr_assert_str_eq(out,
                     "kpmock: --defect: unknown defect 'no-such-defect' (kpmock --list-defects "
                     "lists them)\n");
}

Test(mock_defects, the_program_takes_several_defects_at_once)
{
    char *argv[] = {getenv("KPMOCK_BIN"), "--port",          "0", "--defect", "create-201",
                    "--defect",           "no-client-token", NULL};
    char url[128];
    tm_child c;
    tm_resp r;

    cr_assert_not_null(argv[0], "KPMOCK_BIN is not set");
    c = tm_spawn(argv, false);
    tm_listening(c.out, "http", url, sizeof url);
    tm_request(url, "POST", SESSIONS, TM_SESSION_SE, AUTH, NULL, &r);
    cr_expect_eq(r.status, 201, "%s", r.body);
    cr_expect_null(strstr(r.body ? r.body : "", "client_token"), "%s", r.body);
    cr_expect_not_null(strstr(r.body ? r.body : "", "session_id"), "%s", r.body);
    tm_resp_free(&r);
    kill(c.pid, SIGTERM);
    cr_expect_eq(tm_wait_exit(c.pid), 0);
    fclose(c.out);
}
