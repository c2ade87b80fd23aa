/*
 * labels.c — lists of enum labels written as SQL literals joined by ','
 * ('a','it''s'), as the compiler writes an enum's renamed labels and as
 * quote_literal() prints them in the catalog reader (E'' when a label
 * holds a backslash).
 */
#include "objects.h"

#include <stdlib.h>
#include <string.h>

bool sctl_label_next(const char **p, char **out)
{
    const char *s = *p;
    if (!s || !*s)
        return false;
    bool e = *s == 'E';
    s += e + (s[e] == '\'');               /* the opening quote */
    size_t n = 0;
    char *v = malloc(strlen(s) + 1);
    if (!v)
        abort();
    while (*s && !(*s == '\'' && s[1] != '\'')) {
        if (*s == '\'' || (e && *s == '\\'))
            s++;
        v[n++] = *s++;
    }
    v[n] = '\0';
    s += *s == '\'';
    *p = s + (*s == ',');
    *out = v;
    return true;
}
