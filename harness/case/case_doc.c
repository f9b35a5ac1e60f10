/* case_doc: a document parsed with the loader's bounds and its source positions (see
 * case_doc.h). */
#include "case_doc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case_fs.h"
#include "jsonpos.h"
#include "utf8.h"

int case_doc_reserve(case_lctx *c, size_t n)
{
    case_set *set = c->set;
    set->docs = calloc(n ? n : 1, sizeof *set->docs);
    if (!set->docs) {
        case_oom(c);
        return -1;
    }
    set->cap_docs = n;
    return 0;
}

void case_doc_clear(case_doc *d)
{
    free(d->path);
    cJSON_Delete(d->root);
    jsonpos_free(d->pos);
    *d = (case_doc){0};
}

void case_doc_drop_positions(case_set *set)
{
    for (size_t i = 0; i < set->n_docs; i++) {
        jsonpos_free(set->docs[i].pos);
        set->docs[i].pos = NULL;
    }
}

/* Reports why text is no JSON document: empty, cut short, or a stray byte at off. */
static void report_syntax(case_lctx *c, const char *path, const char *text, size_t len,
                          const char *end)
{
    int line, col;
    size_t off = end && end >= text ? (size_t)(end - text) : 0;
    jsonpos_linecol(text, len, off, &line, &col);
    bool rest_blank = true;
    for (size_t i = off; i < len && rest_blank; i++)
        rest_blank = strchr(" \t\r\n", text[i]) != NULL;
    if (rest_blank)
        jsonpos_linecol(text, len, len, &line, &col);
    if (len == 0 || strspn(text, " \t\r\n") == len)
        case_ferr(c, path, 1, 1, "empty file: expected a JSON object");
    else if (off >= len || rest_blank)
        case_ferr(c, path, line, col, "JSON syntax error: unexpected end of file");
    else
        case_ferr(c, path, line, col, "JSON syntax error at '%c'",
                  (unsigned char)text[off] >= 0x20 && (unsigned char)text[off] < 0x7f ? text[off]
                                                                                      : '?');
}

/* What the pass before cJSON found: cJSON takes any bytes, cuts a string at a \u0000
 * without a word and recurses once per level. */
typedef enum text_problem { TEXT_BAD_UTF8, TEXT_NUL_ESCAPE, TEXT_TOO_DEEP } text_problem;

/* One pass over a file before cJSON reads it: the first byte that is not valid UTF-8 or
 * the first \u0000 escape in a string (key or value), else the first '{' or '['
 * nested deeper than CASE_MAX_DEPTH. Returns its offset with *why, or -1. */
static long find_bad_text(const char *text, size_t len, text_problem *why)
{
    const unsigned char *s = (const unsigned char *)text;
    long deep = -1;
    int depth = 0;
    bool in_string = false;
    size_t i = 0;
    while (i < len) {
        unsigned char b = s[i];
        if (b >= 0x80) {
            size_t n = utf8_seq(s + i, len - i, NULL);
            if (n == 0) {
                *why = TEXT_BAD_UTF8;
                return (long)i;
            }
            i += n;
            continue;
        }
        if (b == '"') {
            in_string = !in_string;
        } else if (in_string) {
            if (b == '\\' && i + 1 < len && s[i + 1] < 0x80) {
                if (len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0) {
                    *why = TEXT_NUL_ESCAPE;
                    return (long)i;
                }
                i++; /* the escaped byte: an escaped quote does not end the string */
            }
        } else if (b == '{' || b == '[') {
            if (++depth > CASE_MAX_DEPTH && deep < 0)
                deep = (long)i; /* reported only if the text is sound */
        } else if (b == '}' || b == ']') {
            depth--;
        }
        i++;
    }
    if (deep >= 0)
        *why = TEXT_TOO_DEEP;
    return deep;
}

const case_doc *case_doc_parse(case_lctx *c, const char *path, const char *text, size_t len)
{
    case_set *set = c->set;
    case_doc d = {0};
    if (len > CASE_MAX_FILE_BYTES) {
        case_ferr(c, path, 1, 1, "file is %zu bytes, over %u (CASE_MAX_FILE_BYTES)", len,
                  CASE_MAX_FILE_BYTES);
        return NULL;
    }
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        jsonpos_linecol(text, len, (size_t)(nul - text), &line, &col);
        case_ferr(c, path, line, col, "NUL byte in a JSON file");
        return NULL;
    }
    text_problem why;
    long bad = find_bad_text(text, len, &why);
    if (bad >= 0) {
        int line, col;
        jsonpos_linecol(text, len, (size_t)bad, &line, &col);
        if (why == TEXT_NUL_ESCAPE)
            case_ferr(c, path, line, col,
                      "\\u0000 in a string: a case-file string cannot hold a NUL character");
        else if (why == TEXT_TOO_DEEP)
            case_ferr(c, path, line, col, "JSON nested deeper than %d levels (CASE_MAX_DEPTH)",
                      CASE_MAX_DEPTH);
        else
            case_ferr(c, path, line, col, "invalid UTF-8 (byte 0x%02X): a JSON file must be UTF-8",
                      (unsigned char)text[bad]);
        return NULL;
    }
    const char *end = NULL;
    d.root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (d.root && end) {
        /* cJSON stops after the first value: anything but whitespace after it is an error */
        const char *p = end;
        while (p < text + len && strchr(" \t\r\n", *p))
            p++;
        if (p < text + len) {
            cJSON_Delete(d.root);
            d.root = NULL;
            end = p;
        }
    }
    if (!d.root) {
        /* cJSON says no more than where it stopped: running out of memory while parsing
         * reads as a syntax error there, which fails the load all the same */
        report_syntax(c, path, text, len, end);
        return NULL;
    }
    d.bytes = len;
    d.pos = jsonpos_build(text, len, d.root);
    d.path = strdup(path);
    if (!d.pos || !d.path || sha256_hex(text, len, d.sha256) < 0) {
        case_oom(c);
        goto fail;
    }
    if (set->n_docs == set->cap_docs) {
        case_ferr(c, path, 1, 1, "more JSON files than when loading started (the folder changed)");
        goto fail;
    }
    set->docs[set->n_docs] = d;
    return &set->docs[set->n_docs++];
fail:
    case_doc_clear(&d);
    return NULL;
}

const case_doc *case_doc_load(case_lctx *c, const char *path)
{
    char err[320];
    size_t len = 0;
    char *text = case_fs_read(path, &len, err, sizeof err);
    if (!text) {
        case_ferr(c, path, 1, 1, "%s", err);
        return NULL;
    }
    const case_doc *doc = case_doc_parse(c, path, text, len);
    free(text);
    return doc;
}
