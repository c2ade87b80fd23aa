/*
 * json.c — just enough JSON to read libpg_query's parse trees.
 *
 * The reader is recursive descent, but every array or object entered counts
 * against JSON_MAX_DEPTH, so hostile input ends in an error, never in a stack
 * overflow.  Everything it builds lives in the caller's arena.
 */
#include "schemac.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any parse tree PostgreSQL's own parser accepts. */
#define JSON_MAX_DEPTH 4096

typedef struct Reader {
    Arena *a;
    const char *start;
    const char *p;
    const char *end;
    const char *err;   /* first error; parsing stops at once */
    int depth;
} Reader;

static Json *read_value(Reader *r);

static void *fail(Reader *r, const char *what, const char *at)
{
    if (!r->err)
        r->err = arena_printf(r->a, "%s at byte %zu", what,
                              (size_t)(at - r->start));
    return NULL;
}

static void skip_space(Reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
                             *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool is_digit(const char *p, const char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

static Json *new_json(Reader *r, JsonKind kind)
{
    Json *v = arena_alloc(r->a, sizeof *v);
    v->kind = kind;
    return v;
}

/* Matches a bare word (true, false, null) exactly. */
static bool take_word(Reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

static const char *skip_digits(const char *p, const char *end)
{
    while (is_digit(p, end))
        p++;
    return p;
}

/* number = -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static Json *read_number(Reader *r)
{
    const char *s = r->p, *p = s, *end = r->end;
    if (p < end && *p == '-')
        p++;
    if (!is_digit(p, end))
        return fail(r, "invalid number", s);
    p = *p == '0' ? p + 1 : skip_digits(p, end);
    if (p < end && *p == '.') {
        if (!is_digit(++p, end))
            return fail(r, "invalid number", s);
        p = skip_digits(p, end);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(p, end))
            return fail(r, "invalid number", s);
        p = skip_digits(p, end);
    }
    /* strtod needs a terminated copy: the text need not end here. */
    Json *v = new_json(r, JSON_NUMBER);
    v->u.number = strtod(arena_strndup(r->a, s, (size_t)(p - s)), NULL);
    r->p = p;
    return v;
}

static int hex4(const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *o, unsigned long c)
{
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | c >> 6);
        *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (char)(0xE0 | c >> 12);
        *o++ = (char)(0x80 | (c >> 6 & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xF0 | c >> 18);
        *o++ = (char)(0x80 | (c >> 12 & 0x3F));
        *o++ = (char)(0x80 | (c >> 6 & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

/*
 * Decodes \uXXXX (r->p at the 'u'), joining a surrogate pair into one code
 * point.  NUL is refused: the result must stay a C string.
 */
static char *unescape_u(Reader *r, char *o)
{
    const char *at = r->p - 1;
    long c = hex4(r->p + 1, r->end);
    if (c < 0)
        return fail(r, "invalid \\u escape", at);
    r->p += 5;
    if (c >= 0xD800 && c <= 0xDBFF) {
        long lo = r->end - r->p >= 2 && r->p[0] == '\\' && r->p[1] == 'u'
                  ? hex4(r->p + 2, r->end) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(r, "unpaired surrogate in \\u escape", at);
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        r->p += 6;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
        return fail(r, "unpaired surrogate in \\u escape", at);
    } else if (c == 0) {
        return fail(r, "\\u0000 in string", at);
    }
    return put_utf8(o, (unsigned long)c);
}

/* One escape sequence, r->p at the byte after the backslash. */
static char *unescape(Reader *r, char *o)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (*r->p == 'u')
        return unescape_u(r, o);
    const char *hit = memchr(from, *r->p, sizeof from - 1);
    if (!hit)
        return fail(r, "invalid escape", r->p - 1);
    r->p++;
    *o++ = to[hit - from];
    return o;
}

/* Bytes up to the closing quote: the most the unescaped text can need. */
static size_t raw_length(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q != '"')
        q += *q == '\\' && end - q > 1 ? 2 : 1;
    return (size_t)(q - p);
}

/* Unescaped text of the string at r->p; never longer than its source. */
static const char *read_string(Reader *r)
{
    const char *open = r->p++;
    char *out = arena_alloc(r->a, raw_length(r->p, r->end) + 1), *o = out;
    while (o) {
        /* A backslash needs a byte after it. */
        if (r->p >= r->end || (*r->p == '\\' && r->p + 1 >= r->end))
            return fail(r, "unterminated string", open);
        unsigned char c = (unsigned char)*r->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(r, "control character in string", r->p);
        r->p++;
        if (c == '\\')
            o = unescape(r, o);
        else
            *o++ = (char)c;
    }
    if (!o)
        return NULL;
    r->p++;
    *o = '\0';
    return out;
}

/* Arena copy of a Vec's pointers with their real type. */
static Json **items_of(Arena *a, const Vec *v)
{
    Json **items = arena_alloc(a, sizeof *items * (size_t)(v->len + 1));
    for (int i = 0; i < v->len; i++)
        items[i] = v->items[i];
    return items;
}

static const char **keys_of(Arena *a, const Vec *v)
{
    const char **keys = arena_alloc(a, sizeof *keys * (size_t)(v->len + 1));
    for (int i = 0; i < v->len; i++)
        keys[i] = v->items[i];
    return keys;
}

/* Consumes close (returning true) or a comma before the next element. */
static bool list_next(Reader *r, char close, const char *what)
{
    skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return true;
    }
    if (r->p < r->end && *r->p == ',') {
        r->p++;
        return false;
    }
    fail(r, what, r->p);
    return true;
}

/* Consumes close when the list is empty ("[]" or "{}"). */
static bool list_empty(Reader *r, char close)
{
    r->p++;
    skip_space(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return true;
    }
    return false;
}

/* array = "[" (value ("," value)*)? "]" */
static Json *read_array(Reader *r)
{
    Vec items = {0};
    if (!list_empty(r, ']')) {
        do {
            Json *item = read_value(r);
            if (!item)
                return NULL;
            vec_push(r->a, &items, item);
        } while (!list_next(r, ']', "expected ',' or ']'"));
    }
    Json *v = new_json(r, JSON_ARRAY);
    v->u.list.items = items_of(r->a, &items);
    v->u.list.len = items.len;
    return r->err ? NULL : v;
}

/* member = string ":" value */
static bool read_member(Reader *r, Vec *keys, Vec *items)
{
    skip_space(r);
    if (r->p >= r->end || *r->p != '"') {
        fail(r, "expected string key", r->p);
        return false;
    }
    const char *key = read_string(r);
    if (!key)
        return false;
    skip_space(r);
    if (r->p >= r->end || *r->p != ':') {
        fail(r, "expected ':'", r->p);
        return false;
    }
    r->p++;
    Json *item = read_value(r);
    if (!item)
        return false;
    vec_push(r->a, keys, (void *)key);
    vec_push(r->a, items, item);
    return true;
}

/* object = "{" (member ("," member)*)? "}" */
static Json *read_object(Reader *r)
{
    Vec keys = {0}, items = {0};
    if (!list_empty(r, '}')) {
        do {
            if (!read_member(r, &keys, &items))
                return NULL;
        } while (!list_next(r, '}', "expected ',' or '}'"));
    }
    Json *v = new_json(r, JSON_OBJECT);
    v->u.list.items = items_of(r->a, &items);
    v->u.list.keys = keys_of(r->a, &keys);
    v->u.list.len = items.len;
    return r->err ? NULL : v;
}

static Json *read_nested(Reader *r)
{
    if (++r->depth > JSON_MAX_DEPTH)
        return fail(r, "nesting deeper than 4096", r->p);
    Json *v = *r->p == '[' ? read_array(r) : read_object(r);
    r->depth--;
    return v;
}

static Json *read_literal(Reader *r)
{
    if (take_word(r, "null"))
        return new_json(r, JSON_NULL);
    bool truth = take_word(r, "true");
    if (!truth && !take_word(r, "false"))
        return fail(r, "expected a value", r->p);
    Json *v = new_json(r, JSON_BOOL);
    v->u.boolean = truth;
    return v;
}

/* value = string | number | array | object | true | false | null */
static Json *read_value(Reader *r)
{
    skip_space(r);
    if (r->p >= r->end)
        return fail(r, "unexpected end of input", r->p);
    char c = *r->p;
    if (c == '[' || c == '{')
        return read_nested(r);
    if (c == '-' || (c >= '0' && c <= '9'))
        return read_number(r);
    if (c != '"')
        return read_literal(r);
    const char *s = read_string(r);
    if (!s)
        return NULL;
    Json *v = new_json(r, JSON_STRING);
    v->u.string = s;
    return v;
}

/*
 * Parses exactly one JSON value filling text[0, len).  On failure returns
 * NULL and sets *err to "what at byte N"; the arena keeps any partial tree.
 */
Json *json_parse(Arena *a, const char *text, size_t len, const char **err)
{
    Reader r = { a, text, text, text + len, NULL, 0 };
    Json *v = read_value(&r);
    if (v) {
        skip_space(&r);
        if (r.p < r.end)
            v = fail(&r, "unexpected text after the value", r.p);
    }
    if (err)
        *err = r.err;
    return v;
}

/* The first member named key; NULL for a non-object or a missing key. */
Json *json_get(const Json *obj, const char *key)
{
    if (!obj || obj->kind != JSON_OBJECT)
        return NULL;
    for (int i = 0; i < obj->u.list.len; i++)
        if (strcmp(obj->u.list.keys[i], key) == 0)
            return obj->u.list.items[i];
    return NULL;
}

/* The string value; NULL for anything else, including NULL. */
const char *json_str(const Json *v)
{
    return v && v->kind == JSON_STRING ? v->u.string : NULL;
}

/* The number truncated toward zero; dflt if absent or not an int. */
int json_int(const Json *v, int dflt)
{
    if (!v || v->kind != JSON_NUMBER)
        return dflt;
    double d = v->u.number;
    /* The comparisons also reject NaN, whose cast would be undefined. */
    if (!(d > (double)INT_MIN - 1.0 && d < (double)INT_MAX + 1.0))
        return dflt;
    return (int)d;
}

/* Element or member count of an array or object; 0 for anything else. */
int json_len(const Json *v)
{
    if (!v || (v->kind != JSON_ARRAY && v->kind != JSON_OBJECT))
        return 0;
    return v->u.list.len;
}

/* The i-th array element; NULL when out of range or not an array. */
Json *json_at(const Json *v, int i)
{
    if (!v || v->kind != JSON_ARRAY || i < 0 || i >= v->u.list.len)
        return NULL;
    return v->u.list.items[i];
}
