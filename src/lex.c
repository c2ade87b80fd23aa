/*
 * lex.c — turns a source into tokens, following SQL's lexical rules so that
 * SQL fragments (expressions, queries, bodies) can be sliced out whole:
 * strings, quoted identifiers, dollar quotes and nested comments are single
 * units, and parentheses inside them never count.
 */
#include "schemac.h"

#include <string.h>

typedef struct Lexer {
    Arena *arena;
    const Source *src;
    const char *s;
    size_t len;
    size_t pos;
    Diag *diag;
    Token *toks;
    int ntoks;
    int cap;
} Lexer;

/* ORDER: follows TokenKind. */
static const char *const kind_names[] = {
    "end of file", "identifier", "quoted identifier", "string",
    "dollar-quoted string", "number", "parameter", "template parameter",
    "punctuation", "operator", "invalid token",
};

const char *lex_kind_name(TokenKind k)
{
    return kind_names[k];
}

static void lex_error(Lexer *lx, size_t off, size_t len, const char *msg)
{
    diag_at(lx->diag, DIAG_ERROR, lx->src, off, len, "%s", msg);
}

static void push(Lexer *lx, TokenKind kind, size_t off, size_t len)
{
    if (lx->ntoks == lx->cap) {
        int cap = lx->cap ? lx->cap * 2 : 256;
        Token *t = arena_alloc(lx->arena, sizeof(Token) * (size_t)cap);
        if (lx->ntoks)
            memcpy(t, lx->toks, sizeof(Token) * (size_t)lx->ntoks);
        lx->toks = t;
        lx->cap = cap;
    }
    lx->toks[lx->ntoks++] = (Token){kind, lx->src, off, len};
}

static int peek(const Lexer *lx, size_t ahead)
{
    size_t i = lx->pos + ahead;
    return i < lx->len ? (unsigned char)lx->s[i] : -1;
}

static bool is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c >= 0x80;
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_op_char(int c)
{
    return c >= 0 && strchr("+-*/<>=~!@#%^&|`?:", c) != NULL && c != 0;
}

/* ------------------------------------------------------------ encoding */

/* Length of a valid UTF-8 sequence at s[i], or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n)
{
    unsigned c = s[i];
    size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || i + len > n)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
        (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
        return 0;  /* overlong, surrogate, or beyond U+10FFFF */
    return len;
}

/* Every NUL and bad byte is reported once, wherever it is. */
static void check_encoding(Lexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->s;
    for (size_t i = 0; i < lx->len;) {
        if (s[i] == 0) {
            lex_error(lx, i, 1, "NUL byte in source");
            i++;
            continue;
        }
        size_t n = utf8_len(s, i, lx->len);
        if (n == 0) {
            lex_error(lx, i, 1, "invalid UTF-8 byte sequence");
            i++;
        } else {
            i += n;
        }
    }
}

/* ------------------------------------------------------------- pieces */

static void skip_line_comment(Lexer *lx)
{
    while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
        lx->pos++;
}

/* Block comments nest, as in PostgreSQL. */
static void skip_block_comment(Lexer *lx)
{
    size_t start = lx->pos;
    int depth = 0;
    while (lx->pos < lx->len) {
        if (peek(lx, 0) == '/' && peek(lx, 1) == '*') {
            depth++;
            lx->pos += 2;
        } else if (peek(lx, 0) == '*' && peek(lx, 1) == '/') {
            lx->pos += 2;
            if (--depth == 0)
                return;
        } else {
            lx->pos++;
        }
    }
    lex_error(lx, start, 2, "unterminated comment");
}

/* Quote doubling ('' or "") escapes; E-strings also take backslashes. */
static bool scan_quoted(Lexer *lx, char q, bool backslash)
{
    lx->pos++;
    while (lx->pos < lx->len) {
        char c = lx->s[lx->pos];
        if (backslash && c == '\\' && lx->pos + 1 < lx->len) {
            lx->pos += 2;
        } else if (c == q && peek(lx, 1) == q) {
            lx->pos += 2;
        } else if (c == q) {
            lx->pos++;
            return true;
        } else {
            lx->pos++;
        }
    }
    return false;
}

