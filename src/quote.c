/*
 * quote.c — the one place where identifiers, literals and C strings are
 * quoted for output.
 *
 * Identifiers and literals go through src/common/ident.c, which the
 * runtime shares: it follows PostgreSQL 15's quote_ident() exactly, so that
 * the SQL we emit reads like pg_dump's and a name round-trips through the
 * server unchanged.
 */
#include "schemac.h"

#include <string.h>

/* The compiler's buffer behind the shared writer (src/common). */
static void put_buf(void *to, const char *s, size_t n)
{
    buf_put(to, s, n);
}

SctlOut quote_out(Buf *b)
{
    return (SctlOut){put_buf, b};
}

/* The one quoting function, shared with the runtime's repairs. */
void quote_ident(Buf *b, const char *name)
{
    sctl_quote_ident(quote_out(b), name);
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
    sctl_quote_literal(quote_out(b), s);
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
    char cat = sctl_keyword_category(low);
    return cat != 0 && cat != 'U';
}
