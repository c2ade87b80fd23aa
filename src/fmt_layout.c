/*
 * fmt_layout.c — the canonical layout of a .schema file, as `schemac fmt`
 * writes it: two spaces per brace level, continuation lines two more,
 * column types aligned within a run of columns, one item per line, at most
 * one blank line in a row, one between declarations that have a block,
 * no trailing spaces.
 *
 * Only whitespace outside tokens, SQL fragments and block comments changes
 * (f->verbatim marks the rest): a fragment is copied into the SQL as
 * written, so a line that begins inside one is left exactly as it is.
 */
#include "schemac.h"

#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* verbatim[i]: the boundary before byte i is inside something kept whole.
 * True if every boundary in [from, to] is free. */
static bool free_span(const FmtFile *f, size_t from, size_t to)
{
    for (size_t i = from; i <= to && i < f->len; i++)
        if (f->verbatim[i])
            return false;
    return true;
}

static bool spaces_only(const FmtFile *f, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_space(f->text[i]))
            return false;
    return true;
}

void fmt_split_items(const FmtFile *f, Buf *out)
{
    size_t at = 0;
    for (int i = 0; i + 1 < f->ntoks && f->toks[i + 1].kind != TK_EOF; i++) {
        const Token *t = &f->toks[i], *n = &f->toks[i + 1];
        size_t end = t->off + t->len;
        bool breaks = tok_punct(t, ';') ||
                      (tok_punct(t, '{') && !tok_punct(n, '}')) ||
                      (tok_punct(n, '}') && !tok_punct(t, '{'));
        if (!breaks || !spaces_only(f, end, n->off) ||
            !free_span(f, end, n->off))
            continue;
        buf_put(out, f->text + at, end - at);
        buf_putc(out, '\n');
        at = n->off;
    }
    buf_put(out, f->text + at, f->len - at);
}

/* ------------------------------------------------------------ lines */

typedef enum { LINE_VERBATIM, LINE_BLANK, LINE_COMMENT, LINE_CODE } LineKind;

typedef struct Line {
    LineKind kind;
    size_t start, end;        /* without the newline */
    size_t body, body_end;    /* without leading and trailing spaces */
    int depth;                /* braces open at its first token */
    bool item_start;          /* after `;`, `{`, `}` or at the top */
    bool opens, closes;       /* ends with `{`; begins with `}` */
    int column;               /* f->cols index of a column line, or -1 */
    int width;                /* its group's widest column name */
    bool gap_before;          /* a blank line goes before it */
} Line;

typedef struct Layout {
    const FmtFile *f;
    Line *lines;
    int nlines;
    int *depth;               /* braces open before each token */
} Layout;

static int utf8_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void count_depths(Layout *l)
{
    const FmtFile *f = l->f;
    l->depth = calloc((size_t)f->ntoks + 1, sizeof *l->depth);
    int d = 0;
    for (int i = 0; i < f->ntoks; i++) {
        l->depth[i] = d;
        if (tok_punct(&f->toks[i], '{'))
            d++;
        else if (tok_punct(&f->toks[i], '}') && d > 0)
            d--;
    }
}

/* The first token at or after off (the EOF token if none). */
static int token_at(const FmtFile *f, size_t off, int from)
{
    int i = from;
    while (i < f->ntoks - 1 && f->toks[i].off < off)
        i++;
    return i;
}

static int column_at(const FmtFile *f, size_t off, size_t line_end)
{
    for (int k = 0; k < f->ncols; k++)
        if (f->cols[k].name_off == off && f->cols[k].type_off < line_end &&
            free_span(f, off + f->cols[k].name_len, f->cols[k].type_off))
            return k;
    return -1;
}

