/* case_regex: the cost of a case file's regex, estimated from its text (see case_regex.h).
 *
 * The model, measured against glibc 2.36 (regcomp with REG_EXTENDED | REG_NOSUB):
 * X{m,n} becomes n copies of X, n-m of them optional; X{m,} m copies and a starred one;
 * X+ two copies, X* and X? one; nested bounds multiply. Each atom of that expansion costs
 * about 256 bytes (a{10000} takes 3 MB). What grows faster are the epsilon closures: from
 * a point of the regex, every piece that can be skipped (an optional copy, a starred
 * one, a group with an empty branch, an anchor) leads on to the next, so each atom's
 * closure can hold an entry per skippable piece: a{1,1000} takes 8 MB, (a?){1000} the
 * same, a{1,10000} 790 MB. The estimate is 256 * atoms + 16 * atoms * skippable bytes,
 * an upper bound (about twice what a{1,1000} takes, far more for the bombs). */
#include "case_regex.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#define BYTES_PER_ATOM    256.0
#define BYTES_PER_CLOSURE 16.0
#define BOUND_CEILING     100000.0 /* a bound is read up to here (glibc allows 32767) */
#define SUM_CEILING       1e30     /* sums stop growing here, so they stay finite */

/* A subexpression's expansion: its atoms, its skippable pieces, its ambiguous groups
 * (two or more branches that can match the empty string: glibc's closures take time
 * exponential in how many follow one another, (a?|b?){20,} takes 2 s to compile and
 * {30,} minutes), and whether it can match the empty string (then it is itself a piece
 * that can be skipped). */
typedef struct piece {
    double atoms, skippable, ambiguous;
    bool empty;
} piece;

/* One open group: its branches so far (alt: atoms and skippable pieces summed, empty
 * when one of them can match nothing), the current branch (sum, with solid counting its
 * pieces that cannot match nothing), and that branch's last piece, which a following
 * repetition applies to (has_last is false at the start of a group or of a branch). */
typedef struct frame {
    piece alt, sum, last;
    int solid, empty_branches;
    bool has_last;
} frame;

static double ceil_sum(double v)
{
    return v > SUM_CEILING ? SUM_CEILING : v;
}

/* X{m,n} (n < 0: no upper bound) applied to x. */
static piece repeat(piece x, double m, double n)
{
    piece r;
    double copies, optional;
    if (n < 0) { /* m copies and one starred */
        copies = m + 1;
        optional = 1;
    } else {
        if (n < m)
            n = m; /* glibc refuses {m,n} with n < m; count the larger */
        copies = n > 0 ? n : 1;
        optional = n - m;
    }
    r.atoms = ceil_sum(copies * x.atoms);
    r.skippable = ceil_sum(copies * x.skippable + optional);
    r.ambiguous = ceil_sum(copies * x.ambiguous);
    r.empty = m == 0 || x.empty;
    return r;
}

static frame new_frame(void)
{
    return (frame){{0, 0, 0, false}, {0, 0, 0, false}, {0, 0, 0, false}, 0, 0, false};
}

static void add_piece(frame *f, piece p)
{
    f->sum.atoms = ceil_sum(f->sum.atoms + p.atoms);
    f->sum.skippable = ceil_sum(f->sum.skippable + p.skippable);
    f->sum.ambiguous = ceil_sum(f->sum.ambiguous + p.ambiguous);
    f->solid += !p.empty;
    f->last = p;
    f->has_last = true;
}

/* Replaces the frame's last piece by its repetition. */
static void repeat_last(frame *f, double m, double n)
{
    piece r = repeat(f->last, m, n);
    f->sum.atoms = ceil_sum(f->sum.atoms - f->last.atoms + r.atoms);
    f->sum.skippable = ceil_sum(f->sum.skippable - f->last.skippable + r.skippable);
    f->sum.ambiguous = ceil_sum(f->sum.ambiguous - f->last.ambiguous + r.ambiguous);
    f->solid += (!r.empty) - (!f->last.empty);
    f->last = r;
}

