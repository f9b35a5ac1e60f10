/* Tests of the shared building blocks: bounded buffers, base64, atomic file writes,
 * UUID generation, UTF-8 and RFC 3339 timestamps. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "kbuf.h"
#include "kfile.h"
#include "rfc3339.h"
#include "rng.h"
#include "utf8.h"
#include "test_tmp.h"

Test(kbuf, appends_up_to_its_ceiling_and_refuses_past_it)
{
    kbuf b;
    kbuf_init(&b, 8);
    cr_assert_eq(kbuf_puts(&b, "12345"), 0);
    cr_assert_eq(kbuf_puts(&b, "678"), 0);
    cr_assert_eq(kbuf_puts(&b, "9"), -1);
    cr_assert_str_eq(kbuf_str(&b), "12345678");
    cr_assert_eq(kbuf_printf(&b, "%d", 1), -1, "a refused append leaves the buffer as it was");
    cr_assert_eq(b.len, 8);
    kbuf_free(&b);
    kbuf_free(&b);
}

Test(kbuf, append_cut_keeps_what_fits_and_says_it_cut)
{
    kbuf b;
    kbuf_init(&b, 4);
    cr_assert_eq(kbuf_append_cut(&b, "abcdef", 6), 0);
    cr_assert_str_eq(kbuf_str(&b), "abcd");
    cr_assert(b.truncated);
    kbuf_reset(&b);
    cr_assert_str_eq(kbuf_str(&b), "");
    cr_assert_not(b.truncated);
    kbuf_free(&b);
}

Test(kbuf, steal_hands_over_an_empty_string_for_an_empty_buffer)
{
    kbuf b;
    kbuf_init(&b, 16);
    char *s = kbuf_steal(&b);
    cr_assert_str_eq(s, "");
    free(s);
    cr_assert_eq(kbuf_printf(&b, "%s-%d", "x", 42), 0);
    s = kbuf_steal(&b);
    cr_assert_str_eq(s, "x-42");
    cr_assert_eq(b.len, 0);
    free(s);
}

Test(kbuf, printf_fills_the_room_it_has_and_grows_only_for_a_longer_text)
{
    kbuf b;
    kbuf_init(&b, 1000);
    cr_assert_eq(kbuf_printf(&b, "%s", "abc"), 0);
    size_t cap = b.cap;
    char *data = b.data;
    /* fits in the room the first append made: written in one pass, no new allocation */
    cr_assert_eq(kbuf_printf(&b, "%d|%s", 42, "x"), 0);
    cr_assert_eq(b.cap, cap);
    cr_assert_eq(b.data, data);
    cr_assert_str_eq(kbuf_str(&b), "abc42|x");
    /* longer than the room left: grows and writes the whole text, the old one kept */
    cr_assert_eq(kbuf_printf(&b, "%*s", 600, "y"), 0);
    cr_assert_eq(b.len, 7 + 600);
    cr_assert_eq(b.data[b.len - 1], 'y');
    cr_assert_eq(b.data[b.len], '\0');
    cr_assert_eq(memcmp(b.data, "abc42|x ", 8), 0);
    kbuf_free(&b);
}

Test(kbuf, printf_past_the_ceiling_leaves_the_buffer_as_it_was_whatever_its_room)
{
    kbuf b;
    kbuf_init(&b, 10);
    cr_assert_eq(kbuf_reserve_max(&b), 0);
    cr_assert_eq(b.cap, 11, "room for the ceiling and the NUL, no more");
    cr_assert_eq(kbuf_puts(&b, "123456"), 0);
    cr_assert_eq(kbuf_printf(&b, "%s", "abcde"), -1, "4 bytes left, 5 asked");
    cr_assert_str_eq(kbuf_str(&b), "123456");
    cr_assert_eq(b.len, 6);
    cr_assert_eq(kbuf_printf(&b, "%s", "abcd"), 0, "exactly up to the ceiling");
    cr_assert_str_eq(kbuf_str(&b), "123456abcd");
    cr_assert_eq(kbuf_printf(&b, "%s", ""), 0, "nothing more is still within it");
    cr_assert_eq(kbuf_printf(&b, "%c", 'z'), -1);
    cr_assert_str_eq(kbuf_str(&b), "123456abcd");
    kbuf_free(&b);
}

