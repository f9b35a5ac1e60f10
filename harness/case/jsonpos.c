/* jsonpos: byte offsets of every cJSON item, found by re-scanning the source text in
 * step with a pre-order walk of the tree (see jsonpos.h). */
#include "jsonpos.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Where one item starts. Offsets are 32-bit: jsonpos_build refuses longer texts. */
typedef struct slot {
    const cJSON *item;
    uint32_t key_off; /* NO_KEY: no key */
    uint32_t val_off;
} slot;

#define NO_KEY UINT32_MAX

/* 16 bytes an item and 4 a line, sized once: the slots are written in document order
 * and then sorted by item address for a binary search (a document's map lives as long
 * as its load, beside a cJSON tree of 64 bytes an item). */
struct jsonpos {
    slot *slots; /* sorted by item address once built */
    size_t n_slots, cap_slots;
    uint32_t *line_starts;
    size_t n_lines;
};

typedef struct scan {
    const char *s;
    size_t len, i;
    jsonpos *map;
    int ok;
} scan;

static void put(jsonpos *m, const cJSON *item, size_t key_off, size_t val_off)
{
    if (m->n_slots < m->cap_slots)
        m->slots[m->n_slots++] =
            (slot){item, key_off == SIZE_MAX ? NO_KEY : (uint32_t)key_off, (uint32_t)val_off};
}

static int by_item(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const slot *)a)->item, y = (uintptr_t)((const slot *)b)->item;
    return (x > y) - (x < y);
}

static const slot *find(const jsonpos *m, const cJSON *item)
{
    if (!m || !item || !m->n_slots)
        return NULL;
    slot key = {.item = item};
    return bsearch(&key, m->slots, m->n_slots, sizeof *m->slots, by_item);
}

static void skip_ws(scan *sc)
{
    while (sc->i < sc->len && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
                               sc->s[sc->i] == '\n' || sc->s[sc->i] == '\r'))
        sc->i++;
}

static void skip_string(scan *sc)
{
    sc->i++; /* opening quote */
    while (sc->i < sc->len && sc->s[sc->i] != '"') {
        if (sc->s[sc->i] == '\\' && sc->i + 1 < sc->len)
            sc->i++;
        sc->i++;
    }
    if (sc->i < sc->len)
        sc->i++;
}

/* True for the bytes that end a number or a literal (strchr would also match the NUL). */
static bool delimiter(char c)
{
    return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Scans one value at the cursor and records it (and its key) for item. */
static void scan_value(scan *sc, const cJSON *item, size_t key_off)
{
    skip_ws(sc);
    if (sc->i >= sc->len) {
        sc->ok = 0;
        return;
    }
    put(sc->map, item, key_off, sc->i);
    char c = sc->s[sc->i];
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        sc->i++;
        for (const cJSON *child = item->child; child && sc->ok; child = child->next) {
            skip_ws(sc);
            if (sc->i < sc->len && sc->s[sc->i] == ',') {
                sc->i++;
                skip_ws(sc);
            }
            size_t ko = SIZE_MAX;
            if (c == '{') {
                if (sc->i >= sc->len || sc->s[sc->i] != '"') {
                    sc->ok = 0;
                    return;
                }
                ko = sc->i;
                skip_string(sc);
                skip_ws(sc);
                if (sc->i < sc->len && sc->s[sc->i] == ':')
                    sc->i++;
            }
            scan_value(sc, child, ko);
        }
        skip_ws(sc);
        if (sc->i < sc->len && sc->s[sc->i] == close)
            sc->i++;
    } else if (c == '"') {
        skip_string(sc);
    } else {
        /* numbers, true, false, null: everything up to a delimiter */
        while (sc->i < sc->len && !delimiter(sc->s[sc->i]))
            sc->i++;
    }
}

/* Recursion depth is bounded by the caller's nesting check (case_doc.c, CASE_MAX_DEPTH). */
static size_t count_items(const cJSON *item)
{
    size_t n = 0;
    for (; item; item = item->next)
        n += 1 + count_items(item->child);
    return n;
}

jsonpos *jsonpos_build(const char *text, size_t len, const cJSON *root)
{
    if (len >= UINT32_MAX)
        return NULL;
    jsonpos *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    size_t n = root ? 1 + count_items(root->child) : 0;
    size_t lines = 1;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    m->cap_slots = n;
    m->slots = malloc((n ? n : 1) * sizeof *m->slots);
    m->line_starts = malloc(lines * sizeof *m->line_starts);
    if (!m->slots || !m->line_starts)
        goto fail;
    m->n_lines = 0;
    m->line_starts[m->n_lines++] = 0;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        m->line_starts[m->n_lines++] = (uint32_t)(p - text + 1);
    scan sc = {text, len, 0, m, 1};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        sc.i = 3;
    if (root)
        scan_value(&sc, root, SIZE_MAX);
    /* cJSON allocates items in document order, often at rising addresses: then the
     * slots are sorted already */
    size_t k = 1;
    while (k < m->n_slots && by_item(&m->slots[k - 1], &m->slots[k]) < 0)
        k++;
    if (k < m->n_slots)
        qsort(m->slots, m->n_slots, sizeof *m->slots, by_item);
    return m;
fail:
    jsonpos_free(m);
    return NULL;
}

void jsonpos_free(jsonpos *p)
{
    if (!p)
        return;
    free(p->slots);
    free(p->line_starts);
    free(p);
}

static void off_to_linecol(const jsonpos *m, size_t off, int *line, int *col)
{
    size_t lo = 0, hi = m->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)(lo + 1);
    *col = (int)(off - m->line_starts[lo] + 1);
}

int jsonpos_value(const jsonpos *p, const cJSON *item, int *line, int *col)
{
    const slot *s = find(p, item);
    if (!s) {
        *line = 1;
        *col = 1;
        return -1;
    }
    off_to_linecol(p, s->val_off, line, col);
    return 0;
}

int jsonpos_key(const jsonpos *p, const cJSON *item, int *line, int *col)
{
    const slot *s = find(p, item);
    if (!s) {
        *line = 1;
        *col = 1;
        return -1;
    }
    off_to_linecol(p, s->key_off == NO_KEY ? s->val_off : s->key_off, line, col);
    return 0;
}

void jsonpos_linecol(const char *text, size_t len, size_t off, int *line, int *col)
{
    int l = 1;
    size_t start = 0;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = (int)(off - start + 1);
}