/* Ends the current branch of f (at '|', ')' or the end of the regex). */
static void end_branch(frame *f)
{
    f->alt.atoms = ceil_sum(f->alt.atoms + f->sum.atoms);
    f->alt.skippable = ceil_sum(f->alt.skippable + f->sum.skippable);
    f->alt.ambiguous = ceil_sum(f->alt.ambiguous + f->sum.ambiguous);
    f->alt.empty = f->alt.empty || f->solid == 0;
    f->empty_branches += f->solid == 0;
    f->sum = (piece){0, 0, 0, false};
    f->solid = 0;
    f->has_last = false;
}

/* Reads a decimal number at re[*i] (none: -1), capped at BOUND_CEILING. */
static double read_number(const char *re, size_t len, size_t *i)
{
    double v = -1;
    while (*i < len && re[*i] >= '0' && re[*i] <= '9') {
        v = (v < 0 ? 0 : v) * 10 + (re[*i] - '0');
        if (v > BOUND_CEILING)
            v = BOUND_CEILING;
        (*i)++;
    }
    return v;
}

/* Reads a bound "{m}", "{m,}", "{m,n}" or "{,n}" at re[i] == '{'; returns the offset
 * past it, or 0 when the brace opens no bound (glibc then refuses it or takes it as a
 * literal). */
static size_t read_bound(const char *re, size_t len, size_t i, double *m, double *n)
{
    size_t j = i + 1;
    *m = read_number(re, len, &j);
    if (j < len && re[j] == ',') {
        j++;
        *n = read_number(re, len, &j); /* -1: no upper bound */
        if (*m < 0)
            *m = 0;
    } else {
        *n = *m;
    }
    if (*m < 0 || j >= len || re[j] != '}')
        return 0;
    return j + 1;
}

/* Returns the offset past the bracket expression at re[i] == '[': "[]...]" and
 * "[^]...]" keep their first ']', "[:class:]", "[=e=]" and "[.c.]" their own; an
 * unmatched bracket runs to the end. A backslash is an ordinary byte inside. */
static size_t skip_bracket(const char *re, size_t len, size_t i)
{
    i++;
    if (i < len && re[i] == '^')
        i++;
    if (i < len && re[i] == ']')
        i++;
    while (i < len) {
        if (re[i] == ']')
            return i + 1;
        if (re[i] == '[' && i + 1 < len &&
            (re[i + 1] == ':' || re[i + 1] == '=' || re[i + 1] == '.')) {
            char kind = re[i + 1];
            size_t j = i + 2;
            while (j + 1 < len && !(re[j] == kind && re[j + 1] == ']'))
                j++;
            if (j + 1 < len) {
                i = j + 2;
                continue;
            }
        }
        i++;
    }
    return len;
}

/* Closes the innermost group: it becomes one piece of the group around it. */
static void close_group(frame *stack, int *top)
{
    frame *f = &stack[*top];
    end_branch(f);
    piece g = f->alt;
    if (f->empty_branches >= 2)
        g.ambiguous = ceil_sum(g.ambiguous + 1);
    if (g.atoms < 1)
        g.atoms = 1; /* "()" is still a node */
    if (g.empty && g.skippable == 0)
        g.skippable = 1; /* an empty branch, "(a|)": the group is what can be skipped */
    (*top)--;
    add_piece(&stack[*top], g);
}

/* Whether the escape \c matches the empty string (glibc's word and buffer anchors). */
static bool empty_escape(char c)
{
    return c == 'b' || c == 'B' || c == '<' || c == '>' || c == '`' || c == '\'';
}