Test(kbuf, reserve_max_makes_later_appends_allocation_free)
{
    kbuf b;
    kbuf_init(&b, 5000);
    cr_assert_eq(kbuf_reserve_max(&b), 0);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(kbuf_str(&b), "");
    char *data = b.data;
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(kbuf_puts(&b, "abcde"), 0);
    cr_assert_eq(b.data, data);
    cr_assert_eq(b.len, 5000);
    cr_assert_eq(kbuf_puts(&b, "f"), -1);
    kbuf_free(&b);
}

static const struct {
    const char *plain, *std, *url;
} b64_rows[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"user:p\xff\xfe", "dXNlcjpw//4=", "dXNlcjpw__4"},
};

Test(b64, encodes_the_rfc_4648_vectors_in_both_alphabets)
{
    for (size_t i = 0; i < sizeof b64_rows / sizeof b64_rows[0]; i++) {
        char *s = b64_encode(b64_rows[i].plain, strlen(b64_rows[i].plain), 0);
        char *u = b64_encode(b64_rows[i].plain, strlen(b64_rows[i].plain), 1);
        cr_assert_str_eq(s, b64_rows[i].std, "row %zu", i);
        cr_assert_str_eq(u, b64_rows[i].url, "row %zu", i);
        size_t n = 0;
        char *back = b64_decode(s, strlen(s), &n);
        cr_assert_not_null(back);
        cr_assert_eq(n, strlen(b64_rows[i].plain));
        cr_assert_eq(memcmp(back, b64_rows[i].plain, n), 0);
        free(s);
        free(u);
        free(back);
    }
}

Test(b64, refuses_malformed_input)
{
    size_t n;
    cr_assert_null(b64_decode("Zm9v!", 5, &n));
    cr_assert_null(b64_decode("Z", 1, &n));
    cr_assert_null(b64_decode("Zm-v", 4, &n), "the URL alphabet is not standard base64");
}

static char *temp_dir(void)
{
    char d[512];
    cr_assert_not_null(test_tmp_dir(d, sizeof d, "kpct-common"));
    return strdup(d);
}

/* Removes a folder made by temp_dir, and frees its name. */
static void remove_dir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

Test(kfile, writes_atomically_into_new_folders_and_reads_back)
{
    char *dir = temp_dir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/a/b/report.json", dir);
    cr_assert_eq(kfile_write_atomic(path, "{\"x\":1}", 7, err, sizeof err), 0, "%s", err);
    size_t len = 0;
    char *data = kfile_read(path, 100, &len, err, sizeof err);
    cr_assert_not_null(data, "%s", err);
    cr_assert_eq(len, 7);
    cr_assert_str_eq(data, "{\"x\":1}");
    free(data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0644);
    remove_dir(dir);
}

Test(kfile, read_names_the_bound_when_a_file_is_too_big)
{
    char *dir = temp_dir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/big", dir);
    cr_assert_eq(kfile_write_atomic(path, "0123456789", 10, err, sizeof err), 0);
    size_t len;
    cr_assert_null(kfile_read(path, 9, &len, err, sizeof err));
    cr_assert(strstr(err, "10 bytes is over the limit of 9 bytes"), "%s", err);
    cr_assert_null(kfile_read(dir, 9, &len, err, sizeof err));
    cr_assert(strstr(err, "not a regular file"), "%s", err);
    snprintf(path, sizeof path, "%s/missing", dir);
    cr_assert_null(kfile_read(path, 9, &len, err, sizeof err));
    cr_assert(strstr(err, "No such file"), "%s", err);
    remove_dir(dir);
}

