/* json: the mock's reading and writing of JSON text, byte for byte cJSON's own and several
 * times faster. Every update reads two texts (its body and the stored session) and writes
 * one; cJSON's parser compares each value against "null", "true" and "false" and reads
 * every number through strtod, and a printer that grows its buffer one token at a time
 * cost as much again. The reader takes the common shape (objects, arrays, strings with
 * the short escapes, integers of up to 15 digits, the three literals) itself and hands
 * everything else to cJSON, so both give the same tree for every input. */
#include "mock_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deeper documents are left to cJSON, whose own limit is CJSON_NESTING_LIMIT. */
#define FAST_DEPTH_MAX 200
/* Longest integer read here: below 10^15, so its double is exact and strtod's. */
#define FAST_DIGITS_MAX 15

typedef struct reader {
    const char *p, *end;
    int depth;
} reader;

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_blanks(reader *r)
{
    while (r->p < r->end && blank(*r->p))
        r->p++;
}

/* True at the end of the text or at a byte that may follow a value in the fast shape. */
static bool at_delimiter(const reader *r)
{
    return r->p == r->end || *r->p == ',' || *r->p == '}' || *r->p == ']' || blank(*r->p);
}

/* A string's contents after its opening quote, decoded into a cJSON-allocated copy as
 * cJSON's parse_string writes it; NULL when it holds a \u escape, a byte below 0x20 or
 * no closing quote (cJSON decides those), or on OOM. */
static char *read_string(reader *r)
{
    const char *s = r->p, *q = s;
    size_t n = 0;
    while (q < r->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            if (q + 1 >= r->end || !strchr("\"\\/bfnrt", q[1]) || q[1] == '\0')
                return NULL;
            q++;
        }
        q++;
        n++;
    }
    if (q >= r->end)
        return NULL;
    char *out = cJSON_malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = s; p < q; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        switch (*++p) {
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        default: /* " \ / */
            *o++ = *p;
            break;
        }
    }
    *o = '\0';
    r->p = q + 1;
    return out;
}

/* -?(0|[1-9][0-9]*) of at most FAST_DIGITS_MAX digits, followed by a delimiter; NULL
 * for any other number (cJSON reads it). */
