/*
 * parse.c — the parser's cursor, error reporting and recovery, names, and
 * the capture of SQL fragments as written.  Grammar rules live in
 * parse_decl.c (declarations), parse_table.c and parse_items.c (items).
 */
#include "parse.h"

#include <string.h>

const Token *parse_cur(Parser *p)
{
    return &p->tl->toks[p->pos];
}

const Token *parse_peek(Parser *p, int ahead)
{
    int i = p->pos + ahead;
    return &p->tl->toks[i < p->tl->len ? i : p->tl->len - 1];
}

const Token *parse_next(Parser *p)
{
    const Token *t = parse_cur(p);
    if (t->kind != TK_EOF)
        p->pos++;
    return t;
}

bool parse_accept(Parser *p, const char *word)
{
    if (!tok_is(parse_cur(p), word))
        return false;
    p->pos++;
    return true;
}

bool parse_accept_punct(Parser *p, char c)
{
    if (!tok_punct(parse_cur(p), c))
        return false;
    p->pos++;
    return true;
}

/* Long tokens are cut so that one bad token cannot flood the output. */
static const char *describe(Parser *p, const Token *t)
{
    if (t->kind == TK_EOF)
        return "end of file";
    size_t n = t->len > 24 ? 24 : t->len;
    const char *nl = memchr(tok_text(t), '\n', n);
    if (nl)  /* one line per message: cut a multi-line token there */
        n = (size_t)(nl - tok_text(t));
    return arena_printf(p->arena, "'%.*s%s'", (int)n, tok_text(t),
                        t->len > n ? "..." : "");
}

void parse_error_expected(Parser *p, const char *what)
{
    const Token *t = parse_cur(p);
    if (t->kind == TK_ERROR)
        return;  /* the lexer has said what is wrong here */
    diag_at(p->diag, DIAG_ERROR, t->src, t->off, t->len,
            "expected %s, found %s", what, describe(p, t));
}

bool parse_expect(Parser *p, const char *word)
{
    if (parse_accept(p, word))
        return true;
    parse_error_expected(p, arena_printf(p->arena, "'%s'", word));
    return false;
}

bool parse_expect_punct(Parser *p, char c, const char *after)
{
    if (parse_accept_punct(p, c))
        return true;
    parse_error_expected(p, after ? arena_printf(p->arena, "'%c' after %s",
                                                 c, after)
                                  : arena_printf(p->arena, "'%c'", c));
    return false;
}

/* Braces nest: an error inside `{` ... `}` must not end the outer object. */
void parse_recover(Parser *p)
{
    int depth = 0;
    for (;;) {
        const Token *t = parse_cur(p);
        if (t->kind == TK_EOF)
            return;
        if (tok_punct(t, '{'))
            depth++;
        if (tok_punct(t, '}')) {
            if (depth == 0)
                return;
            depth--;
        }
        p->pos++;
        if (depth == 0 && (tok_punct(t, ';') || tok_punct(t, '}')))
            return;
    }
}

void parse_warn_truncated(Parser *p, const Token *t, const char *full,
                          const char *kept)
{
    diag_at(p->diag, DIAG_WARNING, t->src, t->off, t->len,
            "name is %zu bytes long; PostgreSQL truncates it to \"%s\" "
            "(%zu bytes), the name used here", strlen(full), kept,
            strlen(kept));
}

static bool ident(Parser *p, Ident *out, const char *what, bool whole)
{
    const Token *t = parse_cur(p);
    if (t->kind != TK_IDENT && t->kind != TK_QIDENT) {
        parse_error_expected(p, what);
        return false;
    }
    p->pos++;
    out->tok = t;
    out->name = tok_ident_full(p->arena, t);
    if (!whole && strlen(out->name) > PG_NAME_MAX) {
        const char *full = out->name;
        out->name = tok_ident(p->arena, t);
        parse_warn_truncated(p, t, full, out->name);
    }
    return true;
}

bool parse_ident(Parser *p, Ident *out, const char *what)
{
    return ident(p, out, what, false);
}

bool parse_ident_whole(Parser *p, Ident *out, const char *what)
{
    return ident(p, out, what, true);
}

/* qname = name ["." name] */
bool parse_qname(Parser *p, QName *out, const char *what)
{
    Ident first, second;
    if (!parse_ident(p, &first, what))
        return false;
    out->tok = first.tok;
    out->schema = NULL;
    out->name = first.name;
    if (tok_punct(parse_cur(p), '.')) {
        p->pos++;
        if (!parse_ident(p, &second, "a name after '.'"))
            return false;
        out->schema = first.name;
        out->name = second.name;
    }
    if (tok_punct(parse_cur(p), '.')) {
        parse_error_expected(p, "at most schema.name");
        return false;
    }
    const Token *last = parse_peek(p, -1);
    out->len = last->off + last->len - first.tok->off;
    return true;
}

/* list = ident ("," ident)* */
bool parse_ident_list(Parser *p, Vec *out, const char *what)
{
    do {
        Ident *id = arena_alloc(p->arena, sizeof *id);
        if (!parse_ident(p, id, what))
            return false;
        vec_push(p->arena, out, id);
    } while (parse_accept_punct(p, ','));
    return true;
}