void case_regex_estimate(const char *re, size_t len, case_regex_cost *cost)
{
    frame stack[CASE_REGEX_MAX_DEPTH + 1];
    int top = 0, depth = 0, deepest = 0, backref = 0;
    /* glibc's word anchors cost about four times what ^ and $ do (measured: (\b){1000}) */
    const piece atom = {1, 0, 0, false}, anchor = {1, 1, 0, true}, word_anchor = {1, 4, 0, true};
    size_t i = 0;
    stack[0] = new_frame();
    while (i < len) {
        char ch = re[i];
        frame *f = &stack[top];
        double m, n;
        size_t past;
        if (ch == '(') {
            if (++depth > deepest)
                deepest = depth;
            if (depth > CASE_REGEX_MAX_DEPTH)
                break; /* refused for its depth; nothing past here is counted */
            stack[++top] = new_frame();
            i++;
        } else if (ch == ')' && top > 0) {
            close_group(stack, &top);
            depth--;
            i++;
        } else if (ch == '|') {
            end_branch(f);
            i++;
        } else if ((ch == '*' || ch == '+' || ch == '?') && f->has_last) {
            repeat_last(f, ch == '+' ? 1 : 0, ch == '?' ? 1 : -1);
            i++;
        } else if (ch == '{' && f->has_last && (past = read_bound(re, len, i, &m, &n)) > 0) {
            repeat_last(f, m, n);
            i = past;
        } else if (ch == '[') {
            add_piece(f, atom);
            i = skip_bracket(re, len, i);
        } else if (ch == '\\') {
            if (i + 1 < len && re[i + 1] >= '1' && re[i + 1] <= '9' && !backref)
                backref = re[i + 1];
            add_piece(f, i + 1 < len && empty_escape(re[i + 1]) ? word_anchor : atom);
            i += i + 1 < len ? 2 : 1;
        } else {
            /* a literal, '.', an anchor, an unmatched ')', or an operator with nothing to
             * repeat (glibc refuses those; as an atom it is counted all the same) */
            add_piece(f, ch == '^' || ch == '$' ? anchor : atom);
            i++;
        }
    }
    while (top > 0)
        close_group(stack, &top); /* an unclosed group: glibc parsed it before refusing */
    end_branch(&stack[0]);
    cost->atoms = stack[0].alt.atoms;
    cost->skippable = stack[0].alt.skippable;
    cost->ambiguous = stack[0].alt.ambiguous;
    cost->bytes = BYTES_PER_ATOM * cost->atoms + BYTES_PER_CLOSURE * cost->atoms * cost->skippable;
    cost->depth = deepest;
    cost->backref = backref ? backref - '0' : 0;
}

int case_regex_check(const char *re, size_t len, char *why, size_t whylen)
{
    if (len > CASE_REGEX_MAX_BYTES) {
        snprintf(why, whylen, "regex is %zu bytes, over %u (CASE_REGEX_MAX_BYTES)", len,
                 CASE_REGEX_MAX_BYTES);
        return -1;
    }
    case_regex_cost c;
    case_regex_estimate(re, len, &c);
    if (c.depth > CASE_REGEX_MAX_DEPTH) {
        snprintf(why, whylen, "regex groups nested deeper than %d (CASE_REGEX_MAX_DEPTH)",
                 CASE_REGEX_MAX_DEPTH);
        return -1;
    }
    if (c.ambiguous > CASE_REGEX_MAX_AMBIGUOUS) {
        snprintf(why, whylen,
                 "regex repetition too deep: %.0f copies of a group with more than one branch "
                 "that matches the empty string, over %d (CASE_REGEX_MAX_AMBIGUOUS; glibc takes "
                 "exponential time to compile them)",
                 c.ambiguous, CASE_REGEX_MAX_AMBIGUOUS);
        return -1;
    }
    if (c.backref) {
        snprintf(why, whylen,
                 "regex back-reference \\%d is not allowed (matching one can take exponential "
                 "time)",
                 c.backref);
        return -1;
    }
    if (c.bytes > CASE_REGEX_MAX_COMPILE) {
        char size[32];
        double mb = ceil(c.bytes / (1 << 20));
        if (mb < 1024)
            snprintf(size, sizeof size, "%.0f MB", mb);
        else if (mb < 1024 * 1024)
            snprintf(size, sizeof size, "%.0f GB", ceil(mb / 1024));
        else
            snprintf(size, sizeof size, "more than 1 TB");
        snprintf(why, whylen,
                 "regex repetition too deep: it expands to %.0f atoms, an estimated %s to "
                 "compile, over %u MB (CASE_REGEX_MAX_COMPILE)",
                 c.atoms, size, CASE_REGEX_MAX_COMPILE >> 20);
        return -1;
    }
    return 0;
}