/* What one free line holds; tok is the first token at or after it. */
static void classify(Layout *l, Line *ln, int tok)
{
    const FmtFile *f = l->f;
    const Token *t = &f->toks[tok];
    const Token *prev = tok > 0 ? &f->toks[tok - 1] : NULL;
    ln->depth = l->depth[tok];
    ln->item_start = !prev || tok_punct(prev, ';') || tok_punct(prev, '{') ||
                     tok_punct(prev, '}');
    if (t->kind == TK_EOF || t->off >= ln->body_end) {
        ln->kind = LINE_COMMENT;
        return;
    }
    ln->kind = LINE_CODE;
    ln->closes = t->off == ln->body && tok_punct(t, '}');
    if (ln->closes && ln->depth > 0)
        ln->depth--;
    int last = tok;
    while (f->toks[last + 1].kind != TK_EOF &&
           f->toks[last + 1].off < ln->body_end)
        last++;
    ln->opens = tok_punct(&f->toks[last], '{') &&
                f->toks[last].off + 1 == ln->body_end;
    ln->column = t->off == ln->body ? column_at(f, t->off, ln->end) : -1;
}

static void split_lines(Layout *l)
{
    const FmtFile *f = l->f;
    int cap = 1;
    for (size_t i = 0; i < f->len; i++)
        cap += f->text[i] == '\n';
    l->lines = calloc((size_t)cap, sizeof *l->lines);
    int tok = 0;
    for (size_t s = 0; s < f->len;) {
        const char *nl = memchr(f->text + s, '\n', f->len - s);
        size_t e = nl ? (size_t)(nl - f->text) : f->len;
        Line *ln = &l->lines[l->nlines++];
        *ln = (Line){.start = s, .end = e, .body = s, .body_end = e,
                     .column = -1};
        if (e == f->len || !f->verbatim[e])
            while (ln->body_end > s && is_space(f->text[ln->body_end - 1]))
                ln->body_end--;
        tok = token_at(f, s, tok);
        if (s > 0 && f->verbatim[s - 1]) {
            ln->kind = LINE_VERBATIM;
        } else {
            while (ln->body < ln->body_end && is_space(f->text[ln->body]))
                ln->body++;
            if (ln->body == ln->body_end)
                ln->kind = LINE_BLANK;
            else
                classify(l, ln, tok);
        }
        s = e + 1;
    }
}

/* ------------------------------------------------------------ decisions */

/* Columns align in runs that no blank line or other item interrupts. */
static void group_columns(Layout *l)
{
    int first = 0, widest = 0;
    for (int i = 0; i <= l->nlines; i++) {
        Line *ln = i < l->nlines ? &l->lines[i] : NULL;
        bool ends = !ln || ln->kind == LINE_BLANK ||
                    (ln->kind == LINE_CODE && ln->item_start &&
                     ln->column < 0);
        if (ends) {
            for (int k = first; k < i; k++)
                l->lines[k].width = widest;
            first = i + 1;
            widest = 0;
        } else if (ln->column >= 0) {
            const FmtColumn *c = &l->f->cols[ln->column];
            int w = utf8_width(l->f->text + c->name_off, c->name_len);
            widest = w > widest ? w : widest;
        }
    }
}

/* Whether the declaration starting at token tok has a { block. */
static bool has_block(const FmtFile *f, int tok)
{
    for (int i = tok; f->toks[i].kind != TK_EOF; i++) {
        if (tok_punct(&f->toks[i], '{'))
            return true;
        if (tok_punct(&f->toks[i], ';'))
            return false;
    }
    return false;
}

/* Whether line k - 1 belongs to a comment between declarations: a comment
 * line, or a line inside a block comment that one began. */
static bool comment_above(const Layout *l, int k)
{
    const Line *p = &l->lines[k - 1];
    if (p->kind == LINE_COMMENT)
        return p->depth == 0 && p->item_start;
    while (p->kind == LINE_VERBATIM && p > l->lines)
        p--;
    return p->kind == LINE_COMMENT && p->depth == 0 && p->item_start &&
           l->f->text[p->body] == '/' && k - 1 > p - l->lines;
}

/* A blank line before a top-level declaration (and the comments just above
 * it) when it or the one before it has a block. */
