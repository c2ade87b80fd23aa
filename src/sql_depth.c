/*
 * sql_depth.c — how deep a parse tree SQL text can make, told from the text
 * alone, before libpg_query sees it.
 *
 * libpg_query recurses once per tree level when it writes its JSON, and a
 * tree 100,000 levels deep (`x+1+1+...`, `((((x))))`, `not not ...`) runs
 * it off the stack.  Bison's own stack stops plain parentheses at 10,000,
 * but a left-associative chain needs no parser stack at all.  So the
 * estimate here is an upper bound on the depth, not a paren count: every
 * token of an operand chain may add a level (x collate "C" collate "C"
 * ..., x::t::t..., - - x), each bracket or CASE adds one for what is inside
 * it, and what PostgreSQL keeps as a flat list (items between commas,
 * operands of AND and OR, arms of CASE, statements) starts the count over.
 */
#include "schemac.h"

#include <string.h>

typedef struct Depth {
    const char *s;
    size_t len, i;
    int total;                     /* the estimate at this point */
    int group[SQL_MAX_DEPTH + 2];  /* chain length in each open group */
    bool is_case[SQL_MAX_DEPTH + 2];
    int open;                      /* open groups */
} Depth;

static bool ident_byte(unsigned char c)
{
    return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool op_byte(char c)
{
    return c && strchr("+-*/<>=~!@#%^&|`?:", c);
}

/* Words after which what follows is a new list item, not a deeper operand. */
static bool separator_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "and", "or", "when", "then", "else", "select", "from", "where",
        "having", "returning", "set", "values", "begin", "loop", "if",
        "elsif", "return", "declare", NULL};
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
            return true;
    return false;
}

/* Skips what starts at i and ends at the first `close` (doubled to
 * escape when `doubled`; after a backslash when `backslash`). */
static void skip_quoted(Depth *d, char close, bool backslash)
{
    for (d->i++; d->i < d->len; d->i++) {
        if (backslash && d->s[d->i] == '\\') {
            d->i++;
            continue;
        }
        if (d->s[d->i] != close)
            continue;
        if (d->i + 1 < d->len && d->s[d->i + 1] == close) {
            d->i++;
            continue;
        }
        d->i++;
        return;
    }
}

static void skip_block_comment(Depth *d)
{
    int level = 0;
    while (d->i + 1 < d->len) {
        if (d->s[d->i] == '/' && d->s[d->i + 1] == '*') {
            level++;
            d->i += 2;
        } else if (d->s[d->i] == '*' && d->s[d->i + 1] == '/') {
            d->i += 2;
            if (--level == 0)
                return;
        } else {
            d->i++;
        }
    }
    d->i = d->len;
}

/* $tag$ ... $tag$; false (nothing skipped) when i starts no tag. */
static bool skip_dollar(Depth *d)
{
    size_t t = d->i + 1;
    while (t < d->len && d->s[t] != '$' && ident_byte((unsigned char)d->s[t]) &&
           !(t == d->i + 1 && d->s[t] >= '0' && d->s[t] <= '9'))
        t++;
    if (t >= d->len || d->s[t] != '$')
        return false;
    size_t taglen = t + 1 - d->i;
    for (size_t k = t + 1; k + taglen <= d->len; k++)
        if (memcmp(d->s + k, d->s + d->i, taglen) == 0) {
            d->i = k + taglen;
            return true;
        }
    d->i = d->len;
    return true;
}

static void add(Depth *d, int n)
{
    d->group[d->open] += n;
    d->total += n;
}

static void restart(Depth *d)
{
    d->total -= d->group[d->open];
    d->group[d->open] = 0;
}

static void push(Depth *d, bool is_case)
{
    d->open++;
    d->group[d->open] = 0;
    d->is_case[d->open] = is_case;
    d->total++;
}

/* Closes the innermost group if it is of the kind closed (CASE by END);
 * a stray closer is PostgreSQL's to report. */
static void pop(Depth *d, bool is_case)
{
    if (d->open == 0 || d->is_case[d->open] != is_case)
        return;
    d->total -= d->group[d->open] + 1;
    d->open--;
}

static void word(Depth *d)
{
    size_t start = d->i;
    while (d->i < d->len && ident_byte((unsigned char)d->s[d->i]))
        d->i++;
    const char *w = d->s + start;
    size_t n = d->i - start;
    if (n == 4 && strncasecmp(w, "case", 4) == 0)
        push(d, true);
    else if (n == 3 && strncasecmp(w, "end", 3) == 0)
        pop(d, true);
    else if (separator_word(w, n))
        restart(d);
    else
        add(d, 1);
}

/* One token (or comment, or string) from i on. */
static void step(Depth *d)
{
    char c = d->s[d->i], next = d->i + 1 < d->len ? d->s[d->i + 1] : '\0';
    if (c == '-' && next == '-') {
        while (d->i < d->len && d->s[d->i] != '\n')
            d->i++;
    } else if (c == '/' && next == '*') {
        skip_block_comment(d);
    } else if (c == '\'' || c == '"') {
        bool e = c == '\'' && d->i > 0 && (d->s[d->i - 1] | 0x20) == 'e' &&
                 (d->i < 2 || !ident_byte((unsigned char)d->s[d->i - 2]));
        skip_quoted(d, c, e);
        add(d, 1);
    } else if (c == '$' && skip_dollar(d)) {
        add(d, 1);
    } else if (c == '(' || c == '[') {
        push(d, false);
        d->i++;
    } else if (c == ')' || c == ']') {
        pop(d, false);
        d->i++;
    } else if (c == ',' || c == ';') {
        restart(d);
        d->i++;
    } else if (op_byte(c)) {
        while (d->i < d->len && op_byte(d->s[d->i]) &&
               !(d->s[d->i] == '-' && d->i + 1 < d->len &&
                 d->s[d->i + 1] == '-'))
            d->i++;
        add(d, 1);
    } else if (ident_byte((unsigned char)c)) {
        word(d);
    } else {
        d->i++;
    }
}

long sql_depth_exceeded(const char *s, size_t len)
{
    Depth d = {.s = s, .len = len};
    while (d.i < d.len) {
        size_t at = d.i;
        step(&d);
        if (d.total > SQL_MAX_DEPTH || d.open > SQL_MAX_DEPTH)
            return (long)at;
    }
    return -1;
}
