/* case_doc: one JSON document of a case folder — its bounded parse (size, NUL bytes,
 * UTF-8, \u0000 escapes, nesting, syntax, trailing text) with file:line:col diagnostics, and the
 * source positions its checks report at. Calls case_fs (for reading), jsonpos and case_diag.
 * Ownership: documents live in set->docs, in slots reserved before loading (callers
 * keep pointers into it, so it never moves), and are freed by case_doc_clear from
 * case_set_free; the text given to case_doc_parse is borrowed. */
#ifndef KPCT_CASE_DOC_H
#define KPCT_CASE_DOC_H

#include <stddef.h>

#include "case_diag.h"
#include "case_model.h"

/* Reserves n document slots in c->set (once, before any document is parsed); returns 0,
 * or -1 on OOM. */
int case_doc_reserve(case_lctx *c, size_t n);
/* Parses text[0..len) as the document called path into the next free slot of c->set;
 * returns it, or NULL after a diagnostic (or an out-of-memory mark). */
const case_doc *case_doc_parse(case_lctx *c, const char *path, const char *text, size_t len);
/* Reads the file at path and parses it as case_doc_parse does. */
const case_doc *case_doc_load(case_lctx *c, const char *path);
/* Frees a document's contents (path, tree, positions); the slot itself stays. */
void case_doc_clear(case_doc *d);
/* Frees the positions of every document of set (they serve diagnostics only). */
void case_doc_drop_positions(case_set *set);

#endif