Test(kfile, a_failed_write_leaves_the_old_file_untouched)
{
    char *dir = temp_dir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/file/inside", dir);
    snprintf(err, sizeof err, "%s/file", dir);
    cr_assert_eq(kfile_write_atomic(err, "old", 3, err, sizeof err), 0);
    cr_assert_eq(kfile_write_atomic(path, "new", 3, err, sizeof err), -1);
    cr_assert(strstr(err, "cannot create"), "%s", err);
    remove_dir(dir);
}

/* The names in dir: "" when it is empty, else "name;name;...". */
static char *names_in(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A %s | tr '\\n' ';'", dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    return strdup(buf);
}

Test(kfile, writes_in_steps_and_names_the_file_only_when_complete)
{
    char *dir = temp_dir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/new/page.html", dir);
    kfile_atomic f;
    cr_assert_eq(kfile_begin(&f, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(kfile_put(&f, "<p>", 3), 0);
    cr_assert_eq(access(path, F_OK), -1, "the name appears only once the file is complete");
    cr_assert_eq(kfile_put(&f, "one</p>", 7), 0);
    cr_assert_eq(kfile_commit(&f, err, sizeof err), 0, "%s", err);
    size_t len = 0;
    char *data = kfile_read(path, 100, &len, err, sizeof err);
    cr_assert_str_eq(data, "<p>one</p>");
    free(data);
    snprintf(err, sizeof err, "%s/new", dir);
    char *names = names_in(err);
    cr_expect_str_eq(names, "page.html;", "no temporary file is left");
    free(names);

    /* abandoned: the old file stays, the temporary goes */
    cr_assert_eq(kfile_begin(&f, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(kfile_put(&f, "half", 4), 0);
    kfile_abandon(&f);
    kfile_abandon(&f); /* twice is harmless */
    data = kfile_read(path, 100, &len, err, sizeof err);
    cr_expect_str_eq(data, "<p>one</p>");
    free(data);
    snprintf(err, sizeof err, "%s/new", dir);
    names = names_in(err);
    cr_expect_str_eq(names, "page.html;");
    free(names);
    remove_dir(dir);
}

Test(kfile, a_write_that_fails_midway_is_reported_by_the_commit_and_leaves_nothing)
{
    char *dir = temp_dir();
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/big.json", dir);
    /* a file size limit: write fails with EFBIG (the disk-full case), not a signal */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
    kfile_atomic f;
    cr_assert_eq(kfile_begin(&f, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    char block[1024];
    memset(block, 'x', sizeof block);
    int failed_at = -1;
    for (int i = 0; i < 8 && failed_at < 0; i++)
        if (kfile_put(&f, block, sizeof block) < 0)
            failed_at = i;
    cr_expect_eq(failed_at, 4, "the fifth kilobyte is over the limit");
    cr_expect_eq(kfile_put(&f, "more", 4), -1, "puts after a failure do nothing");
    cr_expect_eq(kfile_commit(&f, err, sizeof err), -1);
    lim.rlim_cur = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &lim);
    cr_expect(strstr(err, "cannot write ") && strstr(err, "big.json: File too large"), "%s", err);
    char *names = names_in(dir);
    cr_expect_str_eq(names, "", "neither the file nor its temporary");
    free(names);
    remove_dir(dir);
}

Test(kfile, checks_a_folder_is_writable_and_leaves_nothing_there)
{
    char *dir = temp_dir();
    char path[512], err[256];
    cr_assert_eq(kfile_check_writable(dir, err, sizeof err), 0, "%s", err);
    char *names = names_in(dir);
    cr_expect_str_eq(names, "", "neither the check's file nor its temporary stays");
    free(names);
    snprintf(path, sizeof path, "%s/plain", dir);
    cr_assert_eq(kfile_write_atomic(path, "x", 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(kfile_check_writable(path, err, sizeof err), -1, "a file is no folder");
    cr_expect(strstr(err, "cannot create"), "%s", err);
    remove_dir(dir);
}

Test(rng, makes_version_4_uuids_that_use_all_their_bits)
{
    regex_t re;
    cr_assert_eq(regcomp(&re,
                         "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                         REG_EXTENDED | REG_NOSUB),
                 0);
    kprng r;
    kprng_seed(&r, 42);
    int leading_zero = 0;
    char id[37];
    for (int i = 0; i < 64; i++) {
        kprng_uuid(&r, id);
        cr_assert_eq(regexec(&re, id, 0, NULL, 0), 0, "%s", id);
        leading_zero += strncmp(id, "00000000", 8) == 0;
    }
    cr_assert_eq(leading_zero, 0, "the top 32 bits must not be masked away");
    regfree(&re);
}

Test(rng, the_same_seed_gives_the_same_ids)
{
    kprng a, b;
    kprng_seed(&a, 7);
    kprng_seed(&b, 7);
    char x[37], y[37];
    kprng_uuid(&a, x);
    kprng_uuid(&b, y);
    cr_assert_str_eq(x, y);
    kprng_seed(&b, 8);
    kprng_uuid(&b, y);
    cr_assert_str_neq(x, y);
}

Test(utf8, decodes_valid_sequences_and_refuses_overlong_surrogate_and_out_of_range_ones)
{
    static const struct {
        const char *bytes;
        size_t len;
        uint32_t cp;
    } rows[] = {
        {"A", 1, 0x41},
        {"\xc3\xa9", 2, 0xe9},
        {"\xe2\x82\xac", 3, 0x20ac},
        {"\xf0\x9f\x98\x80", 4, 0x1f600},
        {"\xc0\xaf", 0, 0},         /* overlong '/' */
        {"\xe0\x80\xaf", 0, 0},     /* overlong, three bytes */
        {"\xed\xa0\x80", 0, 0},     /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 0, 0}, /* past U+10FFFF */
        {"\xc3", 0, 0},             /* cut short */
        {"\x80", 0, 0},             /* lone continuation byte */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint32_t cp = 0;
        size_t n = utf8_seq((const unsigned char *)rows[i].bytes, strlen(rows[i].bytes), &cp);
        cr_expect_eq(n, rows[i].len, "row %zu", i);
        if (n)
            cr_expect_eq(cp, rows[i].cp, "row %zu", i);
    }
    cr_expect_eq(utf8_chars("h\xc3\xa9llo", 6), 5);
    cr_expect_eq(utf8_chars("bad \xff", 5), -1);
    cr_expect_eq(utf8_chars("", 0), 0);
}

/* One row of the RFC 3339 table: the text, whether it is accepted, and its time. The text
 * is an array, not a pointer, because Criterion copies parameters into a fresh process. */
typedef struct rfc3339_row {
    char text[40];
    int ok;
    int64_t t;
} rfc3339_row;

ParameterizedTestParameters(rfc3339, parses_utc_times_and_refuses_everything_else)
{
    static rfc3339_row rows[] = {
        {"1970-01-01T00:00:00Z", 1, 0},
        {"2026-11-25T12:00:00Z", 1, 1795608000},
        {"2030-01-01T00:00:00+00:00", 1, 1893456000},
        {"2026-11-25T12:00:00.123Z", 1, 1795608000},
        {"2026-11-25T12:00:00.123456789Z", 1, 1795608000},
        {"2026-11-25t12:00:00z", 1, 1795608000},
        {"2028-02-29T00:00:00Z", 1, 1835395200},
        {"2000-02-29T00:00:00Z", 1, 951782400},
        {"2026-12-31T23:59:60Z", 1, 1798761600},
        {"2029-02-29T00:00:00Z", 0, 0},
        {"1900-02-29T00:00:00Z", 0, 0},
        {"2030-13-45T99:99:99Z", 0, 0},
        {"2026-02-30T00:00:00Z", 0, 0},
        {"2026-04-31T00:00:00Z", 0, 0},
        {"2026-00-10T00:00:00Z", 0, 0},
        {"2026-01-00T00:00:00Z", 0, 0},
        {"2026-11-25T24:00:00Z", 0, 0},
        {"2026-11-25T12:60:00Z", 0, 0},
        {"2026-11-25T12:00:61Z", 0, 0},
        {"2026-11-25T12:00:00+01:00", 0, 0},
        {"2026-11-25T12:00:00-00:00", 0, 0},
        {"2026-11-25 12:00:00Z", 0, 0},
        {"2026-11-25T12:00:00", 0, 0},
        {"2026-11-25T12:00:00.Z", 0, 0},
        {"2026-11-25T12:00:00ZZ", 0, 0},
        {"2026-1-25T12:00:00Z", 0, 0},
        {"", 0, 0},
    };
    return cr_make_param_array(rfc3339_row, rows, sizeof rows / sizeof rows[0]);
}

ParameterizedTest(rfc3339_row *row, rfc3339, parses_utc_times_and_refuses_everything_else)
{
    int64_t t = -1;
    int rc = rfc3339_parse_utc(row->text, &t);
    cr_assert_eq(rc == 0, row->ok, "\"%s\" should be %s", row->text,
                 row->ok ? "accepted" : "refused");
    if (row->ok)
        cr_assert_eq(t, row->t, "\"%s\" -> %lld", row->text, (long long)t);
    else
        cr_assert_eq(t, -1, "\"%s\": a refusal leaves *out untouched", row->text);
}

Test(rfc3339, refuses_null)
{
    int64_t t = 7;
    cr_assert_eq(rfc3339_parse_utc(NULL, &t), -1);
    cr_assert_eq(t, 7);
}

Test(rfc3339, formats_seconds_and_milliseconds_also_before_1970)
{
    char out[RFC3339_TEXT_MAX];
    rfc3339_format(1795608000, out);
    cr_assert_str_eq(out, "2026-11-25T12:00:00Z");
    rfc3339_format(1835395200, out);
    cr_assert_str_eq(out, "2028-02-29T00:00:00Z");
    rfc3339_format(-1, out);
    cr_assert_str_eq(out, "1969-12-31T23:59:59Z");
    rfc3339_format_ms(1795608000123, out);
    cr_assert_str_eq(out, "2026-11-25T12:00:00.123Z");
    rfc3339_format_ms(-1, out);
    cr_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
    rfc3339_format_ms(0, out);
    cr_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
}

Test(rfc3339, clamps_times_a_four_digit_year_cannot_show)
{
    char out[RFC3339_TEXT_MAX];
    rfc3339_format(INT64_MAX, out);
    cr_assert_str_eq(out, "9999-12-31T23:59:59Z");
    rfc3339_format(INT64_MIN, out);
    cr_assert_str_eq(out, "0000-01-01T00:00:00Z");
    rfc3339_format_ms(INT64_MIN, out);
    cr_assert_str_eq(out, "0000-01-01T00:00:00.192Z");
}

Test(rfc3339, every_day_from_1969_to_2101_reads_back_as_it_was_written)
{
    char out[RFC3339_TEXT_MAX];
    for (int64_t t = -86400 + 3661; t < 4133980800; t += 86400) {
        int64_t back = 0;
        rfc3339_format(t, out);
        cr_assert_eq(rfc3339_parse_utc(out, &back), 0, "%s", out);
        cr_assert_eq(back, t, "%s -> %lld, not %lld", out, (long long)back, (long long)t);
        rfc3339_format_ms(t * 1000 + 42, out);
        cr_assert_eq(rfc3339_parse_utc(out, &back), 0, "%s", out);
        cr_assert_eq(back, t, "%s", out);
    }
}