static void lex_string(Lexer *lx, size_t start, bool backslash)
{
    if (!scan_quoted(lx, '\'', backslash)) {
        lex_error(lx, start, 1, "unterminated string literal");
        push(lx, TK_ERROR, start, lx->pos - start);
        return;
    }
    push(lx, TK_STRING, start, lx->pos - start);
}

static void lex_quoted_ident(Lexer *lx)
{
    size_t start = lx->pos;
    if (!scan_quoted(lx, '"', false)) {
        lex_error(lx, start, 1, "unterminated quoted identifier");
        push(lx, TK_ERROR, start, lx->pos - start);
        return;
    }
    if (lx->pos - start == 2)
        lex_error(lx, start, 2, "zero-length quoted identifier");
    push(lx, TK_QIDENT, start, lx->pos - start);
}

/* Identifiers; a one-letter prefix before a quote makes a string. */
static void lex_word(Lexer *lx)
{
    size_t start = lx->pos;
    int c = peek(lx, 0);
    if (peek(lx, 1) == '\'' && strchr("eEbBxXnN", c)) {
        lx->pos++;
        lex_string(lx, start, c == 'e' || c == 'E');
        return;
    }
    while (lx->pos < lx->len && is_ident_char(peek(lx, 0)))
        lx->pos++;
    push(lx, TK_IDENT, start, lx->pos - start);
}

/* Length of a dollar-quote tag ($tag$ or $$) at pos, or 0 if none. */
static size_t dollar_tag(const Lexer *lx, size_t pos)
{
    size_t i = pos + 1;
    if (i < lx->len && is_ident_start((unsigned char)lx->s[i]))
        while (i < lx->len && is_ident_char((unsigned char)lx->s[i]) &&
               lx->s[i] != '$')
            i++;
    return i < lx->len && lx->s[i] == '$' ? i - pos + 1 : 0;
}

static void lex_dollar_string(Lexer *lx, size_t taglen)
{
    size_t start = lx->pos;
    const char *tag = lx->s + start;
    lx->pos += taglen;
    while (lx->pos + taglen <= lx->len) {
        if (lx->s[lx->pos] == '$' && memcmp(lx->s + lx->pos, tag, taglen) == 0) {
            lx->pos += taglen;
            push(lx, TK_DOLLAR, start, lx->pos - start);
            return;
        }
        lx->pos++;
    }
    lx->pos = lx->len;
    lex_error(lx, start, taglen, "unterminated dollar-quoted string");
    push(lx, TK_ERROR, start, lx->pos - start);
}

static void lex_subst(Lexer *lx)
{
    size_t start = lx->pos;
    lx->pos += 2;
    while (lx->pos < lx->len && is_ident_char(peek(lx, 0)) &&
           peek(lx, 0) != '$')
        lx->pos++;
    if (peek(lx, 0) != '}' || lx->pos == start + 2) {
        lex_error(lx, start, 2, "'${' must be followed by a name and '}'");
        push(lx, TK_ERROR, start, lx->pos - start);
        return;
    }
    lx->pos++;
    push(lx, TK_SUBST, start, lx->pos - start);
}

static void lex_dollar(Lexer *lx)
{
    size_t start = lx->pos;
    if (is_digit(peek(lx, 1))) {
        lx->pos++;
        while (is_digit(peek(lx, 0)))
            lx->pos++;
        push(lx, TK_PARAM, start, lx->pos - start);
    } else if (peek(lx, 1) == '{') {
        lex_subst(lx);
    } else if (dollar_tag(lx, start)) {
        lex_dollar_string(lx, dollar_tag(lx, start));
    } else {
        lex_error(lx, start, 1, "unexpected character '$'");
        push(lx, TK_ERROR, start, 1);
        lx->pos++;
    }
}

