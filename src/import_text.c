/*
 * import_text.c — how `schemac import` spells names, types, literals and
 * expressions in .schema text.  Expressions come printed by the server
 * and are written as they are: only their outer parentheses are chosen.
 */
#include "import.h"

#include <string.h>

void import_ident(Buf *b, const char *name)
{
    quote_ident(b, name);
}

/* Words that start a table item: a column so named is quoted, so that
 * it cannot be read as one. */
static const char *const item_words[] = {
    "allow", "audit", "check", "comment", "constraint", "exclude",
    "foreign", "grant", "index", "partition", "partitions", "policy",
    "primary", "retain", "revoke", "row", "transitions", "trigger",
    "unique", "use", NULL,
};

void import_column_name(Buf *b, const char *name)
{
    for (int i = 0; item_words[i]; i++)
        if (strcmp(name, item_words[i]) == 0) {
            buf_printf(b, "\"%s\"", name);
            return;
        }
    quote_ident(b, name);
}

/* Unqualified in public, as the language reads an unqualified name. */
void import_qname(Buf *b, const char *schema, const char *name)
{
    if (strcmp(schema, "public") != 0) {
        quote_ident(b, schema);
        buf_putc(b, '.');
    }
    quote_ident(b, name);
}

void import_literal(Buf *b, const char *s)
{
    quote_literal(b, s);
}

/* The short spellings the projects use; the type is the same. */
void import_type(Buf *b, const char *type)
{
    static const struct {
        const char *lng, *shrt;
    } spell[] = {
        {"timestamp with time zone", "timestamptz"},
        {"timestamp without time zone", "timestamp"},
        {"time with time zone", "timetz"},
        {"time without time zone", "time"},
        {"character varying", "varchar"},
        {"character(", "char("},
        {"bit varying", "varbit"},
    };
    for (size_t i = 0; i < sizeof spell / sizeof spell[0]; i++) {
        size_t n = strlen(spell[i].lng);
        if (strncmp(type, spell[i].lng, n) == 0) {
            buf_puts(b, spell[i].shrt);
            buf_puts(b, type + n);
            return;
        }
    }
    buf_puts(b, type);
}

/* Where the parenthesis at s[0] closes, skipping strings and quoted
 * names; 0 if it does not. */
static size_t closing(const char *s)
{
    int depth = 0;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (c == '\'' || c == '"') {
            for (i++; s[i] && (s[i] != c || s[i + 1] == c); i++)
                if (s[i] == c)
                    i++;
            if (!s[i])
                return 0;
        } else if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return i;
    }
    return 0;
}

bool import_wrapped(const char *expr)
{
    size_t n = strlen(expr);
    return n > 1 && expr[0] == '(' && closing(expr) == n - 1;
}

/* A subquery's parentheses are its own: "( SELECT ...)" is wrapped again,
 * or the clause's parentheses would be taken for them. */
static bool subquery(const char *expr)
{
    const char *in = expr + 1 + strspn(expr + 1, " \n");
    return strncmp(in, "SELECT", 6) == 0 || strncmp(in, "WITH", 4) == 0 ||
           strncmp(in, "VALUES", 6) == 0;
}

void import_paren(Buf *b, const char *expr)
{
    if (import_wrapped(expr) && !subquery(expr))
        buf_puts(b, expr);
    else
        buf_printf(b, "(%s)", expr);
}

/* A dollar quote whose tag the body does not hold. */
void import_dollar(Buf *b, const char *body)
{
    quote_dollar(b, body, strlen(body));
}

/* Whether expr is a chain of ANDs at its own level (outside parentheses,
 * strings and quoted names), as the server prints a flattened AND. */
bool import_top_level_and(const char *expr)
{
    int depth = 0;
    for (size_t i = 0; expr[i]; i++) {
        char c = expr[i];
        if (c == '\'' || c == '"') {
            for (i++; expr[i] && expr[i] != c; i++)
                ;
            if (!expr[i])
                return true;
        } else if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (depth == 0 && strncmp(expr + i, " AND ", 5) == 0)
            return true;
    }
    return false;
}