static void mark_gaps(Layout *l)
{
    const FmtFile *f = l->f;
    for (int i = 0; i < l->nlines; i++) {
        Line *ln = &l->lines[i];
        if (ln->kind != LINE_CODE || ln->depth != 0 || !ln->item_start ||
            ln->closes)
            continue;
        int tok = token_at(f, ln->body, 0);
        if (tok == 0 ||
            !(tok_punct(&f->toks[tok - 1], '}') || has_block(f, tok)))
            continue;
        int k = i;
        while (k > 0 && comment_above(l, k))
            k--;
        if (k > 0 && l->lines[k - 1].kind != LINE_BLANK)
            l->lines[k].gap_before = true;
    }
}

/* ------------------------------------------------------------ output */

static void indent(Buf *out, int n)
{
    for (int i = 0; i < n; i++)
        buf_putc(out, ' ');
}

/* A column line: name, padding to the group's type column, the rest. */
static void put_column(Layout *l, const Line *ln, Buf *out)
{
    const FmtColumn *c = &l->f->cols[ln->column];
    int w = utf8_width(l->f->text + c->name_off, c->name_len);
    buf_put(out, l->f->text + c->name_off, c->name_len);
    indent(out, ln->width - w + 1);
    buf_put(out, l->f->text + c->type_off, ln->body_end - c->type_off);
}

static int orig_indent(const Line *ln)
{
    return (int)(ln->body - ln->start);
}

/*
 * Where a continuation line goes: under the type of the column line it
 * continues if it was there; else as far past its item's first line as it
 * was (SQL laid out by hand keeps its shape), at least two spaces (none for
 * a closing parenthesis).
 */
static int continuation(Layout *l, int i, int base)
{
    const Line *ln = &l->lines[i];
    char c = l->f->text[ln->body];
    int least = c == ')' || c == ']' ? 0 : 2;
    for (int k = i - 1; k >= 0; k--) {
        const Line *p = &l->lines[k];
        if (p->kind != LINE_CODE || !p->item_start)
            continue;
        if (p->column >= 0 &&
            l->f->cols[p->column].type_off - p->start == ln->body - ln->start)
            return base + p->width + 1;
        int rel = orig_indent(ln) - orig_indent(p);
        return base + (rel > least ? rel : least);
    }
    return base + least;
}

static bool drops_blank(const Layout *l, int i, const Line *last)
{
    if (!last || last->kind == LINE_BLANK ||
        (last->kind != LINE_VERBATIM && last->opens))
        return true;
    for (int k = i + 1; k < l->nlines; k++) {
        const Line *n = &l->lines[k];
        if (n->kind == LINE_BLANK)
            continue;
        return n->kind == LINE_CODE && n->closes;
    }
    return true;   /* blank lines at the end */
}

static void put_line(Layout *l, int i, Buf *out)
{
    const Line *ln = &l->lines[i];
    const char *t = l->f->text;
    if (ln->kind == LINE_VERBATIM) {
        buf_put(out, t + ln->start, ln->body_end - ln->start);
    } else if (ln->kind != LINE_BLANK) {
        int base = 2 * ln->depth;
        int n = ln->item_start || ln->closes ? base : continuation(l, i, base);
        indent(out, n);
        if (ln->column >= 0)
            put_column(l, ln, out);
        else
            buf_put(out, t + ln->body, ln->body_end - ln->body);
    }
    buf_putc(out, '\n');
}

void fmt_layout(const FmtFile *f, Buf *out)
{
    Layout l = {f, NULL, 0, NULL};
    count_depths(&l);
    split_lines(&l);
    group_columns(&l);
    mark_gaps(&l);
    const Line *last = NULL;
    for (int i = 0; i < l.nlines; i++) {
        const Line *ln = &l.lines[i];
        if (ln->kind == LINE_BLANK && drops_blank(&l, i, last))
            continue;
        if (ln->gap_before && last && last->kind != LINE_BLANK)
            buf_putc(out, '\n');
        put_line(&l, i, out);
        last = ln;
    }
    free(l.lines);
    free(l.depth);
}
