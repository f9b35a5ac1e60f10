/* target: resolving, guarding and opening the endpoint a run talks to. */
#include "redact.h"
#include "target.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kbuf.h"
#include "mock.h"
#include "mock_admin.h"
#include "rng.h"

#define TARGET_PROBE_MAX_BYTES 4096 /* a health answer is small */

/* Retries and pacing differ by kind; the default market by region. A URL naming a
 * playground host is the playground (its quota, its region's market). */
static const target_policy policies[] = {
    {TARGET_MOCK, "mock", NULL, "mock", "SE", 0, 0, 0, 0, 0, "127.0.0.1,localhost", false},
    {TARGET_PLAYGROUND, "playground-eu", "https://api.playground.klarna.com", "eu", "SE", 2, 4, 40,
     5, 50, NULL, true},
    {TARGET_PLAYGROUND, "playground-na", "https://api-na.playground.klarna.com", "na", "US", 2, 4,
     40, 5, 50, NULL, true},
    {TARGET_PLAYGROUND, "playground-oc", "https://api-oc.playground.klarna.com", "oc", "AU", 2, 4,
     40, 5, 50, NULL, true},
    {TARGET_PLAYGROUND, NULL, NULL, NULL, "SE", 2, 4, 40, 5, 50, NULL, true},
    {TARGET_URL, NULL, NULL, NULL, "SE", 0, 0, 0, 0, 0, NULL, false},
};

#define N_POLICIES (sizeof policies / sizeof policies[0])

const target_policy *target_policies(size_t *n)
{
    *n = N_POLICIES;
    return policies;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* Returns the URL's host (new string), or NULL when it does not parse. */
static char *url_host(const char *url, char **scheme)
{
    CURLU *u = curl_url();
    char *host = NULL, *sch = NULL;
    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &sch, 0) == CURLUE_OK) {
        char *h = strdup(host), *s = strdup(sch);
        curl_free(host);
        curl_free(sch);
        curl_url_cleanup(u);
        if (!h || !s) {
            free(h);
            free(s);
            return NULL;
        }
        /* a trailing dot names the same host */
        size_t n = strlen(h);
        if (n && h[n - 1] == '.')
            h[n - 1] = '\0';
        if (scheme)
            *scheme = s;
        else
            free(s);
        return h;
    }
    curl_free(host);
    curl_free(sch);
    curl_url_cleanup(u);
    return NULL;
}

const target_policy *target_policy_of(case_target_kind kind, const char *name)
{
    char *host = name && strstr(name, "://") ? url_host(name, NULL) : NULL;
    const target_policy *found = NULL, *any = NULL, *first = NULL;
    for (size_t i = 0; i < N_POLICIES && !found; i++) {
        const target_policy *p = &policies[i];
        if (p->kind != kind)
            continue;
        if (!first)
            first = p;
        if (!p->name && !any)
            any = p;
        else if (p->name && name && !strcmp(name, p->name))
            found = p;
        else if (p->base_url && host && !strcasecmp(host, p->base_url + strlen("https://")))
            found = p;
    }
    free(host);
    /* every kind has a row: the mock's is named, the others have one for any URL */
    return found ? found : any ? any : first;
}

bool target_is_production(const char *url)
{
    char *host = url_host(url, NULL);
    bool prod = false;
    if (host) {
        bool klarna = !strcasecmp(host, "klarna.com") || ends_with(host, ".klarna.com");
        prod = klarna && !ends_with(host, ".playground.klarna.com");
    }
    free(host);
    return prod;
}

