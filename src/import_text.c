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

void import_paren(Buf *b, const char *expr)
{
    if (import_wrapped(expr))
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