static void lex_number(Lexer *lx)
{
    size_t start = lx->pos;
    while (is_digit(peek(lx, 0)))
        lx->pos++;
    if (peek(lx, 0) == '.' && peek(lx, 1) != '.') {
        lx->pos++;
        while (is_digit(peek(lx, 0)))
            lx->pos++;
    }
    if ((peek(lx, 0) == 'e' || peek(lx, 0) == 'E') &&
        (is_digit(peek(lx, 1)) ||
         ((peek(lx, 1) == '+' || peek(lx, 1) == '-') && is_digit(peek(lx, 2)))))
    {
        lx->pos += 2;
        while (is_digit(peek(lx, 0)))
            lx->pos++;
    }
    push(lx, TK_NUMBER, start, lx->pos - start);
}

/*
 * Maximal munch, as in SQL, with its two exceptions: a comment start ends
 * the operator, and an operator of several characters cannot end in + or -
 * unless it holds one of ~ ! @ # % ^ & | ` ? (so a>-1 is > then -).
 */
static void lex_operator(Lexer *lx)
{
    size_t start = lx->pos;
    while (is_op_char(peek(lx, 0))) {
        if (lx->pos > start &&
            ((peek(lx, 0) == '-' && peek(lx, 1) == '-') ||
             (peek(lx, 0) == '/' && peek(lx, 1) == '*')))
            break;
        lx->pos++;
    }
    bool special = false;
    for (size_t i = start; i < lx->pos; i++)
        special |= strchr("~!@#%^&|`?", lx->s[i]) != NULL;
    while (!special && lx->pos - start > 1 &&
           (lx->s[lx->pos - 1] == '+' || lx->s[lx->pos - 1] == '-'))
        lx->pos--;
    push(lx, TK_OP, start, lx->pos - start);
}

static bool lex_punct_or_op(Lexer *lx, int c)
{
    if (c == ':' && (peek(lx, 1) == ':' || peek(lx, 1) == '=')) {
        push(lx, TK_OP, lx->pos, 2);
        lx->pos += 2;
        return true;
    }
    if (c > 0 && strchr("()[]{},;.:", c)) {
        push(lx, TK_PUNCT, lx->pos, 1);
        lx->pos++;
        return true;
    }
    if (is_op_char(c)) {
        lex_operator(lx);
        return true;
    }
    return false;
}

static void lex_unexpected(Lexer *lx, int c)
{
    if (c != 0 && (c >= 0x20 || c == 0x7F))
        lex_error(lx, lx->pos, 1, "unexpected character");
    else if (c != 0)
        lex_error(lx, lx->pos, 1, "unexpected control character");
    push(lx, TK_ERROR, lx->pos, 1);
    lx->pos++;
}

static void lex_one(Lexer *lx)
{
    int c = peek(lx, 0);
    if (c == '-' && peek(lx, 1) == '-')
        skip_line_comment(lx);
    else if (c == '/' && peek(lx, 1) == '*')
        skip_block_comment(lx);
    else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
             c == '\v')
        lx->pos++;
    else if (is_ident_start(c))
        lex_word(lx);
    else if (c == '"')
        lex_quoted_ident(lx);
    else if (c == '\'')
        lex_string(lx, lx->pos, false);
    else if (c == '$')
        lex_dollar(lx);
    else if (is_digit(c) || (c == '.' && is_digit(peek(lx, 1))))
        lex_number(lx);
    else if (!lex_punct_or_op(lx, c))
        lex_unexpected(lx, c);
}

TokenList lex_source(Arena *a, const Source *src, Diag *d)
{
    Lexer lx = {.arena = a, .src = src, .s = src->text, .len = src->len,
                .diag = d};
    check_encoding(&lx);
    if (lx.len >= 3 && memcmp(lx.s, "\xEF\xBB\xBF", 3) == 0)
        lx.pos = 3;  /* a byte order mark some editors write */
    while (lx.pos < lx.len)
        lex_one(&lx);
    push(&lx, TK_EOF, lx.len, 0);
    return (TokenList){lx.toks, lx.ntoks};
}

/* ------------------------------------------------------------- values */