int target_resolve(const char *spec, bool allow_production, target *out, char *err, size_t errlen)
{
    target t;
    memset(&t, 0, sizeof t);
    if (!spec || !strcmp(spec, "mock")) {
        t.kind = TARGET_MOCK;
        t.name = strdup("mock");
        t.policy = target_policy_of(TARGET_MOCK, "mock");
        t.default_market = t.policy->default_market;
        t.is_kpmock = true;
        if (!t.name)
            goto oom;
        *out = t;
        return 0;
    }
    for (size_t i = 0; i < N_POLICIES; i++) {
        if (policies[i].kind != TARGET_PLAYGROUND || !policies[i].name ||
            strcmp(spec, policies[i].name))
            continue;
        t.kind = TARGET_PLAYGROUND;
        t.name = strdup(spec);
        t.base_url = strdup(policies[i].base_url);
        t.policy = &policies[i];
        t.default_market = t.policy->default_market;
        if (!t.name || !t.base_url)
            goto oom;
        *out = t;
        return 0;
    }
    /* Credentials in the URL would be shown wherever the base URL is (console, traces,
     * reports): refuse them without echoing the URL. */
    const char *authority = strstr(spec, "://");
    if (authority && memchr(authority + 3, '@', strcspn(authority + 3, "/?#"))) {
        snprintf(err, errlen,
                 "the target URL carries credentials (user:password@): remove them and set "
                 "KLARNA_USERNAME and KLARNA_PASSWORD instead (they are kept out of reports)");
        return -1;
    }
    if (strpbrk(spec, "?#")) {
        snprintf(err, errlen,
                 "target \"%s\" has a query or fragment: a base URL is scheme, host, port and "
                 "an optional path prefix",
                 spec);
        return -1;
    }
    char *scheme = NULL, *host = url_host(spec, &scheme);
    bool web = scheme && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https"));
    free(scheme);
    if (!host || !web || !strstr(spec, "://")) {
        free(host);
        snprintf(err, errlen,
                 "unknown target \"%s\": expected mock, playground-eu, playground-na, "
                 "playground-oc or an http(s) base URL",
                 spec);
        return -1;
    }
    if (target_is_production(spec) && !allow_production) {
        snprintf(err, errlen,
                 "refusing the Klarna production host %s: kpct creates real sessions; pass "
                 "--allow-production if you really mean it",
                 host);
        free(host);
        return -1;
    }
    /* a playground host given as a URL is still the playground (quotas, retries) */
    t.kind = ends_with(host, ".playground.klarna.com") ? TARGET_PLAYGROUND : TARGET_URL;
    free(host);
    t.policy = target_policy_of(t.kind, spec);
    t.default_market = t.policy->default_market;
    t.name = strdup(spec);
    t.base_url = strdup(spec);
    if (!t.name || !t.base_url)
        goto oom;
    size_t n = strlen(t.base_url);
    while (n && t.base_url[n - 1] == '/')
        t.base_url[--n] = '\0';
    *out = t;
    return 0;
oom:
    free(t.name);
    free(t.base_url);
    snprintf(err, errlen, "out of memory");
    return -2;
}

int target_credentials(target *t, uint64_t seed, char *err, size_t errlen)
{
    if (t->kind == TARGET_MOCK) {
        /* The embedded mock gets credentials made up for this run: nothing to leak. */
        kprng r;
        char user[64], pass[64];
        kprng_seed(&r, seed ^ 0x6b706374u);
        snprintf(user, sizeof user, "kpct-%016llx", (unsigned long long)kprng_next(&r));
        snprintf(pass, sizeof pass, "%016llx%016llx", (unsigned long long)kprng_next(&r),
                 (unsigned long long)kprng_next(&r));
        t->username = strdup(user);
        t->password = strdup(pass);
    } else {
        const char *u = getenv("KLARNA_USERNAME"), *p = getenv("KLARNA_PASSWORD");
        if (!u || !*u || !p || !*p) {
            snprintf(err, errlen,
                     "target %s needs credentials: set KLARNA_USERNAME and KLARNA_PASSWORD "
                     "(the API username and password for that environment and region)",
                     t->name);
            return -1;
        }
        if (strlen(u) > CASE_MAX_VAR_BYTES || strlen(p) > CASE_MAX_VAR_BYTES) {
            /* a longer secret could outrun the window the reports are redacted in */
            snprintf(err, errlen, "KLARNA_USERNAME and KLARNA_PASSWORD may have at most %u bytes",
                     CASE_MAX_VAR_BYTES);
            return -1;
        }
        t->username = strdup(u);
        t->password = strdup(p);
    }
    if (!t->username || !t->password) {
        snprintf(err, errlen, "out of memory");
        return -2;
    }
    return 0;
}