Frag parse_frag(Parser *p, int from, int to)
{
    const Token *first = &p->tl->toks[from];
    Frag f = {first->src, first->off, 0, first};
    if (to > from) {
        const Token *last = &p->tl->toks[to - 1];
        f.len = last->off + last->len - first->off;
    }
    if (p->frags) {
        Frag *copy = arena_alloc(p->arena, sizeof *copy);
        *copy = f;
        vec_push(p->arena, p->frags, copy);
    }
    return f;
}

static bool is_open(const Token *t)
{
    return tok_punct(t, '(') || tok_punct(t, '[');
}

static bool is_close(const Token *t)
{
    return tok_punct(t, ')') || tok_punct(t, ']');
}

/* parens = "(" balanced-tokens ")" */
bool parse_parens(Parser *p, Frag *out, const char *what)
{
    const Token *open = parse_cur(p);
    if (!tok_punct(open, '(')) {
        parse_error_expected(p, what);
        return false;
    }
    int start = ++p->pos, depth = 1;
    for (;; p->pos++) {
        const Token *t = parse_cur(p);
        if (t->kind == TK_EOF || tok_punct(t, ';') || tok_punct(t, '}')) {
            int line, col;
            const Source *f;
            size_t fo;
            source_locate(open->src, open->off, &f, &fo, &line, &col);
            parse_error_expected(p, arena_printf(p->arena,
                "')' to close '(' at line %d", line));
            diag_at(p->diag, DIAG_NOTE, open->src, open->off, 1,
                    "to match this '('");
            return false;
        }
        depth += is_open(t) ? 1 : is_close(t) ? -1 : 0;
        if (depth == 0)
            break;
    }
    *out = parse_frag(p, start, p->pos);
    p->pos++;
    return true;
}

static bool is_stop(const Token *t, const char *const *stops)
{
    if (tok_punct(t, ';') || tok_punct(t, '{') || tok_punct(t, '}') ||
        t->kind == TK_EOF)
        return true;
    for (int i = 0; stops && stops[i]; i++)
        if (tok_is(t, stops[i]))
            return true;
    return false;
}

/* `comment` STRING `;`: a fragment read up to `;` ends before it. */
static bool at_trailing_comment(Parser *p)
{
    const Token *s = parse_peek(p, 1);
    return tok_is(parse_cur(p), "comment") &&
           (s->kind == TK_STRING || s->kind == TK_DOLLAR) &&
           tok_punct(parse_peek(p, 2), ';');
}

bool parse_until(Parser *p, const char *const *stops, Frag *out,
                 const char *what)
{
    int start = p->pos, depth = 0;
    for (;; p->pos++) {
        const Token *t = parse_cur(p);
        if (t->kind == TK_EOF ||
            (depth == 0 && (is_stop(t, stops) || at_trailing_comment(p))))
            break;
        if (depth > 0 && (tok_punct(t, ';') || tok_punct(t, '}')))
            break;  /* unbalanced: let the caller's expectation report it */
        depth += is_open(t) ? 1 : is_close(t) && depth > 0 ? -1 : 0;
    }
    if (p->pos == start) {
        if (what)
            parse_error_expected(p, what);
        return false;
    }
    *out = parse_frag(p, start, p->pos);
    return true;
}

void parse_split_commas(Parser *p, int from, int to, Vec *out)
{
    int start = from, depth = 0;
    for (int i = from; i <= to; i++) {
        const Token *t = &p->tl->toks[i];
        if (i == to || (depth == 0 && tok_punct(t, ','))) {
            Frag *f = arena_alloc(p->arena, sizeof *f);
            *f = parse_frag(p, start, i);
            vec_push(p->arena, out, f);
            start = i + 1;
            continue;
        }
        depth += is_open(t) ? 1 : is_close(t) ? -1 : 0;
    }
}

bool parse_string(Parser *p, const char **out, const Token **tok,
                  const char *what)
{
    const Token *t = parse_cur(p);
    if (t->kind != TK_STRING && t->kind != TK_DOLLAR) {
        parse_error_expected(p, what);
        return false;
    }
    p->pos++;
    *out = tok_string(p->arena, t);
    if (tok)
        *tok = t;
    return true;
}

bool parse_trailing_comment(Parser *p, const char **out, const Token **tok)
{
    if (!tok_is(parse_cur(p), "comment"))
        return true;
    p->pos++;
    return parse_string(p, out, tok, "a quoted comment");
}

Item *parse_new_item(Parser *p, ItemKind kind, const Token *tok)
{
    Item *it = arena_alloc(p->arena, sizeof *it);
    it->kind = kind;
    it->tok = tok;
    return it;
}

/* Levenshtein distance; names longer than PostgreSQL keeps are not
 * compared. */
int parse_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > PG_NAME_MAX || lb > PG_NAME_MAX)
        return 99;
    int row[PG_NAME_MAX + 2];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int sub = diag + (a[i - 1] != b[j - 1]);
            int best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

const char *parse_suggest(const char *word, const char *const *words)
{
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; words[i]; i++) {
        int d = parse_distance(word, words[i]);
        if (d < best_d) {
            best = words[i];
            best_d = d;
        }
    }
    return best;
}