/* The cast of an ARRAY[...] whose elements are all cast to one type,
 * "(ARRAY['a'::T, 'b'::T])::U": read back, the parser pushes ::U into the
 * elements (an ARRAY[] constructor takes its cast's type), so the server
 * would print another expression.  Cast the array to T[] first, as the
 * original was: "(ARRAY['a'::T, 'b'::T]::T[])::U". */
static const char *element_type(const char *elems, size_t n, size_t *tlen)
{
    const char *type = NULL;
    int depth = 0;
    size_t start = 0;
    *tlen = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? elems[i] : ',';
        if (c == '\'' || c == '"') {
            for (i++; i < n && elems[i] != c; i++)
                ;
            continue;
        }
        depth += c == '(' || c == '[';
        depth -= c == ')' || c == ']';
        if (depth || c != ',')
            continue;
        const char *e = elems + start;
        size_t len = i - start;
        const char *cast = NULL;
        for (size_t k = 0; k + 1 < len; k++)
            if (e[k] == '\'' )
                for (k++; k < len && e[k] != '\''; k++)
                    ;
            else if (e[k] == ':' && e[k + 1] == ':')
                cast = e + k + 2;
        if (!cast || e[len - 1] == ')')
            return NULL;
        size_t tl = (size_t)(e + len - cast);
        if (type && (tl != *tlen || strncmp(type, cast, tl) != 0))
            return NULL;
        type = cast;
        *tlen = tl;
        start = i + 1 + (i + 1 < n && elems[i + 1] == ' ');
    }
    return type;
}

char *import_fix_arrays(Arena *a, const char *expr)
{
    Buf b = {0};
    for (size_t i = 0; expr[i];) {
        char c = expr[i];
        if (c == '\'' || c == '"') {
            size_t j = i + 1;
            while (expr[j] && expr[j] != c)
                j++;
            buf_put(&b, expr + i, j - i + (expr[j] != 0));
            i = j + (expr[j] != 0);
            continue;
        }
        if (strncmp(expr + i, "(ARRAY[", 7) == 0) {
            size_t close = closing(expr + i);
            const char *in = expr + i + 7;
            size_t n = close > 8 ? close - 8 : 0;
            size_t tlen;
            const char *t = close && in[n] == ']' &&
                            strncmp(expr + i + close + 1, "::", 2) == 0
                                ? element_type(in, n, &tlen) : NULL;
            if (t) {
                buf_put(&b, expr + i, 7 + n + 1);
                buf_puts(&b, "::");
                buf_put(&b, t, tlen);
                buf_puts(&b, "[]");
                i += 7 + n + 1;
                continue;
            }
        }
        buf_putc(&b, c);
        i++;
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

/* A procedure's arguments as pg_get_function_arguments prints them, with
 * the "IN " it writes before each input argument left out (the default,
 * as a hand-written procedure has it).  Commas inside parentheses or
 * quotes of a default do not split. */
char *import_args_plain(Arena *a, const char *args)
{
    Buf b = {0};
    int depth = 0;
    bool start = true;
    for (size_t i = 0; args[i];) {
        char c = args[i];
        if (start && strncmp(args + i, "IN ", 3) == 0) {
            i += 3;
            start = false;
            continue;
        }
        start = false;
        if (c == '\'' || c == '"') {
            size_t j = i + 1;
            while (args[j] && args[j] != c)
                j++;
            buf_put(&b, args + i, j - i + (args[j] != 0));
            i = j + (args[j] != 0);
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        buf_putc(&b, c);
        i++;
        if (c == ',' && depth == 0) {
            while (args[i] == ' ')
                buf_putc(&b, args[i++]);
            start = true;
        }
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}