static size_t probe_body(char *p, size_t size, size_t nmemb, void *userdata)
{
    return kbuf_append(userdata, p, size * nmemb) < 0 ? 0 : size * nmemb;
}

/* GET /__admin/health: kpmock answers {"service":"kpmock"}. Any failure means "not kpmock". */
static bool probe_kpmock(const target *t, const target_options *opt)
{
    CURL *c = curl_easy_init();
    struct curl_slist *headers = NULL;
    kbuf body, url, line;
    bool yes = false;
    long status = 0;
    kbuf_init(&body, TARGET_PROBE_MAX_BYTES);
    kbuf_init(&url, 8192);
    kbuf_init(&line, CASE_MAX_RUN_HEADER_BYTES + 1);
    if (!c || kbuf_printf(&url, "%s" MOCK_ADMIN_HEALTH, t->base_url) < 0)
        goto out;
    /* a kpmock behind a gateway answers the probe only with the gateway's headers */
    for (size_t i = 0; i < opt->n_headers; i++) {
        struct curl_slist *l;
        kbuf_reset(&line);
        if (kbuf_printf(&line, "%s: %s", opt->headers[i].name, opt->headers[i].value) < 0 ||
            !(l = curl_slist_append(headers, kbuf_str(&line))))
            goto out;
        headers = l;
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_URL, kbuf_str(&url));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opt->probe_timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, opt->probe_timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, probe_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (opt->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, opt->cacert);
    if (opt->client_cert)
        curl_easy_setopt(c, CURLOPT_SSLCERT, opt->client_cert);
    if (opt->client_key)
        curl_easy_setopt(c, CURLOPT_SSLKEY, opt->client_key);
    if (opt->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (curl_easy_perform(c) != CURLE_OK)
        goto out;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200 && body.len) {
        const char *end = NULL;
        cJSON *doc = cJSON_ParseWithLengthOpts(body.data, body.len, &end, 0);
        const cJSON *svc = cJSON_GetObjectItemCaseSensitive(doc, "service");
        yes = cJSON_IsString(svc) && !strcmp(svc->valuestring, "kpmock");
        cJSON_Delete(doc);
    }
out:
    if (c)
        curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    kbuf_free(&body);
    kbuf_free(&url);
    kbuf_free(&line);
    return yes;
}

int target_open(target *t, const target_options *opt, char *err, size_t errlen)
{
    if (t->kind == TARGET_MOCK) {
        mock_config cfg;
        char why[512] = "";
        mock_config_defaults(&cfg);
        cfg.bind_address = "127.0.0.1";
        cfg.port = 0;
        cfg.username = t->username;
        cfg.password = t->password;
        cfg.seed = opt->seed ? opt->seed : 1;
        if (opt->mock_threads > cfg.threads)
            cfg.threads = opt->mock_threads;
        if (mock_server_start(&cfg, &t->mock, why, sizeof why) < 0) {
            snprintf(err, errlen, "cannot start the embedded mock: %s", why);
            return -1;
        }
        free(t->base_url);
        if (!(t->base_url = strdup(mock_server_url(t->mock)))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        return 0;
    }
    if (t->kind == TARGET_URL && opt->probe_timeout_ms > 0)
        t->is_kpmock = probe_kpmock(t, opt);
    return 0;
}

void target_forget_session(void *srv, const char *captured)
{
    mock_server_forget(srv, captured); /* a value that names no session changes nothing */
}

void target_close(target *t)
{
    if (!t)
        return;
    mock_server_stop(t->mock);
    t->mock = NULL;
    free(t->name);
    free(t->base_url);
    free(t->username);
    free(t->password);
    t->name = t->base_url = t->username = t->password = NULL;
}