const char *tok_text(const Token *t)
{
    return t->src->text + t->off;
}

bool tok_is(const Token *t, const char *word)
{
    size_t n = strlen(word);
    if (t->kind != TK_IDENT || t->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = tok_text(t)[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

bool tok_punct(const Token *t, char c)
{
    return t->kind == TK_PUNCT && tok_text(t)[0] == c;
}

bool tok_op(const Token *t, const char *op)
{
    return t->kind == TK_OP && t->len == strlen(op) &&
           memcmp(tok_text(t), op, t->len) == 0;
}

/* Only ASCII letters fold, as PostgreSQL does for UTF-8 databases. */
char *tok_ident(Arena *a, const Token *t)
{
    char *r = tok_ident_full(a, t);
    if (strlen(r) > PG_NAME_MAX)
        r[naming_clip(r, PG_NAME_MAX)] = '\0';
    return r;
}

char *tok_ident_full(Arena *a, const Token *t)
{
    const char *s = tok_text(t);
    if (t->kind != TK_QIDENT) {
        char *r = arena_strndup(a, s, t->len);
        for (char *p = r; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        return r;
    }
    char *r = arena_alloc(a, t->len);
    size_t n = 0;
    for (size_t i = 1; i + 1 < t->len; i++) {
        r[n++] = s[i];
        if (s[i] == '"')
            i++;
    }
    r[n] = '\0';
    return r;
}

void tok_string_body(const Token *t, size_t *off, size_t *len)
{
    const char *s = tok_text(t);
    if (t->kind == TK_DOLLAR) {
        size_t tag = 1;
        while (s[tag] != '$')
            tag++;
        tag++;
        *off = t->off + tag;
        *len = t->len - 2 * tag;
        return;
    }
    size_t q = s[0] == '\'' ? 0 : 1;  /* E'', B'', X'', N'' prefix */
    *off = t->off + q + 1;
    *len = t->len - q - 2;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One E-string escape at s[*i] (just past the backslash); returns bytes. */
static size_t unescape_one(const char *s, size_t *i, size_t end, char *out)
{
    char c = s[*i];
    const char *simple = "b\bf\fn\nr\rt\t";
    for (const char *p = simple; *p; p += 2)
        if (c == p[0]) {
            out[0] = p[1];
            return 1;
        }
    if (c == 'x' || c == 'u' || c == 'U') {
        size_t max = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        unsigned long v = 0;
        size_t k = 0;
        while (k < max && *i + 1 < end && hex_value(s[*i + 1]) >= 0) {
            v = v * 16 + (unsigned long)hex_value(s[++*i]);
            k++;
        }
        if (k == 0)  /* no digits: PostgreSQL keeps the letter */
            return out[0] = c, 1;
        return c == 'x' ? (out[0] = (char)v, 1) : put_utf8(out, v);
    }
    if (c >= '0' && c <= '7') {
        unsigned v = (unsigned)(c - '0');
        for (int k = 0; k < 2 && *i + 1 < end && s[*i + 1] >= '0' &&
                        s[*i + 1] <= '7'; k++)
            v = v * 8 + (unsigned)(s[++*i] - '0');
        out[0] = (char)v;
        return 1;
    }
    out[0] = c;
    return 1;
}

char *tok_string(Arena *a, const Token *t)
{
    size_t off, len;
    tok_string_body(t, &off, &len);
    const char *s = t->src->text;
    if (t->kind == TK_DOLLAR)
        return arena_strndup(a, s + off, len);
    bool escapes = s[t->off] == 'e' || s[t->off] == 'E';
    char *r = arena_alloc(a, len * 2 + 1);
    size_t n = 0, end = off + len;
    for (size_t i = off; i < end; i++) {
        if (escapes && s[i] == '\\' && i + 1 < end) {
            i++;
            n += unescape_one(s, &i, end, r + n);
        } else {
            r[n++] = s[i];
            if (s[i] == '\'' && i + 1 < end && s[i + 1] == '\'')
                i++;
        }
    }
    r[n] = '\0';
    return r;
}
