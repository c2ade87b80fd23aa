/*
 * quote.c — the one place where identifiers, literals and C strings are
 * quoted for output.
 *
 * quote_ident follows PostgreSQL 15's quote_ident() exactly, so that the SQL
 * we emit reads like pg_dump's and a name round-trips through the server
 * unchanged.  The keyword categories come from catalog_data.c, generated
 * from the server's pg_get_keywords().
 */
#include "schemac.h"

#include <string.h>

/*
 * Defined in catalog.c: 'U', 'C', 'T', 'R' or 0 for an exact lower-case
 * word.  Declared here until schemac.h carries it (see catalog.c).
 */
char catalog_keyword_category(const char *word);

static bool is_lower_start(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_lower_rest(char c)
{
    return is_lower_start(c) || (c >= '0' && c <= '9');
}

/*
 * The server leaves a name bare only when the lexer would read it back as
 * the same identifier: lower-case ASCII letters, digits and underscores, no
 * leading digit, and no keyword other than an unreserved one.  Any other
 * byte, non-ASCII letters included, forces quotes.
 */
static bool is_bare(const char *name)
{
    if (!is_lower_start(name[0]))
        return false;
    for (const char *p = name + 1; *p; p++)
        if (!is_lower_rest(*p))
            return false;
    char cat = catalog_keyword_category(name);
    return cat == 0 || cat == 'U';
}

/* Appends s with every occurrence of q written twice, as SQL escapes it. */
static void put_doubling(Buf *b, const char *s, char q)
{
    const char *run = s;
    for (const char *p = s; *p; p++) {
        if (*p == q) {
            buf_put(b, run, (size_t)(p - run + 1));
            run = p;   /* the quote is written again with the next run */
        }
    }
    buf_puts(b, run);
}

/* Appends name, in double quotes (inner " doubled) unless it can be bare. */
void quote_ident(Buf *b, const char *name)
{
    if (is_bare(name)) {
        buf_puts(b, name);
        return;
    }
    buf_put(b, "\"", 1);
    put_doubling(b, name, '"');
    buf_put(b, "\"", 1);
}

/* Appends schema.name, each part quoted alone; no schema when NULL. */
void quote_qname(Buf *b, const char *schema, const char *name)
{
    if (schema) {
        quote_ident(b, schema);
        buf_put(b, ".", 1);
    }
    quote_ident(b, name);
}

/*
 * Appends '...' with inner ' doubled.  Backslashes stay as they are: the
 * output assumes standard_conforming_strings = on (the default since
 * PostgreSQL 9.1), where a backslash in '...' is an ordinary character.
 */
void quote_literal(Buf *b, const char *s)
{
    buf_put(b, "'", 1);
    put_doubling(b, s, '\'');
    buf_put(b, "'", 1);
}

/*
 * True if the lexer, reading s followed by the closing tag, would end the
 * string exactly at that closing tag.  Checking s alone is not enough: "a$"
 * closed by "$$" reads as "a" followed by a stray "$".
 */
static bool tag_fits(const char *s, size_t len, const char *tag)
{
    size_t tlen = strlen(tag);
    for (size_t i = 0; i < len; i++) {
        size_t k = 0;
        while (k < tlen) {
            size_t at = i + k;
            char c = at < len ? s[at] : tag[at - len];
            if (c != tag[k])
                break;
            k++;
        }
        if (k == tlen)
            return false;
    }
    return true;
}

/* Appends $$s$$, or $sN$s$sN$ with the first N = 1, 2, ... that fits. */
void quote_dollar(Buf *b, const char *s, size_t len)
{
    char tag[32] = "$$";
    for (unsigned n = 1; !tag_fits(s, len, tag); n++)
        snprintf(tag, sizeof tag, "$s%u$", n);
    buf_puts(b, tag);
    buf_put(b, s, len);
    buf_puts(b, tag);
}

/*
 * Appends "..." that a C compiler reads back as exactly these len bytes.
 * Octal escapes always take three digits so that a following digit is never
 * absorbed; '?' is escaped so that no "??x" trigraph can form.
 */
void quote_c(Buf *b, const char *s, size_t len)
{
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"' || c == '?') {
            char esc[2] = {'\\', (char)c};
            buf_put(b, esc, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            buf_printf(b, "\\%03o", c);
        } else {
            buf_put(b, (const char *)&c, 1);
        }
    }
    buf_put(b, "\"", 1);
}

/*
 * True if word, compared case-insensitively as the server's lexer does
 * (ASCII only), is a keyword of any category but unreserved.
 */
bool quote_is_reserved(const char *word)
{
    char low[PG_NAME_MAX + 1];
    size_t n = strlen(word);
    if (n > PG_NAME_MAX)
        return false;   /* longer than any keyword */
    for (size_t i = 0; i <= n; i++) {
        char c = word[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    char cat = catalog_keyword_category(low);
    return cat != 0 && cat != 'U';
}