static cJSON *read_integer(reader *r)
{
    const char *p = r->p;
    bool negative = *p == '-';
    uint64_t v = 0;
    size_t digits = 0;
    if (negative)
        p++;
    while (p < r->end && *p >= '0' && *p <= '9' && digits <= FAST_DIGITS_MAX) {
        v = v * 10 + (uint64_t)(*p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > FAST_DIGITS_MAX || (digits > 1 && p[-(ptrdiff_t)digits] == '0'))
        return NULL;
    r->p = p;
    if (!at_delimiter(r))
        return NULL;
    return cJSON_CreateNumber(negative ? -(double)v : (double)v);
}

static cJSON *read_value(reader *r);

/* An object or array after its opening bracket. */
static cJSON *read_container(reader *r, bool object)
{
    char close = object ? '}' : ']';
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!c || ++r->depth > FAST_DEPTH_MAX)
        goto fail;
    skip_blanks(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return c;
    }
    for (;;) {
        char *name = NULL;
        cJSON *item;
        if (object) {
            if (r->p >= r->end || *r->p != '"')
                goto fail;
            r->p++;
            if (!(name = read_string(r)))
                goto fail;
            skip_blanks(r);
            if (r->p >= r->end || *r->p != ':') {
                cJSON_free(name);
                goto fail;
            }
            r->p++;
            skip_blanks(r);
        }
        item = read_value(r);
        if (!item) {
            cJSON_free(name);
            goto fail;
        }
        item->string = name;
        cJSON_AddItemToArray(c, item); /* keeps its name: in an object it is a member */
        skip_blanks(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            skip_blanks(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            r->depth--;
            return c;
        }
        goto fail;
    }
fail:
    cJSON_Delete(c);
    return NULL;
}

/* A literal at r->p followed by a delimiter. */
static bool read_word(reader *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return at_delimiter(r);
}

/* One value at r->p (no blanks before it); NULL when it is not of the fast shape. */
static cJSON *read_value(reader *r)
{
    cJSON *v;
    if (r->p >= r->end)
        return NULL;
    switch (*r->p) {
    case '{':
    case '[':
        r->p++;
        return read_container(r, r->p[-1] == '{');
    case '"': {
        char *s;
        r->p++;
        if (!(s = read_string(r)) || !(v = cJSON_CreateNull())) {
            cJSON_free(s);
            return NULL;
        }
        v->type = cJSON_String;
        v->valuestring = s;
        return v;
    }
    case 't':
        if (!read_word(r, "true", 4) || !(v = cJSON_CreateTrue()))
            return NULL;
        v->valueint = 1; /* as cJSON's parser sets it */
        return v;
    case 'f':
        return read_word(r, "false", 5) ? cJSON_CreateFalse() : NULL;
    case 'n':
        return read_word(r, "null", 4) ? cJSON_CreateNull() : NULL;
    default:
        return (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) ? read_integer(r) : NULL;
    }
}

/* Exactly one value, blanks around it allowed (isspace after it, as mock_parse_object
 * allows); cJSON's parser for whatever the fast reader does not take. */
static cJSON *parse_whole(const char *text, size_t len)
{
    reader r = {.p = text, .end = text + len, .depth = 0};
    const char *end = NULL;
    cJSON *doc;
    skip_blanks(&r);
    doc = read_value(&r);
    while (doc && r.p < r.end && (blank(*r.p) || *r.p == '\v' || *r.p == '\f'))
        r.p++;
    if (doc && r.p == r.end)
        return doc;
    cJSON_Delete(doc);
    doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    while (doc && end && (size_t)(end - text) < len && isspace((unsigned char)*end))
        end++;
    if (doc && (!end || (size_t)(end - text) != len)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}

cJSON *mock_parse_object(const char *body, size_t len)
{
    cJSON *doc;
    if (!body || len == 0)
        return NULL;
    doc = parse_whole(body, len);
    if (doc && !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        doc = NULL;
    }
    return doc;
}

cJSON *mock_parse_json(const char *text, size_t len)
{
    return text && len ? parse_whole(text, len) : NULL;
}

/* The printer's buffer: grows by doubling, remembers a failed growth. */
typedef struct writer {
    char *buf;
    size_t len, cap;
    bool failed;
} writer;

static bool grow(writer *w, size_t n)
{
    size_t cap = w->cap ? w->cap : 256;
    char *p;
    if (w->failed)
        return false;
    while (cap - w->len < n + 1) {
        if (cap > SIZE_MAX / 4) {
            w->failed = true;
            return false;
        }
        cap *= 2;
    }
    if (!(p = realloc(w->buf, cap))) {
        w->failed = true;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

static inline void put(writer *w, const char *s, size_t n)
{
    if (w->cap - w->len < n + 1 && !grow(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static inline void put_char(writer *w, char c)
{
    if (w->cap - w->len < 2 && !grow(w, 1))
        return;
    w->buf[w->len++] = c;
}

/* A string as cJSON prints it: the two-character escapes, \u00XX for the other control
 * bytes, every other byte as it is. */
static void print_string(writer *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : ""), *run;
    put_char(w, '"');
    for (;;) {
        run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        put(w, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (*p) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
            n = 6;
        }
        put(w, esc, n);
        p++;
    }
    put_char(w, '"');
}

/* A number as cJSON prints it. Whole numbers below 10^15 print as their digits under
 * every cJSON version ("%1.15g" and the "%d" fast path agree there), and they are
 * nearly every number of a session; the rest go through cJSON itself, so fractions,
 * huge values, -0 and NaN come out exactly as the library would write them. */
static void print_number(writer *w, const cJSON *item)
{
    char digits[32];
    double d = item->valuedouble;
    if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d && !(d == 0 && signbit(d))) {
        int64_t v = (int64_t)d;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char *p = digits + sizeof digits;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        put(w, p, (size_t)(digits + sizeof digits - p));
        return;
    }
    if (!cJSON_PrintPreallocated((cJSON *)item, digits, (int)sizeof digits, 0)) {
        w->failed = true;
        return;
    }
    put(w, digits, strlen(digits));
}

static void print_value(writer *w, const cJSON *item, int depth)
{
    const cJSON *child;
    bool object;
    if (depth > 2 * CJSON_NESTING_LIMIT) { /* deeper than any tree cJSON parses */
        w->failed = true;
        return;
    }
    switch (item->type & 0xFF) {
    case cJSON_NULL:
        put(w, "null", 4);
        return;
    case cJSON_False:
        put(w, "false", 5);
        return;
    case cJSON_True:
        put(w, "true", 4);
        return;
    case cJSON_Number:
        print_number(w, item);
        return;
    case cJSON_String:
        print_string(w, item->valuestring);
        return;
    case cJSON_Raw:
        if (item->valuestring)
            put(w, item->valuestring, strlen(item->valuestring));
        else
            w->failed = true;
        return;
    case cJSON_Array:
    case cJSON_Object:
        object = cJSON_IsObject(item);
        put_char(w, object ? '{' : '[');
        for (child = item->child; child && !w->failed; child = child->next) {
            if (child != item->child)
                put_char(w, ',');
            if (object) {
                print_string(w, child->string);
                put_char(w, ':');
            }
            print_value(w, child, depth + 1);
        }
        put_char(w, object ? '}' : ']');
        return;
    default:
        w->failed = true;
        return;
    }
}

char *mock_print(const cJSON *json, size_t *len)
{
    /* no ceiling of its own: the text is bounded by the tree, and every tree the mock
     * prints is bounded by --max-body or by the store's caps */
    writer w = {0};
    if (!json || !grow(&w, 0))
        return NULL;
    print_value(&w, json, 0);
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    w.buf[w.len] = '\0';
    if (len)
        *len = w.len;
    return w.buf;
}

char *mock_print_string(const char *s, size_t *len)
{
    writer w = {0};
    if (!grow(&w, 0))
        return NULL;
    print_string(&w, s);
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    w.buf[w.len] = '\0';
    if (len)
        *len = w.len;
    return w.buf;
}
