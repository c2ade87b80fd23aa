/*
 * ident.c — the one identifier-quoting function, shared by the compiler
 * (canonical SQL) and the runtime (repairs made at run time), so both write
 * a name the same way.  It follows PostgreSQL 15's quote_ident(): a name is
 * left bare only when the server's lexer would read it back unchanged.
 */
#include "objects.h"

#include <string.h>

long sctl_sorted_find(const char *const *list, size_t len, const char *name)
{
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, list[mid]);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static bool listed(const char *const *list, size_t len, const char *word)
{
    return sctl_sorted_find(list, len, word) >= 0;
}

char sctl_keyword_category(const char *word)
{
    if (listed(sctl_keywords_unreserved, sctl_keywords_unreserved_len, word))
        return 'U';
    if (listed(sctl_keywords_col_name, sctl_keywords_col_name_len, word))
        return 'C';
    if (listed(sctl_keywords_type_func_name, sctl_keywords_type_func_name_len,
               word))
        return 'T';
    if (listed(sctl_keywords_reserved, sctl_keywords_reserved_len, word))
        return 'R';
    return 0;
}

static bool lower_start(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

bool sctl_ident_is_bare(const char *name)
{
    if (!lower_start(name[0]))
        return false;
    for (const char *p = name + 1; *p; p++)
        if (!lower_start(*p) && !(*p >= '0' && *p <= '9'))
            return false;
    char cat = sctl_keyword_category(name);
    return cat == 0 || cat == 'U';
}

/* s with every q written twice, as SQL escapes it. */
static void put_doubling(SctlOut o, const char *s, char q)
{
    const char *run = s;
    for (const char *p = s; *p; p++)
        if (*p == q) {
            o.put(o.to, run, (size_t)(p - run + 1));
            run = p;    /* the quote is written again with the next run */
        }
    o.put(o.to, run, strlen(run));
}

void sctl_quote_ident(SctlOut o, const char *name)
{
    if (sctl_ident_is_bare(name)) {
        o.put(o.to, name, strlen(name));
        return;
    }
    o.put(o.to, "\"", 1);
    put_doubling(o, name, '"');
    o.put(o.to, "\"", 1);
}

/* Standard-conforming: backslashes are ordinary characters. */
void sctl_quote_literal(SctlOut o, const char *s)
{
    o.put(o.to, "'", 1);
    put_doubling(o, s, '\'');
    o.put(o.to, "'", 1);
}
